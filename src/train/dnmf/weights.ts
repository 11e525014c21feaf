/**
 * The DNMF's parameters as plain typed arrays. Training keeps the embedding tables here (only the rows
 * a batch touches move); inference and serialisation read them directly.
 */
import type { DenseLayer, DnmfArrays, DnmfShape } from '../../model/dnmf.ts';
import { normal } from './random.ts';

// One definition of the parameter shapes, shared with the serving side's forward pass.
export type { DenseLayer, DnmfShape } from '../../model/dnmf.ts';
/** Training's name for the DNMF's parameters as typed arrays. */
export type DnmfWeights = DnmfArrays;

export function denseLayerSizes(shape: DnmfShape): Array<[number, number]> {
  const sizes: Array<[number, number]> = [];
  let inputs = 2 * shape.mlpDim;
  for (const outputs of shape.mlpLayers) {
    sizes.push([inputs, outputs]);
    inputs = outputs;
  }
  sizes.push([shape.gmfDim + inputs, 1]);
  return sizes;
}

function normalArray(size: number, scale: number, random: () => number): Float32Array {
  const out = new Float32Array(size);
  for (let i = 0; i < size; i++) out[i] = normal(random) * scale;
  return out;
}

/** Glorot-uniform kernel and zero bias, Keras' Dense default. */
function glorotLayer(inputs: number, outputs: number, random: () => number): DenseLayer {
  const limit = Math.sqrt(6 / (inputs + outputs));
  const kernel = new Float32Array(inputs * outputs);
  for (let i = 0; i < kernel.length; i++) kernel[i] = (random() * 2 - 1) * limit;
  return { kernel, bias: new Float32Array(outputs), inputs, outputs };
}

export function initWeights(
  shape: DnmfShape,
  globalMean: number,
  initScale: number,
  random: () => number,
): DnmfWeights {
  const layers = denseLayerSizes(shape).map(([inputs, outputs]) => glorotLayer(inputs, outputs, random));
  return {
    shape,
    globalMean,
    userGmf: normalArray(shape.users * shape.gmfDim, initScale, random),
    movieGmf: normalArray(shape.movies * shape.gmfDim, initScale, random),
    userMlp: normalArray(shape.users * shape.mlpDim, initScale, random),
    movieMlp: normalArray(shape.movies * shape.mlpDim, initScale, random),
    userBias: new Float32Array(shape.users),
    movieBias: new Float32Array(shape.movies),
    mlp: layers.slice(0, -1),
    output: layers[layers.length - 1],
  };
}

export function cloneWeights(w: DnmfWeights): DnmfWeights {
  const layer = (l: DenseLayer): DenseLayer => ({ ...l, kernel: l.kernel.slice(), bias: l.bias.slice() });
  return {
    shape: { ...w.shape, mlpLayers: [...w.shape.mlpLayers] },
    globalMean: w.globalMean,
    userGmf: w.userGmf.slice(),
    movieGmf: w.movieGmf.slice(),
    userMlp: w.userMlp.slice(),
    movieMlp: w.movieMlp.slice(),
    userBias: w.userBias.slice(),
    movieBias: w.movieBias.slice(),
    mlp: w.mlp.map(layer),
    output: layer(w.output),
  };
}

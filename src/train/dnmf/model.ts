/** A trained DNMF: predicts ratings for raw MovieLens ids and round-trips through plain arrays. */
import { IdIndex } from './id-index.ts';
import { PairScorer } from './scorer.ts';
import type { DnmfOptions } from './types.ts';
import { denseLayerSizes, type DnmfShape, type DnmfWeights } from './weights.ts';
import { DNMF_FORMAT, DNMF_FORMAT_VERSION, dnmfBufferReader } from '../../model/serving-dnmf.ts';

export interface DnmfMeta {
  format: typeof DNMF_FORMAT;
  formatVersion: number;
  options: DnmfOptions;
  shape: DnmfShape;
  globalMean: number;
  /** Raw ids in row order of the embedding tables. */
  userIds: ArrayLike<number>;
  movieIds: ArrayLike<number>;
}

export interface SerializedDnmf {
  meta: DnmfMeta;
  buffers: Record<string, Float32Array>;
}

export class DnmfModel {
  private cachedScorer: PairScorer | undefined;

  constructor(
    readonly options: DnmfOptions,
    readonly users: IdIndex,
    readonly movies: IdIndex,
    readonly weights: DnmfWeights,
  ) {}

  /** Inference tables built from the weights on first use (weights are not modified after training). */
  scorer(): PairScorer {
    this.cachedScorer ??= new PairScorer(this.weights);
    return this.cachedScorer;
  }

  /**
   * Predicted ratings in [0.5, 5] for pairs of raw ids. An unknown user or movie falls back to the
   * biases that are known (the global mean when neither is).
   */
  predict(userIds: Int32Array, movieIds: Int32Array): Float32Array {
    if (userIds.length !== movieIds.length) throw new Error('userIds and movieIds differ in length');
    const scorer = this.scorer();
    const out = new Float32Array(userIds.length);
    for (let i = 0; i < out.length; i++) {
      out[i] = scorer.score(this.users.row(userIds[i]), this.movies.row(movieIds[i]));
    }
    return out;
  }

  serialize(): SerializedDnmf {
    const w = this.weights;
    const buffers: Record<string, Float32Array> = {
      userGmf: w.userGmf,
      movieGmf: w.movieGmf,
      userMlp: w.userMlp,
      movieMlp: w.movieMlp,
      userBias: w.userBias,
      movieBias: w.movieBias,
      'output.kernel': w.output.kernel,
      'output.bias': w.output.bias,
    };
    w.mlp.forEach((layer, i) => {
      buffers[`mlp.${i}.kernel`] = layer.kernel;
      buffers[`mlp.${i}.bias`] = layer.bias;
    });
    const meta: DnmfMeta = {
      format: DNMF_FORMAT,
      formatVersion: DNMF_FORMAT_VERSION,
      options: this.options,
      shape: w.shape,
      globalMean: w.globalMean,
      userIds: Array.from(this.users.ids),
      movieIds: Array.from(this.movies.ids),
    };
    return { meta, buffers };
  }

  static deserialize(s: SerializedDnmf): DnmfModel {
    const { meta, buffers } = s;
    const shape = meta.shape;
    const { take, layer } = dnmfBufferReader(meta, buffers);
    const sizes = denseLayerSizes(shape);
    const [outputInputs] = sizes[sizes.length - 1];
    const weights: DnmfWeights = {
      shape,
      globalMean: meta.globalMean,
      userGmf: take('userGmf', shape.users * shape.gmfDim),
      movieGmf: take('movieGmf', shape.movies * shape.gmfDim),
      userMlp: take('userMlp', shape.users * shape.mlpDim),
      movieMlp: take('movieMlp', shape.movies * shape.mlpDim),
      userBias: take('userBias', shape.users),
      movieBias: take('movieBias', shape.movies),
      mlp: sizes.slice(0, -1).map(([inputs, outputs], i) => layer(`mlp.${i}`, inputs, outputs)),
      output: layer('output', outputInputs, 1),
    };
    if (meta.userIds.length !== shape.users || meta.movieIds.length !== shape.movies) {
      throw new Error('DNMF id lists do not match the table shapes');
    }
    return new DnmfModel(
      meta.options,
      new IdIndex(Int32Array.from(meta.userIds)),
      new IdIndex(Int32Array.from(meta.movieIds)),
      weights,
    );
  }
}

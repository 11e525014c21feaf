/**
 * Fast typed-array inference for the DNMF. The first MLP layer acts on concat(user, movie), so it splits
 * into a user half and a movie half: both are computed once per user and once per movie here, and scoring
 * a pair costs only the GMF dot product plus the layers after the first. That is what makes the ~6 million
 * predictions of the top tables take seconds.
 */
import { clipRating } from '../baselines.ts';
import { dotProductsTiled, dotsWithVector } from './tiled-dot.ts';
import type { DnmfWeights } from './weights.ts';

/** Movies scored together by scoreAllMovies: big enough for tiling, small enough to stay in cache. */
const BLOCK = 256;

interface TransposedLayer {
  /** [outputs × inputs], so the inner loop over inputs reads memory in order. */
  kernelT: Float32Array;
  bias: Float32Array;
  inputs: number;
  outputs: number;
}

function elu(x: number): number {
  return x > 0 ? x : Math.expm1(x);
}

function transpose(kernel: Float32Array, inputs: number, outputs: number): Float32Array {
  const out = new Float32Array(kernel.length);
  for (let i = 0; i < inputs; i++)
    for (let o = 0; o < outputs; o++) out[o * inputs + i] = kernel[i * outputs + o];
  return out;
}

export class PairScorer {
  readonly users: number;
  readonly movies: number;
  private readonly gmfDim: number;
  private readonly firstWidth: number;
  /** User GMF rows already multiplied by the output weights of the GMF part. */
  private readonly userGmfWeighted: Float32Array;
  private readonly movieGmf: Float32Array;
  /** userMlp row · (user half of the first kernel). */
  private readonly userFirst: Float32Array;
  /** movieMlp row · (movie half of the first kernel) + first bias. */
  private readonly movieFirst: Float32Array;
  private readonly laterLayers: TransposedLayer[];
  private readonly outputMlpWeights: Float32Array;
  private readonly outputBias: number;
  private readonly globalMean: number;
  private readonly userBias: Float32Array;
  private readonly movieBias: Float32Array;
  private bufferA: Float64Array;
  private bufferB: Float64Array;
  /** Activations of BLOCK movies for scoreAllMovies. */
  private blockA: Float32Array;
  private blockB: Float32Array;
  private blockGmf = new Float64Array(BLOCK);

  constructor(w: DnmfWeights) {
    const { users, movies, gmfDim, mlpDim } = w.shape;
    this.users = users;
    this.movies = movies;
    this.gmfDim = gmfDim;
    const [first, ...later] = w.mlp;
    this.firstWidth = first.outputs;

    this.userGmfWeighted = new Float32Array(users * gmfDim);
    for (let u = 0; u < users; u++) {
      for (let k = 0; k < gmfDim; k++) {
        this.userGmfWeighted[u * gmfDim + k] = w.userGmf[u * gmfDim + k] * w.output.kernel[k];
      }
    }
    this.movieGmf = w.movieGmf;
    // Rows 0..mlpDim-1 of the first kernel read the user embedding, the rest the movie embedding.
    this.userFirst = halfLayer(w.userMlp, users, mlpDim, first.kernel, 0, first.outputs, undefined);
    this.movieFirst = halfLayer(w.movieMlp, movies, mlpDim, first.kernel, mlpDim, first.outputs, first.bias);
    this.laterLayers = later.map((l) => ({ ...l, kernelT: transpose(l.kernel, l.inputs, l.outputs) }));
    this.outputMlpWeights = w.output.kernel.subarray(gmfDim);
    this.outputBias = w.output.bias[0];
    this.globalMean = w.globalMean;
    this.userBias = w.userBias;
    this.movieBias = w.movieBias;
    const widest = Math.max(...w.mlp.map((l) => l.outputs));
    this.bufferA = new Float64Array(widest);
    this.bufferB = new Float64Array(widest);
    this.blockA = new Float32Array(BLOCK * widest);
    this.blockB = new Float32Array(BLOCK * widest);
  }

  /** GMF + MLP paths joined by the output layer: everything except the biases and the global mean. */
  interaction(u: number, m: number): number {
    const g = this.gmfDim;
    let score = this.outputBias;
    const uo = u * g;
    const mo = m * g;
    for (let k = 0; k < g; k++) score += this.userGmfWeighted[uo + k] * this.movieGmf[mo + k];

    let current = this.bufferA;
    let next = this.bufferB;
    const h = this.firstWidth;
    const ua = u * h;
    const mb = m * h;
    for (let j = 0; j < h; j++) current[j] = elu(this.userFirst[ua + j] + this.movieFirst[mb + j]);
    for (const layer of this.laterLayers) {
      const { kernelT, bias, inputs, outputs } = layer;
      for (let o = 0; o < outputs; o++) {
        let z = bias[o];
        const row = o * inputs;
        for (let i = 0; i < inputs; i++) z += kernelT[row + i] * current[i];
        next[o] = elu(z);
      }
      const swap = current;
      current = next;
      next = swap;
    }
    const out = this.outputMlpWeights;
    for (let i = 0; i < out.length; i++) score += out[i] * current[i];
    return score;
  }

  /**
   * Unclipped predictions of user row u for every movie row, into out (length ≥ movies). Same model as
   * interaction(), computed a block of movies at a time so the later layers run as tiled dot products.
   */
  scoreAllMovies(u: number, out: Float64Array): void {
    const { gmfDim: g, firstWidth: h, movies } = this;
    const userPart = this.globalMean + this.userBias[u] + this.outputBias;
    const uo = u * g;
    const ua = u * h;
    for (let m0 = 0; m0 < movies; m0 += BLOCK) {
      const count = Math.min(BLOCK, movies - m0);
      let current = this.blockA;
      let next = this.blockB;
      const gmf = this.blockGmf;
      dotsWithVector(this.movieGmf, m0, count, g, this.userGmfWeighted, uo, gmf);
      for (let i = 0; i < count; i++) {
        const m = m0 + i;
        out[m] = userPart + this.movieBias[m] + gmf[i];
        const mb = m * h;
        for (let j = 0; j < h; j++)
          current[i * h + j] = elu(this.userFirst[ua + j] + this.movieFirst[mb + j]);
      }
      let width = h;
      for (const { kernelT, bias, inputs, outputs } of this.laterLayers) {
        dotProductsTiled(current, kernelT, count, outputs, inputs, next, 0);
        for (let i = 0; i < count; i++) {
          for (let o = 0; o < outputs; o++) next[i * outputs + o] = elu(next[i * outputs + o] + bias[o]);
        }
        const swap = current;
        current = next;
        next = swap;
        width = outputs;
      }
      const w = this.outputMlpWeights;
      for (let i = 0; i < count; i++) {
        let score = 0;
        for (let j = 0; j < width; j++) score += w[j] * current[i * width + j];
        out[m0 + i] += score;
      }
    }
  }

  /** Unclipped bias-only prediction: μ + b_u + b_m, with an unknown side (row −1) contributing 0. */
  baseline(u: number, m: number): number {
    return this.globalMean + (u >= 0 ? this.userBias[u] : 0) + (m >= 0 ? this.movieBias[m] : 0);
  }

  /** Predicted rating, clipped to the rating scale. Unknown users or movies fall back to biases. */
  score(u: number, m: number): number {
    const raw = u >= 0 && m >= 0 ? this.baseline(u, m) + this.interaction(u, m) : this.baseline(u, m);
    return clipRating(raw);
  }
}

/** rows[r] · kernel[offset .. offset+dim) (+ bias): one half of the first dense layer for every row. */
function halfLayer(
  rows: Float32Array,
  count: number,
  dim: number,
  kernel: Float32Array,
  kernelRowOffset: number,
  outputs: number,
  bias: Float32Array | undefined,
): Float32Array {
  const out = new Float32Array(count * outputs);
  const acc = new Float64Array(outputs);
  for (let r = 0; r < count; r++) {
    if (bias) acc.set(bias);
    else acc.fill(0);
    for (let i = 0; i < dim; i++) {
      const x = rows[r * dim + i];
      const k = (kernelRowOffset + i) * outputs;
      for (let o = 0; o < outputs; o++) acc[o] += x * kernel[k + o];
    }
    out.set(acc, r * outputs);
  }
  return out;
}

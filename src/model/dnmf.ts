/**
 * The DNMF's forward pass, shared by training (RMSE) and serving (request-time
 * scoring against the movie side). It lives in src/model/, the inference layer both may import (serving
 * may not import train): one scorer for both, read from the weights a version stores (taste-model.bin).
 *
 * The first MLP layer acts on concat(user, movie), so it splits into a user half and a movie half,
 * each computed once per row: scoring a pair costs the GMF dot product plus the layers after the first.
 */

export interface DnmfShape {
  users: number;
  movies: number;
  gmfDim: number;
  mlpDim: number;
  mlpLayers: number[];
}

export interface DenseLayer {
  /** [inputs × outputs], row-major: the layout of tf.matMul(x, kernel). */
  kernel: Float32Array;
  bias: Float32Array;
  inputs: number;
  outputs: number;
}

/** The DNMF's parameters as typed arrays (train's DnmfWeights is this type). */
export interface DnmfArrays {
  shape: DnmfShape;
  globalMean: number;
  /** Row-major [users × gmfDim] etc. */
  userGmf: Float32Array;
  movieGmf: Float32Array;
  userMlp: Float32Array;
  movieMlp: Float32Array;
  userBias: Float32Array;
  movieBias: Float32Array;
  /** The MLP tower; layer 0 reads concat(userMlp row, movieMlp row). */
  mlp: DenseLayer[];
  /** Joins concat(GMF product, last MLP layer) into one scalar: [gmfDim + last layer width × 1]. */
  output: DenseLayer;
}

/**
 * One user as the forward pass sees it: a trained user's rows, or a member folded in at request time.
 * gmfWeighted is the GMF row times the output layer's GMF weights, so the GMF path is one dot product.
 */
export interface UserVector {
  gmfWeighted: Float32Array;
  /** The user half of the first MLP layer (userMlp row · its kernel rows). */
  first: Float32Array;
  bias: number;
}

export const RATING_MIN = 0.5;
export const RATING_MAX = 5;

export function clipToScale(rating: number): number {
  return Math.min(RATING_MAX, Math.max(RATING_MIN, rating));
}

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

export class DnmfScorer {
  readonly users: number;
  readonly movies: number;
  readonly gmfDim: number;
  protected readonly firstWidth: number;
  private readonly weights: DnmfArrays;
  private userGmfWeightedTable: Float32Array | undefined;
  private userFirstTable: Float32Array | undefined;
  readonly movieGmf: Float32Array;
  /** Output-layer weights of the GMF product (1 unless learnGmfWeights). */
  readonly gmfOutputWeights: Float32Array;
  /** movieMlp row · (movie half of the first kernel) + first bias. */
  protected readonly movieFirst: Float32Array;
  protected readonly laterLayers: TransposedLayer[];
  protected readonly outputMlpWeights: Float32Array;
  readonly outputBias: number;
  readonly globalMean: number;
  protected readonly userBias: Float32Array;
  readonly movieBias: Float32Array;
  private readonly firstKernelUserHalf: Float32Array;
  private readonly mlpDim: number;
  private bufferA: Float64Array;
  private bufferB: Float64Array;

  constructor(w: DnmfArrays) {
    const { users, movies, gmfDim, mlpDim } = w.shape;
    this.users = users;
    this.movies = movies;
    this.gmfDim = gmfDim;
    this.mlpDim = mlpDim;
    const [first, ...later] = w.mlp;
    this.firstWidth = first.outputs;
    this.gmfOutputWeights = w.output.kernel.subarray(0, gmfDim);

    this.weights = w;
    this.movieGmf = w.movieGmf;
    // Rows 0..mlpDim-1 of the first kernel read the user embedding, the rest the movie embedding.
    this.firstKernelUserHalf = first.kernel.subarray(0, mlpDim * first.outputs);
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
  }

  /**
   * User GMF rows already multiplied by the output weights of the GMF part. Built on first use: serving
   * scores folded-in members and only needs trained users for evaluation (200k users × 64 on ml-32m).
   */
  protected get userGmfWeighted(): Float32Array {
    if (!this.userGmfWeightedTable) {
      const { userGmf, output } = this.weights;
      const g = this.gmfDim;
      const table = new Float32Array(this.users * g);
      for (let u = 0; u < this.users; u++) {
        for (let k = 0; k < g; k++) table[u * g + k] = userGmf[u * g + k] * output.kernel[k];
      }
      this.userGmfWeightedTable = table;
    }
    return this.userGmfWeightedTable;
  }

  /** userMlp row · (user half of the first kernel), for every trained user; built on first use too. */
  protected get userFirst(): Float32Array {
    this.userFirstTable ??= halfLayer(
      this.weights.userMlp,
      this.users,
      this.mlpDim,
      this.weights.mlp[0].kernel,
      0,
      this.firstWidth,
      undefined,
    );
    return this.userFirstTable;
  }

  /** A trained user's rows as a UserVector (views, not copies). */
  trainedUser(u: number): UserVector {
    const g = this.gmfDim;
    const h = this.firstWidth;
    return {
      gmfWeighted: this.userGmfWeighted.subarray(u * g, (u + 1) * g),
      first: this.userFirst.subarray(u * h, (u + 1) * h),
      bias: this.userBias[u],
    };
  }

  /** The user half of the first MLP layer for an arbitrary MLP user embedding. */
  firstLayerOf(userMlp: Float32Array): Float32Array {
    return halfLayer(userMlp, 1, this.mlpDim, this.firstKernelUserHalf, 0, this.firstWidth, undefined);
  }

  /** The mean MLP user embedding over the trained users (how serving treats a folded-in user's MLP side). */
  meanUserMlp(userMlp: Float32Array): Float32Array {
    const d = this.mlpDim;
    const mean = new Float64Array(d);
    for (let u = 0; u < this.users; u++) for (let i = 0; i < d; i++) mean[i] += userMlp[u * d + i];
    return Float32Array.from(mean, (x) => (this.users > 0 ? x / this.users : 0));
  }

  /** The MLP path's contribution (through the output layer) for a user's first-layer half and movie row m. */
  mlpPath(userFirst: Float32Array, m: number): number {
    let current = this.bufferA;
    let next = this.bufferB;
    const h = this.firstWidth;
    const mb = m * h;
    for (let j = 0; j < h; j++) current[j] = elu(userFirst[j] + this.movieFirst[mb + j]);
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
    let score = 0;
    for (let i = 0; i < out.length; i++) score += out[i] * current[i];
    return score;
  }

  /** The GMF path for a user vector and movie row m: gmfWeighted · movieGmf[m]. */
  gmfPath(gmfWeighted: Float32Array, m: number): number {
    const g = this.gmfDim;
    const mo = m * g;
    let score = 0;
    for (let k = 0; k < g; k++) score += gmfWeighted[k] * this.movieGmf[mo + k];
    return score;
  }

  /** GMF + MLP paths joined by the output layer: everything except the biases and the global mean. */
  interactionOf(user: UserVector, m: number): number {
    return this.outputBias + this.gmfPath(user.gmfWeighted, m) + this.mlpPath(user.first, m);
  }

  /** Unclipped prediction for an explicit user vector. */
  predictOf(user: UserVector, m: number): number {
    return this.globalMean + user.bias + this.movieBias[m] + this.interactionOf(user, m);
  }

  /** interactionOf for trained user row u. */
  interaction(u: number, m: number): number {
    return this.interactionOf(this.trainedUser(u), m);
  }

  /** Unclipped bias-only prediction: μ + b_u + b_m, with an unknown side (row −1) contributing 0. */
  baseline(u: number, m: number): number {
    return this.globalMean + (u >= 0 ? this.userBias[u] : 0) + (m >= 0 ? this.movieBias[m] : 0);
  }

  /** Predicted rating, clipped to the rating scale. Unknown users or movies fall back to biases. */
  score(u: number, m: number): number {
    const raw = u >= 0 && m >= 0 ? this.baseline(u, m) + this.interaction(u, m) : this.baseline(u, m);
    return clipToScale(raw);
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

/**
 * Batched typed-array inference for the DNMF's legacy all-pairs tables. The forward pass itself is
 * src/model/dnmf.ts (shared with serving); this adds scoring one user against every movie a block at
 * a time, so the later layers run as tiled dot products.
 */
import { DnmfScorer } from '../../model/dnmf.ts';
import { dotProductsTiled, dotsWithVector } from './tiled-dot.ts';
import type { DnmfWeights } from './weights.ts';

/** Movies scored together by scoreAllMovies: big enough for tiling, small enough to stay in cache. */
const BLOCK = 256;

function elu(x: number): number {
  return x > 0 ? x : Math.expm1(x);
}

export class PairScorer extends DnmfScorer {
  /** Activations of BLOCK movies for scoreAllMovies. */
  private blockA: Float32Array;
  private blockB: Float32Array;
  private blockGmf = new Float64Array(BLOCK);

  constructor(w: DnmfWeights) {
    super(w);
    const widest = Math.max(...w.mlp.map((l) => l.outputs));
    this.blockA = new Float32Array(BLOCK * widest);
    this.blockB = new Float32Array(BLOCK * widest);
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
    // The tables are built on first use (see DnmfScorer); read them once, not in the inner loops.
    const userGmfWeighted = this.userGmfWeighted;
    const userFirst = this.userFirst;
    for (let m0 = 0; m0 < movies; m0 += BLOCK) {
      const count = Math.min(BLOCK, movies - m0);
      let current = this.blockA;
      let next = this.blockB;
      const gmf = this.blockGmf;
      dotsWithVector(this.movieGmf, m0, count, g, userGmfWeighted, uo, gmf);
      for (let i = 0; i < count; i++) {
        const m = m0 + i;
        out[m] = userPart + this.movieBias[m] + gmf[i];
        const mb = m * h;
        for (let j = 0; j < h; j++) current[i * h + j] = elu(userFirst[ua + j] + this.movieFirst[mb + j]);
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
}

/**
 * Honest comparisons (issue 14, "Honest statistics"): two methods are compared on the same users, so the
 * question is the distribution of the per-user difference, not of each mean on its own. A paired bootstrap
 * resamples users (with replacement, seeded) and reports the 2.5 % and 97.5 % quantiles of the mean
 * difference: an interval that excludes 0 says the order of the two is not luck of the draw of users.
 */
import { createRng } from '../random.ts';

export interface PairedComparison {
  /** Users (or groups) compared. */
  n: number;
  meanA: number;
  meanB: number;
  /** meanA − meanB. */
  difference: number;
  /** Bootstrap 95 % interval of the mean difference (percentile method). */
  low: number;
  high: number;
  /** meanA / meanB; null when meanB is 0. */
  ratio: number | null;
  resamples: number;
  seed: number;
}

export const DEFAULT_RESAMPLES = 2000;

/** Paired bootstrap of mean(a) − mean(b) over the same users: a[i] and b[i] are one user's values. */
export function pairedBootstrap(
  a: readonly number[],
  b: readonly number[],
  options: { seed: number; resamples?: number },
): PairedComparison {
  if (a.length !== b.length)
    throw new RangeError(`paired values need equal lengths, got ${a.length} and ${b.length}`);
  if (a.length === 0) throw new RangeError('a paired comparison needs at least one user');
  const resamples = options.resamples ?? DEFAULT_RESAMPLES;
  if (!Number.isInteger(resamples) || resamples < 1)
    throw new RangeError(`resamples must be a positive integer, got ${resamples}`);
  const n = a.length;
  const differences = a.map((value, i) => value - b[i]);
  const rng = createRng(options.seed);
  const means = new Float64Array(resamples);
  for (let r = 0; r < resamples; r++) {
    let sum = 0;
    for (let i = 0; i < n; i++) sum += differences[Math.floor(rng() * n)];
    means[r] = sum / n;
  }
  means.sort();
  const meanA = mean(a);
  const meanB = mean(b);
  return {
    n,
    meanA,
    meanB,
    difference: meanA - meanB,
    low: quantile(means, 0.025),
    high: quantile(means, 0.975),
    ratio: meanB === 0 ? null : meanA / meanB,
    resamples,
    seed: options.seed,
  };
}

export function mean(values: readonly number[]): number {
  return values.reduce((sum, value) => sum + value, 0) / values.length;
}

/** Linear interpolation between the closest ranks of sorted values (type 7, as R and numpy default). */
export function quantile(sorted: ArrayLike<number>, q: number): number {
  if (sorted.length === 0) return NaN;
  const at = (sorted.length - 1) * q;
  const below = Math.floor(at);
  const above = Math.ceil(at);
  return sorted[below] + (sorted[above] - sorted[below]) * (at - below);
}

/** Per-user means over several drawn answers (one array per seed, each in user order). */
export function meanOverDraws(perSeed: readonly (readonly number[])[]): number[] {
  if (perSeed.length === 0) throw new RangeError('no draws to average');
  return perSeed[0].map((_, i) => mean(perSeed.map((values) => values[i])));
}

/**
 * Top-k ranking metrics for one ranked list against one user's held-out relevant items, LensKit-style:
 * each is a pure function of (list, relevant, k), and the evaluation averages them over users.
 */

export interface ListScores {
  /** 1 when at least one of the first k items is relevant, else 0. */
  hit: number;
  /** Relevant items among the first k, divided by k (a short list is not rewarded for being short). */
  precision: number;
  /** Relevant items among the first k, divided by min(k, relevant items): 1 is reachable for every user. */
  recall: number;
  /** DCG of the first k (gain 1 per relevant item, discount 1/log2(rank + 1)) over the ideal DCG. */
  ndcg: number;
}

export type MetricName = keyof ListScores;
export const METRIC_NAMES: readonly MetricName[] = ['hit', 'precision', 'recall', 'ndcg'];

function relevantInTop(list: readonly number[], relevant: ReadonlySet<number>, k: number): number {
  let found = 0;
  for (const item of list.slice(0, k)) if (relevant.has(item)) found++;
  return found;
}

function checkK(k: number): void {
  if (!Number.isInteger(k) || k < 1) throw new RangeError(`k must be a positive integer, got ${k}`);
}

export function hitAtK(list: readonly number[], relevant: ReadonlySet<number>, k: number): number {
  checkK(k);
  return relevantInTop(list, relevant, k) > 0 ? 1 : 0;
}

export function precisionAtK(list: readonly number[], relevant: ReadonlySet<number>, k: number): number {
  checkK(k);
  return relevantInTop(list, relevant, k) / k;
}

/** 0 for a user without relevant items (the protocol only scores users who have some). */
export function recallAtK(list: readonly number[], relevant: ReadonlySet<number>, k: number): number {
  checkK(k);
  const possible = Math.min(k, relevant.size);
  return possible === 0 ? 0 : relevantInTop(list, relevant, k) / possible;
}

export function ndcgAtK(list: readonly number[], relevant: ReadonlySet<number>, k: number): number {
  checkK(k);
  let dcg = 0;
  list.slice(0, k).forEach((item, index) => {
    if (relevant.has(item)) dcg += 1 / Math.log2(index + 2);
  });
  let ideal = 0;
  for (let index = 0; index < Math.min(k, relevant.size); index++) ideal += 1 / Math.log2(index + 2);
  return ideal === 0 ? 0 : dcg / ideal;
}

export function scoreList(list: readonly number[], relevant: ReadonlySet<number>, k: number): ListScores {
  return {
    hit: hitAtK(list, relevant, k),
    precision: precisionAtK(list, relevant, k),
    recall: recallAtK(list, relevant, k),
    ndcg: ndcgAtK(list, relevant, k),
  };
}

/** Mean of each metric over users; NaN for no users (nothing measured is not zero). */
export function meanScores(scores: readonly ListScores[]): ListScores {
  const mean = (name: MetricName) => scores.reduce((sum, s) => sum + s[name], 0) / scores.length;
  return { hit: mean('hit'), precision: mean('precision'), recall: mean('recall'), ndcg: mean('ndcg') };
}

/** Jaccard overlap |a ∩ b| / |a ∪ b| of two lists as sets; 0 for two empty lists. */
export function jaccard(a: readonly number[], b: readonly number[]): number {
  const setA = new Set(a);
  const setB = new Set(b);
  let both = 0;
  for (const item of setA) if (setB.has(item)) both++;
  const union = setA.size + setB.size - both;
  return union === 0 ? 0 : both / union;
}

/** Median with linear interpolation between the two middle values; NaN when empty. */
export function median(values: readonly number[]): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const middle = (sorted.length - 1) / 2;
  return (sorted[Math.floor(middle)] + sorted[Math.ceil(middle)]) / 2;
}

/**
 * Relevant movies served per 100 users (the figure, 100·k·mean precision) and its standard error
 * (100 · sample standard deviation of the per-user hit counts / √users): hits are few, so say how sure.
 */
export function hitsPer100(
  scores: readonly ListScores[],
  k: number,
): { value: number; standardError: number } {
  const hits = scores.map((s) => s.precision * k);
  const n = hits.length;
  const mean = hits.reduce((sum, h) => sum + h, 0) / n;
  const variance = n < 2 ? NaN : hits.reduce((sum, h) => sum + (h - mean) ** 2, 0) / (n - 1);
  return { value: 100 * mean, standardError: (100 * Math.sqrt(variance)) / Math.sqrt(n) };
}

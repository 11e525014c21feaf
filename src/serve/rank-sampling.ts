/**
 * Random choice that favours better candidates.
 *
 * Candidates are drawn with probability ∝ RANK_DECAY^rank (best first = rank 0) rather than in proportion to
 * their raw score: cosine similarities and predicted ratings live on different scales, and the DNMF top rows
 * are bunched (4.6–4.9 stars), so score weights would be close to uniform. Rank weights give the same, known
 * preference for both sources — the best candidate is ~7.5× likelier than the 10th — while every candidate in
 * the pool can still appear, so asking again with the same picks gives a different mix.
 */
import type { Rng } from '../random.ts';

export const RANK_DECAY = 0.8;

/** An index in [0, length), 0 most likely. length must be ≥ 1. */
export function drawRankIndex(length: number, rng: Rng): number {
  const total = (1 - RANK_DECAY ** length) / (1 - RANK_DECAY);
  let remaining = rng() * total;
  let weight = 1;
  for (let index = 0; index < length - 1; index++) {
    remaining -= weight;
    if (remaining < 0) return index;
    weight *= RANK_DECAY;
  }
  return length - 1;
}

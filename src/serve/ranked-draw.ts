/**
 * Choosing one list from a ranking: each slot is drawn among the best `window` candidates still free,
 * favouring the better ones (rank weights RANK_DECAY^rank, see rank-sampling.ts). Asking again with the
 * same input gives a different mix while the top of the ranking stays the likeliest answer; with a
 * seeded rng the draw is reproducible.
 */
import { drawRankIndex } from './rank-sampling.ts';
import type { ScoredCandidate } from './recommendation.ts';
import type { Rng } from '../random.ts';

export function drawRanked(
  ranked: readonly ScoredCandidate[],
  need: number,
  window: number,
  rng: Rng,
  isTaken: (movieId: number) => boolean,
): ScoredCandidate[] {
  const open = ranked.filter((candidate) => !isTaken(candidate.movieId)).slice(0, window + need);
  const chosen: ScoredCandidate[] = [];
  while (chosen.length < need && open.length > 0) {
    const [candidate] = open.splice(drawRankIndex(Math.min(window, open.length), rng), 1);
    chosen.push(candidate);
  }
  // Shown best first, whatever order they were drawn in.
  return chosen.sort((a, b) => b.score - a.score || a.movieId - b.movieId);
}

/**
 * "Hidden gems" from the DNMF tables: the users predicted to love a pick (usersPerMovie, among users who have
 * not rated it) → their top predicted unrated movies (moviesPerUser).
 */
import type { Artifacts } from '../artifacts/types.ts';
import type { PoolAtStep } from './balanced-draw.ts';
import type { Candidate } from './recommendation.ts';

/** Users taken from the top of the pick's usersPerMovie row at each widening step; the last takes the whole row. */
export const USER_WIDTHS: readonly number[] = [3, 10, Infinity];

interface Gathered {
  userIds: number[];
  ratingSum: number;
}

export function dnmfPools(artifacts: Artifacts, isExcluded: (movieId: number) => boolean): PoolAtStep {
  return (pickId, step) => {
    // Rows are stored best first, as the training pipeline writes them.
    const row = artifacts.usersPerMovie.get(pickId) ?? [];
    const userCount = Math.min(USER_WIDTHS[step], row.length);
    const gathered = new Map<number, Gathered>();
    for (const user of row.slice(0, userCount)) {
      for (const { id: movieId, score } of artifacts.moviesPerUser.get(user.id) ?? []) {
        if (isExcluded(movieId) || !artifacts.movies.has(movieId)) continue;
        const entry = gathered.get(movieId);
        if (!entry) gathered.set(movieId, { userIds: [user.id], ratingSum: score });
        else if (!entry.userIds.includes(user.id)) {
          entry.userIds.push(user.id);
          entry.ratingSum += score;
        }
      }
    }
    const candidates: Candidate[] = [...gathered].map(([movieId, { userIds, ratingSum }]) => ({
      movieId,
      reason: { kind: 'dnmf', pickId, userIds, predictedRating: ratingSum / userIds.length },
    }));
    // A movie several of the pick's fans are predicted to love is a stronger signal than one fan's top score.
    candidates.sort((a, b) => compareStrength(a, b) || a.movieId - b.movieId);
    return { candidates, exhausted: userCount >= row.length || step >= USER_WIDTHS.length - 1 };
  };
}

/** Negative when a is stronger: more matched fans first, then the higher mean predicted rating. */
function compareStrength(a: Candidate, b: Candidate): number {
  if (a.reason.kind !== 'dnmf' || b.reason.kind !== 'dnmf') return 0;
  return (
    b.reason.userIds.length - a.reason.userIds.length || b.reason.predictedRating - a.reason.predictedRating
  );
}

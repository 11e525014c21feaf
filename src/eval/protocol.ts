/**
 * Who is evaluated and against what (README "Evaluation" documents it): a held-out user qualifies with at
 * least 3 catalog movies in train and at least one liked (≥ 4) test movie outside the catalog. Their picks are
 * their 3 highest-rated catalog movies in train (ties: the better catalog rank first, so it is deterministic
 * and favours what /recommend users see first); relevant = their test ratings ≥ 4 outside the catalog (the
 * engine never recommends a catalog movie, so those could never be hit); their train movies are excluded
 * from what they are served, as the bot excludes what a member rated.
 */
import type { RatingTable } from '../data/types.ts';

export interface ProtocolOptions {
  /** Picks per request (the /recommend form). */
  picks: number;
  /** A test rating at least this high is relevant. */
  likedThreshold: number;
}

export const DEFAULT_PROTOCOL: ProtocolOptions = { picks: 3, likedThreshold: 4 };

export interface EvalUser {
  userId: number;
  /** Catalog movies, best-rated first. */
  picks: number[];
  /** Liked held-out movies outside the catalog. */
  relevant: Set<number>;
  /** Everything the user rated in train (never to be served to them). */
  trainMovies: Set<number>;
  /** The user's train ratings, for fold-in. */
  trainRatings: { movieId: number; rating: number }[];
}

export function qualifyingUsers(
  train: RatingTable,
  test: RatingTable,
  catalogInRankOrder: readonly number[],
  options: ProtocolOptions = DEFAULT_PROTOCOL,
): EvalUser[] {
  const rank = new Map(catalogInRankOrder.map((movieId, index) => [movieId, index]));
  const trainByUser = groupByUser(train);
  const relevantByUser = new Map<number, Set<number>>();
  for (let i = 0; i < test.userIds.length; i++) {
    if (test.ratings[i] < options.likedThreshold || rank.has(test.movieIds[i])) continue;
    const set = relevantByUser.get(test.userIds[i]) ?? new Set<number>();
    set.add(test.movieIds[i]);
    relevantByUser.set(test.userIds[i], set);
  }
  const users: EvalUser[] = [];
  for (const [userId, relevant] of [...relevantByUser].sort((a, b) => a[0] - b[0])) {
    const trainRatings = trainByUser.get(userId) ?? [];
    const catalogRated = trainRatings
      .filter((r) => rank.has(r.movieId))
      .sort((a, b) => b.rating - a.rating || rank.get(a.movieId)! - rank.get(b.movieId)!);
    if (catalogRated.length < options.picks) continue;
    users.push({
      userId,
      picks: catalogRated.slice(0, options.picks).map((r) => r.movieId),
      relevant,
      trainMovies: new Set(trainRatings.map((r) => r.movieId)),
      trainRatings,
    });
  }
  return users;
}

function groupByUser(table: RatingTable): Map<number, { movieId: number; rating: number }[]> {
  const byUser = new Map<number, { movieId: number; rating: number }[]>();
  for (let i = 0; i < table.userIds.length; i++) {
    const rows = byUser.get(table.userIds[i]) ?? [];
    rows.push({ movieId: table.movieIds[i], rating: table.ratings[i] });
    byUser.set(table.userIds[i], rows);
  }
  return byUser;
}

/** Rows of `table` whose user is not in `users`: the training set of a model those users are unknown to. */
export function withoutUsers(table: RatingTable, users: ReadonlySet<number>): RatingTable {
  const keep: number[] = [];
  for (let i = 0; i < table.userIds.length; i++) if (!users.has(table.userIds[i])) keep.push(i);
  return {
    userIds: Int32Array.from(keep, (i) => table.userIds[i]),
    movieIds: Int32Array.from(keep, (i) => table.movieIds[i]),
    ratings: Float32Array.from(keep, (i) => table.ratings[i]),
  };
}

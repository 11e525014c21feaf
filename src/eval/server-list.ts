/**
 * Issue 16's measurement: is a server's watch list, ranked for the group that will watch, better ordered
 * than at random? For each group of new members a 20-movie list is built holding some of their held-out
 * liked movies (up to `liked`) and other movies none of them liked or told, as well known as the liked
 * ones (see buildServerList); each ranker orders it, and the
 * order is scored by nDCG@5 against the liked ones. Random order is scored by its exact expectation (no
 * draw to be lucky with), and each ranker is compared with it over the same groups (paired bootstrap).
 *
 * The engine is the ranker that matters: `rankListForGroup` uses its group scoring when it exposes one
 * (`rankForGroup`, the same folded-in scoring as /movienight's picks, dislike guard included); the
 * fold-in rankers below are the comparisons, and the report says which ranker produced which line.
 */
import type { MemberRating } from '../serve/recommendation.ts';
import { createRng, sampleDistinct, type Rng } from '../random.ts';
import { ndcgAtK } from './metrics.ts';

/** What the engine is expected to expose for issue 16 (movieIds in, the same ids best first out). */
export interface GroupListRanking {
  rankForGroup(members: readonly (readonly MemberRating[])[], movieIds: readonly number[]): number[];
}

export type GroupListRanker = (
  members: readonly (readonly MemberRating[])[],
  movieIds: readonly number[],
) => number[];

export function hasGroupListRanking(engine: object): engine is GroupListRanking {
  return typeof (engine as Partial<GroupListRanking>).rankForGroup === 'function';
}

/**
 * The engine's own ranking of an arbitrary list for a group, or undefined when the engine exposes none.
 * The serving engine has `rankForGroup` (GroupListRanking); an engine without it (an older build, an
 * ablation) gets undefined and the server-list lines say so.
 */
export function rankListForGroup(
  engine: object,
  members: readonly (readonly MemberRating[])[],
  movieIds: readonly number[],
): number[] | undefined {
  return hasGroupListRanking(engine) ? engine.rankForGroup(members, movieIds) : undefined;
}

export interface ServerList {
  movieIds: number[];
  /** The list's movies a member liked (held out, untold). */
  relevant: Set<number>;
}

export interface ServerListOptions {
  size: number;
  /** Liked movies put in the list (fewer when the group has fewer). */
  liked: number;
  /** Each other movie is drawn among this many movies nearest in training count to a liked one. */
  window: number;
}

export const DEFAULT_SERVER_LIST: ServerListOptions = { size: 20, liked: 5, window: 40 };

/**
 * One group's list: up to `liked` of the group's held-out liked movies of `pool`, then others that no member liked or
 * told, each drawn near one of the liked movies in popularity (from the `window` movies of `pool` whose
 * training count is closest to it), in a seeded random order. Matched in popularity, so that "the most
 * rated first" cannot sort the liked movies to the top: a ranker has to know the group (`most-rated`
 * is reported as the control).
 */
export function buildServerList(
  liked: ReadonlySet<number>,
  told: ReadonlySet<number>,
  pool: readonly number[],
  count: (movieId: number) => number,
  rng: Rng,
  options: ServerListOptions = DEFAULT_SERVER_LIST,
): ServerList {
  // Only movies of the pool: a server's list holds movies the bot knows.
  const likedInPool = pool.filter((movieId) => liked.has(movieId)).sort((a, b) => a - b);
  const chosenLiked = sampleDistinct(likedInPool, options.liked, rng);
  const open = pool
    .filter((movieId) => !liked.has(movieId) && !told.has(movieId))
    .sort((a, b) => count(a) - count(b) || a - b);
  const others = new Set<number>();
  const want = Math.min(options.size - chosenLiked.length, open.length);
  for (let i = 0; others.size < want; i++) {
    const anchor = chosenLiked.length > 0 ? count(chosenLiked[i % chosenLiked.length]) : count(open[0]);
    const at = lowerBound(open, anchor, count);
    const from = Math.max(0, Math.min(at - options.window / 2, open.length - options.window));
    const window = open.slice(from, from + options.window).filter((movieId) => !others.has(movieId));
    const pick = window.length > 0 ? window : open.filter((movieId) => !others.has(movieId));
    others.add(pick[Math.floor(rng() * pick.length)]);
  }
  const movieIds = sampleDistinct([...chosenLiked, ...others], options.size, rng);
  return { movieIds, relevant: new Set(chosenLiked) };
}

/** First index of `sorted` (ascending by count) whose count is at least `target`. */
function lowerBound(sorted: readonly number[], target: number, count: (movieId: number) => number): number {
  let low = 0;
  let high = sorted.length;
  while (low < high) {
    const middle = (low + high) >> 1;
    if (count(sorted[middle]) < target) low = middle + 1;
    else high = middle;
  }
  return low;
}

/** nDCG@k of a list of `size` with `relevant` relevant movies in uniformly random order (exact). */
export function expectedRandomNdcg(size: number, relevant: number, k: number): number {
  if (relevant === 0) return 0;
  let discount = 0;
  for (let p = 0; p < Math.min(k, size); p++) discount += 1 / Math.log2(p + 2);
  let ideal = 0;
  for (let p = 0; p < Math.min(k, relevant); p++) ideal += 1 / Math.log2(p + 2);
  return ((relevant / size) * discount) / ideal;
}

/** Per-group nDCG@k of each ranker's order, and of random order (expected). */
export function scoreServerLists(
  lists: readonly ServerList[],
  members: readonly (readonly (readonly MemberRating[])[])[],
  rankers: Readonly<Record<string, GroupListRanker>>,
  k: number,
): Record<string, number[]> {
  const scores: Record<string, number[]> = {
    random: lists.map((list) => expectedRandomNdcg(list.movieIds.length, list.relevant.size, k)),
  };
  for (const [name, rank] of Object.entries(rankers)) {
    scores[name] = lists.map((list, i) => {
      const ranked = rank(members[i], list.movieIds);
      if (ranked.length !== list.movieIds.length || new Set(ranked).size !== ranked.length)
        throw new Error(`ranker ${name} did not return a permutation of the list`);
      return ndcgAtK(ranked, list.relevant, k);
    });
  }
  return scores;
}

/** A seeded RNG per group, so adding a group or a ranker never changes another group's list. */
export function groupRng(seed: number, group: number): Rng {
  return createRng(seed * 7919 + group * 104_729 + 16);
}

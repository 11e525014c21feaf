/**
 * What a set of answers serves, beyond accuracy: how many distinct movies, how well known they are, and how
 * concentrated on a few movies (or, for the DNMF's reasons, on a few "fan" users) the answers are.
 */
import { median } from './metrics.ts';

export interface ServedStats {
  /** Answers (lists) looked at. */
  lists: number;
  /** Distinct movies served over all lists. */
  coverage: number;
  /** Median training rating count of the served movies, one value per slot (a movie served twice counts twice). */
  novelty: number;
  /** Share of answers holding the most frequent movie, and that movie. */
  topMovieShare: number;
  topMovieId: number | null;
  /** Share of all slots filled by the 10 most frequent movies. */
  top10Share: number;
}

export function servedStats(
  lists: readonly (readonly number[])[],
  ratingCount: (movieId: number) => number,
): ServedStats {
  const answersWith = new Map<number, number>();
  const counts: number[] = [];
  let slots = 0;
  for (const list of lists) {
    for (const movieId of new Set(list)) answersWith.set(movieId, (answersWith.get(movieId) ?? 0) + 1);
    for (const movieId of list) counts.push(ratingCount(movieId));
    slots += list.length;
  }
  const ranked = [...answersWith].sort((a, b) => b[1] - a[1] || a[0] - b[0]);
  // A list never repeats a movie (the engine guarantees it), so answers holding a movie = its slots.
  const top10Slots = ranked.slice(0, 10).reduce((sum, [, n]) => sum + n, 0);
  return {
    lists: lists.length,
    coverage: answersWith.size,
    novelty: median(counts),
    topMovieShare: ranked.length === 0 ? 0 : ranked[0][1] / lists.length,
    topMovieId: ranked.length === 0 ? null : ranked[0][0],
    top10Share: slots === 0 ? 0 : top10Slots / slots,
  };
}

export type FanStats =
  | {
      /** Reasons that name users (one per served movie). */
      reasons: number;
      /** Distinct users named. */
      distinctFans: number;
      /** Share of those reasons naming the most frequent user, and that user. */
      topFanShare: number;
      topFanId: number | null;
    }
  | { reasons: 0; topFanShare: null; why: string };

/**
 * Over the reasons of every served movie: how much one user is "behind" the answers. Reasons without user ids
 * (e.g. a fallback, or a method that does not name users) are counted as such.
 */
export function fanStats(reasons: readonly object[]): FanStats {
  const naming = new Map<number, number>();
  let withUsers = 0;
  const kindsWithout = new Set<string>();
  for (const reason of reasons) {
    const userIds = (reason as { userIds?: unknown }).userIds;
    if (!Array.isArray(userIds)) {
      kindsWithout.add(String((reason as { kind?: unknown }).kind));
      continue;
    }
    withUsers++;
    for (const userId of new Set(userIds as number[])) naming.set(userId, (naming.get(userId) ?? 0) + 1);
  }
  if (withUsers === 0) {
    return {
      reasons: 0,
      topFanShare: null,
      why: `no reason names users (reason kinds: ${[...kindsWithout].sort().join(', ') || 'none'})`,
    };
  }
  const top = [...naming].sort((a, b) => b[1] - a[1] || a[0] - b[0])[0];
  return {
    reasons: withUsers,
    distinctFans: naming.size,
    topFanShare: top ? top[1] / withUsers : 0,
    topFanId: top ? top[0] : null,
  };
}

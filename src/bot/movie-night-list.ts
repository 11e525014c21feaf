/**
 * `/movienight pick from:list|mix`: the server's list ranked for the group that will watch (the engine's
 * group scoring, the same as the picks', dislike guard included), then fresh picks for the rest of the ten.
 * The cards say only that a movie is on the server's list and how it ranks for the group: nobody's ratings.
 */
import { DEFAULT_PER_SOURCE } from '../serve/engine.ts';
import type { MemberRating, Recommendation, Recommendations } from '../serve/recommendation.ts';
import type { ServingSnapshot } from '../serve/serving-models.ts';

export const LIST_CHOICES = ['fresh', 'list', 'mix'] as const;
export type ListChoice = (typeof LIST_CHOICES)[number];

/** An answer's ten cards. */
const ANSWER_SIZE = 2 * DEFAULT_PER_SOURCE;
/** How many of the ten may come from the list: `list` as many as it has, `mix` half. */
const LIST_SHARE: Record<ListChoice, number> = { fresh: 0, list: ANSWER_SIZE, mix: DEFAULT_PER_SOURCE };

export const isListChoice = (value: unknown): value is ListChoice =>
  typeof value === 'string' && (LIST_CHOICES as readonly string[]).includes(value);

/**
 * The list's movies for this group, best first, at most the choice's share: never one the group rated,
 * saw or dismissed (`exclude`), nor one the model does not know.
 */
export function rankedFromList(
  snapshot: ServingSnapshot,
  members: readonly (readonly MemberRating[])[],
  listIds: readonly number[],
  exclude: ReadonlySet<number>,
  choice: ListChoice,
): Recommendation[] {
  if (LIST_SHARE[choice] === 0) return [];
  const eligible = listIds.filter((id) => !exclude.has(id) && snapshot.artifacts.movies.has(id));
  const ranked = snapshot.engine.rankForGroup(members, eligible).slice(0, LIST_SHARE[choice]);
  const scores = snapshot.engine.groupScores(members, ranked);
  return ranked.map((movieId) => {
    const score = scores.get(movieId);
    return {
      movieId,
      movie: snapshot.artifacts.movies.get(movieId)!,
      reason: {
        kind: 'server-list',
        ...(score ? { meanPredicted: score.meanPredicted, lowestPredicted: score.lowestPredicted } : {}),
      },
    };
  });
}

/** The list's movies first, then the fresh picks (popular and gems alike) up to ten. */
export function fillWithPicks(fromList: Recommendation[], fresh: Recommendations): Recommendations {
  if (fromList.length === 0) return fresh;
  const rest = Math.max(0, ANSWER_SIZE - fromList.length);
  const gems = Math.min(fresh.hiddenGems.length, Math.floor(rest / 2));
  const popular = Math.min(fresh.popularPicks.length, rest - gems);
  return {
    picks: fresh.picks,
    fromServerList: fromList,
    popularPicks: fresh.popularPicks.slice(0, popular),
    hiddenGems: fresh.hiddenGems.slice(0, rest - popular),
  };
}

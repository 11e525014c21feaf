/**
 * One plain-text sentence (no Markdown: callers escape or embed it) telling a member why a movie was
 * recommended, from the reason the engine recorded. In plain words: no similarity scores, model names or
 * predicted stars (those stay in the CLI's --json and the evaluation), and it says so when a movie is a
 * fallback rather than a model's answer.
 *
 * Whose movies a sentence may name depends on who reads it (PRIVACY.md, "Who can see it"):
 * - `owner`: only the member who asked sees it (a private answer, the CLI): their own rated movies may be named.
 * - `public`: the channel sees it. Only the picks the member typed into this command are named (they chose to
 *   show them); never a movie anyone rated, marked or imported. Group reasons never name anyone's movies,
 *   whoever reads them.
 */
import type { Artifacts } from '../artifacts/types.ts';
import type { RecommendationReason } from './recommendation.ts';
import { parseTitle } from './titles.ts';

/** How many movies to name before summarising as "and N more". */
const MAX_NAMED = 3;

export type ReasonAudience = 'owner' | 'public';

export interface DescribeOptions {
  /** Who reads the sentence. Default 'public': the safe choice when a caller does not say. */
  audience?: ReasonAudience;
}

export function describeReason(
  reason: RecommendationReason,
  artifacts: Artifacts,
  options: DescribeOptions = {},
): string {
  const audience = options.audience ?? 'public';
  const names = (ids: readonly number[]) => joinNames(namedList(ids, artifacts));
  switch (reason.kind) {
    case 'knn-combined': {
      const ids = reason.matches.map((match) => match.movieId);
      if (reason.basis === 'picks') return `People who liked ${names(ids)} rated this highly too.`;
      if (reason.basis === 'group-ratings') return 'Close to what your group loves.';
      return audience === 'owner'
        ? `People who liked ${names(ids)}, which you rated highly, rated this highly too.`
        : 'Rated highly by people whose taste is close to yours.';
    }
    case 'dnmf-fold-in': {
      const because = reason.pickIds.length > 0 ? `, most of all ${names(reason.pickIds)}` : '';
      return `A less-known movie that fans of your three picks like more than most viewers do${because}.`;
    }
    case 'watch-similar': {
      const ids = reason.matches.map((match) => match.movieId);
      return ids.length > 0
        ? `A less-known movie often watched by people who watched ${names(ids)}.`
        : 'A less-known movie often watched by people who watched your picks.';
    }
    case 'dnmf-personal':
      return `A less-known movie that fits the taste of your ${countText(reason.ratingCount, 'rating')}.`;
    case 'dnmf-group':
      return reason.lowestPredicted >= DISLIKE_BELOW
        ? 'A less-known movie close to what your group loves, that nobody in it is expected to dislike.'
        : 'A less-known movie close to what most of your group loves.';
    case 'server-list':
      if (reason.lowestPredicted === undefined)
        return 'On your server’s list; the model knows too little about it to rank it for your group.';
      return reason.lowestPredicted >= DISLIKE_BELOW
        ? 'On your server’s list, ranked for your group: nobody in it is expected to dislike it.'
        : 'On your server’s list, ranked lower for your group: someone in it may not enjoy it.';
    case 'taste': {
      // The member's own rated movies and predicted stars only for the member (a /foryou may be public).
      const owner = audience === 'owner';
      const who =
        owner && reason.because.length > 0
          ? `people who watched ${names(reason.because)}, which you rated${reason.becauseLiked ? ' highly' : ''}`
          : 'people whose taste is close to yours';
      // A stars-path prediction at the top of the scale is clipped, not a real 5: it is not shown.
      const stars =
        owner && reason.predictedRating !== undefined && reason.predictedRating < 4.95
          ? ` You'd rate it about ${reason.predictedRating.toFixed(1)} of 5.`
          : '';
      return `${reason.list === 'gem' ? 'A less-known movie often' : 'Often'} watched by ${who}.${stars}`;
    }
    case 'taste-group':
      return reason.lowestPredicted === undefined || reason.lowestPredicted >= DISLIKE_BELOW
        ? "A less-known movie close to what your group loves, each member's taste counted alike, that nobody in it is expected to dislike."
        : "A less-known movie close to what your group loves, each member's taste counted alike.";
    case 'popular-fallback':
      return (
        `Few close matches, so a well-liked movie outside the top ${artifacts.catalog.length}: ` +
        `MovieLens viewers gave it ${reason.mean.toFixed(1)} of 5 stars on average (${countText(reason.count, 'rating')}).`
      );
  }
}

/** Below this predicted rating a member is taken to dislike a movie (the engine's guard uses the same idea). */
const DISLIKE_BELOW = 3;

function countText(count: number, noun: string): string {
  return count === 1 ? `1 ${noun}` : `${count} ${noun}s`;
}

/** "Amelie (2001)": the main title and year, without alternates, which would make the sentence unreadable. */
function pickName(movieId: number, artifacts: Artifacts): string {
  const title = artifacts.movies.get(movieId)?.title;
  if (!title) return `movie ${movieId}`;
  const { main, yearText } = parseTitle(title);
  return yearText ? `${main} ${yearText}` : main;
}

/** At most MAX_NAMED names, then "N more". */
function namedList(ids: readonly number[], artifacts: Artifacts): string[] {
  const named = ids.slice(0, MAX_NAMED).map((id) => pickName(id, artifacts));
  const more = ids.length - MAX_NAMED;
  return more > 0 ? [...named, `${more} more`] : named;
}

/** "A", "A and B", "A, B and C". */
function joinNames(names: readonly string[]): string {
  if (names.length <= 1) return names.join('');
  return `${names.slice(0, -1).join(', ')} and ${names[names.length - 1]}`;
}

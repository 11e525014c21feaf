/**
 * One plain-text sentence (no Markdown: callers escape or embed it) telling the user why a movie was
 * recommended, from the reason the engine recorded. Says what the numbers are, and says so when a movie is a
 * fallback rather than a model's answer.
 */
import type { Artifacts } from '../artifacts/types.ts';
import type { RecommendationReason } from './recommendation.ts';
import { parseTitle } from './titles.ts';

/** How many matched user ids to list before summarising as "and N more". */
const MAX_LISTED_USERS = 3;

export function describeReason(reason: RecommendationReason, artifacts: Artifacts): string {
  switch (reason.kind) {
    case 'knn':
      return (
        `Rated like ${pickName(reason.pickId, artifacts)} by the same people ` +
        `(cosine similarity ${reason.similarity.toFixed(2)}, neighbour #${reason.neighbourRank}).`
      );
    case 'dnmf': {
      const fans = reason.userIds.length === 1 ? '1 user' : `${reason.userIds.length} users`;
      return (
        `The DNMF model predicts ${reason.predictedRating.toFixed(1)}/5 from ${fans} it expects to love ` +
        `${pickName(reason.pickId, artifacts)} (${listUsers(reason.userIds)}).`
      );
    }
    case 'popular-fallback':
      return (
        `Not enough model matches for your picks, so a well-rated movie outside the top ${artifacts.catalog.length}: ` +
        `${reason.mean.toFixed(1)}/5 from ${reason.count} ${reason.count === 1 ? 'rating' : 'ratings'}.`
      );
  }
}

/** "Amelie (2001)": the main title and year, without alternates, which would make the sentence unreadable. */
function pickName(movieId: number, artifacts: Artifacts): string {
  const title = artifacts.movies.get(movieId)?.title;
  if (!title) return `movie ${movieId}`;
  const { main, yearText } = parseTitle(title);
  return yearText ? `${main} ${yearText}` : main;
}

function listUsers(userIds: readonly number[]): string {
  const listed = userIds.slice(0, MAX_LISTED_USERS).join(', ');
  const more = userIds.length - MAX_LISTED_USERS;
  return `${userIds.length === 1 ? 'user' : 'users'} ${listed}${more > 0 ? ` and ${more} more` : ''}`;
}

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
/** How many similar source movies to name before summarising. */
const MAX_LISTED_MATCHES = 3;

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
    case 'knn-combined': {
      const similar = reason.matches
        .slice(0, MAX_LISTED_MATCHES)
        .map((match) => `${pickName(match.movieId, artifacts)} (${match.similarity.toFixed(2)})`);
      const more = reason.matches.length - MAX_LISTED_MATCHES;
      const list = joinNames(more > 0 ? [...similar, `${more} more`] : similar);
      const whose = {
        picks: reason.matches.length === 1 ? 'your pick' : 'your picks',
        'your-ratings': 'movies you rated highly',
        'group-ratings': 'movies your group rated highly',
      }[reason.basis];
      return `Rated like ${whose} ${list} by the same people (cosine similarity).`;
    }
    case 'dnmf-fold-in': {
      const because =
        reason.pickIds.length > 0
          ? `, mostly because of ${joinNames(reason.pickIds.map((id) => pickName(id, artifacts)))}`
          : '';
      return (
        `A less-known movie the DNMF model, fitting one viewer who loves your three picks, expects them to ` +
        `rate ${formatLift(reason.lift)} than a fan of three typical top-${artifacts.catalog.length} movies${because}.`
      );
    }
    case 'watch-similar': {
      const close = reason.matches
        .slice(0, MAX_LISTED_MATCHES)
        .map((match) => `${pickName(match.movieId, artifacts)} (${match.similarity.toFixed(2)})`);
      const whom = close.length > 0 ? ` as ${joinNames(close)}` : ' as your picks';
      return (
        `A less-known movie watched by the same people${whom} (watch-model cosine` +
        (reason.price > 0 ? `, less ${reason.price.toFixed(2)} for suiting many top-movie trios).` : ').')
      );
    }
    case 'dnmf-personal':
      return reason.embedding === 'fold-in'
        ? `The DNMF model, fitted to your ${reason.ratingCount} ${reason.ratingCount === 1 ? 'rating' : 'ratings'}, ` +
            `predicts ${reason.predictedRating.toFixed(1)}/5 for you.`
        : `The DNMF model predicts ${reason.predictedRating.toFixed(1)}/5 for you from what it learned in training.`;
    case 'dnmf-group':
      return (
        `The DNMF model, fitted to each of your ${reason.memberCount} members' ratings, predicts ` +
        `${reason.meanPredicted.toFixed(1)}/5 on average (lowest ${reason.lowestPredicted.toFixed(1)}/5).`
      );
    case 'taste': {
      const named = reason.because.map((id) => pickName(id, artifacts));
      const who = named.length > 0 ? `People who watched ${joinNames(named)}` : 'People with your taste';
      // A stars-path prediction at the top of the scale is clipped, not a real 5: it is not shown.
      const stars =
        reason.predictedRating !== undefined && reason.predictedRating < 4.95
          ? ` You'd rate it about ${reason.predictedRating.toFixed(1)}.`
          : '';
      return `${who} often watched this${reason.list === 'gem' ? ', a less-known movie' : ''}.${stars}`;
    }
    case 'taste-group':
      return `A less-known movie that suits each of your ${reason.memberCount} members' tastes, not just one.`;
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

/** "A", "A and B", "A, B and C". */
function joinNames(names: readonly string[]): string {
  if (names.length <= 1) return names.join('');
  return `${names.slice(0, -1).join(', ')} and ${names[names.length - 1]}`;
}

/** "0.42 stars more" / "0.10 stars less": the sign in words, since a lift can be negative. */
function formatLift(lift: number): string {
  const size = Math.abs(lift).toFixed(2);
  return lift >= 0 ? `${size} stars more` : `${size} stars less`;
}

import type { Artifacts } from '../artifacts/types.ts';
import type { RecommendationReason } from './recommendation.ts';
import { displayTitle } from './titles.ts';

/** One line saying why a movie was recommended, shared by the CLI and the Discord cards. */
export function describeReason(reason: RecommendationReason, artifacts: Artifacts): string {
  const title = (id: number) => displayTitle(artifacts.movies.get(id)?.title ?? `movie ${id}`);
  switch (reason.kind) {
    case 'knn':
      return `similar to ${title(reason.pickId)} (cosine similarity ${reason.similarity.toFixed(2)})`;
    case 'dnmf': {
      const fans = reason.userIds.length === 1 ? '1 viewer' : `${reason.userIds.length} viewers`;
      return `${fans} predicted to love ${title(reason.pickId)} would rate it ${reason.predictedRating.toFixed(1)}/5`;
    }
    case 'popular-fallback':
      return `well rated outside the top 100 (${reason.mean.toFixed(1)}/5 from ${reason.count} ratings)`;
  }
}

/** What the engine answers: ten movies, each with the reason it was chosen. */
import type { MovieInfo } from '../artifacts/types.ts';

/** Why a movie is recommended; the bot renders this for the user, so it must be true. */
export type RecommendationReason =
  | {
      kind: 'knn';
      /** The pick whose neighbour this is. */
      pickId: number;
      /** Cosine similarity of the two movies' rating vectors, 1 − distance. */
      similarity: number;
      /** 1 = the pick's nearest neighbour; above 10 when the search had to widen. */
      neighbourRank: number;
    }
  | {
      kind: 'dnmf';
      /** The pick whose predicted fans led here. */
      pickId: number;
      /** The users predicted to love the pick who also have this movie in their top table. */
      userIds: number[];
      /** Mean predicted rating of this movie for those users. */
      predictedRating: number;
    }
  | {
      /** Neither model had enough candidates: one of the best-rated movies outside the catalog. */
      kind: 'popular-fallback';
      count: number;
      mean: number;
      weightedRating: number;
    };

export interface Recommendation {
  movieId: number;
  movie: MovieInfo;
  reason: RecommendationReason;
}

/** One candidate as a source proposes it, before drawing. */
export interface Candidate {
  movieId: number;
  reason: RecommendationReason;
}

export interface Recommendations {
  picks: number[];
  /** From the item kNN model (popular-fallback when it runs dry). */
  popularPicks: Recommendation[];
  /** From the DNMF tables (popular-fallback when they run dry). */
  hiddenGems: Recommendation[];
}

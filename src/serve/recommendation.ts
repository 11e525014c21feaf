/** What the engine answers: ten movies, each with the reason it was chosen. */
import type { MovieInfo } from '../artifacts/types.ts';

/** Why a movie is recommended; the bot renders this for the user, so it must be true. */
export type RecommendationReason =
  | {
      /**
       * Item kNN, combining several sources (the three picks, or a member's best-rated movies): the
       * movie's cosine similarities to the sources whose neighbour lists hold it, summed.
       */
      kind: 'knn-combined';
      /** What the sources are, for the sentence on the card. */
      basis: 'picks' | 'your-ratings' | 'group-ratings';
      /** The sources this movie is a neighbour of, most similar first. */
      matches: Array<{ movieId: number; similarity: number }>;
      /** Σ similarity over matches: what the list is ranked by. */
      totalSimilarity: number;
    }
  | {
      /**
       * DNMF, the three picks folded in as one viewer who loves them (src/serve/fold-in.ts), ranked by how
       * unusually they lift the movie compared with typical catalog triples. Only the evaluation's baseline
       * ranking gives it (src/eval/pick-lift.ts, through the engine's `picks` option): the bot never does.
       */
      kind: 'dnmf-fold-in';
      /** Picks whose share of the lift is positive, largest share first. */
      pickIds: number[];
      /**
       * Stars: the movie-specific part of the picks' prediction (the GMF interaction p·x_m) minus the mean
       * reference viewer's (a fan of three random catalog movies). The movie's bias and the MLP term are
       * the same for both viewers; the user biases differ by a constant that does not depend on the movie.
       */
      lift: number;
    }
  | {
      /**
       * The watch model (who watched what): a less-known movie close to the picks, ranked by its summed
       * cosine to them less its exposure price (src/serve/watch-gems.ts).
       */
      kind: 'watch-similar';
      /** The picks it is close to (cosine > 0), closest first. */
      matches: Array<{ movieId: number; similarity: number }>;
      /** Σ cosine over all three picks. */
      totalSimilarity: number;
      /** Subtracted from totalSimilarity for the ranking: > 0 for a movie close to most top-movie trios. */
      price: number;
    }
  | {
      /** DNMF, one member folded in from their own ratings (none of which the MF path knows). */
      kind: 'dnmf-personal';
      /** How many of the member's ratings the fit used. */
      ratingCount: number;
      /** Predicted rating for the member, on the ½–5 scale. */
      predictedRating: number;
    }
  | {
      /** DNMF, every qualifying member folded in; ranked by the mean prediction, guarded against dislikes. */
      kind: 'dnmf-group';
      memberCount: number;
      meanPredicted: number;
      lowestPredicted: number;
    }
  | {
      /**
       * The taste model: the member folded into its MF path (who watched what, train/watch-model.ts), ranked
       * by x_u · y_m (src/serve/taste-source.ts); the stars path's prediction when it was asked.
       */
      kind: 'taste';
      list: 'gem' | 'popular';
      /** x_u · y_m: the MF path's score (how likely the member is to watch it, on its 0–1 target scale). */
      score: number;
      /** Subtracted from score for the ranking (priceWeight × exposure price); 0 for most movies. */
      price: number;
      /** The member's rated movies with the largest shares of the score (liked ones first). */
      because: number[];
      /** Whether every movie in `because` is one the member rated ≥ 4. */
      becauseLiked?: boolean;
      /** The stars path's predicted rating for the member (½–5), when known. */
      predictedRating?: number;
    }
  | {
      /**
       * The taste model for a group: every member folded in, each member's scores scaled by their best band
       * score, combined so that nobody is ignored (soft minimum; src/serve/taste-source.ts). Names no rated
       * movie: a member's ratings are theirs.
       */
      kind: 'taste-group';
      memberCount: number;
      /** The lowest and mean of the members' scaled scores (1 = a member's favourite band movie). */
      lowestScaledScore: number;
      meanScaledScore: number;
      /** The stars path's lowest predicted rating among the members, when known. */
      lowestPredicted?: number;
    }
  | {
      /**
       * On the server's list, ranked for the movie night's group by the group's predicted score (the
       * picks' scoring, dislike guard included). No member's ratings; the scores are absent when the model
       * cannot predict the movie (it then comes after the scored ones).
       */
      kind: 'server-list';
      meanPredicted?: number;
      lowestPredicted?: number;
    }
  | {
      /** Neither model had enough candidates: one of the best-rated movies outside the catalog. */
      kind: 'popular-fallback';
      count: number;
      mean: number;
      weightedRating: number;
    };

/** A member's star rating (½–5) of one movie, as /rate stores it. */
export interface MemberRating {
  movieId: number;
  rating: number;
}

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

/** A candidate with the number its list is ranked by (higher is better). */
export interface ScoredCandidate extends Candidate {
  score: number;
}

export interface Recommendations {
  picks: number[];
  /** From the item kNN model (popular-fallback when it runs dry). */
  popularPicks: Recommendation[];
  /** Less-known movies: the watch model for /recommend, the DNMF for members (popular-fallback when they run dry). */
  hiddenGems: Recommendation[];
  /** /movienight from:list|mix: movies from the server's list, shown first; the picks fill the rest of the ten. */
  fromServerList?: Recommendation[];
}

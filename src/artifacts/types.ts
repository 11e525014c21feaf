/** Summary of how many ratings the movies in a table have: are hidden gems less known, or noise? */
export interface CountDistribution {
  /** Distinct movies in the table. */
  movies: number;
  min: number;
  p10: number;
  median: number;
  p90: number;
  max: number;
}

import type { ServingDnmf } from '../model/serving-dnmf.ts';
import type { WatchVectors } from '../model/types.ts';

// The taste model's MF-path types live in the shared inference layer (src/model/); re-exported for callers.
export type { WatchFoldIn, WatchVectors } from '../model/types.ts';

/** The artifacts one training run writes to models/<version>/ and the bot serves from. */

export interface CatalogEntry {
  movieId: number;
  rank: number;
  /** Number of ratings (v in the WR formula). */
  count: number;
  /** Mean rating (R). */
  mean: number;
  /** Weighted rating WR = (v·R + m·C) / (v + m). */
  wr: number;
}

export interface Neighbour {
  movieId: number;
  /** Cosine distance 1 − cos(a, b) between the two movies' rating vectors. */
  distance: number;
}

export interface MovieInfo {
  movieId: number;
  title: string;
  genres: string[];
  imdbId?: string;
  tmdbId?: number;
  /** Ratings this movie has in the training data. */
  count: number;
  mean: number;
}

export interface Manifest {
  version: string;
  createdAt: string;
  dataset: {
    dir: string;
    checksums: Record<string, string>;
    rows: Record<string, number>;
    skipped: Record<string, number>;
  };
  popularity: { minRatings: number; size: number; m: number; C: number; eligible: number };
  knn: {
    minRatings: number;
    k: number;
    /** Neighbours stored per movie (exact lists; serving widens up to this). */
    listLength: number;
    movies: number;
    dimensions: number;
    /** recall@10 of the stored lists against an independent exact check on a sample of movies. */
    recallAt10: number;
    recallSample: number;
  };
  dnmf: {
    hyperparameters: Record<string, number | string | boolean | number[]>;
    metrics: {
      validationRmse: number;
      bestEpoch: number;
      epochs: number;
      trainRmse?: number;
      /** RMSE on the fixed MovieLens hold-out (see `holdout`), which no version trains on. */
      holdoutRmse?: number;
    };
    minCandidateRatings: number;
  };
  /** Rating counts of the movies each model recommends (hidden gems should be less known, not noise). */
  ratingCounts: { hiddenGems: CountDistribution; knnNeighbours: CountDistribution };
  runtime: { node: string; tfjs: string; backend: string };
  timingsMs: Record<string, number>;
  files: Record<string, { bytes: number; sha256: string }>;
  /** What the version was trained on, so a nightly run can tell whether anything changed. */
  data?: TrainingDataInfo;
  /** The watch model (absent in versions from before it; /recommend's gems then use the DNMF fold-in). */
  watch?: {
    hyperparameters: Record<string, number>;
    /** Movies with a vector (at least minRatings ratings). */
    movies: number;
    /** The gem band's exposure prices' options (train/watch-prices.ts); absent in versions without prices. */
    prices?: Record<string, number>;
  };
  /** The fixed hold-out of MovieLens ratings left out of training (absent in older versions). */
  holdout?: { rule: string; ratings: number };
}

export interface TrainingDataInfo {
  /** One hash over the dataset's checksums, the members' ratings fingerprint and the hold-out rule. */
  fingerprint: string;
  /** Members' ratings trained on as extra users (pseudonymous ids only, never Discord ids). */
  members: { fingerprint: string; users: number; ratings: number };
}

/** Everything the serving side needs, loaded from one version directory. */
export interface Artifacts {
  manifest: Manifest;
  catalog: CatalogEntry[];
  /** movieId → metadata, for every movie in movies.csv. */
  movies: Map<number, MovieInfo>;
  /** kNN over movies with ≥ 50 ratings: exact precomputed neighbour lists. */
  knn: NeighbourIndex;
  /** The trained DNMF, scored at request time (hidden gems, fold-in of members). */
  dnmf: ServingDnmf;
  /** The watch model's movie vectors, when the version has them (see Manifest.watch). */
  watch?: WatchVectors;
}

/** Nearest-neighbour lookups over the kNN movies (the stored exact lists in production). */
export interface NeighbourIndex {
  /** True when the movie is in the kNN model (it has ≥ 50 ratings). */
  has(movieId: number): boolean;
  /** The k nearest other movies, nearest first. k may exceed 10 when a caller widens its search. */
  nearest(movieId: number, k: number): Neighbour[];
}

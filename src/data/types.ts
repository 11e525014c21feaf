/** In-memory shape of a MovieLens dataset, as the loaders produce it and training consumes it. */

export interface Movie {
  movieId: number;
  /** Title exactly as movies.csv writes it, e.g. "Matrix, The (1999)". */
  title: string;
  genres: string[];
  /** IMDb id without the "tt" prefix, as links.csv writes it (e.g. "0133093"). */
  imdbId?: string;
  tmdbId?: number;
}

/**
 * Ratings in columnar form: row i is (userIds[i], movieIds[i], ratings[i]).
 * Columnar typed arrays keep 100k+ rows compact and fast to scan.
 */
export interface RatingTable {
  userIds: Int32Array;
  movieIds: Int32Array;
  ratings: Float32Array;
}

export interface Dataset {
  movies: Map<number, Movie>;
  ratings: RatingTable;
  /** SHA-256 of each source file, for the artifact manifest. */
  checksums: Record<string, string>;
  /** What the loader skipped, by reason (see README "Bad data"). */
  skipped: Record<string, number>;
}

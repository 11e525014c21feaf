/** The movies one answer may no longer use: what it excludes, plus what it has already chosen. */
export interface TakenMovies {
  has(movieId: number): boolean;
  add(movieId: number): void;
}

/**
 * The request's exclusions (often a member's whole rating history) are read in place, not copied:
 * only the handful of picks and chosen movies go into a new set.
 */
export function takenMovies(initial: Iterable<number>, exclude?: ReadonlySet<number>): TakenMovies {
  const chosen = new Set(initial);
  return {
    has: exclude
      ? (movieId) => chosen.has(movieId) || exclude.has(movieId)
      : (movieId) => chosen.has(movieId),
    add: (movieId) => void chosen.add(movieId),
  };
}

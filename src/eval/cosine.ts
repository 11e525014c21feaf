/**
 * Cosine similarity of raw rating vectors (0 where unrated), the kNN model's own measure, from a few source
 * movies (the catalog: every pick is one) to every rated movie. Computed exactly and sparsely: for each
 * source, its raters' other ratings, so the cost is Σ over the source's raters of their rating counts.
 */
import type { RatingTable } from '../data/types.ts';

export interface CosineTable {
  /** cos(source, movie); 0 when they share no rater or either is unknown. */
  similarity(sourceId: number, movieId: number): number;
  /**
   * For scoring many candidates fast: a source's similarities as one array (undefined for an unknown
   * source), indexed by `column(movieId)` (-1 for a movie nobody rated).
   */
  row(sourceId: number): Float64Array | undefined;
  column(movieId: number): number;
}

export function cosineFromSources(ratings: RatingTable, sourceIds: readonly number[]): CosineTable {
  const movieIndex = new Map<number, number>();
  const byUser = new Map<number, number[]>();
  for (let i = 0; i < ratings.userIds.length; i++) {
    if (!movieIndex.has(ratings.movieIds[i])) movieIndex.set(ratings.movieIds[i], movieIndex.size);
    const rows = byUser.get(ratings.userIds[i]) ?? [];
    rows.push(i);
    byUser.set(ratings.userIds[i], rows);
  }
  const movies = movieIndex.size;
  const squares = new Float64Array(movies);
  for (let i = 0; i < ratings.ratings.length; i++)
    squares[movieIndex.get(ratings.movieIds[i])!] += ratings.ratings[i] ** 2;

  const sourceRow = new Map<number, number>();
  const known = sourceIds.filter((id) => movieIndex.has(id));
  known.forEach((id, row) => sourceRow.set(id, row));
  const dots = new Float64Array(known.length * movies);
  for (const rows of byUser.values()) {
    for (const i of rows) {
      const row = sourceRow.get(ratings.movieIds[i]);
      if (row === undefined) continue;
      const weight = ratings.ratings[i];
      const offset = row * movies;
      for (const j of rows)
        dots[offset + movieIndex.get(ratings.movieIds[j])!] += weight * ratings.ratings[j];
    }
  }
  // Normalised in place: each source row becomes its cosine similarities.
  for (const [sourceId, row] of sourceRow) {
    const sourceSquares = squares[movieIndex.get(sourceId)!];
    for (let column = 0; column < movies; column++) {
      const i = row * movies + column;
      if (dots[i] !== 0) dots[i] /= Math.sqrt(sourceSquares * squares[column]);
    }
  }
  const rowOf = (sourceId: number) => {
    const row = sourceRow.get(sourceId);
    return row === undefined ? undefined : dots.subarray(row * movies, (row + 1) * movies);
  };
  return {
    row: rowOf,
    column: (movieId) => movieIndex.get(movieId) ?? -1,
    similarity(sourceId, movieId) {
      const column = movieIndex.get(movieId);
      return column === undefined ? 0 : (rowOf(sourceId)?.[column] ?? 0);
    },
  };
}

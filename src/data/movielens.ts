import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import path from 'node:path';
import { readCsv, type CsvRow } from './csv.ts';
import { DatasetError } from './errors.ts';
import type { Dataset, Movie, RatingTable } from './types.ts';

export const DATASET_FILES = ['ratings.csv', 'movies.csv', 'links.csv'] as const;

/** Why a rating row was skipped rather than stopping the load (see README, "Bad data"). */
export type SkipReason = 'ratingOutOfRange' | 'unknownMovie' | 'duplicatePair';

/** Receives each skipped row, so the caller can log where the bad data is. */
export type SkipListener = (reason: SkipReason, file: string, line: number, detail: string) => void;

const MIN_RATING = 0.5;
const MAX_RATING = 5;

function parseInteger(row: CsvRow, column: string, file: string): number {
  const text = row.values[column].trim();
  const value = Number(text);
  if (text === '' || !Number.isInteger(value)) {
    throw new DatasetError(`${column} must be an integer, found "${text}"`, file, row.line);
  }
  return value;
}

function parseNumber(row: CsvRow, column: string, file: string): number {
  const text = row.values[column].trim();
  const value = Number(text);
  if (text === '' || !Number.isFinite(value)) {
    throw new DatasetError(`${column} must be a number, found "${text}"`, file, row.line);
  }
  return value;
}

/** Reads movies.csv: movieId,title,genres ("(no genres listed)" becomes an empty list). */
export async function loadMovies(file: string): Promise<Map<number, Movie>> {
  const movies = new Map<number, Movie>();
  for await (const row of readCsv(file, ['movieId', 'title', 'genres'])) {
    const movieId = parseInteger(row, 'movieId', file);
    if (movies.has(movieId)) throw new DatasetError(`duplicate movieId ${movieId}`, file, row.line);
    const genres = row.values.genres === '(no genres listed)' ? [] : row.values.genres.split('|').filter(Boolean);
    movies.set(movieId, { movieId, title: row.values.title.trim(), genres });
  }
  return movies;
}

/** Adds imdbId/tmdbId from links.csv to the movies; tmdbId may be blank there. */
export async function loadLinks(file: string, movies: Map<number, Movie>): Promise<void> {
  for await (const row of readCsv(file, ['movieId', 'imdbId', 'tmdbId'])) {
    const movie = movies.get(parseInteger(row, 'movieId', file));
    if (!movie) continue; // a link for a movie we do not know is harmless
    const imdb = row.values.imdbId.trim();
    if (imdb !== '') movie.imdbId = imdb;
    if (row.values.tmdbId.trim() !== '') movie.tmdbId = parseInteger(row, 'tmdbId', file);
  }
}

/** Growable columnar buffer, so loading never needs the row count up front. */
class RatingBuffer {
  private capacity = 1 << 16;
  length = 0;
  userIds = new Int32Array(this.capacity);
  movieIds = new Int32Array(this.capacity);
  ratings = new Float32Array(this.capacity);

  push(userId: number, movieId: number, rating: number): void {
    if (this.length === this.capacity) this.grow();
    const i = this.length++;
    this.userIds[i] = userId;
    this.movieIds[i] = movieId;
    this.ratings[i] = rating;
  }

  private grow(): void {
    this.capacity *= 2;
    const grow = <T extends Int32Array | Float32Array>(a: T, make: (n: number) => T): T => {
      const b = make(this.capacity);
      b.set(a);
      return b;
    };
    this.userIds = grow(this.userIds, (n) => new Int32Array(n));
    this.movieIds = grow(this.movieIds, (n) => new Int32Array(n));
    this.ratings = grow(this.ratings, (n) => new Float32Array(n));
  }

  toTable(keep?: Uint8Array): RatingTable {
    let n = 0;
    for (let i = 0; i < this.length; i++) if (!keep || keep[i]) n++;
    const table: RatingTable = {
      userIds: new Int32Array(n),
      movieIds: new Int32Array(n),
      ratings: new Float32Array(n),
    };
    for (let i = 0, j = 0; i < this.length; i++) {
      if (keep && !keep[i]) continue;
      table.userIds[j] = this.userIds[i];
      table.movieIds[j] = this.movieIds[i];
      table.ratings[j] = this.ratings[i];
      j++;
    }
    return table;
  }
}

export interface LoadRatingsOptions {
  /** When given, ratings of movies not in this map are skipped and counted. */
  movies?: Map<number, Movie>;
  onSkip?: SkipListener;
}

/**
 * Reads a MovieLens ratings file (userId,movieId,rating[,timestamp]).
 * A malformed row stops the load (the file is corrupt); a rating outside 0.5–5, a rating of an
 * unknown movie, and a repeated (user, movie) pair are skipped and counted. Of a repeated pair the
 * later row is kept: MovieLens appends, so it is the user's current opinion.
 */
export async function loadRatings(
  file: string,
  options: LoadRatingsOptions = {},
): Promise<{ ratings: RatingTable; skipped: Record<SkipReason, number> }> {
  const skipped: Record<SkipReason, number> = { ratingOutOfRange: 0, unknownMovie: 0, duplicatePair: 0 };
  const skip = (reason: SkipReason, line: number, detail: string) => {
    skipped[reason]++;
    options.onSkip?.(reason, file, line, detail);
  };
  const buffer = new RatingBuffer();
  const lines: number[] = [];
  const pairIndex = new Map<number, number>();
  let keep = new Uint8Array(1 << 16);
  for await (const row of readCsv(file, ['userId', 'movieId', 'rating'])) {
    const userId = parseInteger(row, 'userId', file);
    const movieId = parseInteger(row, 'movieId', file);
    const rating = parseNumber(row, 'rating', file);
    if (rating < MIN_RATING || rating > MAX_RATING) {
      skip('ratingOutOfRange', row.line, `rating ${rating} is outside ${MIN_RATING}–${MAX_RATING}`);
      continue;
    }
    if (options.movies && !options.movies.has(movieId)) {
      skip('unknownMovie', row.line, `movieId ${movieId} is not in movies.csv`);
      continue;
    }
    // Pairs are keyed as one number: user ids and movie ids in MovieLens stay far below 2^26.
    const pair = userId * 2 ** 26 + movieId;
    const previous = pairIndex.get(pair);
    buffer.push(userId, movieId, rating);
    if (keep.length < buffer.length) {
      const bigger = new Uint8Array(keep.length * 2);
      bigger.set(keep);
      keep = bigger;
    }
    keep[buffer.length - 1] = 1;
    lines.push(row.line);
    if (previous !== undefined) {
      keep[previous] = 0;
      skip('duplicatePair', row.line, `user ${userId} rated movie ${movieId} again (first at line ${lines[previous]})`);
    }
    pairIndex.set(pair, buffer.length - 1);
  }
  return { ratings: buffer.toTable(keep), skipped };
}

export async function sha256File(file: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(file)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

/** Loads movies, links and ratings from a MovieLens directory, with checksums for the manifest. */
export async function loadDataset(dir: string, onSkip?: SkipListener): Promise<Dataset> {
  const movies = await loadMovies(path.join(dir, 'movies.csv'));
  await loadLinks(path.join(dir, 'links.csv'), movies);
  const { ratings, skipped } = await loadRatings(path.join(dir, 'ratings.csv'), { movies, onSkip });
  const checksums: Record<string, string> = {};
  for (const name of DATASET_FILES) checksums[name] = await sha256File(path.join(dir, name));
  return { movies, ratings, checksums, skipped };
}

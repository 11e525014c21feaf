import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import path from 'node:path';
import { readCsv, type CsvRow } from './csv.ts';
import { parseRatingsFile } from './ratings-parser.ts';
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
    // ×1.5 rather than ×2 keeps the transient copy of a 32M-row table smaller.
    this.capacity = Math.ceil(this.capacity * 1.5);
    const grow = <T extends Int32Array | Float32Array>(a: T, make: (n: number) => T): T => {
      const b = make(this.capacity);
      b.set(a);
      return b;
    };
    this.userIds = grow(this.userIds, (n) => new Int32Array(n));
    this.movieIds = grow(this.movieIds, (n) => new Int32Array(n));
    this.ratings = grow(this.ratings, (n) => new Float32Array(n));
  }

  /** The kept rows in file order (all rows when nothing was dropped). */
  toTable(dropped: Uint8Array | undefined): RatingTable {
    if (!dropped) {
      return {
        userIds: this.userIds.slice(0, this.length),
        movieIds: this.movieIds.slice(0, this.length),
        ratings: this.ratings.slice(0, this.length),
      };
    }
    let n = 0;
    for (let i = 0; i < this.length; i++) if (!dropped[i]) n++;
    const table: RatingTable = {
      userIds: new Int32Array(n),
      movieIds: new Int32Array(n),
      ratings: new Float32Array(n),
    };
    for (let i = 0, j = 0; i < this.length; i++) {
      if (dropped[i]) continue;
      table.userIds[j] = this.userIds[i];
      table.movieIds[j] = this.movieIds[i];
      table.ratings[j] = this.ratings[i];
      j++;
    }
    return table;
  }
}

/**
 * Line numbers of the kept rows without one number per row: a row's line is its index plus an offset that
 * only changes after a skipped row or an empty line, so only those changes are stored.
 */
class LineMap {
  private readonly rows: number[] = [0];
  private readonly offsets: number[] = [2];

  /** Called for each buffered row with its line; records the offset when it changed. */
  note(row: number, line: number): void {
    const offset = line - row;
    if (offset !== this.offsets[this.offsets.length - 1]) {
      this.rows.push(row);
      this.offsets.push(offset);
    }
  }

  lineOf(row: number): number {
    let lo = 0;
    let hi = this.rows.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.rows[mid] <= row) lo = mid;
      else hi = mid - 1;
    }
    return row + this.offsets[lo];
  }
}

/** Dense 0-based indexes for the distinct values of a column (one Map entry per distinct id). */
function denseIndex(column: Int32Array, length: number): { index: Int32Array; count: number } {
  const ids = new Map<number, number>();
  const index = new Int32Array(length);
  for (let i = 0; i < length; i++) {
    let dense = ids.get(column[i]);
    if (dense === undefined) {
      dense = ids.size;
      ids.set(column[i], dense);
    }
    index[i] = dense;
  }
  return { index, count: ids.size };
}

/**
 * Repeated (user, movie) pairs as [earlier row, later row], in the later row's order, without a Map per
 * rating: rows are bucketed by user with a stable counting sort, then each user's rows are scanned with a
 * per-movie stamp. O(rows) time, three Int32Arrays of rows.length temporarily.
 */
export function findRepeatedPairs(
  userIds: Int32Array,
  movieIds: Int32Array,
  length = userIds.length,
): [number, number][] {
  const users = denseIndex(userIds, length);
  const movies = denseIndex(movieIds, length);
  const start = new Int32Array(users.count + 1);
  for (let i = 0; i < length; i++) start[users.index[i] + 1]++;
  for (let u = 0; u < users.count; u++) start[u + 1] += start[u];
  const order = new Int32Array(length);
  const next = start.slice(0, users.count);
  for (let i = 0; i < length; i++) order[next[users.index[i]]++] = i;
  const stamp = new Int32Array(movies.count).fill(-1);
  const lastRow = new Int32Array(movies.count);
  const repeats: [number, number][] = [];
  for (let u = 0; u < users.count; u++) {
    for (let p = start[u]; p < start[u + 1]; p++) {
      const row = order[p];
      const movie = movies.index[row];
      if (stamp[movie] === u) repeats.push([lastRow[movie], row]);
      stamp[movie] = u;
      lastRow[movie] = row;
    }
  }
  return repeats.sort((a, b) => a[1] - b[1]);
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
 * later row is kept: MovieLens appends, so it is the user's current opinion. Repeated pairs are found
 * after the whole file is read, so they are reported after the other skips.
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
  const lines = new LineMap();
  const movies = options.movies;
  await parseRatingsFile(file, (userId, movieId, rating, line) => {
    if (!(rating >= MIN_RATING && rating <= MAX_RATING)) {
      skip('ratingOutOfRange', line, `rating ${rating} is outside ${MIN_RATING}–${MAX_RATING}`);
      return;
    }
    if (movies && !movies.has(movieId)) {
      skip('unknownMovie', line, `movieId ${movieId} is not in movies.csv`);
      return;
    }
    lines.note(buffer.length, line);
    buffer.push(userId, movieId, rating);
  });
  const repeats = findRepeatedPairs(buffer.userIds, buffer.movieIds, buffer.length);
  let dropped: Uint8Array | undefined;
  if (repeats.length > 0) {
    dropped = new Uint8Array(buffer.length);
    for (const [earlier, later] of repeats) {
      dropped[earlier] = 1;
      skip(
        'duplicatePair',
        lines.lineOf(later),
        `user ${buffer.userIds[later]} rated movie ${buffer.movieIds[later]} again (first at line ${lines.lineOf(earlier)})`,
      );
    }
  }
  return { ratings: buffer.toTable(dropped), skipped };
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

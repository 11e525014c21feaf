import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { RatingTable } from '../../src/data/types.ts';
import { createRng } from '../../src/random.ts';

/** Where CI puts the real MovieLens data; integration tests skip (with a reason) without it. */
export const REAL_DATASET_DIR = process.env.MOVIELENS_DIR;
export const REAL_SPLIT_DIR = process.env.MOVIELENS_SPLIT_DIR;

/** Folders made by tempDir in this test file; test/support/cleanup.ts removes them after the file's tests. */
export const createdTempDirs: string[] = [];

export async function tempDir(prefix = 'flickpick-'): Promise<string> {
  const dir = await mkdtemp(path.join(os.tmpdir(), prefix));
  createdTempDirs.push(dir);
  return dir;
}

export interface DatasetFiles {
  movies?: string;
  ratings?: string;
  links?: string;
}

/** Writes the given CSV texts (missing ones are left out, to test missing files). */
export async function writeDatasetFiles(
  dir: string,
  files: DatasetFiles,
  lineEnding = '\n',
): Promise<string> {
  await mkdir(dir, { recursive: true });
  for (const [name, text] of Object.entries(files)) {
    if (text !== undefined) await writeFile(path.join(dir, `${name}.csv`), text.replace(/\n/g, lineEnding));
  }
  return dir;
}

/** A rating table from [userId, movieId, rating] rows, for hand-checked unit tests. */
export function ratingTable(rows: [number, number, number][]): RatingTable {
  return {
    userIds: Int32Array.from(rows, (r) => r[0]),
    movieIds: Int32Array.from(rows, (r) => r[1]),
    ratings: Float32Array.from(rows, (r) => r[2]),
  };
}

/** Deterministic PRNG for generated data. */
export const seeded = (seed: number) => createRng(seed);

export interface SyntheticOptions {
  users: number;
  movies: number;
  /** Movies 1..popular are rated by most users (so they pass the ≥ 50 ratings filters). */
  popular: number;
  /** The next `band` movies are rated by a fifth of the users (10–49 ratings at 120 users: the gem band). */
  band?: number;
  seed: number;
}

/**
 * A MovieLens-format dataset with a planted low-rank taste structure: users and movies have two
 * latent traits, ratings = 3 + taste·traits + noise, rounded to half stars. Popular movies are
 * rated by ~85% of users, the long tail by a few.
 */
export function syntheticDataset(options: SyntheticOptions): Required<DatasetFiles> {
  const random = seeded(options.seed);
  const genres = ['Action', 'Comedy', 'Drama', 'Sci-Fi', 'Romance', 'Thriller'];
  const movieTraits = Array.from({ length: options.movies }, () => [random() * 2 - 1, random() * 2 - 1]);
  const movies = ['movieId,title,genres'];
  const links = ['movieId,imdbId,tmdbId'];
  for (let m = 1; m <= options.movies; m++) {
    const title = m % 7 === 0 ? `"Movie ${m}, The (${1950 + (m % 70)})"` : `Movie ${m} (${1950 + (m % 70)})`;
    movies.push(`${m},${title},${genres[m % genres.length]}|${genres[(m * 3) % genres.length]}`);
    links.push(`${m},${String(100000 + m).padStart(7, '0')},${m % 11 === 0 ? '' : 5000 + m}`);
  }
  const ratings = ['userId,movieId,rating,timestamp'];
  for (let u = 1; u <= options.users; u++) {
    const taste = [random() * 2 - 1, random() * 2 - 1];
    for (let m = 1; m <= options.movies; m++) {
      const p = m <= options.popular ? 0.85 : m <= options.popular + (options.band ?? 0) ? 0.2 : 0.04;
      if (random() > p) continue;
      const [a, b] = movieTraits[m - 1];
      const raw = 3.2 + 1.4 * (taste[0] * a + taste[1] * b) + (random() - 0.5) * 0.6;
      const rating = Math.min(5, Math.max(0.5, Math.round(raw * 2) / 2));
      ratings.push(`${u},${m},${rating.toFixed(1)},${1_000_000_000 + u * 1000 + m}`);
    }
  }
  return {
    movies: movies.join('\n') + '\n',
    ratings: ratings.join('\n') + '\n',
    links: links.join('\n') + '\n',
  };
}

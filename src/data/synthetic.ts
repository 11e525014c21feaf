/**
 * MovieLens-shaped synthetic datasets, for measuring how the pipeline scales beyond ml-latest-small
 * without the real ml-32m on this machine. Written in the real CSV format (ratings.csv sorted by user,
 * then movie; movies.csv with quoted titles; links.csv), so the production loader reads them unchanged.
 *
 * Shape: user activity is log-normal (heavy right tail) above a floor of 20 ratings, as MovieLens only
 * keeps users with ≥ 20; movie popularity is Zipf-like; a rating is a rank-8 taste match plus user and
 * movie biases plus noise, rounded to half stars in 0.5–5. Deterministic for a given seed.
 */
import { closeSync, mkdirSync, openSync, writeSync } from 'node:fs';
import path from 'node:path';
import { createRng } from '../random.ts';

export interface SyntheticShape {
  users: number;
  movies: number;
  /** Ratings to aim for; the actual count is within a fraction of a percent. */
  ratings: number;
  seed: number;
}

/** The floor MovieLens applies: every user in the data has at least this many ratings. */
export const MIN_USER_RATINGS = 20;
const RANK = 8;
const GENRES = ['Action', 'Adventure', 'Animation', 'Children', 'Comedy', 'Crime', 'Documentary', 'Drama'];
const MORE_GENRES = ['Fantasy', 'Film-Noir', 'Horror', 'Musical', 'Mystery', 'Romance', 'Sci-Fi', 'Thriller'];

/**
 * A shape like ml-32m's (200,948 users, 87,585 movies for 32M ratings) at any size: users grow with the
 * ratings (MovieLens users average ~160 ratings), movies with their square root (ml-latest-small has
 * 9,742 movies for 100k ratings, ml-32m 87,585 for 32M).
 */
export function movieLensShape(ratings: number, seed = 1): SyntheticShape {
  const scale = ratings / 32_000_204;
  return {
    ratings,
    users: Math.max(10, Math.round(200_948 * scale)),
    movies: Math.max(100, Math.round(87_585 * Math.sqrt(scale))),
    seed,
  };
}

function gaussian(random: () => number): number {
  return Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
}

/** Vose's alias table: O(1) draws from a fixed discrete distribution. */
class AliasTable {
  private readonly probability: Float64Array;
  private readonly alias: Int32Array;

  constructor(weights: Float64Array) {
    const n = weights.length;
    let total = 0;
    for (const w of weights) total += w;
    const scaled = Float64Array.from(weights, (w) => (w * n) / total);
    this.probability = new Float64Array(n);
    this.alias = new Int32Array(n);
    const small: number[] = [];
    const large: number[] = [];
    scaled.forEach((p, i) => (p < 1 ? small : large).push(i));
    while (small.length > 0 && large.length > 0) {
      const s = small.pop()!;
      const l = large.pop()!;
      this.probability[s] = scaled[s];
      this.alias[s] = l;
      scaled[l] += scaled[s] - 1;
      (scaled[l] < 1 ? small : large).push(l);
    }
    for (const i of [...small, ...large]) this.probability[i] = 1;
  }

  draw(random: () => number): number {
    const column = Math.floor(random() * this.probability.length);
    return random() < this.probability[column] ? column : this.alias[column];
  }
}

/** Ratings per user: 20 + a log-normal excess scaled to hit the target mean, capped at half the movies. */
function userActivity(shape: SyntheticShape, random: () => number): Int32Array {
  const cap = Math.max(MIN_USER_RATINGS, Math.floor(shape.movies / 2));
  const excess = Float64Array.from({ length: shape.users }, () => Math.exp(1.2 * gaussian(random)));
  const wanted = Math.max(0, shape.ratings - MIN_USER_RATINGS * shape.users);
  // Scale the excess so the capped total lands on the target (a few fixed-point rounds).
  let factor = wanted / excess.reduce((a, b) => a + b, 0);
  const counts = new Int32Array(shape.users);
  for (let round = 0; round < 8; round++) {
    let total = 0;
    for (let u = 0; u < shape.users; u++) {
      counts[u] = Math.min(cap, MIN_USER_RATINGS + Math.round(excess[u] * factor));
      total += counts[u] - MIN_USER_RATINGS;
    }
    if (total === 0 || Math.abs(total - wanted) < wanted * 1e-4) break;
    factor *= wanted / total;
  }
  return counts;
}

/** Buffered byte writer: one syscall per megabyte, numbers written as digits without strings. */
class ByteWriter {
  private readonly buffer = Buffer.allocUnsafe(1 << 20);
  private length = 0;
  constructor(private readonly fd: number) {}

  text(value: string): void {
    if (this.length + value.length * 3 > this.buffer.length) this.flush();
    this.length += this.buffer.write(value, this.length);
  }

  bytes(value: Uint8Array): void {
    if (this.length + value.length > this.buffer.length) this.flush();
    this.buffer.set(value, this.length);
    this.length += value.length;
  }

  integer(value: number): void {
    if (this.length + 12 > this.buffer.length) this.flush();
    if (value === 0) {
      this.buffer[this.length++] = 48;
      return;
    }
    let digits = 0;
    for (let v = value; v > 0; v = Math.floor(v / 10)) digits++;
    for (let i = digits - 1, v = value; i >= 0; i--, v = Math.floor(v / 10)) this.buffer[this.length + i] = 48 + (v % 10);
    this.length += digits;
  }

  byte(value: number): void {
    if (this.length + 1 > this.buffer.length) this.flush();
    this.buffer[this.length++] = value;
  }

  flush(): void {
    let written = 0;
    while (written < this.length) written += writeSync(this.fd, this.buffer, written, this.length - written);
    this.length = 0;
  }
}

function writeFileWith(file: string, write: (out: ByteWriter) => void): void {
  const fd = openSync(file, 'w');
  try {
    const out = new ByteWriter(fd);
    write(out);
    out.flush();
  } finally {
    closeSync(fd);
  }
}

/** "4.5", "3.0" … as bytes, index = stars × 2. */
const HALF_STARS = Array.from({ length: 11 }, (_, i) => Buffer.from(`,${(i / 2).toFixed(1)},`));

/**
 * Writes ratings.csv, movies.csv and links.csv for `shape` into `dir` (created if needed). Returns the
 * number of ratings written. Memory is O(users + movies): users are generated and written one at a time.
 */
export function writeSyntheticDataset(dir: string, shape: SyntheticShape): { ratings: number } {
  mkdirSync(dir, { recursive: true });
  const random = createRng(shape.seed);
  const { users, movies } = shape;
  // Movie ids are a shuffled, gappy range like MovieLens', so ids and popularity are unrelated.
  const movieIds = Int32Array.from({ length: movies }, (_, i) => 1 + i + Math.floor(i / 7));
  for (let i = movies - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [movieIds[i], movieIds[j]] = [movieIds[j], movieIds[i]];
  }
  const popularity = Float64Array.from({ length: movies }, (_, rank) => 1 / (rank + 10) ** 1.1);
  const draw = new AliasTable(popularity);
  const movieFactors = Float32Array.from({ length: movies * RANK }, () => gaussian(random) * 0.35);
  const movieBias = Float32Array.from({ length: movies }, () => gaussian(random) * 0.45);
  const counts = userActivity(shape, random);

  writeFileWith(path.join(dir, 'movies.csv'), (out) => {
    out.text('movieId,title,genres\n');
    const sorted = Int32Array.from(movieIds).sort();
    for (const id of sorted) {
      const year = 1920 + (id % 104);
      // Every fifth title has a comma, quoted as in MovieLens ("Matrix, The (1999)").
      out.text(`${id},${id % 5 === 0 ? `"Film ${id}, The (${year})"` : `Film ${id} (${year})`},`);
      out.text(id % 50 === 0 ? '(no genres listed)\n' : `${GENRES[id % 8]}|${MORE_GENRES[(id >> 3) % 8]}\n`);
    }
  });
  writeFileWith(path.join(dir, 'links.csv'), (out) => {
    out.text('movieId,imdbId,tmdbId\n');
    for (const id of Int32Array.from(movieIds).sort()) out.text(`${id},${String(id).padStart(7, '0')},${id % 13 === 0 ? '' : id + 100}\n`);
  });

  let written = 0;
  const stamp = new Int32Array(movies).fill(-1);
  const chosen = new Int32Array(counts.reduce((a, b) => Math.max(a, b), 0));
  // Sort keys movieId·MOVIE_SLOTS + movie index: one native Float64Array sort per user.
  const MOVIE_SLOTS = 2 ** Math.ceil(Math.log2(movies + 1));
  const order = new Float64Array(chosen.length);
  const userFactors = new Float32Array(RANK);
  writeFileWith(path.join(dir, 'ratings.csv'), (out) => {
    out.text('userId,movieId,rating,timestamp\n');
    for (let u = 0; u < users; u++) {
      const userId = u + 1;
      for (let k = 0; k < RANK; k++) userFactors[k] = gaussian(random) * 0.35;
      const userBias = gaussian(random) * 0.4;
      const count = counts[u];
      for (let c = 0; c < count; ) {
        const movie = draw.draw(random);
        if (stamp[movie] === u) continue;
        stamp[movie] = u;
        chosen[c++] = movie;
      }
      // MovieLens orders a user's rows by movie id.
      for (let c = 0; c < count; c++) order[c] = movieIds[chosen[c]] * MOVIE_SLOTS + chosen[c];
      const rows = order.subarray(0, count).sort();
      const timestamp = 1_000_000_000 + ((userId * 7919) % 600_000_000);
      for (let c = 0; c < count; c++) {
        const movieId = Math.floor(rows[c] / MOVIE_SLOTS);
        const movie = rows[c] - movieId * MOVIE_SLOTS;
        let taste = 0;
        for (let k = 0; k < RANK; k++) taste += userFactors[k] * movieFactors[movie * RANK + k];
        const value = 3.55 + userBias + movieBias[movie] + 2.2 * taste + gaussian(random) * 0.8;
        const halfStars = Math.min(10, Math.max(1, Math.round(value * 2)));
        out.integer(userId);
        out.byte(0x2c);
        out.integer(movieId);
        out.bytes(HALF_STARS[halfStars]);
        out.integer(timestamp + c);
        out.byte(0x0a);
      }
      written += count;
    }
  });
  return { ratings: written };
}

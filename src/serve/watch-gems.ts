/**
 * /recommend's hidden gems from the watch model (train/watch-model.ts): less-known movies watched by the
 * same people as the picks.
 *
 * A band movie's score is its summed cosine to the three picks in the watch model's space. Ranked by that
 * alone, a few band movies close to every catalog favourite would fill most answers, whatever the picks
 * (measured: one movie in a third of 2,000 random answers). So each movie is *eligible* only for the triples
 * it is unusually close to: its score must reach its own (1 − GATE_SHARE) quantile over REFERENCE_TRIPLES
 * seeded random catalog triples. A movie is then eligible for about GATE_SHARE of all triples, whatever its
 * popularity, while for the picks it suits best it competes on its plain score, which is what predicts what
 * a member goes on to like. Eligible movies rank first by score; the rest after them by how unusual the
 * score is for them (its z-score against the same reference), so a list is always full.
 *
 * Per version, every catalog movie's cosines to the band (catalog × band floats) and one threshold per band
 * movie are precomputed; a request is three adds and one compare per band movie.
 */
import { gemBand, inGemBand } from '../artifacts/gem-band.ts';
import type { Artifacts, WatchVectors } from '../artifacts/types.ts';
import { createRng } from '../random.ts';
import type { ScoredCandidate } from './recommendation.ts';

/** Random catalog triples that define each movie's threshold (seeded: the same for a given version). */
export const WATCH_REFERENCE_TRIPLES = 400;
/** Share of random triples a band movie is eligible for (the bound on any gem's share is 5 %). */
export const GATE_SHARE = 0.04;
const REFERENCE_SEED = 20_261_202;
/** Candidates returned per request: more than a list's draw window and its own length. */
export const WATCH_RANKED = 40;
/** Band movies handled between two pauses of a step-wise build. */
const ROWS_PER_STEP = 512;

export interface WatchGems {
  warm(pickId: number): void;
  rank(picks: readonly number[], isExcluded: (movieId: number) => boolean): ScoredCandidate[];
}

export function* buildWatchGems(
  artifacts: Pick<Artifacts, 'manifest' | 'movies' | 'catalog'>,
  watch: WatchVectors,
): Generator<void, WatchGems> {
  const { dim, vectors } = watch;
  const rowOf = new Map<number, number>();
  watch.movieIds.forEach((movieId, row) => rowOf.set(movieId, row));
  const catalogIds = artifacts.catalog.map((entry) => entry.movieId);
  const catalogSet = new Set(catalogIds);
  const band = gemBand(artifacts.manifest);
  const bandIds: number[] = [];
  for (const movieId of watch.movieIds) {
    const movie = artifacts.movies.get(movieId);
    if (movie && !catalogSet.has(movieId) && inGemBand(band, movie.count)) bandIds.push(movieId);
  }
  const size = bandIds.length;
  // The band's vectors packed in band order, so a cosine row reads memory front to back.
  const bandVectors = new Float32Array(size * dim);
  bandIds.forEach((movieId, b) => {
    const at = rowOf.get(movieId)! * dim;
    bandVectors.set(vectors.subarray(at, at + dim), b * dim);
  });

  const cosines = new Map<number, Float32Array>();
  /** Stands in for a missing pick's row when fewer than three picks are known. */
  const zeros = new Float32Array(size);
  /** cos(pick, m) for every band movie m; catalog movies' rows are kept (what members pick). */
  function cosinesOf(pickId: number): Float32Array | undefined {
    const cached = cosines.get(pickId);
    if (cached) return cached;
    const row = rowOf.get(pickId);
    if (row === undefined) return undefined;
    const out = new Float32Array(size);
    const pick = Float64Array.from(vectors.subarray(row * dim, (row + 1) * dim));
    for (let b = 0, other = 0; b < size; b++, other += dim) {
      let dot = 0;
      for (let k = 0; k < dim; k++) dot += pick[k] * bandVectors[other + k];
      out[b] = dot;
    }
    if (catalogSet.has(pickId)) cosines.set(pickId, out);
    return out;
  }

  // The reference: seeded random triples of catalog movies the model knows.
  const known = catalogIds.filter((movieId) => rowOf.has(movieId)).sort((a, b) => a - b);
  const triples: Float32Array[][] = [];
  if (known.length >= 3) {
    const rng = createRng(REFERENCE_SEED);
    for (let t = 0; t < WATCH_REFERENCE_TRIPLES; t++) {
      const triple = new Set<number>();
      while (triple.size < 3) triple.add(known[Math.floor(rng() * known.length)]);
      triples.push([...triple].map((movieId) => cosinesOf(movieId)!));
      if (t % 25 === 24) yield;
    }
  }
  const threshold = new Float32Array(size).fill(-Infinity);
  // The reference mean and spread of each movie's score: the rest are ranked by how unusual the picks'
  // score is for them (a z-score), so a hub, whose score hardly varies, gains nothing as a filler either.
  const referenceMean = new Float32Array(size);
  const inverseSpread = new Float32Array(size).fill(1);
  const rank = Math.min(Math.floor(GATE_SHARE * triples.length), Math.max(triples.length - 1, 0));
  const [first, second, third] = [0, 1, 2].map((j) => triples.map((triple) => triple[j]));
  // The rank + 1 largest reference scores so far, largest first: the threshold is the last of them.
  const top = new Float64Array(rank + 1);
  for (let b = 0; b < size && triples.length > 0; b++) {
    if (b % ROWS_PER_STEP === ROWS_PER_STEP - 1) yield;
    let sum = 0;
    let squares = 0;
    top.fill(-Infinity);
    for (let t = 0; t < triples.length; t++) {
      const score = first[t][b] + second[t][b] + third[t][b];
      sum += score;
      squares += score * score;
      if (score <= top[rank]) continue;
      let at = rank;
      while (at > 0 && top[at - 1] < score) {
        top[at] = top[at - 1];
        at--;
      }
      top[at] = score;
    }
    const mean = sum / triples.length;
    referenceMean[b] = mean;
    inverseSpread[b] = 1 / Math.max(Math.sqrt(Math.max(squares / triples.length - mean * mean, 0)), 1e-6);
    threshold[b] = top[rank];
  }

  return {
    warm(pickId) {
      cosinesOf(pickId);
    },

    rank(picks, isExcluded) {
      const tables = picks.flatMap((pickId) => cosinesOf(pickId) ?? []);
      // knownPicks[j] is the pick of tables[j].
      if (tables.length === 0) return [];
      const knownPicks = picks.filter((pickId) => cosinesOf(pickId) !== undefined);
      // Eligible movies as 1000 + score, the others as their z-score − 1000: one number, two tiers.
      const best = new Int32Array(WATCH_RANKED);
      const bestKeys = new Float64Array(WATCH_RANKED);
      let filled = 0;
      let floor = -Infinity;
      // Three picks in /recommend: three plain reads per movie (no per-movie loop over the tables, which
      // cost as much as the rest of the scan on ml-32m's 26,848 band movies); other counts go through `extra`.
      const [t0, t1 = zeros, t2 = zeros] = tables;
      const extra = tables.slice(3);
      for (let b = 0; b < size; b++) {
        let score = t0[b] + t1[b] + t2[b];
        for (let j = 0; j < extra.length; j++) score += extra[j][b];
        const key =
          score >= threshold[b] ? 1000 + score : (score - referenceMean[b]) * inverseSpread[b] - 1000;
        if (!(key > floor) || isExcluded(bandIds[b])) continue;
        let at = Math.min(filled, WATCH_RANKED - 1);
        while (at > 0 && bestKeys[at - 1] < key) {
          best[at] = best[at - 1];
          bestKeys[at] = bestKeys[at - 1];
          at--;
        }
        best[at] = b;
        bestKeys[at] = key;
        if (filled < WATCH_RANKED) filled++;
        if (filled === WATCH_RANKED) floor = bestKeys[WATCH_RANKED - 1];
      }
      return Array.from(best.subarray(0, filled), (b, i) => {
        let totalSimilarity = 0;
        for (const table of tables) totalSimilarity += table[b];
        const matches = knownPicks
          .map((pickId, j) => ({ movieId: pickId, similarity: tables[j][b] }))
          .filter((match) => match.similarity > 0)
          .sort((x, y) => y.similarity - x.similarity || x.movieId - y.movieId);
        return {
          movieId: bandIds[b],
          score: bestKeys[i],
          reason: {
            kind: 'watch-similar' as const,
            matches,
            totalSimilarity,
            unusual: bestKeys[i] >= 1000,
          },
        };
      });
    },
  };
}

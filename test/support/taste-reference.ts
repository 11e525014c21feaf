/**
 * The test oracle for taste-source.ts: its straightforward implementation as it was before the request path
 * was made fast (one scan per member with exclusions asked of every band movie, fresh arrays per request,
 * plain loops). taste-source-exact.test.ts checks that the served source returns exactly what this one does.
 * Also the member's fold-in as it was (one rated movie at a time, plain loops): its vector and factor.
 */
import { gemBand, inGemBand } from '../../src/artifacts/gem-band.ts';
import type { Artifacts } from '../../src/artifacts/types.ts';
import type { ScoredCandidate } from '../../src/serve/recommendation.ts';
import {
  DEFAULT_TASTE,
  DISLIKE_BELOW,
  foldableWatch,
  TASTE_RANKED,
  type StarsGuard,
  type TasteOptions,
} from '../../src/serve/taste-source.ts';
import { choleskyInPlace, solveCholesky } from '../../src/model/cholesky.ts';
import { factorOf, type FoldableWatch, type FoldedTaste } from '../../src/model/taste-fold-in.ts';

const GUARDED = 60;

export interface ReferenceTasteSource {
  gems(member: FoldedTaste, isExcluded: (movieId: number) => boolean, stars?: StarsGuard): ScoredCandidate[];
  group(
    members: readonly FoldedTaste[],
    isExcluded: (movieId: number) => boolean,
    stars?: StarsGuard,
  ): ScoredCandidate[];
  popular(
    member: FoldedTaste,
    isExcluded: (movieId: number) => boolean,
    knn: readonly ScoredCandidate[],
    stars?: StarsGuard,
  ): ScoredCandidate[];
}

/** A set of watch rows packed as raw factors y_m, so a scan reads memory front to back. */
interface Packed {
  movieIds: Int32Array;
  rows: Int32Array;
  factors: Float32Array;
  prices: Float32Array;
}

export function createReferenceTasteSource(
  artifacts: Pick<Artifacts, 'manifest' | 'movies' | 'watch'>,
  options: Partial<TasteOptions> = {},
): ReferenceTasteSource | undefined {
  const opts = { ...DEFAULT_TASTE, ...options };
  const watch = foldableWatch(artifacts, opts);
  if (!watch) return undefined;
  const d = watch.dim;
  const band = gemBand(artifacts.manifest);
  const bandRows: number[] = [];
  const aboveRows: number[] = [];
  watch.movieIds.forEach((movieId, row) => {
    const count = artifacts.movies.get(movieId)?.count;
    if (count === undefined) return;
    if (inGemBand(band, count)) bandRows.push(row);
    else if (count >= band.belowRatings) aboveRows.push(row);
  });
  const pack = (rows: readonly number[]): Packed => {
    const factors = new Float32Array(rows.length * d);
    rows.forEach((row, i) => {
      const norm = watch.foldIn.norms[row];
      for (let k = 0; k < d; k++) factors[i * d + k] = watch.vectors[row * d + k] * norm;
    });
    return {
      movieIds: Int32Array.from(rows, (row) => watch.movieIds[row]),
      rows: Int32Array.from(rows),
      factors,
      prices: Float32Array.from(rows, (row) => watch.prices?.[row] ?? 0),
    };
  };
  const bandSet = pack(bandRows);
  const aboveSet = pack(aboveRows);
  const countOf = (movieId: number) => artifacts.movies.get(movieId)?.count ?? 1;
  const mostRatings = aboveSet.movieIds.reduce((max, movieId) => Math.max(max, countOf(movieId)), 2);
  const popularityPrior = Float64Array.from(aboveSet.movieIds, (movieId) => countOf(movieId) / mostRatings);
  const aboveIndex = new Map<number, number>();
  aboveSet.movieIds.forEach((movieId, i) => aboveIndex.set(movieId, i));

  /**
   * x · y_m over a packed set (NaN for excluded movies, when asked; rankings that only need their top
   * instead ask top() to skip them, which looks up far fewer movies).
   */
  function scan(set: Packed, x: Float64Array, isExcluded?: (movieId: number) => boolean): Float64Array {
    const out = new Float64Array(set.movieIds.length);
    const f = set.factors;
    // Four partial sums: the scan is most of a request on ml-32m's 26,848 band movies.
    const d4 = d - (d % 4);
    for (let i = 0, at = 0; i < out.length; i++, at += d) {
      if (isExcluded?.(set.movieIds[i])) {
        out[i] = Number.NaN;
        continue;
      }
      let s0 = 0;
      let s1 = 0;
      let s2 = 0;
      let s3 = 0;
      let k = 0;
      for (; k < d4; k += 4) {
        s0 += x[k] * f[at + k];
        s1 += x[k + 1] * f[at + k + 1];
        s2 += x[k + 2] * f[at + k + 2];
        s3 += x[k + 3] * f[at + k + 3];
      }
      for (; k < d; k++) s0 += x[k] * f[at + k];
      out[i] = s0 + s1 + s2 + s3;
    }
    return out;
  }

  return {
    gems(member, isExcluded, stars) {
      const scores = scan(bandSet, member.x);
      const keys = scores.map((s, i) => s - opts.priceWeight * bandSet.prices[i]);
      const ranked = guard(
        top(keys, GUARDED, bandSet.movieIds, isExcluded),
        bandSet.movieIds,
        stars,
        opts.dislikeGuard,
      ).slice(0, TASTE_RANKED);
      return ranked.map(({ index, key, predicted }) => ({
        movieId: bandSet.movieIds[index],
        score: key,
        reason: tasteReason('gem', scores[index], opts.priceWeight * bandSet.prices[index], [], predicted),
      }));
    },

    group(members, isExcluded, stars) {
      /** Scores scaled by their best band score: 1 = the viewer's favourite, whatever their number of ratings. */
      const scaledScores = (x: Float64Array) => {
        const scores = scan(bandSet, x, isExcluded);
        let best = 0;
        for (const s of scores) if (s > best) best = s;
        if (best > 0) for (let i = 0; i < scores.length; i++) scores[i] /= best;
        return scores;
      };
      const perMember = members.map((member) => scaledScores(member.x));
      // The pooled viewer: every member's rated movies in one solve, a movie two rated counted once.
      const pooledRows: number[] = [];
      const pooledIds = new Set<number>();
      for (const member of members)
        member.movieIds.forEach((movieId, i) => {
          if (pooledIds.has(movieId)) return;
          pooledIds.add(movieId);
          pooledRows.push(member.rows[i]);
        });
      const pooled =
        opts.groupPooledWeight > 0 && members.length > 1
          ? scaledScores(referenceFoldInTaste(watch, pooledRows).x)
          : undefined;

      const combined = new Float64Array(bandSet.movieIds.length);
      const t = opts.softMinTemperature;
      for (let i = 0; i < combined.length; i++) {
        if (opts.groupCombine === 'mean') {
          let sum = 0;
          for (const scores of perMember) sum += scores[i];
          combined[i] = sum / perMember.length;
        } else {
          // −t·ln(mean exp(−s/t)): near the lowest member's score, softened by the others'.
          let low = Infinity;
          for (const scores of perMember) low = Math.min(low, scores[i]);
          let sum = 0;
          for (const scores of perMember) sum += Math.exp(-(scores[i] - low) / t);
          combined[i] = low - t * Math.log(sum / perMember.length);
        }
        if (pooled)
          combined[i] = (1 - opts.groupPooledWeight) * combined[i] + opts.groupPooledWeight * pooled[i];
        if (opts.groupLeastMiseryWeight > 0) {
          let low = Infinity;
          for (const scores of perMember) low = Math.min(low, scores[i]);
          combined[i] += opts.groupLeastMiseryWeight * low;
        }
      }
      const ranked = guard(
        top(combined, GUARDED, bandSet.movieIds),
        bandSet.movieIds,
        stars,
        opts.dislikeGuard,
      ).slice(0, TASTE_RANKED);
      return ranked.map(({ index, key, predicted }) => {
        const scaled = perMember.map((scores) => scores[index]);
        return {
          movieId: bandSet.movieIds[index],
          score: key,
          reason: {
            kind: 'taste-group' as const,
            memberCount: members.length,
            lowestScaledScore: Math.min(...scaled),
            meanScaledScore: scaled.reduce((sum, s) => sum + s, 0) / scaled.length,
            ...(predicted ? { lowestPredicted: Math.min(...predicted) } : {}),
          },
        };
      });
    },

    popular(member, isExcluded, knn, stars) {
      const scores = scan(aboveSet, member.x);
      const knnBest = knn.reduce((max, c) => Math.max(max, c.score), 0);
      const priorWeight =
        opts.popularityWeight * Math.max(1, opts.fewRatings / Math.max(member.movieIds.length, 1));
      const keys = Float64Array.from(scores, (s, i) => s + priorWeight * popularityPrior[i]);
      if (knnBest > 0) {
        for (const candidate of knn) {
          const i = aboveIndex.get(candidate.movieId);
          if (i !== undefined && !Number.isNaN(keys[i]))
            keys[i] += (opts.knnWeight * candidate.score) / knnBest;
        }
      }
      const ranked = guard(
        top(keys, GUARDED, aboveSet.movieIds, isExcluded),
        aboveSet.movieIds,
        stars,
        opts.dislikeGuard,
      ).slice(0, Math.min(TASTE_RANKED, opts.popularDrawn));
      return ranked.map(({ index, key, predicted }) => ({
        movieId: aboveSet.movieIds[index],
        score: key,
        reason: tasteReason('popular', scores[index], 0, [], predicted),
      }));
    },
  };
}

interface Ranked {
  index: number;
  key: number;
  /** The stars path's predictions, when it was asked. */
  predicted?: readonly number[];
}

/** The k best keys (NaN and excluded movies skipped), best first; ties by the smaller index. */
function top(
  keys: Float64Array,
  k: number,
  movieIds: Int32Array,
  isExcluded?: (movieId: number) => boolean,
): Ranked[] {
  const best: Ranked[] = [];
  for (let i = 0; i < keys.length; i++) {
    const key = keys[i];
    if (Number.isNaN(key) || (best.length === k && !(key > best[k - 1].key))) continue;
    if (isExcluded?.(movieIds[i])) continue;
    if (best.length === k) best.pop();
    let at = best.length;
    while (at > 0 && best[at - 1].key < key) at--;
    best.splice(at, 0, { index: i, key });
  }
  return best;
}

/**
 * Asks the stars path about each candidate; with the guard on, predicted dislikes (any member below
 * DISLIKE_BELOW) go behind the rest, order otherwise kept.
 */
function guard(ranked: Ranked[], movieIds: Int32Array, stars: StarsGuard | undefined, on: boolean): Ranked[] {
  if (!stars) return ranked;
  const ok: Ranked[] = [];
  const disliked: Ranked[] = [];
  for (const entry of ranked) {
    const predicted = stars(movieIds[entry.index]);
    const checked = predicted ? { ...entry, predicted } : entry;
    if (on && predicted && Math.min(...predicted) < DISLIKE_BELOW) disliked.push(checked);
    else ok.push(checked);
  }
  return [...ok, ...disliked];
}

function tasteReason(
  list: 'gem' | 'popular',
  score: number,
  price: number,
  becauseIds: number[],
  predicted: readonly number[] | undefined,
): ScoredCandidate['reason'] {
  return {
    kind: 'taste',
    list,
    score,
    price,
    because: becauseIds,
    ...(predicted?.[0] !== undefined ? { predictedRating: predicted[0] } : {}),
  };
}

/** The MF path's fold-in as it was: x_u and the Cholesky factor of A. */
export function referenceFoldInTaste(
  watch: FoldableWatch,
  rows: readonly number[],
): { x: Float64Array; factor: Float64Array } {
  const d = watch.dim;
  const { gramian, lambda, alpha } = watch.foldIn;
  const a = Float64Array.from(gramian);
  for (let k = 0; k < d; k++) a[k * d + k] += lambda;
  const b = new Float64Array(d);
  const y = new Float64Array(d);
  for (const row of rows) {
    factorOf(watch, row, y);
    for (let r = 0; r < d; r++) {
      const yr = y[r];
      b[r] += (1 + alpha) * yr;
      const at = r * d;
      for (let c = 0; c <= r; c++) a[at + c] += alpha * yr * y[c];
    }
  }
  choleskyInPlace(a, d);
  return { x: solveCholesky(a, b, d), factor: a };
}

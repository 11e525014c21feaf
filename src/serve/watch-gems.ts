/**
 * /recommend's hidden gems from the watch model (train/watch-model.ts): less-known movies watched by the
 * same people as the picks.
 *
 * A band movie ranks by its summed cosine to the three picks in the watch model's space, minus its exposure
 * price (train/watch-prices.ts, computed at training time): zero for most movies; for a "hub", close to every
 * catalog favourite, just enough that it enters at most 2.7 % of random triples' top 5 instead of a third of
 * all answers. So the picks decide the list, and where a movie is shown it is among the closest to them.
 *
 * Per version, every catalog movie's cosines to the band (catalog × band floats) are cached as members pick
 * them; a request is three adds, a subtraction and a compare per band movie.
 */
import { gemBand, inGemBand } from '../artifacts/gem-band.ts';
import type { Artifacts, WatchVectors } from '../artifacts/types.ts';
import { TopK } from '../model/top-k.ts';
import { RATING_MAX } from '../model/dnmf.ts';
import type { PicksRanker, PicksRanking } from './picks-ranking.ts';

/** Candidates returned per request: more than a list's draw window (10) and its own length (5), and no more. */
export const WATCH_RANKED = 20;

/** A version's watch model, when it has one with exposure prices (every version serving verifies has). */
export function pricedWatch(
  artifacts: Pick<Artifacts, 'watch'>,
): (WatchVectors & { prices: Float32Array }) | undefined {
  const watch = artifacts.watch;
  return watch?.prices ? { ...watch, prices: watch.prices } : undefined;
}

/** /recommend's gem ranking: the one serving uses. */
export const WATCH_GEMS: PicksRanking = {
  name: 'watch',
  // pickRating: the stars a pick stands for (members pick movies they love), reported by every ranking.
  settings: (artifacts) => ({ pickRating: RATING_MAX, watch: artifacts.manifest.watch }),
  build(artifacts) {
    const watch = pricedWatch(artifacts);
    if (!watch) throw new Error(missingPrices(artifacts));
    return buildWatchGems(artifacts, watch);
  },
};

/** Why a version cannot rank /recommend's gems (see verify.ts: such a version is not served). */
export function missingPrices(artifacts: Pick<Artifacts, 'manifest'>): string {
  return `version ${artifacts.manifest.version} has no watch model with exposure prices: retrain it`;
}

export function* buildWatchGems(
  artifacts: Pick<Artifacts, 'manifest' | 'movies' | 'catalog'>,
  watch: WatchVectors & { prices: Float32Array },
): Generator<void, PicksRanker> {
  const { dim, vectors, prices } = watch;
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

  // Each band movie's exposure price (train/watch-prices.ts), in band order.
  const bandPrices = new Float32Array(size);
  bandIds.forEach((movieId, b) => {
    bandPrices[b] = prices[rowOf.get(movieId)!];
  });
  yield;

  return {
    warm(pickId) {
      cosinesOf(pickId);
    },

    rank(picks, isExcluded) {
      const tables = picks.flatMap((pickId) => cosinesOf(pickId) ?? []);
      // knownPicks[j] is the pick of tables[j].
      if (tables.length === 0) return [];
      const knownPicks = picks.filter((pickId) => cosinesOf(pickId) !== undefined);
      const best = new TopK(WATCH_RANKED);
      // Three picks in /recommend: three plain reads per movie (no per-movie loop over the tables, which
      // cost as much as the rest of the scan on ml-32m's 26,848 band movies); other counts go through `extra`.
      const [t0, t1 = zeros, t2 = zeros] = tables;
      const extra = tables.slice(3);
      for (let b = 0; b < size; b++) {
        let score = t0[b] + t1[b] + t2[b];
        for (let j = 0; j < extra.length; j++) score += extra[j][b];
        const key = score - bandPrices[b];
        if (!best.admits(b, key) || isExcluded(bandIds[b])) continue;
        best.offer(b, key);
      }
      return best.entries().map(({ index: b, key }) => {
        let totalSimilarity = 0;
        for (const table of tables) totalSimilarity += table[b];
        const matches = knownPicks
          .map((pickId, j) => ({ movieId: pickId, similarity: tables[j][b] }))
          .filter((match) => match.similarity > 0)
          .sort((x, y) => y.similarity - x.similarity || x.movieId - y.movieId);
        return {
          movieId: bandIds[b],
          score: key,
          reason: {
            kind: 'watch-similar' as const,
            matches,
            totalSimilarity,
            price: bandPrices[b],
          },
        };
      });
    },
  };
}

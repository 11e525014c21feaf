/**
 * Exposure prices for /recommend's hidden gems (serve/watch-gems.ts ranks a band movie by its summed
 * watch-model cosine to the three picks, minus its price).
 *
 * Ranked by plain summed cosine, a few band movies close to every catalog favourite ("hubs") would fill most
 * answers, whatever the picks (measured: one movie in a third of 2,000 random answers). A price per movie
 * caps that: over REFERENCE seeded random catalog triples, no band movie may be in more than `cap` of the
 * triples' top `listLength`. The prices are the dual prices of that cap: a movie under the cap pays nothing
 * and ranks on its plain score; a hub pays just enough to fall back to the cap, and the triples it keeps
 * are the ones it suits best. Other movies are never pushed in to fill a quota, so what is served is still
 * the closest the model knows, as far as the cap allows (the earlier gate made every movie eligible for 4 %
 * of triples, and filled lists with weak ones: 15.0 vs 17.5 held-out hits per 100 users on the fixed split).
 *
 * Found by damped fixed-point rounds: in each, every triple's top listLength + 1 adjusted scores are taken,
 * then each movie's price is set to the one that would put it exactly at the cap given everyone else's (its
 * (cap·R + 1)-th largest margin over the runner-up), and moved half-way there. One round is two streaming
 * passes over the band per reference triple; it runs on the watch model's worker thread, beside the DNMF.
 */
import { createRng } from '../random.ts';
import { insertLargest, TopK } from '../model/top-k.ts';

export interface ExposurePriceOptions {
  /** Most share of reference triples whose top listLength a band movie may enter. */
  cap: number;
  /** The list a member sees. */
  listLength: number;
  referenceTriples: number;
  rounds: number;
  /** How far each round moves a price towards its clearing value. */
  damping: number;
  seed: number;
}

/**
 * cap 0.027 of the top 5: the served lists are drawn from the best 10 (serve/engine.ts), so a movie is served
 * in up to about 1.5 × cap of random answers, and a cap fitted to 2,000 reference triples is itself off by a
 * few tenths of a percent on fresh ones (with 0.03 and 1,000 triples the most frequent gem reached 5.3 % on
 * one split, against the 5 %). Chosen on the fixed split from 0.02–0.035, checked on the random ones.
 */
export const DEFAULT_EXPOSURE_PRICES: ExposurePriceOptions = {
  cap: 0.027,
  listLength: 5,
  referenceTriples: 2000,
  rounds: 20,
  damping: 0.5,
  seed: 20_261_202,
};

export interface PricingInput {
  /** The catalog (what members pick). */
  catalogIds: readonly number[];
  /** The gem band (artifacts/gem-band.ts): the movies /recommend's gems come from. */
  bandMovieIds: readonly number[];
  options?: Partial<ExposurePriceOptions>;
}

/** One price per watch-model movie (aligned with movieIds); 0 outside the band and for movies under the cap. */
export function exposurePrices(
  watch: { dim: number; movieIds: Int32Array; vectors: Float32Array },
  input: PricingInput,
): { prices: Float32Array; options: ExposurePriceOptions } {
  const options = { ...DEFAULT_EXPOSURE_PRICES, ...input.options };
  const { cap, listLength: k, referenceTriples, rounds, damping } = options;
  if (!(cap > 0 && cap < 1 && k >= 1 && referenceTriples >= 1 && rounds >= 0 && damping > 0 && damping <= 1))
    throw new Error(`exposure price options out of range: ${JSON.stringify(options)}`);
  const { dim, movieIds, vectors } = watch;
  const rowOf = new Map<number, number>();
  movieIds.forEach((movieId, row) => rowOf.set(movieId, row));
  const prices = new Float32Array(movieIds.length);
  const catalog = new Set(input.catalogIds);
  const bandRows = [...new Set(input.bandMovieIds)]
    .filter((movieId) => !catalog.has(movieId))
    .flatMap((movieId) => rowOf.get(movieId) ?? [])
    .sort((a, b) => a - b);
  const known = [...catalog].filter((movieId) => rowOf.has(movieId)).sort((a, b) => a - b);
  const size = bandRows.length;
  if (known.length < 3 || size <= k) return { prices, options };

  // cos(catalog movie, band movie) rows, one per catalog movie a triple uses.
  const cosines = new Map<number, Float32Array>();
  const cosinesOf = (movieId: number): Float32Array => {
    let out = cosines.get(movieId);
    if (out) return out;
    out = new Float32Array(size);
    const at = rowOf.get(movieId)! * dim;
    for (let b = 0; b < size; b++) {
      const other = bandRows[b] * dim;
      let dot = 0;
      for (let d = 0; d < dim; d++) dot += vectors[at + d] * vectors[other + d];
      out[b] = dot;
    }
    cosines.set(movieId, out);
    return out;
  };
  const rng = createRng(options.seed);
  const first: Float32Array[] = [];
  const second: Float32Array[] = [];
  const third: Float32Array[] = [];
  for (let t = 0; t < referenceTriples; t++) {
    const triple = new Set<number>();
    while (triple.size < 3) triple.add(known[Math.floor(rng() * known.length)]);
    const [a, b, c] = [...triple].map(cosinesOf);
    first.push(a);
    second.push(b);
    third.push(c);
  }

  const price = new Float64Array(size);
  const capCount = Math.floor(cap * referenceTriples);
  const top = new TopK(k + 1);
  const { keys: values, indices: rows } = top;
  // Per movie, its capCount + 1 largest margins this round, largest first (row m at m·width), and the
  // smallest of them apart, so most margins are turned away by one compare.
  const width = capCount + 1;
  const margins = new Float64Array(size * width);
  const floorOf = new Float64Array(size);
  /** memberOf[m] === the scan's stamp (one per triple and round) while m is in that triple's top k. */
  const memberOf = new Int32Array(size);
  for (let round = 0; round < rounds; round++) {
    margins.fill(-Infinity);
    floorOf.fill(-Infinity);
    for (let t = 0; t < referenceTriples; t++) {
      const [a, b, c] = [first[t], second[t], third[t]];
      // The triple's top k + 1 adjusted scores, then every movie's margin in it.
      topAdjusted(a, b, c, price, top);
      const stamp = round * referenceTriples + t + 1;
      for (let j = 0; j < k; j++) memberOf[rows[j]] = stamp;
      keepMargins(a, b, c, values[k - 1], values[k], memberOf, stamp, margins, floorOf, width);
    }
    for (let m = 0; m < size; m++) {
      // At this price it enters at most capCount triples' top k, everyone else's prices as they were.
      const clearing = Math.max(0, margins[m * width + width - 1]);
      price[m] += damping * (clearing - price[m]);
    }
  }
  bandRows.forEach((row, m) => {
    prices[row] = price[m];
  });
  return { prices, options };
}

/** The top.k largest adjusted scores a + b + c − price, largest first, and their rows (into top). */
function topAdjusted(
  a: Float32Array,
  b: Float32Array,
  c: Float32Array,
  price: Float64Array,
  top: TopK,
): void {
  top.clear();
  for (let m = 0; m < price.length; m++) top.offer(m, a[m] + b[m] + c[m] - price[m]);
}

/**
 * Every movie's margin in one triple: how far its plain score beats the best it must displace there (the
 * k-th best of the others: the runner-up for the triple's own top k). It enters the triple's top k iff its
 * price is below that margin. Each movie keeps its `width` largest margins (row m at m·width).
 */
function keepMargins(
  a: Float32Array,
  b: Float32Array,
  c: Float32Array,
  kth: number,
  runnerUp: number,
  memberOf: Int32Array,
  stamp: number,
  margins: Float64Array,
  floorOf: Float64Array,
  width: number,
): void {
  for (let m = 0; m < floorOf.length; m++) {
    const margin = a[m] + b[m] + c[m] - (memberOf[m] === stamp ? runnerUp : kth);
    if (!(margin > floorOf[m])) continue;
    floorOf[m] = insertLargest(margins, m * width, width, margin);
  }
}

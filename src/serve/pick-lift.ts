/**
 * /recommend's hidden gems: what the DNMF expects from the three picks in particular.
 *
 * The picks are folded in as one viewer who rates each of them 5 (fold-in.ts), giving a GMF vector p. For a
 * movie with GMF features x_m, p·x_m is the lift: how much more than its baseline (global mean + both biases
 * + the MLP term, all the same for every pick triple) the model predicts. Raw lift still favours the same few
 * movies for every triple — those whose embedding is long and points where catalog lovers in general point —
 * so each movie's lift is compared with what it gets from the reference population, REFERENCE_TRIPLES seeded
 * random triples of catalog movies (a viewer who loves any three top-100 movies):
 *
 *   z_m = (p − p̄)·x_m / sd_m,   p̄ = mean reference p,   sd_m = sd of (p_t − p̄)·x_m over the reference,
 *
 * i.e. how unusual the picks' lift is for this movie. A movie is ranked by z_m + ln(n_m), n_m its training
 * ratings: e^z·n, the audience size scaled by how unusually the picks lift it, so that among movies the picks
 * lift equally the one more people could have seen comes first (all are in the gem band, so still less
 * known). Nothing here is fitted to a split: the reference is the catalog itself, the weight of ln n is 1.
 *
 * At request time only a small union is re-scored: per catalog movie, the POOL_SIZE band movies that its own
 * term ranks best (ᾱ·x_j·x_m / sd_m + c_m / 3, ᾱ the reference's mean share per pick, c_m the pick-independent
 * part), plus the POOL_SIZE best by c_m alone. p = Σ α_j x_j, so a movie outside every pool could only win
 * with shares far from the reference's — and each pick's exact share is what the card names.
 */
import type { Artifacts } from '../artifacts/types.ts';
import { gemBandRows } from '../artifacts/gem-band.ts';
import { createRng } from '../random.ts';
import { foldIn, type FoldedUser, type RowRating } from './fold-in.ts';
import { topRows } from './ranked-draw.ts';
import type { ScoredCandidate } from './recommendation.ts';
import { RATING_MAX } from '../artifacts/dnmf.ts';

/** The rating a pick stands for: /recommend's picks are movies the member loves. */
export const PICK_RATING = RATING_MAX;
/** Random catalog triples that define "a typical viewer" (seeded: the same for a given version). */
export const REFERENCE_TRIPLES = 200;
const REFERENCE_SEED = 20_261_201;
/** Band movies per catalog pick's pool (and in the shared pool). */
export const POOL_SIZE = 200;

/** Candidates returned per request: more than a list's draw window and its own length. */
export const RANKED = 40;

export interface PickLift {
  warm(pickId: number): void;
  rank(picks: readonly number[], isExcluded: (movieId: number) => boolean): ScoredCandidate[];
}

export function createPickLift(artifacts: Artifacts, catalogIds: readonly number[]): PickLift {
  const { dnmf } = artifacts;
  const { scorer } = dnmf;
  const g = scorer.gmfDim;
  const bandRows = gemBandRows(artifacts);
  const logCount = new Float64Array(scorer.movies);
  for (const row of bandRows) logCount[row] = Math.log(artifacts.movies.get(dnmf.movieIds[row])!.count);
  const catalogRows = [...catalogIds]
    .sort((a, b) => a - b)
    .flatMap((id) => {
      const row = dnmf.movieRows.get(id);
      return row === undefined ? [] : [row];
    });
  const foldPicks = (rows: readonly number[]): FoldedUser =>
    foldIn(
      dnmf,
      rows.map((row): RowRating => ({ row, rating: PICK_RATING })),
    );

  // The reference population: p̄, and the covariance of p − p̄ (for sd_m = sqrt(x_mᵀ C x_m)).
  const meanP = new Float64Array(g);
  const samples: Float64Array[] = [];
  let meanShare = 0;
  if (catalogRows.length >= 3) {
    const rng = createRng(REFERENCE_SEED);
    for (let t = 0; t < REFERENCE_TRIPLES; t++) {
      const triple = new Set<number>();
      while (triple.size < 3) triple.add(catalogRows[Math.floor(rng() * catalogRows.length)]);
      const folded = foldPicks([...triple]);
      samples.push(Float64Array.from(folded.gmfWeighted));
      for (const share of folded.shares) meanShare += share / (3 * REFERENCE_TRIPLES);
    }
    for (const sample of samples) for (let k = 0; k < g; k++) meanP[k] += sample[k] / samples.length;
  }
  const covariance = new Float64Array(g * g);
  for (const sample of samples) {
    for (let a = 0; a < g; a++) {
      const da = sample[a] - meanP[a];
      for (let b = 0; b < g; b++) covariance[a * g + b] += (da * (sample[b] - meanP[b])) / samples.length;
    }
  }
  const meanPVector = Float32Array.from(meanP);
  const sd = new Float64Array(scorer.movies);
  const independent = new Float64Array(scorer.movies).fill(Number.NaN);
  const movieGmf = scorer.movieGmf;
  let sdSum = 0;
  for (const m of bandRows) {
    let quadratic = 0;
    for (let a = 0; a < g; a++) {
      let row = 0;
      for (let b = 0; b < g; b++) row += covariance[a * g + b] * movieGmf[m * g + b];
      quadratic += movieGmf[m * g + a] * row;
    }
    sd[m] = Math.sqrt(Math.max(quadratic, 0));
    sdSum += sd[m];
  }
  // A movie the reference does not move at all (a zero embedding) would divide by zero: floor sd at a
  // small share of the typical one, so such a movie scores by its pick-independent part only.
  const sdFloor = bandRows.length > 0 ? Math.max((1e-3 * sdSum) / bandRows.length, 1e-12) : 1e-12;
  for (const m of bandRows) {
    sd[m] = Math.max(sd[m], sdFloor);
    independent[m] = logCount[m] - scorer.gmfPath(meanPVector, m) / sd[m];
  }
  const sharedPool = topRows(bandRows, independent, POOL_SIZE);
  const w = scorer.gmfOutputWeights;
  const pools = new Map<number, number[]>();
  const scratch = new Float64Array(scorer.movies).fill(Number.NaN);

  /** x_pick ⊙ w, so gmfPath(v, m) = x_pick · x_m (x = GMF features as the output layer weighs them). */
  function similarityVector(row: number): Float32Array {
    const v = new Float32Array(g);
    for (let k = 0; k < g; k++) v[k] = w[k] * w[k] * movieGmf[row * g + k];
    return v;
  }

  function poolOf(pickId: number): number[] {
    const cached = pools.get(pickId);
    if (cached) return cached;
    const row = dnmf.movieRows.get(pickId);
    if (row === undefined) return [];
    const v = similarityVector(row);
    for (const m of bandRows) scratch[m] = (meanShare * scorer.gmfPath(v, m)) / sd[m] + independent[m] / 3;
    const pool = topRows(bandRows, scratch, POOL_SIZE);
    for (const m of bandRows) scratch[m] = Number.NaN;
    // Only catalog movies are cached (what users pick); the cache is bounded by the catalog.
    if (catalogIds.includes(pickId)) pools.set(pickId, pool);
    return pool;
  }

  return {
    warm(pickId) {
      poolOf(pickId);
    },

    rank(picks, isExcluded) {
      const known = picks.filter((pickId) => dnmf.movieRows.has(pickId));
      if (known.length === 0) return [];
      const rows = known.map((pickId) => dnmf.movieRows.get(pickId)!);
      const user = foldPicks(rows);
      const relative = Float32Array.from(user.gmfWeighted, (x, k) => x - meanP[k]);
      const union = new Set<number>(sharedPool);
      for (const pickId of known) for (const m of poolOf(pickId)) union.add(m);
      const ranked: Array<{ row: number; lift: number; score: number }> = [];
      for (const m of union) {
        if (isExcluded(dnmf.movieIds[m])) continue;
        const lift = scorer.gmfPath(relative, m);
        // Only movies the picks lift more than a typical triple does: anything else does not depend on them.
        if (lift > 0) ranked.push({ row: m, lift, score: lift / sd[m] + logCount[m] });
      }
      // Equal scores (rare with real weights): the lower row, so ties are broken the same way every time.
      ranked.sort((a, b) => b.score - a.score || a.row - b.row);
      const vectors = rows.map(similarityVector);
      // Reasons only for what a draw can reach (gems are drawn first, so nothing else is taken yet).
      return ranked.slice(0, RANKED).map(({ row, lift, score }) => {
        // Each pick's exact share of p·x_m: α_j · x_j · x_m.
        const shares = known.map((pickId, j) => ({
          pickId,
          share: user.shares[j] * scorer.gmfPath(vectors[j], row),
        }));
        const pickIds = shares
          .filter((entry) => entry.share > 0)
          .sort((a, b) => b.share - a.share)
          .map((entry) => entry.pickId);
        return {
          movieId: dnmf.movieIds[row],
          score,
          reason: { kind: 'dnmf-fold-in' as const, pickIds, lift },
        };
      });
    },
  };
}

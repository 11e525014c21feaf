/**
 * A baseline of the ranking evaluation (`fold-in` in evaluate-ranking): /recommend's hidden gems as they
 * were served before the watch model (and for versions without one until the taste model made it part of
 * every servable version): what the DNMF expects from the three picks in particular. The engine runs it as
 * a PicksRanking, with the bot's own draws, fallbacks and exclusions.
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
 * Because the penalty on p is isotropic, p = Σ_j α_j·x_j (fold-in.ts), so p·x_m = Σ_j α_j·(x_j·x_m). Each
 * catalog movie's similarities x_j·x_m to every band movie are computed once per version (catalog × band
 * floats), and p̄·x_m and sd_m once per band movie; a request then scores the whole band exactly with three
 * multiply-adds per movie, and each pick's share α_j·x_j·x_m (what the card names) comes for free.
 */
import type { Artifacts } from '../artifacts/types.ts';
import { gemBandRows } from '../artifacts/gem-band.ts';
import { createRng } from '../random.ts';
import { foldIn, type FoldedUser, type RowRating } from '../serve/fold-in.ts';
import type { PicksRanker, PicksRanking } from '../serve/picks-ranking.ts';
import { RATING_MAX } from '../model/dnmf.ts';
import { TopK } from '../model/top-k.ts';

/** The rating a pick stands for: /recommend's picks are movies the member loves. */
export const PICK_RATING = RATING_MAX;
/** Random catalog triples that define "a typical viewer" (seeded: the same for a given version). */
export const REFERENCE_TRIPLES = 200;
const REFERENCE_SEED = 20_261_201;

/** Candidates returned per request: more than a list's draw window and its own length. */
export const RANKED = 40;

/** The DNMF fold-in ranking of /recommend's gems, for the engine's `picks` option. */
export const PICK_LIFT: PicksRanking = {
  name: 'fold-in',
  settings: () => ({ pickRating: PICK_RATING, referenceTriples: REFERENCE_TRIPLES }),
  build: (artifacts) =>
    buildPickLift(
      artifacts,
      artifacts.catalog.map((entry) => entry.movieId),
    ),
};

/** Band movies handled between two pauses of a step-wise build (a few milliseconds of work). */
const ROWS_PER_STEP = 256;

/**
 * The same, pausing (yield) every few milliseconds of work, so a running bot can build the next
 * version's pick lift between requests instead of stalling for the whole build (30–50 ms here).
 */
export function* buildPickLift(
  artifacts: Artifacts,
  catalogIds: readonly number[],
): Generator<void, PicksRanker> {
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
  if (catalogRows.length >= 3) {
    const rng = createRng(REFERENCE_SEED);
    for (let t = 0; t < REFERENCE_TRIPLES; t++) {
      const triple = new Set<number>();
      while (triple.size < 3) triple.add(catalogRows[Math.floor(rng() * catalogRows.length)]);
      const folded = foldPicks([...triple]);
      samples.push(Float64Array.from(folded.gmfWeighted));
      if (t % 50 === 49) yield;
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
  const movieGmf = scorer.movieGmf;
  const size = bandRows.length;
  const sd = new Float64Array(size);
  const meanLift = new Float64Array(size);
  const bandLogCount = Float64Array.from(bandRows, (row) => logCount[row]);
  let sdSum = 0;
  for (let b = 0; b < size; b++) {
    const m = bandRows[b];
    if (b % ROWS_PER_STEP === ROWS_PER_STEP - 1) yield;
    let quadratic = 0;
    for (let i = 0; i < g; i++) {
      let row = 0;
      for (let j = 0; j < g; j++) row += covariance[i * g + j] * movieGmf[m * g + j];
      quadratic += movieGmf[m * g + i] * row;
    }
    sd[b] = Math.sqrt(Math.max(quadratic, 0));
    sdSum += sd[b];
    meanLift[b] = scorer.gmfPath(meanPVector, m);
  }
  // A movie the reference does not move at all (a zero embedding) would divide by zero: floor sd at a
  // small share of the typical one, so such a movie scores by its rating count only.
  const sdFloor = size > 0 ? Math.max((1e-3 * sdSum) / size, 1e-12) : 1e-12;
  for (let b = 0; b < size; b++) sd[b] = Math.max(sd[b], sdFloor);
  const inverseSd = Float64Array.from(sd, (x) => 1 / x);
  const w = scorer.gmfOutputWeights;
  const similarities = new Map<number, Float32Array>();
  const catalogSet = new Set(catalogIds);

  /** x_pick · x_m for every band movie m (x = GMF features as the output layer weighs them). */
  function similaritiesOf(pickId: number): Float32Array | undefined {
    const cached = similarities.get(pickId);
    if (cached) return cached;
    const row = dnmf.movieRows.get(pickId);
    if (row === undefined) return undefined;
    const v = new Float32Array(g);
    for (let k = 0; k < g; k++) v[k] = w[k] * w[k] * movieGmf[row * g + k];
    const out = Float32Array.from(bandRows, (m) => scorer.gmfPath(v, m));
    // Only catalog movies are kept (what users pick), so the table is bounded by catalog × band.
    if (catalogSet.has(pickId)) similarities.set(pickId, out);
    return out;
  }

  return {
    warm(pickId) {
      similaritiesOf(pickId);
    },

    rank(picks, isExcluded) {
      const known = picks.filter((pickId) => dnmf.movieRows.has(pickId));
      if (known.length === 0) return [];
      const user = foldPicks(known.map((pickId) => dnmf.movieRows.get(pickId)!));
      const tables = known.map((pickId) => similaritiesOf(pickId)!);
      const alphas = Array.from(user.shares);
      const [a0, a1 = 0, a2 = 0] = alphas;
      const [t0, t1 = tables[0], t2 = tables[0]] = tables;
      const extra = alphas.slice(3);
      // The best RANKED open movies, selected in one pass: most fail the floor test, and only those that
      // pass are checked against the exclusions. Equal scores keep the lower index (a fixed order).
      const best = new TopK(RANKED);
      for (let b = 0; b < size; b++) {
        let lift = a0 * t0[b] + a1 * t1[b] + a2 * t2[b] - meanLift[b];
        for (let j = 0; j < extra.length; j++) lift += extra[j] * tables[j + 3][b];
        // Only movies the picks lift more than a typical triple does: anything else does not depend on them.
        if (!(lift > 0)) continue;
        const score = lift * inverseSd[b] + bandLogCount[b];
        if (!best.admits(b, score) || isExcluded(dnmf.movieIds[bandRows[b]])) continue;
        best.offer(b, score);
      }
      // Reasons only for what a draw can reach (gems are drawn first, so nothing else is taken yet).
      return best.entries().map(({ index: b, key: score }) => {
        const lift = (score - bandLogCount[b]) * sd[b];
        const pickIds = known
          .map((pickId, j) => ({ pickId, share: alphas[j] * tables[j][b] }))
          .filter((entry) => entry.share > 0)
          .sort((x, y) => y.share - x.share)
          .map((entry) => entry.pickId);
        return {
          movieId: dnmf.movieIds[bandRows[b]],
          score,
          reason: { kind: 'dnmf-fold-in' as const, pickIds, lift },
        };
      });
    },
  };
}

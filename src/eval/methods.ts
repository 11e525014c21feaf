/**
 * Everything the evaluation compares, behind one shape: given the picks, what not to serve and a seeded RNG,
 * a method answers one or more named lists. The production engine answers two (popular picks, hidden gems);
 * each baseline answers one.
 */
import { gemBand } from '../artifacts/gem-band.ts';
import type { ServingDnmf } from '../model/serving-dnmf.ts';
import type { Engine } from '../serve/engine.ts';
import { sampleDistinct, type Rng } from '../random.ts';
import type { CosineTable } from './cosine.ts';
import { TopK } from '../model/top-k.ts';

export interface Served {
  movieId: number;
  /** The engine's reason, kept for the fan statistics; baselines have none. */
  reason?: object;
}

export interface Method {
  name: string;
  /** What the numbers were produced with, printed next to them. */
  hyperparameters: Record<string, unknown>;
  lists: readonly string[];
  answer(picks: readonly number[], exclude: ReadonlySet<number>, rng: Rng): Record<string, Served[]>;
}

export interface Band {
  /** Inclusive bounds on a movie's training rating count. */
  min: number;
  max: number;
}

/**
 * The band the issue's measurements used (10–60 training ratings, the gems' band of the serving at the
 * time). The baselines' default is now the engine's own gem band (gemBandOf); this one is reported beside it.
 */
export const ISSUE_BAND: Band = { min: 10, max: 60 };

/** A version's gem band (artifacts/gem-band.ts) as inclusive training-count bounds. */
export function gemBandOf(manifest: Parameters<typeof gemBand>[0]): Band {
  const band = gemBand(manifest);
  return { min: band.minRatings, max: band.belowRatings - 1 };
}

/** What the baselines know about the training data. */
export interface TrainingFacts {
  /** movieId → training rating count, for every movie rated at least once. */
  counts: Map<number, number>;
  catalog: ReadonlySet<number>;
  cosine: CosineTable;
}

/**
 * The production engine as /recommend calls it, with the user's train movies as `exclude`. Should the engine
 * serve one anyway it is dropped here and counted in `dropped` (0 when `exclude` works), so the metrics
 * always see what a member would be shown minus what they rated.
 */
export function engineMethod(
  name: string,
  engine: Engine,
  hyperparameters: Record<string, unknown>,
  perSource: number,
): Method & { dropped: () => number } {
  let dropped = 0;
  return {
    name,
    hyperparameters,
    lists: ['popular', 'gems'],
    dropped: () => dropped,
    answer(picks, exclude, rng) {
      const result = engine.recommend(picks, { rng, perSource, exclude });
      const keep = (list: { movieId: number; reason: object }[]): Served[] => {
        const kept = list.filter((r) => !exclude.has(r.movieId));
        dropped += list.length - kept.length;
        return kept.map((r) => ({ movieId: r.movieId, reason: r.reason }));
      };
      return { popular: keep(result.popularPicks), gems: keep(result.hiddenGems) };
    },
  };
}

function single(
  name: string,
  hyperparameters: Record<string, unknown>,
  rank: (picks: readonly number[], exclude: ReadonlySet<number>, rng: Rng) => number[],
): Method {
  return {
    name,
    hyperparameters,
    lists: [name],
    answer: (picks, exclude, rng) => ({ [name]: rank(picks, exclude, rng).map((movieId) => ({ movieId })) }),
  };
}

function inBand(facts: TrainingFacts, band: Band): number[] {
  return [...facts.counts]
    .filter(([movieId, count]) => count >= band.min && count <= band.max && !facts.catalog.has(movieId))
    .map(([movieId]) => movieId)
    .sort((a, b) => a - b);
}

function outsideCatalog(facts: TrainingFacts): number[] {
  return [...facts.counts.keys()].filter((movieId) => !facts.catalog.has(movieId)).sort((a, b) => a - b);
}

/** k distinct random movies of the band the user has not rated. */
export function randomBandMethod(facts: TrainingFacts, band: Band, k: number, name = 'random-band'): Method {
  const candidates = inBand(facts, band);
  return single(name, { band, k, candidates: candidates.length }, (picks, exclude, rng) => {
    const pool = candidates.filter((movieId) => !exclude.has(movieId) && !picks.includes(movieId));
    return sampleDistinct(pool, k, rng);
  });
}

/** The k candidates with the highest summed cosine similarity to the picks (ties: lower movie id). */
function summedCosine(facts: TrainingFacts, candidates: number[], k: number) {
  const columns = candidates.map((movieId) => facts.cosine.column(movieId));
  return (picks: readonly number[], exclude: ReadonlySet<number>) => {
    const rows = picks.flatMap((pick) => facts.cosine.row(pick) ?? []);
    // Thousands of candidates per request, so no full sort.
    const best = new TopK(k);
    candidates.forEach((movieId, i) => {
      if (exclude.has(movieId) || picks.includes(movieId)) return;
      let score = 0;
      for (const row of rows) score += row[columns[i]] ?? 0;
      best.offer(movieId, score);
    });
    return best.best();
  };
}

export function cosineBandMethod(facts: TrainingFacts, band: Band, k: number, name = 'cosine-band'): Method {
  const candidates = inBand(facts, band);
  return single(
    name,
    {
      band,
      k,
      similarity: 'cosine of raw rating vectors, summed over the picks',
      candidates: candidates.length,
    },
    summedCosine(facts, candidates, k),
  );
}

/**
 * The band movies whose DNMF movie embeddings (GMF side, as the output layer weighs them) have the highest
 * summed cosine to the picks': whether what the DNMF learned about movies ranks gems as well as who watched
 * what does.
 */
export function dnmfEmbeddingBandMethod(
  facts: TrainingFacts,
  band: Band,
  k: number,
  dnmf: Pick<ServingDnmf, 'movieRows' | 'scorer'>,
): Method {
  const candidates = inBand(facts, band).filter((movieId) => dnmf.movieRows.has(movieId));
  const { gmfDim: g, movieGmf, gmfOutputWeights: w } = dnmf.scorer;
  const unit = (movieId: number): Float64Array | undefined => {
    const row = dnmf.movieRows.get(movieId);
    if (row === undefined) return undefined;
    const v = Float64Array.from({ length: g }, (_, i) => w[i] * movieGmf[row * g + i]);
    const norm = Math.hypot(...v) || 1;
    return v.map((x) => x / norm);
  };
  const vectors = candidates.map((movieId) => unit(movieId)!);
  return single(
    'dnmf-embedding-band',
    {
      band,
      k,
      similarity: 'cosine of the DNMF GMF movie embeddings, summed over the picks',
      candidates: candidates.length,
    },
    (picks, exclude) => {
      const pickVectors = picks.flatMap((pick) => unit(pick) ?? []);
      const best = new TopK(k);
      candidates.forEach((movieId, i) => {
        if (exclude.has(movieId) || picks.includes(movieId)) return;
        let score = 0;
        for (const p of pickVectors) for (let j = 0; j < g; j++) score += p[j] * vectors[i][j];
        best.offer(movieId, score);
      });
      return best.best();
    },
  );
}

export function cosineAllMethod(facts: TrainingFacts, k: number): Method {
  const candidates = outsideCatalog(facts);
  return single(
    'cosine-all',
    { k, similarity: 'cosine of raw rating vectors, summed over the picks', candidates: candidates.length },
    summedCosine(facts, candidates, k),
  );
}

/** The k most-rated movies outside the catalog the user has not rated (ties: lower movie id). */
export function mostRatedMethod(facts: TrainingFacts, k: number): Method {
  const ranked = outsideCatalog(facts).sort((a, b) => facts.counts.get(b)! - facts.counts.get(a)! || a - b);
  return single('most-rated', { k }, (picks, exclude) => {
    const chosen: number[] = [];
    for (const movieId of ranked) {
      if (chosen.length === k) break;
      if (!exclude.has(movieId) && !picks.includes(movieId)) chosen.push(movieId);
    }
    return chosen;
  });
}

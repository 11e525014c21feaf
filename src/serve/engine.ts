/**
 * The recommendation engine: three picks from the catalog → 5 "popular picks" (item kNN) + 5 "hidden gems"
 * (DNMF tables), never a pick, never a catalog movie, never twice. No Discord in here.
 */
import type { Artifacts } from '../artifacts/types.ts';
import { drawBalanced, type PoolAtStep } from './balanced-draw.ts';
import { dnmfPools } from './dnmf-source.ts';
import { knnPools } from './knn-source.ts';
import { memoisePools, warmPools, warmPoolsGently, withoutTaken } from './pool-cache.ts';
import { createPopularityFallback } from './popularity-fallback.ts';
import type { Candidate, Recommendation, RecommendationReason, Recommendations } from './recommendation.ts';
import { RecommendError } from './recommend-error.ts';
import { createRng, type Rng } from '../random.ts';

export const PICK_COUNT = 3;
export const DEFAULT_PER_SOURCE = 5;

export interface RecommendOptions {
  /** Source of randomness; a fresh Math.random-seeded one per request when omitted. Seed it in tests. */
  rng?: Rng;
  /** Movies per list (default 5). */
  perSource?: number;
}

export interface Engine {
  /**
   * Picks come from user input, so they are checked at run time (not only by the type): exactly 3 distinct
   * known movie ids, else a RecommendError.
   */
  recommend(picks: readonly number[], options?: RecommendOptions): Recommendations;
  /** Resolves once every catalog movie's pools are computed (at once unless created with warm: 'later'). */
  warmed: Promise<void>;
}

export interface CreateEngineOptions {
  /**
   * 'now' (default) computes every catalog movie's pools before returning; 'later' does it in the
   * background, yielding between movies, for a bot that must keep answering while it swaps versions.
   */
  warm?: 'now' | 'later';
}

/**
 * A request must stay well under a millisecond on real-size artifacts, so everything that does not depend on
 * the request is done here once: the catalog id set, the fallback ranking, and each catalog movie's candidate
 * pools (kNN neighbours, DNMF fans' movies) with the catalog already removed.
 */
export function createEngine(artifacts: Artifacts, options: CreateEngineOptions = {}): Engine {
  const catalogIds = new Set(artifacts.catalog.map((entry) => entry.movieId));
  const isCatalog = (movieId: number) => catalogIds.has(movieId);
  const fallback = createPopularityFallback(artifacts, catalogIds);
  const knnBase = memoisePools(knnPools(artifacts, isCatalog), isCatalog);
  const dnmfBase = memoisePools(dnmfPools(artifacts, isCatalog), isCatalog);
  // Enough for any request: its share per pick (2) after losing two other picks and five other-list movies.
  const enough = PICK_COUNT - 1 + DEFAULT_PER_SOURCE + Math.ceil(DEFAULT_PER_SOURCE / PICK_COUNT);
  let warmed: Promise<void>;
  if (options.warm === 'later') {
    warmed = warmPoolsGently(dnmfBase, catalogIds, enough).then(() =>
      warmPoolsGently(knnBase, catalogIds, enough),
    );
  } else {
    warmPools(knnBase, catalogIds, enough);
    warmPools(dnmfBase, catalogIds, enough);
    warmed = Promise.resolve();
  }

  return {
    warmed,
    recommend(picks, options = {}) {
      validatePicks(artifacts, picks);
      const rng = options.rng ?? createRng();
      const perSource = options.perSource ?? DEFAULT_PER_SOURCE;
      if (!Number.isInteger(perSource) || perSource < 1) {
        throw new RangeError(`perSource must be a positive integer, got ${perSource}`);
      }
      const taken = new Set<number>(picks);
      const isExcluded = (movieId: number) => catalogIds.has(movieId) || taken.has(movieId);

      // Hidden gems first: the DNMF tables are finite while the kNN search can widen much further, so a movie
      // both models propose goes to the list that has fewer alternatives.
      const hiddenGems = fillList(withoutTaken(dnmfBase, taken));
      const popularPicks = fillList(withoutTaken(knnBase, taken));
      return { picks: [...picks], popularPicks, hiddenGems };

      function fillList(poolAt: PoolAtStep): Recommendation[] {
        const drawn = drawBalanced(picks, poolAt, perSource, rng);
        for (const candidate of drawn) taken.add(candidate.movieId);
        const filled = [...drawn, ...fallbackFor(perSource - drawn.length)];
        return orderForDisplay(filled, picks).map((candidate) => ({
          movieId: candidate.movieId,
          // Sources only propose movies present in artifacts.movies.
          movie: artifacts.movies.get(candidate.movieId)!,
          // A copy: cached candidates are shared between requests.
          reason: copyReason(candidate.reason),
        }));
      }

      function fallbackFor(missing: number): Candidate[] {
        if (missing <= 0) return [];
        const extra = fallback(missing, isExcluded, rng);
        for (const candidate of extra) taken.add(candidate.movieId);
        if (extra.length < missing) {
          throw new RecommendError(
            'not-enough-movies',
            'Not enough movies outside the catalog to recommend.',
          );
        }
        return extra;
      }
    },
  };
}

function copyReason(reason: RecommendationReason): RecommendationReason {
  return reason.kind === 'dnmf' ? { ...reason, userIds: [...reason.userIds] } : { ...reason };
}

const engines = new WeakMap<Artifacts, Engine>();

/** recommend() without holding an engine: builds (once per artifacts object) and reuses it. */
export function recommend(
  artifacts: Artifacts,
  picks: readonly number[],
  options?: RecommendOptions,
): Recommendations {
  let engine = engines.get(artifacts);
  if (!engine) {
    engine = createEngine(artifacts);
    engines.set(artifacts, engine);
  }
  return engine.recommend(picks, options);
}

function validatePicks(artifacts: Artifacts, picks: readonly number[]): void {
  if (picks.length !== PICK_COUNT) {
    throw new RecommendError('wrong-count', `Pick exactly ${PICK_COUNT} movies (got ${picks.length}).`, [
      ...picks,
    ]);
  }
  const unknown = picks.filter((movieId) => !Number.isInteger(movieId) || !artifacts.movies.has(movieId));
  if (unknown.length > 0) {
    throw new RecommendError('unknown-movie', `Unknown movie id: ${unknown.join(', ')}.`, unknown);
  }
  const repeated = picks.filter((movieId, index) => picks.indexOf(movieId) !== index);
  if (repeated.length > 0) {
    throw new RecommendError(
      'duplicate-pick',
      `Movie picked more than once: ${repeated.join(', ')}.`,
      repeated,
    );
  }
}

/** Grouped by pick in the order the user picked, best first within a pick; fallbacks last. */
function orderForDisplay(candidates: readonly Candidate[], picks: readonly number[]): Candidate[] {
  const group = (candidate: Candidate) =>
    candidate.reason.kind === 'popular-fallback' ? picks.length : picks.indexOf(candidate.reason.pickId);
  return [...candidates].sort((a, b) => group(a) - group(b) || score(b) - score(a));
}

function score(candidate: Candidate): number {
  const reason = candidate.reason;
  switch (reason.kind) {
    case 'knn':
      return reason.similarity;
    case 'dnmf':
      return reason.predictedRating;
    case 'popular-fallback':
      return reason.weightedRating;
  }
}

/**
 * Per-pick candidate pools are the expensive part of a request (a kNN lookup; a few hundred DNMF table
 * entries to gather and sort), yet for a given pick they only depend on the artifacts, apart from the handful
 * of movies a request excludes beyond the catalog (the other picks, the other list's movies). So pools are
 * computed once with only the catalog excluded and filtered per request.
 */
import type { PickPool, PoolAtStep } from './balanced-draw.ts';

/**
 * Remembers each (pick, step) pool for picks that shouldCache accepts — the catalog movies, which are what
 * users pick, so the cache is bounded by catalog size × widening steps.
 */
export function memoisePools(poolAt: PoolAtStep, shouldCache: (pickId: number) => boolean): PoolAtStep {
  const cache = new Map<number, PickPool[]>();
  return (pickId, step) => {
    if (!shouldCache(pickId)) return poolAt(pickId, step);
    let bySteps = cache.get(pickId);
    if (!bySteps) cache.set(pickId, (bySteps = []));
    return (bySteps[step] ??= poolAt(pickId, step));
  };
}

/** The same pools without the movies this request has already used or picked. */
export function withoutTaken(poolAt: PoolAtStep, taken: { has(movieId: number): boolean }): PoolAtStep {
  return (pickId, step) => {
    const pool = poolAt(pickId, step);
    // Usually nothing in the pool is taken: share it rather than copy it.
    if (!pool.candidates.some((candidate) => taken.has(candidate.movieId))) return pool;
    return {
      candidates: pool.candidates.filter((candidate) => !taken.has(candidate.movieId)),
      exhausted: pool.exhausted,
    };
  };
}

/**
 * Computes pools for every cached pick up to the step a request will need (enough candidates even after a
 * request's extra exclusions: two other picks, five movies in the other list), so the first requests after
 * loading are as fast as later ones.
 */
export function warmPools(poolAt: PoolAtStep, pickIds: Iterable<number>, enough: number): void {
  for (const pickId of pickIds) warmPick(poolAt, pickId, enough);
}

/**
 * The same, yielding to the event loop after each pick: a running bot swapping in a retrained version
 * keeps answering while the new engine warms (one pick takes well under a millisecond).
 */
export async function warmPoolsGently(
  poolAt: PoolAtStep,
  pickIds: Iterable<number>,
  enough: number,
): Promise<void> {
  for (const pickId of pickIds) {
    warmPick(poolAt, pickId, enough);
    await new Promise<void>((resolve) => setImmediate(resolve));
  }
}

function warmPick(poolAt: PoolAtStep, pickId: number, enough: number): void {
  for (let step = 0; ; step++) {
    const pool = poolAt(pickId, step);
    if (pool.exhausted || pool.candidates.length >= enough) break;
  }
}

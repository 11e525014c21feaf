/**
 * Drawing one list (5 movies) from per-pick candidate pools, widening pools that run short and keeping the
 * three picks balanced.
 */
import { drawRankIndex } from './rank-sampling.ts';
import type { Candidate } from './recommendation.ts';
import type { Rng } from '../random.ts';

/**
 * Draws look at a pick's best 30 candidates only: with rank weights 0.8^rank, the ones further down have a
 * combined chance of about 0.1%, and long DNMF pools (hundreds of movies) would cost time for nothing.
 */
const DRAW_WINDOW = 30;

/** One pick's candidates at one search width: best first, excluded movies already removed. */
export interface PickPool {
  candidates: Candidate[];
  /** True when a wider step cannot add candidates (also when the pick has none at all). */
  exhausted: boolean;
}

/** A source's candidates for a pick at widening step `step` (0 = the normal search). Must end exhausted. */
export type PoolAtStep = (pickId: number, step: number) => PickPool;

/**
 * Up to `need` distinct candidates, drawn round-robin over the picks (starting at a random pick, so which
 * pick contributes one fewer varies), each draw favouring the pick's better candidates.
 * Returns fewer than `need` only when every pool is exhausted; the caller fills the rest.
 */
export function drawBalanced(
  picks: readonly number[],
  poolAt: PoolAtStep,
  need: number,
  rng: Rng,
): Candidate[] {
  const pools = widenUntilEnough(picks, poolAt, need);
  const remaining = pools.map((pool) => pool.candidates.slice(0, DRAW_WINDOW));
  const chosen: Candidate[] = [];
  const chosenIds = new Set<number>();
  const start = Math.floor(rng() * picks.length);
  let progressed = true;
  while (chosen.length < need && progressed) {
    progressed = false;
    for (let offset = 0; offset < picks.length && chosen.length < need; offset++) {
      // Pools overlap (two picks can share a neighbour), so drop what another pick already took.
      const pool = remaining[(start + offset) % picks.length].filter((c) => !chosenIds.has(c.movieId));
      remaining[(start + offset) % picks.length] = pool;
      if (pool.length === 0) continue;
      const [candidate] = pool.splice(drawRankIndex(pool.length, rng), 1);
      chosen.push(candidate);
      chosenIds.add(candidate.movieId);
      progressed = true;
    }
  }
  return chosen;
}

/**
 * First widen each pick until it holds its share (⌈need / picks⌉) — a very popular pick's nearest neighbours
 * are mostly other catalog movies, and without this it would leave the list to the other two picks. Then,
 * if the picks together still offer fewer than `need` distinct movies, widen every pick that can grow.
 */
function widenUntilEnough(picks: readonly number[], poolAt: PoolAtStep, need: number): PickPool[] {
  const share = Math.ceil(need / picks.length);
  const steps = picks.map(() => 0);
  const pools = picks.map((pick) => poolAt(pick, 0));
  const widen = (index: number) => {
    steps[index] += 1;
    pools[index] = poolAt(picks[index], steps[index]);
  };
  pools.forEach((_, index) => {
    while (pools[index].candidates.length < share && !pools[index].exhausted) widen(index);
  });
  while (!hasEnoughDistinct(pools, need)) {
    const open = pools.flatMap((pool, index) => (pool.exhausted ? [] : [index]));
    if (open.length === 0) break;
    open.forEach(widen);
  }
  return pools;
}

/** Whether the pools together hold at least `need` distinct movies (stops counting there: pools can be long). */
function hasEnoughDistinct(pools: readonly PickPool[], need: number): boolean {
  const ids = new Set<number>();
  for (const pool of pools) {
    for (const candidate of pool.candidates) {
      ids.add(candidate.movieId);
      if (ids.size >= need) return true;
    }
  }
  return false;
}

/**
 * The serving method before issue 7, kept as the named engine method 'fan-tables' so the ranking
 * evaluation can show it as a baseline: hidden gems from the precomputed DNMF tables (the users predicted
 * to love a pick → their top predicted movies), popular picks drawn per pick from its kNN neighbours.
 * Needs a version trained with the pipeline's legacyTables option (production does not compute them).
 */
import type { Artifacts } from '../artifacts/types.ts';
import { drawBalanced, type PoolAtStep } from './balanced-draw.ts';
import { dnmfPools } from './dnmf-source.ts';
import { knnPools } from './knn-source.ts';
import { memoisePools, warmPools, warmPoolsGently, withoutTaken } from './pool-cache.ts';
import type { Candidate } from './recommendation.ts';
import type { TakenMovies } from './taken-movies.ts';
import type { Rng } from '../random.ts';

export interface FanTablesMethod {
  warmed: Promise<void>;
  /** Up to perSource movies per list, never one in `taken` (which it extends with what it chooses). */
  lists(
    picks: readonly number[],
    taken: TakenMovies,
    perSource: number,
    rng: Rng,
  ): { popular: Candidate[]; gems: Candidate[] };
}

export function createFanTables(
  artifacts: Artifacts,
  catalogIds: ReadonlySet<number>,
  warm: 'now' | 'later',
  enough: number,
): FanTablesMethod {
  const isCatalog = (movieId: number) => catalogIds.has(movieId);
  const knnBase = memoisePools(knnPools(artifacts, isCatalog), isCatalog);
  const dnmfBase = memoisePools(dnmfPools(artifacts, isCatalog), isCatalog);
  let warmed: Promise<void>;
  if (warm === 'later') {
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
    lists(picks, taken, perSource, rng) {
      const draw = (poolAt: PoolAtStep) => {
        const drawn = drawBalanced(picks, poolAt, perSource, rng);
        for (const candidate of drawn) taken.add(candidate.movieId);
        return drawn;
      };
      // Hidden gems first: the DNMF tables are finite while the kNN search can widen much further, so a
      // movie both models propose goes to the list that has fewer alternatives.
      const gems = draw(withoutTaken(dnmfBase, taken));
      const popular = draw(withoutTaken(knnBase, taken));
      return { popular, gems };
    },
  };
}

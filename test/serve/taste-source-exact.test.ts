/**
 * The served taste source (taste-source.ts, made fast for ml-32m: one exclusion check per movie, reused
 * arrays, the scans and fold-ins in kernels) returns exactly what its straightforward implementation
 * (test/support/taste-reference.ts) does: the same movies in the same order with the same scores and
 * reasons, bit for bit (and the same folded-in members), for members of 3–300 ratings, groups of 1–6, exclusions and the stars path's guard.
 * On ml-latest-small trained by the real pipeline where MOVIELENS_DIR is set, else on a generated dataset.
 */
import { rm } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ModelRepository } from '../../src/artifacts/repository.ts';
import type { Artifacts } from '../../src/artifacts/types.ts';
import { createGemSource } from '../../src/serve/gem-source.ts';
import { createNeighbourSource } from '../../src/serve/neighbour-source.ts';
import type { MemberRating } from '../../src/serve/recommendation.ts';
import {
  createTasteSource,
  DEFAULT_TASTE,
  foldableWatch,
  type TasteOptions,
} from '../../src/serve/taste-source.ts';
import { createRng, type Rng } from '../../src/random.ts';
import { trainVersion } from '../../src/train/pipeline.ts';
import { REAL_DATASET_DIR, syntheticDataset, tempDir, writeDatasetFiles } from '../support/dataset.ts';
import { createReferenceTasteSource, referenceFoldInTaste } from '../support/taste-reference.ts';

let artifacts: Artifacts;
const dirs: string[] = [];

beforeAll(async () => {
  const models = await tempDir();
  dirs.push(models);
  let datasetDir = REAL_DATASET_DIR;
  if (!datasetDir) {
    const data = await tempDir();
    dirs.push(data);
    datasetDir = await writeDatasetFiles(
      data,
      syntheticDataset({ users: 150, movies: 1200, popular: 120, band: 700, seed: 6 }),
    );
  }
  const result = await trainVersion({
    datasetDir,
    repository: new ModelRepository(models),
    dnmf: { epochs: 2 },
  });
  if (!result.published) throw new Error(result.problems.join('; '));
  artifacts = result.artifacts;
}, 120_000);

afterAll(async () => {
  await Promise.all(dirs.map((dir) => rm(dir, { recursive: true, force: true })));
});

/** A member who rated `size` random movies the model knows, ½–5 stars. */
function member(rng: Rng, known: readonly number[], size: number): MemberRating[] {
  const ids = new Set<number>();
  while (ids.size < Math.min(size, known.length)) ids.add(known[Math.floor(rng() * known.length)]);
  return [...ids].map((movieId) => ({ movieId, rating: 0.5 + Math.floor(rng() * 10) / 2 }));
}

function compare(options: Partial<TasteOptions>, seed: number): number {
  const served = createTasteSource(artifacts, options)!;
  const reference = createReferenceTasteSource(artifacts, options)!;
  const gems = createGemSource(artifacts);
  const catalogIds = new Set(artifacts.catalog.map((entry) => entry.movieId));
  const neighbours = createNeighbourSource(artifacts, (id) => catalogIds.has(id), catalogIds.size);
  const known = [...artifacts.watch!.movieIds];
  const rng = createRng(seed);
  let compared = 0;
  for (let request = 0; request < 30; request++) {
    const groupSize = 1 + Math.floor(rng() * 6);
    const ratings = Array.from({ length: groupSize }, () =>
      member(rng, known, rng() < 0.2 ? Math.min(300, known.length / 5) : 3 + Math.floor(rng() ** 2 * 198)),
    );
    const rated = new Set(ratings.flat().map((r) => r.movieId));
    // Some requests also exclude movies marked seen: a random tenth of what the model knows.
    const marked = new Set(rng() < 0.5 ? known.filter(() => rng() < 0.1) : []);
    const isExcluded = (movieId: number) => rated.has(movieId) || marked.has(movieId);
    const folded = ratings.map((r) => served.fold(r)!);
    for (const member of folded) {
      const { x, factor } = referenceFoldInTaste(
        foldableWatch(artifacts, { ...DEFAULT_TASTE, ...options })!,
        [...member.rows],
      );
      expect(member.x).toEqual(x);
      expect(member.factor).toEqual(factor);
    }
    const users = ratings.map((r) => gems.foldIn(gems.rowRatings(r)));
    const stars = (movieId: number) => gems.predictions(users, movieId);
    const first = stars.bind(null);
    const own = (movieId: number) => gems.predictions(users.slice(0, 1), movieId);
    const seeds = ratings[0]
      .filter((r) => r.rating >= 4 && artifacts.knn.has(r.movieId))
      .map((r) => r.movieId);
    const knn = neighbours.combined(seeds.slice(0, 5), isExcluded, 'your-ratings');

    expect(served.gems(folded[0], isExcluded, own)).toEqual(reference.gems(folded[0], isExcluded, own));
    expect(served.gems(folded[0], isExcluded)).toEqual(reference.gems(folded[0], isExcluded));
    expect(served.popular(folded[0], isExcluded, knn, own)).toEqual(
      reference.popular(folded[0], isExcluded, knn, own),
    );
    const group = served.group(folded, isExcluded, first);
    expect(group).toEqual(reference.group(folded, isExcluded, first));
    expect(group.length).toBeGreaterThan(0);
    compared++;
  }
  return compared;
}

describe('the served taste source', () => {
  it('ranks exactly as the straightforward implementation, as served', () => {
    expect(compare({}, 1)).toBe(30);
  });

  it('and with the soft minimum for groups, no price and no guard', () => {
    expect(compare({ groupCombine: 'softmin', priceWeight: 0, dislikeGuard: false }, 2)).toBe(30);
  });

  it("and with session 5's constants plus least misery and a stronger prior for few ratings", () => {
    const options = {
      priceWeight: 0.05,
      popularDrawn: 20,
      groupPooledWeight: 0,
      groupLeastMiseryWeight: 0.5,
      fewRatings: 15,
    };
    expect(compare(options, 3)).toBe(30);
  });
});

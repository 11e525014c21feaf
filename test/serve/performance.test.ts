/**
 * Latency targets: recommend p99 ≤ 1 ms on real-size artifacts, suggest p99 ≤ 0.5 ms on a 100-movie catalog.
 * CI machines are shared, and a descheduled process can stall for milliseconds whatever the code does, so each
 * target is checked on the best of several rounds: a round that was not interrupted shows what the code costs.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import type { Artifacts } from '../../src/artifacts/types.ts';
import { createCatalogSearch } from '../../src/serve/catalog-search.ts';
import { createEngine } from '../../src/serve/engine.ts';
import { createRng } from '../../src/serve/rng.ts';
import { SEARCH_TITLES, searchArtifacts } from './fixtures.ts';
import { REAL_MOVIES, REAL_USERS, realSizeArtifacts } from './real-size-fixture.ts';

const ROUNDS = 7;
const PER_ROUND = 1000;

/** p99 of `run` over PER_ROUND calls, best of ROUNDS rounds, after one warm-up round. */
function bestP99(run: (i: number) => void): number {
  const p99s: number[] = [];
  for (let round = 0; round <= ROUNDS; round++) {
    const times = new Float64Array(PER_ROUND);
    for (let i = 0; i < PER_ROUND; i++) {
      const started = performance.now();
      run(round * PER_ROUND + i);
      times[i] = performance.now() - started;
    }
    times.sort();
    if (round > 0) p99s.push(times[Math.floor(PER_ROUND * 0.99)]);
  }
  return Math.min(...p99s);
}

describe('recommend latency on real-size artifacts', () => {
  let artifacts: Artifacts;
  let catalogIds: number[];

  beforeAll(() => {
    ({ artifacts, catalogIds } = realSizeArtifacts({ tableSize: 10 }));
  });

  it('has the size of ml-latest-small', () => {
    expect(artifacts.movies.size).toBe(REAL_MOVIES);
    expect(artifacts.moviesPerUser.size).toBe(REAL_USERS);
    expect(artifacts.catalog).toHaveLength(100);
  });

  it.each([10, 50])('p99 ≤ 1 ms with %i-row DNMF tables', (tableSize) => {
    if (tableSize !== 10) ({ artifacts, catalogIds } = realSizeArtifacts({ tableSize }));
    const engine = createEngine(artifacts);
    const rng = createRng(1);
    const triples = Array.from({ length: 500 }, () => {
      const picks = new Set<number>();
      while (picks.size < 3) picks.add(catalogIds[Math.floor(rng() * catalogIds.length)]);
      return [...picks];
    });
    let widened = 0;
    const p99 = bestP99((i) => {
      const result = engine.recommend(triples[i % triples.length], { rng });
      for (const item of result.popularPicks)
        if (item.reason.kind === 'knn' && item.reason.neighbourRank > 10) widened++;
    });
    // The synthetic data, like MovieLens, makes many requests widen the kNN search: the slow path is timed too.
    expect(widened).toBeGreaterThan(0);
    expect(p99).toBeLessThanOrEqual(1);
  });
});

describe('suggest latency on a 100-movie catalog', () => {
  const search = createCatalogSearch(searchArtifacts());
  // Every prefix of every title as typed, plus empty and non-matching queries.
  const queries = [
    '',
    'xyzzy',
    ...SEARCH_TITLES.flatMap(([, title]) =>
      Array.from({ length: Math.min(title.length, 30) }, (_, n) => title.slice(0, n + 1)),
    ),
  ];

  it('p99 ≤ 0.5 ms', () => {
    const p99 = bestP99((i) => search.suggest(queries[i % queries.length], [318, 858]));
    expect(p99).toBeLessThanOrEqual(0.5);
  });

  it('resolve p99 ≤ 0.5 ms', () => {
    const p99 = bestP99((i) => search.resolve(queries[i % queries.length]));
    expect(p99).toBeLessThanOrEqual(0.5);
  });
});

import { describe, expect, it, vi } from 'vitest';

/** How the all-title search builds: steps taken between other work, and builds finished at once. */
const builds = vi.hoisted(() => ({ steps: 0, finished: 0 }));
vi.mock('../../src/serve/catalog-search.ts', async (original) => {
  const actual = await original<typeof import('../../src/serve/catalog-search.ts')>();
  return {
    ...actual,
    startMovieSearchBuild: (...args: Parameters<typeof actual.startMovieSearchBuild>) => {
      const build = actual.startMovieSearchBuild(...args);
      return {
        step: () => (builds.steps++, build.step()),
        finish: () => (builds.finished++, build.finish()),
      };
    },
  };
});

const { createMovieSearch } = await import('../../src/serve/catalog-search.ts');
const { ServingModels } = await import('../../src/serve/serving-models.ts');
import { createRng } from '../../src/random.ts';
import { HAND_PICKS, handArtifacts } from '../serve/fixtures.ts';

/** Whether a promise has settled, without waiting for it. */
async function settled(promise: Promise<unknown>): Promise<boolean> {
  const pending = Symbol('pending');
  return (await Promise.race([promise.then(() => true), Promise.resolve(pending)])) !== pending;
}

const nextTick = () => new Promise<void>((resolve) => setImmediate(resolve));

describe('ServingModels', () => {
  it('answers /rate searches before and after the all-title search is built in the background', async () => {
    const artifacts = handArtifacts();
    const eager = createMovieSearch(artifacts);
    const title = [...artifacts.movies.values()][0].title;
    const queries = [title.slice(0, 3), title, 'zzz-nothing'];
    const expected = queries.map((query) => eager.suggest(query));
    // Asked at once: the first question finishes the build on the spot.
    builds.finished = 0;
    const early = new ServingModels(artifacts).current.movieSearch;
    expect(queries.map((query) => early.suggest(query))).toEqual(expected);
    expect(early.size).toBe(eager.size);
    expect(builds.finished).toBe(1);
    // Asked later: the background build has had its turns and is done, so no question had to finish it.
    for (let i = 0; i < 50; i++) await nextTick();
    builds.steps = 0;
    builds.finished = 0;
    const later = new ServingModels(artifacts).current.movieSearch;
    expect(builds.steps).toBe(0);
    for (let i = 0; i < 50; i++) await nextTick();
    expect(builds.steps).toBeGreaterThan(0);
    expect(queries.map((query) => later.suggest(query))).toEqual(expected);
    expect(builds.finished).toBe(0);
    expect(later.resolve(title, { ids: false })).toEqual(eager.resolve(title, { ids: false }));
  });

  it('swaps gently: the old version serves until the new engine is warm, then the new one does', async () => {
    const first = handArtifacts();
    // The second version names its movies differently, so an answer shows which version gave it.
    const renamed = new Map(
      [...first.movies].map(([id, movie]) => [id, { ...movie, title: `New ${id} (2001)` }]),
    );
    const second = {
      ...handArtifacts(),
      movies: renamed,
      manifest: { ...first.manifest, version: 'second' },
    };
    const models = new ServingModels(first);
    const before = models.current;
    const answer = before.engine.recommend([...HAND_PICKS], { rng: createRng(1) });
    let done = false;
    const swapping = models.swapGently(second).finally(() => (done = true));

    // Watch every turn of the event loop: while the swap is under way the old snapshot serves, and
    // the moment a new one serves, its engine has finished warming.
    let turnsOnOld = 0;
    while (!done) {
      if (models.current === before) turnsOnOld++;
      else expect(await settled(models.current.engine.warmed)).toBe(true);
      await nextTick();
    }
    expect(turnsOnOld).toBeGreaterThan(0);

    const previous = await swapping;
    expect(previous).toBe(before);
    expect(models.current.version).toBe('second');
    expect(models.current.artifacts).toBe(second);
    const after = models.current.engine.recommend([...HAND_PICKS], { rng: createRng(1) });
    // Same draw (same seed, same structure), answered from the new version's data.
    expect(after.popularPicks.map((r) => r.movieId)).toEqual(answer.popularPicks.map((r) => r.movieId));
    expect(after.popularPicks.map((r) => r.movie.title)).toEqual(
      answer.popularPicks.map((r) => `New ${r.movieId} (2001)`),
    );
    expect(before.engine.recommend([...HAND_PICKS], { rng: createRng(1) })).toEqual(answer);
  });
});

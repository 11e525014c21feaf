import { describe, expect, it, vi } from 'vitest';

/** How the all-title search builds: steps taken between other work, and builds finished at once. */
const builds = vi.hoisted(() => ({ steps: 0, finished: 0 }));
/** The same for the /import title matcher. */
const matcherBuilds = vi.hoisted(() => ({ steps: 0, finished: 0 }));
vi.mock('../../src/serve/import/title-matcher.ts', async (original) => {
  const actual = await original<typeof import('../../src/serve/import/title-matcher.ts')>();
  return {
    ...actual,
    startTitleMatcherBuild: (...args: Parameters<typeof actual.startTitleMatcherBuild>) => {
      const build = actual.startTitleMatcherBuild(...args);
      return {
        step: () => (matcherBuilds.steps++, build.step()),
        finish: () => (matcherBuilds.finished++, build.finish()),
      };
    },
  };
});
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
const { ServingModels, lazyTitleMatcher } = await import('../../src/serve/serving-models.ts');
const { createTitleMatcher } = await import('../../src/serve/import/title-matcher.ts');
import { createRng } from '../../src/random.ts';
import { HAND_PICKS, handArtifacts, withWatchModel } from '../serve/fixtures.ts';

/** Whether a promise has settled, without waiting for it. */
async function settled(promise: Promise<unknown>): Promise<boolean> {
  const pending = Symbol('pending');
  return (await Promise.race([promise.then(() => true), Promise.resolve(pending)])) !== pending;
}

const nextTick = () => new Promise<void>((resolve) => setImmediate(resolve));

describe('ServingModels', () => {
  it('answers /rate searches before and after the all-title search is built in the background', async () => {
    const artifacts = withWatchModel(handArtifacts());
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

  it('matches /import titles the same before, during and after the matcher is built in the background', async () => {
    // 1,800 movies: the build takes several steps (500 movies each), so an import can land mid-build.
    const table = [
      ...withWatchModel(handArtifacts()).movies.values(),
      { movieId: 34319, title: 'Island, The (2005)', imdbId: '0399201' },
      { movieId: 63515, title: 'The Island (2006)', imdbId: '0851577' },
      ...Array.from({ length: 1_800 }, (_, i) => ({
        movieId: 100_000 + i,
        title: `${i % 3 === 0 ? 'Return, The' : 'Film'} ${i % 600} (${1950 + (i % 60)})`,
        imdbId: String(9_000_000 + i),
      })),
    ];
    const artifacts = {
      movies: new Map(table.map((movie) => [movie.movieId, movie])),
    } as unknown as Parameters<typeof lazyTitleMatcher>[0];
    const rows: [string, number | undefined][] = [
      ['The Matrix', 1999],
      ['Amélie', 2001],
      ['The Island', 2005],
      ['The Island', 2007],
      ['The Return 3', 1953],
      ['Film 599', 2009],
      ['Film 599', 2010],
      ['Film 7', undefined],
      ['Not a film', 2000],
    ];
    const ask = (matcher: ReturnType<typeof createTitleMatcher>) => [
      ...rows.map(([name, year]) => matcher.matchTitle(name, year)),
      matcher.matchImdb(9_000_123),
      matcher.matchImdb(1),
    ];
    const expected = ask(createTitleMatcher(table));
    expect(expected.filter((answer) => answer.kind === 'matched').length).toBeGreaterThan(3);
    expect(expected.some((answer) => answer.kind === 'ambiguous')).toBe(true);

    // An import before any step: it finishes the build at once.
    matcherBuilds.steps = matcherBuilds.finished = 0;
    const first = lazyTitleMatcher(artifacts, true);
    expect(ask(first)).toEqual(expected);
    expect(matcherBuilds.finished).toBe(1);

    // An import in the middle of the background build: it finishes the rest.
    matcherBuilds.steps = matcherBuilds.finished = 0;
    const middle = lazyTitleMatcher(artifacts, true);
    await nextTick();
    await nextTick();
    expect(matcherBuilds.steps).toBeGreaterThan(0);
    expect(ask(middle)).toEqual(expected);
    expect(matcherBuilds.finished).toBe(1);

    // An import after the background build is done: nothing left to build.
    matcherBuilds.steps = matcherBuilds.finished = 0;
    const later = lazyTitleMatcher(artifacts, true);
    expect(matcherBuilds.steps).toBe(0);
    for (let i = 0; i < 20; i++) await nextTick();
    expect(matcherBuilds.steps).toBeGreaterThanOrEqual(4);
    expect(ask(later)).toEqual(expected);
    expect(matcherBuilds.finished).toBe(0);

    // The bot's snapshot starts the same background build when a version loads.
    matcherBuilds.steps = matcherBuilds.finished = 0;
    const snapshot = new ServingModels(withWatchModel(handArtifacts())).current;
    for (let i = 0; i < 20; i++) await nextTick();
    expect(matcherBuilds.steps).toBeGreaterThan(0);
    expect(snapshot.titleMatcher.matchTitle('The Matrix', 1999)).toEqual({ kind: 'matched', movieId: 1 });
    expect(matcherBuilds.finished).toBe(0);
  });

  it('swaps gently: the old version serves until the new engine is warm, then the new one does', async () => {
    const first = withWatchModel(handArtifacts());
    // The second version names its movies differently, so an answer shows which version gave it.
    const renamed = new Map(
      [...first.movies].map(([id, movie]) => [id, { ...movie, title: `New ${id} (2001)` }]),
    );
    const second = {
      ...withWatchModel(handArtifacts()),
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
    // The new version's /import matcher was built in steps before the switch: its first import finishes nothing.
    matcherBuilds.finished = 0;
    expect(models.current.titleMatcher.matchTitle('New 1', 2001)).toEqual({ kind: 'matched', movieId: 1 });
    expect(matcherBuilds.finished).toBe(0);
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

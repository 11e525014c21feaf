/**
 * A bot loads a version without the trained users' embeddings (FOR_SERVING). Everything it serves must be
 * the same as from the full load: /recommend, and /foryou, whose fold-in uses the trained users' mean.
 */
import { describe, expect, it } from 'vitest';
import { loadArtifacts } from '../../src/artifacts/loader.ts';
import { ModelRepository } from '../../src/artifacts/repository.ts';
import { FOR_SERVING } from '../../src/artifacts/servable.ts';
import { createRng } from '../../src/random.ts';
import { createEngine } from '../../src/serve/engine.ts';
import { trainSmallModels } from '../support/bot-harness.ts';

describe('loading a version for serving', () => {
  it('drops the trained users and serves exactly what the full load serves', async () => {
    const { modelsDir } = await trainSmallModels(11);
    const dir = (await new ModelRepository(modelsDir).currentDir())!;
    const full = await loadArtifacts(dir);
    const slim = await loadArtifacts(dir, FOR_SERVING);
    expect(full.dnmf.userRows.size).toBeGreaterThan(0);
    expect(slim.dnmf.userRows.size).toBe(0);
    expect(slim.dnmf.meanUserFirst).toEqual(full.dnmf.meanUserFirst);

    const a = createEngine(full);
    const b = createEngine(slim);
    const catalog = full.catalog.map((entry) => entry.movieId);
    const ids = (r: { popularPicks: { movieId: number }[]; hiddenGems: { movieId: number }[] }) => [
      ...r.popularPicks.map((x) => x.movieId),
      ...r.hiddenGems.map((x) => x.movieId),
    ];
    for (let i = 0; i < 10; i++) {
      const picks = [catalog[i], catalog[i + 10], catalog[i + 20]];
      expect(ids(b.recommend(picks, { rng: createRng(i) }))).toEqual(
        ids(a.recommend(picks, { rng: createRng(i) })),
      );
    }
    const ratings = [...full.movies.values()]
      .filter((movie) => movie.count >= 10)
      .slice(0, 6)
      .map((movie, i) => ({ movieId: movie.movieId, rating: 1 + (i % 5) }));
    const forYouA = a.forYou(ratings, { rng: createRng(3) });
    const forYouB = b.forYou(ratings, { rng: createRng(3) });
    expect(ids(forYouB)).toEqual(ids(forYouA));
    expect(forYouB.hiddenGems.map((g) => g.reason)).toEqual(forYouA.hiddenGems.map((g) => g.reason));
  }, 60_000);
  // The slim read itself (the full read minus the trained users' GMF table): taste-model.test.ts.
});

import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { loadArtifacts } from '../../src/artifacts/loader.ts';
import { ModelRepository } from '../../src/artifacts/repository.ts';
import type { Artifacts } from '../../src/artifacts/types.ts';
import { TMDB_ATTRIBUTION } from '../../src/posters/index.ts';
import { startFakeTmdb, type FakeTmdb, type MovieBehaviour } from '../support/fake-tmdb/index.ts';
import { startTestBot, trainSmallModels, type TestBot } from '../support/bot-harness.ts';

/** Cards must go out whatever TMDB does; these start a bot per TMDB behaviour. */
describe('poster cards when TMDB misbehaves', () => {
  let modelsDir: string;
  let artifacts: Artifacts;
  let bot: TestBot | undefined;
  let tmdb: FakeTmdb | undefined;

  beforeAll(async () => {
    ({ modelsDir } = await trainSmallModels(41));
    artifacts = await loadArtifacts((await new ModelRepository(modelsDir).currentDir())!);
  });
  afterEach(async () => {
    await bot?.close();
    await tmdb?.close();
    bot = undefined;
    tmdb = undefined;
  });
  afterAll(async () => {
    await bot?.close();
  });

  async function recommendWith(defaultMovie: MovieBehaviour | null) {
    const env: Record<string, string> = {};
    if (defaultMovie) {
      tmdb = await startFakeTmdb({ defaultMovie });
      Object.assign(env, { TMDB_API_URL: tmdb.baseUrl, TMDB_READ_TOKEN: tmdb.readToken });
    }
    bot = await startTestBot({ modelsDir, env });
    const [a, b, c] = artifacts.catalog.slice(0, 3).map((e) => String(e.movieId));
    const handle = await bot.fake.command('recommend', { movie1: a, movie2: b, movie3: c });
    return handle.waitForMessage(undefined, 10_000);
  }

  it('sends cards with links and no image when TMDB hangs', async () => {
    const message = await recommendWith({ kind: 'hang' });
    expect(message.embeds).toHaveLength(10);
    expect(message.embeds.every((e) => e.thumbnail === undefined)).toBe(true);
    expect(message.embeds[0].fields?.find((f) => f.name === 'Links')?.value).toContain('imdb.com');
    expect(message.embeds[9].footer).toBeUndefined();
  });

  it('sends cards without images when TMDB answers 500, with at most one lookup per movie', async () => {
    const message = await recommendWith({ kind: 'server-error' });
    expect(message.embeds).toHaveLength(10);
    expect(message.embeds.every((e) => e.thumbnail === undefined)).toBe(true);
    // One attempt per movie with a tmdbId: a 500 is not retried within the request.
    expect(tmdb!.movieRequests().length).toBeGreaterThan(0);
    expect(tmdb!.movieRequests().length).toBeLessThanOrEqual(10);
  });

  it('uses the read token and credits TMDB when posters are shown', async () => {
    const message = await recommendWith({ kind: 'poster' });
    expect(message.embeds.filter((e) => e.thumbnail?.url).length).toBeGreaterThan(0);
    expect(message.embeds[9].footer?.text).toBe(TMDB_ATTRIBUTION);
    expect(tmdb!.movieRequests().every((r) => r.auth === 'bearer' && r.authorized)).toBe(true);
  });

  it('never calls TMDB without credentials', async () => {
    tmdb = await startFakeTmdb();
    bot = await startTestBot({ modelsDir, env: { TMDB_API_URL: tmdb.baseUrl } });
    const [a, b, c] = artifacts.catalog.slice(3, 6).map((e) => String(e.movieId));
    const handle = await bot.fake.command('recommend', { movie1: a, movie2: b, movie3: c });
    const message = await handle.waitForMessage();
    expect(message.embeds).toHaveLength(10);
    expect(message.embeds.every((e) => e.thumbnail === undefined)).toBe(true);
    expect(tmdb.requests).toHaveLength(0);
  });
});

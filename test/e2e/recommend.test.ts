import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadArtifacts } from '../../src/artifacts/loader.ts';
import type { Artifacts } from '../../src/artifacts/types.ts';
import { ModelRepository } from '../../src/artifacts/repository.ts';
import { TMDB_ATTRIBUTION } from '../../src/posters/index.ts';
import { displayTitle } from '../../src/serve/titles.ts';
import { startFakeTmdb, type FakeTmdb } from '../support/fake-tmdb/index.ts';
import { startTestBot, trainSmallModels, type TestBot } from '../support/bot-harness.ts';

const EPHEMERAL = 1 << 6;

describe('/recommend end to end', () => {
  let bot: TestBot;
  let tmdb: FakeTmdb;
  let artifacts: Artifacts;
  let catalogIds: number[];

  beforeAll(async () => {
    const { modelsDir } = await trainSmallModels();
    artifacts = await loadArtifacts((await new ModelRepository(modelsDir).currentDir())!);
    catalogIds = artifacts.catalog.map((e) => e.movieId);
    tmdb = await startFakeTmdb();
    bot = await startTestBot({
      modelsDir,
      env: { TMDB_API_URL: tmdb.baseUrl, TMDB_API_KEY: tmdb.apiKey },
    });
  });
  afterAll(async () => {
    await bot?.close();
    await tmdb?.close();
  });

  it('registers every command in the guild, /retrain for admins only', () => {
    const registered = bot.fake.registeredCommands(bot.fake.guildId);
    expect(registered.map((c) => c.name).sort()).toEqual([
      'about',
      'forget-me',
      'foryou',
      'import',
      'movienight',
      'popular',
      'rate',
      'ratings',
      'recommend',
      'retrain',
      'settings',
      'watchlist',
    ]);
    expect(registered.find((c) => c.name === 'retrain')?.default_member_permissions).toBe('8');
  });

  it('autocompletes catalog titles, ignoring case and punctuation and leaving out chosen movies', async () => {
    const first = artifacts.movies.get(catalogIds[0])!;
    const choices = await bot.fake.autocomplete('recommend', { movie1: '', movie2: '' }, 'movie2');
    expect(choices).toHaveLength(25);
    expect(choices[0]).toEqual({ name: displayTitle(first.title), value: String(first.movieId) });

    const without = await bot.fake.autocomplete(
      'recommend',
      { movie1: String(first.movieId), movie2: '' },
      'movie2',
    );
    expect(without.map((c) => c.value)).not.toContain(String(first.movieId));

    const query = displayTitle(first.title).toUpperCase().replace(/ /g, '  ').replace(/\(/g, ', ');
    const found = await bot.fake.autocomplete('recommend', { movie1: query }, 'movie1');
    expect(found[0].value).toBe(String(first.movieId));
  });

  it('answers three picks with 5 popular picks and 5 hidden gems as poster cards', async () => {
    const picks = catalogIds.slice(0, 3);
    const handle = await bot.fake.command('recommend', {
      movie1: String(picks[0]),
      movie2: String(picks[1]),
      movie3: String(picks[2]),
    });
    const message = await handle.waitForMessage();
    expect(message.flags ?? 0).not.toBe(EPHEMERAL);
    expect(message.allowed_mentions).toEqual({ parse: [] });
    expect(message.embeds).toHaveLength(10);
    const labels = message.embeds.map((e) => e.author?.name);
    expect(labels.slice(0, 5)).toEqual([1, 2, 3, 4, 5].map((i) => `Popular pick ${i}/5`));
    expect(labels.slice(5)).toEqual([1, 2, 3, 4, 5].map((i) => `Hidden gem ${i}/5`));

    const titleToId = new Map([...artifacts.movies.values()].map((m) => [displayTitle(m.title), m.movieId]));
    const ids = message.embeds.map((e) => titleToId.get(e.title!)!);
    expect(new Set(ids).size).toBe(10);
    for (const id of ids) {
      expect(picks).not.toContain(id);
      expect(catalogIds).not.toContain(id);
    }
    // The first popular pick with a TMDB id (the generated links leave every 11th movie without one).
    const withPoster = ids.slice(0, 5).findIndex((id) => artifacts.movies.get(id)!.tmdbId !== undefined);
    expect(withPoster).toBeGreaterThanOrEqual(0);
    const first = message.embeds[withPoster];
    const movie = artifacts.movies.get(ids[withPoster])!;
    expect(first.thumbnail?.url).toMatch(/^https:\/\/image\.tmdb\.org\/t\/p\/w342\/poster-\d+\.jpg$/);
    // Plain words (no scores), naming only the picks the member typed.
    expect(first.description).toMatch(/^People who liked .+ rated this highly too\.$/);
    expect(message.embeds[5].description).toMatch(
      /^A less-known movie often watched by people who watched .+\.$/,
    );
    expect(first.fields?.find((f) => f.name === 'Genres')?.value).toBe(movie.genres.join(', '));
    expect(first.fields?.find((f) => f.name === 'Links')?.value).toContain(
      `https://www.imdb.com/title/tt${movie.imdbId}/`,
    );
    expect(message.embeds[9].footer?.text).toBe(TMDB_ATTRIBUTION);
    expect(message.content).toMatch(/^Because you like /);
  });

  it('resolves a typed title that is unambiguous', async () => {
    const [a, b, c] = catalogIds.slice(3, 6).map((id) => artifacts.movies.get(id)!);
    const handle = await bot.fake.command('recommend', {
      movie1: displayTitle(a.title).toLowerCase(),
      movie2: String(b.movieId),
      movie3: String(c.movieId),
    });
    expect((await handle.waitForMessage()).embeds).toHaveLength(10);
  });

  it('tells the user, privately, which option is not a catalog movie', async () => {
    const handle = await bot.fake.command('recommend', {
      movie1: String(catalogIds[0]),
      movie2: 'a film nobody has heard of',
      movie3: String(catalogIds[2]),
    });
    const message = handle.finalMessage();
    expect(message.flags! & EPHEMERAL).toBe(EPHEMERAL);
    expect(message.content).toContain('**movie2**');
    expect(message.content).toContain('not in the top-100 catalog');
    expect(message.embeds ?? []).toHaveLength(0);
  });

  it('tells the user when a typed title matches several movies', async () => {
    const handle = await bot.fake.command('recommend', {
      movie1: 'movie',
      movie2: String(catalogIds[1]),
      movie3: String(catalogIds[2]),
    });
    const message = handle.finalMessage();
    expect(message.flags! & EPHEMERAL).toBe(EPHEMERAL);
    expect(message.content).toContain('**movie1**');
    expect(message.content).toContain('matches several movies');
  });

  it('refuses the same movie picked twice', async () => {
    const handle = await bot.fake.command('recommend', {
      movie1: String(catalogIds[0]),
      movie2: String(catalogIds[1]),
      movie3: String(catalogIds[0]),
    });
    const message = handle.finalMessage();
    expect(message.flags! & EPHEMERAL).toBe(EPHEMERAL);
    expect(message.content).toContain('**movie1** and **movie3** are both');
  });

  it('refuses /retrain to a member without Administrator, privately', async () => {
    const handle = await bot.fake.command('retrain status', {}, { permissions: 0n });
    const message = handle.finalMessage();
    expect(message.flags! & EPHEMERAL).toBe(EPHEMERAL);
    expect(message.content).toBe('Only server administrators can use this command.');
  });
});

/**
 * Where to watch and trailers on cards, end to end with the fake TMDB (which answers append_to_response with
 * watch/providers and videos) and the fake Discord: the member's region (else the server's, else none),
 * flat-rate services on cards, rent/buy behind "Where to watch…", the JustWatch credit wherever providers
 * show, one TMDB request per movie, /about's TMDB notice.
 */
import { PermissionFlagsBits } from 'discord.js';
import type { APIMessage } from 'discord-api-types/v10';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Artifacts } from '../../src/artifacts/types.ts';
import { TMDB_ATTRIBUTION } from '../../src/posters/index.ts';
import { startTestBot, trainSmallModels, type TestBot } from '../support/bot-harness.ts';
import { startFakeTmdb, type FakeTmdb } from '../support/fake-tmdb/index.ts';

const DANA = '1100000000000000501';
const ERIN = '1100000000000000502';
const ADMIN = '1100000000000000503';

interface LooseSelect {
  custom_id: string;
  options: { value: string; label: string }[];
}
function select(message: APIMessage, id: string): LooseSelect {
  const rows = (message.components ?? []) as unknown as { components: LooseSelect[] }[];
  const found = rows.flatMap((row) => row.components).find((c) => c.custom_id === id);
  if (!found) throw new Error(`no ${id} on ${JSON.stringify(message.components)}`);
  return found;
}

describe('where to watch and trailers', () => {
  let bot: TestBot;
  let tmdb: FakeTmdb;
  let artifacts: Artifacts;
  let picks: Record<string, string>;

  beforeAll(async () => {
    const trained = await trainSmallModels(43);
    artifacts = trained.artifacts;
    const catalog = artifacts.catalog.map((e) => String(e.movieId));
    picks = { movie1: catalog[0], movie2: catalog[1], movie3: catalog[2] };
    tmdb = await startFakeTmdb();
    bot = await startTestBot({
      modelsDir: trained.modelsDir,
      env: { TMDB_API_URL: tmdb.baseUrl, TMDB_READ_TOKEN: tmdb.readToken },
    });
  }, 60_000);
  afterAll(async () => {
    await bot?.close();
    await tmdb?.close();
  });

  const recommend = async (userId: string, options: { private?: boolean } = {}) =>
    (await bot.fake.command('recommend', { ...picks, ...options }, { userId })).waitForMessage(
      undefined,
      10_000,
    );

  it('a member’s region: flat-rate services and the trailer on cards, credited to JustWatch; one request per movie', async () => {
    const set = await (
      await bot.fake.command('settings region', { country: 'de' }, { userId: DANA })
    ).waitForMessage();
    expect(set.content).toBe(
      'Cards now show where to watch in **Germany (DE)** for you. Streaming data by JustWatch.',
    );
    tmdb.reset();
    // A member's region is theirs: only an answer only they see uses it.
    const answer = await recommend(DANA, { private: true });
    expect(answer.embeds).toHaveLength(10);
    const withTmdb = answer.embeds.filter((e) => e.fields?.some((f) => f.name === 'Trailer'));
    expect(withTmdb.length).toBeGreaterThan(0);
    for (const embed of withTmdb) {
      expect(embed.fields?.find((f) => f.name === 'Stream (DE)')?.value).toBe('MUBI');
      expect(embed.fields?.find((f) => f.name === 'Trailer')?.value).toMatch(
        /^\[YouTube\]\(https:\/\/www\.youtube\.com\/watch\?v=trailer\d+\)$/,
      );
    }
    expect(answer.embeds[9].footer?.text).toBe(`${TMDB_ATTRIBUTION} Streaming data by JustWatch.`);
    // Posters, services and trailers came from one request per movie.
    const perMovie = new Map<number, number>();
    for (const r of tmdb.movieRequests()) perMovie.set(r.movieId!, (perMovie.get(r.movieId!) ?? 0) + 1);
    expect([...perMovie.values()].every((n) => n === 1)).toBe(true);
    expect(tmdb.movieRequests().every((r) => r.append?.join(',') === 'watch/providers,videos')).toBe(true);
    // Movies asked about once are served from the store's cache afterwards.
    const seen = new Set(perMovie.keys());
    tmdb.reset();
    await recommend(DANA, { private: true });
    expect(tmdb.movieRequests().filter((r) => seen.has(r.movieId!))).toEqual([]);
  });

  it('a public answer never shows the asking member’s own region', async () => {
    await (await bot.fake.command('settings region', { country: 'de' }, { userId: DANA })).waitForMessage();
    const publicAnswer = await recommend(DANA);
    expect(publicAnswer.embeds).toHaveLength(10);
    expect(JSON.stringify(publicAnswer.embeds)).not.toContain('(DE)');
    expect(publicAnswer.embeds.some((e) => e.fields?.some((f) => f.name === 'Trailer'))).toBe(true);
  });

  it('“Where to watch…” answers privately with rent and buy in the picker’s region (the server’s by default)', async () => {
    const refused = await (
      await bot.fake.command('settings region', { country: 'US', server: true }, { userId: ERIN })
    ).waitForMessage();
    expect(refused.content).toContain('Only members with the **Manage Server** permission');
    await (
      await bot.fake.command(
        'settings region',
        { country: 'US', server: true },
        { userId: ADMIN, permissions: PermissionFlagsBits.ManageGuild },
      )
    ).waitForMessage();
    const answer = await recommend(ERIN);
    const menu = select(answer, 'watch:pick');
    const movieId = Number(menu.options[0].value);
    const picked = await (
      await bot.fake.selectMenu(answer, menu.custom_id, [menu.options[0].value], { userId: ERIN })
    ).waitForMessage();
    expect((picked.flags ?? 0) & (1 << 6)).toBe(1 << 6);
    expect(picked.content).toContain('in United States (US):');
    expect(picked.content).toContain('**Stream**: Netflix');
    expect(picked.content).toContain('**Rent**: Apple TV');
    expect(picked.content).toContain('**Buy**: Google Play Movies');
    expect(picked.content).toContain('Streaming data by JustWatch.');
    expect(picked.content).toContain(
      `https://www.youtube.com/watch?v=trailer${artifacts.movies.get(movieId)!.tmdbId}`,
    );
    // The cards of a member without a region of their own use the server's.
    expect(
      answer.embeds.some((e) => e.fields?.some((f) => f.name === 'Stream (US)' && f.value === 'Netflix')),
    ).toBe(true);
  });

  it('without any region: trailers but no services and no JustWatch credit', async () => {
    await (
      await bot.fake.command(
        'settings region',
        { country: 'none', server: true },
        { userId: ADMIN, permissions: PermissionFlagsBits.ManageGuild },
      )
    ).waitForMessage();
    const answer = await recommend(ERIN);
    expect(answer.embeds.some((e) => e.fields?.some((f) => f.name === 'Trailer'))).toBe(true);
    expect(answer.embeds.some((e) => e.fields?.some((f) => f.name.startsWith('Stream')))).toBe(false);
    expect(answer.embeds[9].footer?.text).toBe(TMDB_ATTRIBUTION);
  });

  it('/about carries the TMDB notice and the JustWatch credit', async () => {
    const about = (await bot.fake.command('about', {}, { userId: ERIN })).finalMessage();
    expect(about.content).toContain(TMDB_ATTRIBUTION);
    expect(about.content).toContain('Streaming data by JustWatch');
  });

  it('a rate-limited TMDB still gets today’s cards', async () => {
    tmdb.startRateLimitWindow(60_000, '30');
    // Movies not looked up yet: the other end of the catalog.
    const catalog = artifacts.catalog.map((e) => String(e.movieId));
    const fresh = { movie1: catalog.at(-1)!, movie2: catalog.at(-2)!, movie3: catalog.at(-3)! };
    const answer = await (
      await bot.fake.command('recommend', fresh, { userId: DANA })
    ).waitForMessage(undefined, 10_000);
    expect(answer.embeds).toHaveLength(10);
  });
});

/**
 * The server's list in movie nights, end to end through the fake Discord: a movie this server marked
 * watched is never proposed to its movie nights again, unless someone re-adds it to the list.
 */
import type { APIMessage } from 'discord-api-types/v10';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { Artifacts } from '../../src/artifacts/types.ts';
import { MovieNights } from '../../src/store/movie-nights.ts';
import { ServerList } from '../../src/store/server-list.ts';
import { startTestBot, trainSmallModels, type TestBot } from '../support/bot-harness.ts';

const ALICE = '1100000000000000501';
const BOB = '1100000000000000502';
const CAROL = '1100000000000000503';
const EPHEMERAL = 1 << 6;
const FROM_LIST = /^From your server’s list (\d+)\/(\d+)$/;

/** The buttons and menus of a message, row after row. */
function components(message: APIMessage): { custom_id?: string; options?: { value: string }[] }[] {
  const rows = (message.components ?? []) as unknown as {
    components?: { custom_id?: string; options?: { value: string }[] }[];
  }[];
  return rows.flatMap((row) => row.components ?? []);
}

/** The movie ids of an answer's cards, from its "Rate one of these movies" menu (card order). */
function cardMovieIds(message: APIMessage): number[] {
  const menu = components(message).find((c) => c.custom_id?.startsWith('rate:pick:'));
  if (!menu?.options) throw new Error(`no rating menu on ${JSON.stringify(message.components)}`);
  return menu.options.map((option) => Number(option.value));
}

/** The "Add one to our list…" menu of an answer, if it has one. */
function ourListMenu(message: APIMessage) {
  return components(message).find((c) => c.custom_id === 'ourlist:add');
}

describe('/movienight and the server list', () => {
  let bot: TestBot;
  let artifacts: Artifacts;
  const rated: number[][] = [];

  beforeAll(async () => {
    const trained = await trainSmallModels();
    artifacts = trained.artifacts;
    // Registered globally (no DISCORD_GUILD_ID), so that /foryou is offered in a DM too.
    bot = await startTestBot({ modelsDir: trained.modelsDir, env: { DISCORD_GUILD_ID: '' } });
    const movies = [...artifacts.movies.keys()];
    for (const [i, userId] of [ALICE, BOB].entries()) {
      rated.push(movies.slice(60 + i * 3, 63 + i * 3));
      for (const movieId of rated[i]) {
        await bot.fake.command('rate', { movie: `#${movieId}`, stars: 5 }, { userId });
      }
    }
    // Bob is always in, so the picks come at once.
    await (
      await bot.fake.command('settings movienight', { 'count-me-in': true }, { userId: BOB })
    ).waitForMessage();
  }, 60_000);
  afterAll(async () => {
    await bot?.close();
  });

  /** `count` movies from the catalog's `from`-th on that nobody rated and the server did not watch. */
  const unseen = async (from: number, count: number) => {
    const watched = await new ServerList(bot.bot.context.store, bot.fake.guildId).watched();
    return [...artifacts.movies.keys()]
      .slice(from)
      .filter((id) => !watched.has(id) && !rated.flat().includes(id))
      .slice(0, count);
  };

  const night = async (options: Record<string, string> = {}) => {
    const handle = await bot.fake.command('movienight pick', { member1: BOB, ...options }, { userId: ALICE });
    const message = await handle.waitForMessage((m) => m.embeds.length > 0);
    expect(message.embeds).toHaveLength(10);
    return message;
  };

  it('never proposes a movie this server watched, unless it is re-added to the list', async () => {
    const first = cardMovieIds(await night());
    expect(first).toHaveLength(10);
    for (const movieId of first) {
      const marked = await (
        await bot.fake.command('watchlist server watched', { movie: `#${movieId}` }, { userId: BOB })
      ).waitForMessage();
      expect(marked.content).toContain('Marked');
    }
    const list = new ServerList(bot.bot.context.store, bot.fake.guildId);
    expect([...(await list.watched())].sort()).toEqual([...first].sort());
    const second = cardMovieIds(await night());
    expect(second.filter((id) => first.includes(id))).toEqual([]);

    // Re-added: no longer marked watched, so movie nights may propose it again.
    const added = await (
      await bot.fake.command('watchlist server add', { movie: `#${first[0]}` }, { userId: ALICE })
    ).waitForMessage();
    expect(added.content).toContain('Added');
    expect((await list.watched()).has(first[0])).toBe(false);
  }, 60_000);

  it('from:list ranks the server list for the group first, fresh picks fill the ten, and the vote gets those ten', async () => {
    const list = new ServerList(bot.bot.context.store, bot.fake.guildId);
    const listed = await unseen(100, 3);
    for (const movieId of listed) {
      const added = await (
        await bot.fake.command('watchlist server add', { movie: `#${movieId}` }, { userId: BOB })
      ).waitForMessage();
      expect(added.content).toContain('Added');
    }
    const before = (await list.entries()).map((entry) => entry.movieId);
    const message = await night({ from: 'list' });
    const ids = cardMovieIds(message);
    const labels = message.embeds.map((embed) => embed.author?.name ?? '');
    const fromList = labels.filter((label) => FROM_LIST.test(label));
    expect(fromList).toHaveLength(before.length);
    expect(labels.slice(0, before.length)).toEqual(fromList);
    expect(fromList.at(-1)).toBe(`From your server’s list ${before.length}/${before.length}`);
    // In the engine's group order, and nothing from the list twice.
    const expected = bot.bot.context.models.current.engine.rankForGroup(
      rated.map((ids) => ids.map((movieId) => ({ movieId, rating: 5 }))),
      before,
    );
    expect(ids.slice(0, before.length)).toEqual(expected);
    expect(new Set(ids).size).toBe(10);
    for (const embed of message.embeds.slice(0, before.length)) {
      expect(embed.description).toContain('On your server’s list');
    }
    expect(message.content).toContain(
      `${before.length} movies from your server’s list, ranked for this group`,
    );
    // Nobody's ratings: no card names a movie a member rated.
    const ratedTitles = rated.flat().map((id) => artifacts.movies.get(id)!.title);
    for (const embed of message.embeds) {
      for (const title of ratedTitles) expect(embed.description ?? '').not.toContain(title);
    }
    // The vote is over these ten, list first.
    // (Saved right after the answer is sent: wait for the write, not for a time.)
    const nights = new MovieNights(bot.bot.context.store);
    await vi.waitFor(async () => expect(await nights.night(message.id)).toBeDefined());
    expect((await nights.night(message.id))?.movies.map((movie) => movie.movieId)).toEqual(ids);
  }, 60_000);

  it('from:mix takes at most half from the list; from:fresh none', async () => {
    const list = new ServerList(bot.bot.context.store, bot.fake.guildId);
    const more = await unseen(120, 6);
    for (const movieId of more) await list.add(movieId);
    const mix = await night({ from: 'mix' });
    const labels = mix.embeds.map((embed) => embed.author?.name ?? '');
    expect(labels.filter((label) => FROM_LIST.test(label))).toHaveLength(5);
    const fresh = await night();
    expect(fresh.embeds.filter((embed) => FROM_LIST.test(embed.author?.name ?? ''))).toEqual([]);
  }, 60_000);

  it('from:list is kept while the members asked answer (the question is in the store)', async () => {
    const handle = await bot.fake.command(
      'movienight pick',
      { member1: CAROL, from: 'list' },
      { userId: ALICE },
    );
    const question = handle.finalMessage();
    const answerIn = components(question)
      .map((c) => c.custom_id ?? '')
      .find((id) => id.startsWith('movienight:answer:') && id.endsWith(':in'));
    await bot.fake.clickButton(question, answerIn!, { userId: CAROL });
    const picked = await handle.waitForMessage((m) => m.embeds.length > 0);
    expect(picked.embeds).toHaveLength(10);
    expect(FROM_LIST.test(picked.embeds[0].author?.name ?? '')).toBe(true);
  }, 60_000);

  it('“Add one to our list…” is under public answers in a server, adds privately, and is absent in DMs and private answers', async () => {
    const list = new ServerList(bot.bot.context.store, bot.fake.guildId);
    const movieNight = await night();
    expect(ourListMenu(movieNight)?.options).toHaveLength(10);
    expect(movieNight.components).toHaveLength(5);

    const shared = await (
      await bot.fake.command('foryou', { public: true }, { userId: ALICE })
    ).waitForMessage();
    expect((shared.flags ?? 0) & EPHEMERAL).toBe(0);
    const menu = ourListMenu(shared);
    expect(menu?.options).toHaveLength(10);
    const movieId = Number(menu!.options![0].value);
    const before = (await list.entries()).some((entry) => entry.movieId === movieId);
    const added = await (
      await bot.fake.selectMenu(shared, 'ourlist:add', [String(movieId)], { userId: BOB })
    ).waitForMessage();
    expect((added.flags ?? 0) & EPHEMERAL).toBe(EPHEMERAL);
    expect(added.content).toContain(before ? 'is already on our list' : 'Added');
    expect((await list.entries()).some((entry) => entry.movieId === movieId)).toBe(true);
    const again = await (
      await bot.fake.selectMenu(shared, 'ourlist:add', [String(movieId)], { userId: ALICE })
    ).waitForMessage();
    expect(again.content).toContain('is already on our list');

    const own = await (await bot.fake.command('foryou', {}, { userId: ALICE })).waitForMessage();
    expect((own.flags ?? 0) & EPHEMERAL).toBe(EPHEMERAL);
    expect(own.embeds).toHaveLength(10);
    expect(ourListMenu(own)).toBeUndefined();
    const inDm = await (
      await bot.fake.command('foryou', { public: true }, { userId: ALICE, place: 'dm', install: 'user' })
    ).waitForMessage();
    expect(inDm.embeds).toHaveLength(10);
    expect(ourListMenu(inDm)).toBeUndefined();
  }, 60_000);
});

/**
 * A server's own state through the fake Discord: /settings timezone (Manage Server only, IANA zones
 * checked by Intl) and the server's list (/watchlist server add|remove|watched|show, 500 movies paged).
 */
import { PermissionFlagsBits } from 'discord.js';
import type { APIMessage } from 'discord-api-types/v10';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Artifacts } from '../../src/artifacts/types.ts';
import { ServerList } from '../../src/store/server-list.ts';
import { serverSettings } from '../../src/store/server-settings.ts';
import { displayTitle } from '../../src/serve/titles.ts';
import { startTestBot, trainSmallModels, type TestBot } from '../support/bot-harness.ts';

const EPHEMERAL = 1 << 6;
const ADMIN = { userId: '1100000000000000310', permissions: PermissionFlagsBits.ManageGuild };
const MEMBER = { userId: '1100000000000000311' };

const buttonIds = (message: APIMessage) =>
  (message.components ?? []).flatMap((row) =>
    ('components' in row ? row.components : []).flatMap((c) =>
      'custom_id' in c && !('disabled' in c && c.disabled) ? [c.custom_id] : [],
    ),
  );

describe('server settings and the server list', () => {
  let bot: TestBot;
  let artifacts: Artifacts;

  beforeAll(async () => {
    const trained = await trainSmallModels();
    artifacts = trained.artifacts;
    bot = await startTestBot({ modelsDir: trained.modelsDir });
  }, 60_000);
  afterAll(async () => {
    await bot?.close();
  });

  it('/settings timezone: managers set an IANA zone, others are told which permission they lack', async () => {
    const choices = await bot.fake.autocomplete('settings timezone', { zone: 'berl' }, 'zone', ADMIN);
    expect(choices.map((c) => c.value)).toContain('Europe/Berlin');
    const set = await (
      await bot.fake.command('settings timezone', { zone: 'europe/berlin' }, ADMIN)
    ).waitForMessage();
    expect((set.flags ?? 0) & EPHEMERAL).toBe(EPHEMERAL);
    expect(set.content).toContain('now scheduled in **Europe/Berlin**');
    expect(await serverSettings(bot.bot.context.store, bot.fake.guildId)).toEqual({
      timezone: 'Europe/Berlin',
    });

    const bad = await (
      await bot.fake.command('settings timezone', { zone: 'Mars/Olympus' }, ADMIN)
    ).waitForMessage();
    expect(bad.content).toContain('“Mars/Olympus” is not a time zone');
    const refused = (await bot.fake.command('settings timezone', { zone: 'UTC' }, MEMBER)).finalMessage();
    expect(refused.content).toContain('**Manage Server** permission');
    expect((await serverSettings(bot.bot.context.store, bot.fake.guildId)).timezone).toBe('Europe/Berlin');
  });

  it('/watchlist server add, remove and watched change the server list; watched ones stay out', async () => {
    const [first, second] = artifacts.catalog.map((e) => e.movieId);
    const title = (id: number) => displayTitle(artifacts.movies.get(id)!.title);
    const suggested = await bot.fake.autocomplete(
      'watchlist server add',
      { movie: title(first).slice(0, 6) },
      'movie',
      MEMBER,
    );
    expect(suggested.map((c) => c.value)).toContain(`#${first}`);
    const add = async (id: number) =>
      (await bot.fake.command('watchlist server add', { movie: `#${id}` }, MEMBER)).waitForMessage();
    expect((await add(first)).content).toContain(`Added **`);
    expect((await add(first)).content).toContain('is already on our list');
    await add(second);
    const list = new ServerList(bot.bot.context.store, bot.fake.guildId);
    expect((await list.entries()).map((e) => e.movieId)).toEqual([first, second]);

    const removable = await bot.fake.autocomplete('watchlist server remove', { movie: '' }, 'movie', MEMBER);
    expect(removable.map((c) => c.value)).toEqual([`#${first}`, `#${second}`]);
    const removed = await (
      await bot.fake.command('watchlist server remove', { movie: `#${first}` }, MEMBER)
    ).waitForMessage();
    expect(removed.content).toContain('Took **');
    const watched = await (
      await bot.fake.command('watchlist server watched', { movie: `#${second}` }, MEMBER)
    ).waitForMessage();
    expect(watched.content).toContain("won't be proposed here again unless re-added");
    expect(await list.entries()).toEqual([]);
    expect([...(await list.watched())]).toEqual([second]);
    await add(second);
    expect([...(await list.watched())]).toEqual([]);
    await list.remove(second);
  });

  it('a list of 500 movies pages 20 at a time, each movie exactly once, in order', async () => {
    const list = new ServerList(bot.bot.context.store, bot.fake.guildId);
    const ids = Array.from({ length: 500 }, (_, i) => 100_000 + i);
    for (const [i, id] of ids.entries()) expect(await list.add(id, 1_000 + i)).toBe('added');
    expect(await list.add(999_999)).toBe('full');

    let page = await (await bot.fake.command('watchlist server show', {}, MEMBER)).waitForMessage();
    expect((page.flags ?? 0) & EPHEMERAL).toBe(EPHEMERAL);
    const seen: number[] = [];
    for (let n = 1; ; n++) {
      expect(page.embeds[0].footer?.text).toContain(`Page ${n}/25 · 500 of at most 500 movies`);
      seen.push(...[...page.embeds[0].description!.matchAll(/movie (\d+)/g)].map((m) => Number(m[1])));
      const next = buttonIds(page).find((id) => id === `wl:server:page:${n}`);
      if (!next) break;
      page = await (
        await bot.fake.clickButton(page, next, MEMBER)
      ).waitForMessage((m) => m.embeds[0]?.footer?.text?.startsWith(`Page ${n + 1}/`) ?? false);
    }
    expect(seen).toEqual(ids);
  });
});

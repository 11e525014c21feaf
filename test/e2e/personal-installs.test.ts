/**
 * Personal commands for members who installed FlickPick to their own account: /rate, /ratings, /foryou,
 * /forget-me, /watchlist mine and /settings region work in the bot's DM and in group DMs; /movienight,
 * /retrain and a server's own list and settings stay in servers that added FlickPick. The commands
 * are registered globally here (no DISCORD_GUILD_ID), because Discord applies integration_types and
 * contexts to global commands only.
 */
import type { APIMessage } from 'discord-api-types/v10';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Artifacts } from '../../src/artifacts/types.ts';
import { startTestBot, trainSmallModels, type TestBot } from '../support/bot-harness.ts';
import type { ActAs, OptionValue } from '../support/fake-discord/index.ts';

const EPHEMERAL = 1 << 6;
const DANA = '1100000000000000401';
const EVE = '1100000000000000402';
const isPrivate = (message: APIMessage) => ((message.flags ?? 0) & EPHEMERAL) === EPHEMERAL;

describe('user installs and DMs', () => {
  let bot: TestBot;
  let artifacts: Artifacts;

  beforeAll(async () => {
    const trained = await trainSmallModels();
    artifacts = trained.artifacts;
    bot = await startTestBot({ modelsDir: trained.modelsDir, env: { DISCORD_GUILD_ID: '' } });
  }, 60_000);
  afterAll(async () => {
    await bot?.close();
  });

  it('registers personal commands for both installs and every context, group commands for servers only', () => {
    expect(bot.fake.registeredCommands(bot.fake.guildId)).toEqual([]);
    const byName = new Map(bot.fake.registeredCommands().map((c) => [c.name, c]));
    for (const name of ['rate', 'ratings', 'foryou', 'forget-me', 'import', 'watchlist', 'settings']) {
      expect(byName.get(name)?.integration_types, name).toEqual([0, 1]);
      expect(byName.get(name)?.contexts, name).toEqual([0, 1, 2]);
    }
    for (const name of ['movienight', 'retrain']) {
      expect(byName.get(name)?.contexts, name).toEqual([0]);
      expect(byName.get(name)?.integration_types, name).toEqual([0]);
    }
  });

  it('rates, lists and picks in the bot’s DM and in a group DM through the user install', async () => {
    const movies = [...artifacts.movies.values()].slice(0, 3);
    for (const movie of movies) {
      const handle = await bot.fake.command(
        'rate',
        { movie: `#${movie.movieId}`, stars: 4 },
        { userId: DANA, place: 'dm', install: 'user' },
      );
      const reply = await handle.settledMessage();
      expect(isPrivate(reply)).toBe(true);
      expect(reply.content).toMatch(/^Saved: /);
      expect(reply.channel_id).not.toBe(bot.fake.channelId);
    }
    const list = (
      await bot.fake.command('ratings', {}, { userId: DANA, place: 'dm', install: 'user' })
    ).finalMessage();
    expect(list.content).toContain('3 ratings');

    const answer = await (
      await bot.fake.command('foryou', {}, { userId: DANA, place: 'group-dm', install: 'user' })
    ).waitForMessage();
    expect(answer.embeds).toHaveLength(10);
    expect(answer.content).toBe(`Picked for <@${DANA}> from 3 ratings:`);
    // The rating menu works there too.
    const rows = answer.components as unknown as {
      components: { custom_id: string; options: { value: string }[] }[];
    }[];
    const pick = rows[0].components[0];
    const panel = (
      await bot.fake.selectMenu(answer, pick.custom_id, [pick.options[0].value], { userId: DANA })
    ).finalMessage();
    expect(panel.content).toContain('How many stars');
  });

  it('forgets a member from a DM', async () => {
    const ask = (
      await bot.fake.command('forget-me', {}, { userId: DANA, place: 'dm', install: 'user' })
    ).finalMessage();
    const rows = ask.components as unknown as { components: { custom_id: string }[] }[];
    const confirm = rows[0].components.find((c) => c.custom_id.startsWith('forget-me:confirm:'))!;
    await (await bot.fake.clickButton(ask, confirm.custom_id, { userId: DANA })).settledMessage();
    const list = (
      await bot.fake.command('ratings', {}, { userId: DANA, place: 'dm', install: 'user' })
    ).finalMessage();
    expect(list.content).toContain('You have no ratings or marks.');
  });

  it('does not offer group or catalog commands outside servers, as Discord would not', async () => {
    await expect(
      bot.fake.command('movienight pick', {}, { userId: DANA, place: 'dm', install: 'user' }),
    ).rejects.toThrow(/integration_types/);
    await expect(bot.fake.command('movienight pick', {}, { userId: DANA, place: 'dm' })).rejects.toThrow(
      /contexts/,
    );
    await expect(bot.fake.command('retrain status', {}, { userId: DANA, place: 'dm' })).rejects.toThrow(
      /contexts/,
    );
    await expect(
      bot.fake.command('recommend', {}, { userId: DANA, place: 'group-dm', install: 'user' }),
    ).rejects.toThrow(/integration_types/);
  });

  it('/watchlist mine and /settings region work in DMs; a server’s list and settings refuse there', async () => {
    const dm = { userId: EVE, place: 'dm', install: 'user' } as const;
    const ask = async (name: string, options: Record<string, OptionValue> = {}, where: ActAs = dm) =>
      (await bot.fake.command(name, options, where)).waitForMessage();
    for (const movie of [...artifacts.movies.values()].slice(0, 3))
      await ask('rate', { movie: `#${movie.movieId}`, stars: 4.5 });

    // Saved from a /foryou answer in the DM, then shown and removed there: a member's own list has no guild.
    const answer = await ask('foryou');
    const rows = answer.components as unknown as {
      components: { custom_id: string; options?: { value: string; label: string }[] }[];
    }[];
    const later = rows.flatMap((row) => row.components).find((c) => c.custom_id.startsWith('later:pick:'))!;
    const saved = await (
      await bot.fake.selectMenu(answer, later.custom_id, [later.options![0].value], { userId: EVE })
    ).waitForMessage();
    expect(saved.content).toMatch(/^Saved \*\*.+\*\* to your watchlist/);
    const show = await ask('watchlist mine show');
    expect(isPrivate(show)).toBe(true);
    expect(show.channel_id).not.toBe(bot.fake.channelId);
    expect(show.embeds?.[0]?.title).toBe('Your watchlist');
    expect(show.embeds?.[0]?.footer?.text).toMatch(/^1 movie/);
    // The same list in a server: it is the member's, wherever they ask.
    const inServer = await ask('watchlist mine show', {}, { userId: EVE });
    expect(inServer.embeds?.[0]?.description).toBe(show.embeds?.[0]?.description);
    const removed = await ask('watchlist mine remove', { movie: `#${later.options![0].value}` });
    expect(removed.content).toMatch(/^Took \*\*.+\*\* off your watchlist\.$/);

    // The member's region, set in the DM, is theirs in the server too.
    const set = await ask('settings region', { country: 'de' });
    expect(isPrivate(set)).toBe(true);
    expect(set.content).toContain('Germany (DE)');
    expect((await ask('settings region')).content).toContain('**Germany (DE)** (your choice)');
    expect((await ask('settings region', {}, { userId: EVE })).content).toContain('(your choice)');
    const cleared = await ask('settings region', { country: 'none', server: true });
    expect(cleared.content).toMatch(/belongs to a server/);

    // A server's own list and settings: not in a DM, nor through a member's own install in a server.
    for (const where of [dm, { userId: EVE, place: 'guild', install: 'user' }] as const) {
      for (const [name, options] of [
        ['watchlist server show', {}],
        ['settings timezone', {}],
        ['settings movienight', {}],
      ] as const) {
        const refused = await ask(name, options, where);
        expect(isPrivate(refused), `${name} ${where.place}`).toBe(true);
        expect(refused.content, `${name} ${where.place}`).toMatch(/^That part of \/\w+ belongs to a server/);
      }
    }
    // Through the server's own install it still works there.
    expect((await ask('watchlist server show', {}, { userId: EVE })).content).not.toMatch(
      /belongs to a server/,
    );
  });
});

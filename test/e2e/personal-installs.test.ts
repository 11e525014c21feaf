/**
 * Personal commands for members who installed FlickPick to their own account: /rate, /ratings, /foryou and
 * /forget-me work in the bot's DM and in group DMs; /movienight and /retrain stay in servers. The commands
 * are registered globally here (no DISCORD_GUILD_ID), because Discord applies integration_types and
 * contexts to global commands only.
 */
import type { APIMessage } from 'discord-api-types/v10';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Artifacts } from '../../src/artifacts/types.ts';
import { startTestBot, trainSmallModels, type TestBot } from '../support/bot-harness.ts';

const EPHEMERAL = 1 << 6;
const DANA = '1100000000000000401';
const isPrivate = (message: APIMessage) => ((message.flags ?? 0) & EPHEMERAL) === EPHEMERAL;

describe('user installs and DMs', () => {
  let bot: TestBot;
  let artifacts: Artifacts;

  beforeAll(async () => {
    const trained = await trainSmallModels();
    if (!trained.result.published) throw new Error('training failed');
    artifacts = trained.result.artifacts;
    bot = await startTestBot({ modelsDir: trained.modelsDir, env: { DISCORD_GUILD_ID: '' } });
  }, 60_000);
  afterAll(async () => {
    await bot?.close();
  });

  it('registers personal commands for both installs and every context, group commands for servers only', () => {
    expect(bot.fake.registeredCommands(bot.fake.guildId)).toEqual([]);
    const byName = new Map(bot.fake.registeredCommands().map((c) => [c.name, c]));
    for (const name of ['rate', 'ratings', 'foryou', 'forget-me']) {
      expect(byName.get(name)?.integration_types, name).toEqual([0, 1]);
      expect(byName.get(name)?.contexts, name).toEqual([0, 1, 2]);
    }
    for (const name of ['movienight', 'retrain', 'settings']) {
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
});

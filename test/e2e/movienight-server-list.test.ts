/**
 * The server's list in movie nights, end to end through the fake Discord: a movie this server marked
 * watched is never proposed to its movie nights again, unless someone re-adds it to the list.
 */
import type { APIMessage } from 'discord-api-types/v10';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Artifacts } from '../../src/artifacts/types.ts';
import { ServerList } from '../../src/store/server-list.ts';
import { startTestBot, trainSmallModels, type TestBot } from '../support/bot-harness.ts';

const ALICE = '1100000000000000501';
const BOB = '1100000000000000502';

/** The movie ids of an answer's cards, from its "Rate one of these movies" menu (card order). */
function cardMovieIds(message: APIMessage): number[] {
  const rows = (message.components ?? []) as unknown as {
    components?: { custom_id?: string; options?: { value: string }[] }[];
  }[];
  const menu = rows.flatMap((row) => row.components ?? []).find((c) => c.custom_id?.startsWith('rate:pick:'));
  if (!menu?.options) throw new Error(`no rating menu on ${JSON.stringify(message.components)}`);
  return menu.options.map((option) => Number(option.value));
}

describe('/movienight and the server list', () => {
  let bot: TestBot;
  let artifacts: Artifacts;

  beforeAll(async () => {
    const trained = await trainSmallModels();
    if (!trained.result.published) throw new Error('training failed');
    artifacts = trained.result.artifacts;
    bot = await startTestBot({ modelsDir: trained.modelsDir });
    const movies = [...artifacts.movies.keys()];
    for (const [i, userId] of [ALICE, BOB].entries()) {
      for (const movieId of movies.slice(60 + i * 3, 63 + i * 3)) {
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
});

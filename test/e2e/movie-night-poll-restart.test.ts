/**
 * A poll outlives its bot: the bot process is killed with SIGKILL while a movie-night poll is open, the
 * poll ends while no bot runs, and the next start announces the winner with the right count, once.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Keyv } from 'keyv';
import { movieNightConsents } from '../../src/bot/movie-night-consent.ts';
import { MemberRatings } from '../../src/store/member-ratings.ts';
import { openBotStore } from '../../src/store/bot-store.ts';
import { displayTitle } from '../../src/serve/titles.ts';
import type { Artifacts } from '../../src/artifacts/types.ts';
import { startFakeDiscord, type FakeDiscord } from '../support/fake-discord/index.ts';
import { tempDir } from '../support/dataset.ts';
import { trainSmallModels } from '../support/bot-harness.ts';
import { startBotProcess, type BotProcess } from '../support/bot-process.ts';

const ALICE = '1100000000000000301';
const BOB = '1100000000000000302';
const CAROL = '1100000000000000303';

describe('a movie-night poll across a SIGKILL', () => {
  let fake: FakeDiscord;
  let modelsDir: string;
  let dataDir: string;
  let artifacts: Artifacts;
  let store: Keyv;
  const running: BotProcess[] = [];

  beforeAll(async () => {
    const trained = await trainSmallModels();
    ({ modelsDir } = trained);
    artifacts = trained.artifacts;
    dataDir = await tempDir('flickpick-state-');
    fake = await startFakeDiscord();
    // The members' ratings and standing consent, written to the store the bot process opens.
    store = openBotStore({ storeUrl: undefined, dataDir });
    const members = new MemberRatings(store);
    const movies = [...artifacts.dnmf.movieRows.keys()];
    for (const [i, id] of [ALICE, BOB, CAROL].entries())
      for (let k = 0; k < 4; k++) await members.rate(id, movies[i * 7 + k], 5 - (k % 2));
    for (const id of [BOB, CAROL]) await movieNightConsents({ store }).setAlwaysIn(id, fake.guildId, true);
  }, 60_000);
  afterAll(async () => {
    for (const bot of running) if (bot.child.exitCode === null) bot.child.kill('SIGKILL');
    await store?.disconnect();
    await fake?.close();
  });

  async function start(): Promise<BotProcess> {
    const bot = await startBotProcess({
      DISCORD_TOKEN: fake.token,
      DISCORD_API_URL: fake.apiUrl,
      DISCORD_GUILD_ID: fake.guildId,
      MODELS_DIR: modelsDir,
      DATA_DIR: dataDir,
      LOG_LEVEL: 'info',
    });
    running.push(bot);
    await bot.waitForLog((l) => l.msg === 'connected to Discord', 30_000);
    return bot;
  }

  it('announces the winner of a poll that ended while the bot was down', async () => {
    const first = await start();
    const answer = await (
      await fake.command('movienight pick', { member1: BOB, member2: CAROL }, { userId: ALICE })
    ).waitForMessage();
    const movies = (answer.components ?? [])
      .flatMap(
        (row) =>
          (row as { components?: { custom_id?: string; options?: { value: string }[] }[] }).components ?? [],
      )
      .find((c) => c.custom_id?.startsWith('rate:pick:'))!
      .options!.map((o) => Number(o.value));
    const menu = (await fake.clickButton(answer, 'night:vote', { userId: ALICE })).finalMessage();
    const select = (menu.components ?? [])
      .flatMap((row) => (row as { components?: { custom_id?: string }[] }).components ?? [])
      .find((c) => c.custom_id?.startsWith('night:duration:'))!.custom_id!;
    await (
      await fake.selectMenu(menu, select, ['24'], { userId: ALICE })
    ).waitForMessage((m) => m.content.startsWith('Poll posted'));
    const poll = fake.channelMessages().find((m) => m.poll)!;
    fake.votePoll(poll.id, ALICE, [7]);
    fake.votePoll(poll.id, BOB, [7]);
    fake.votePoll(poll.id, CAROL, [1]);

    first.child.kill('SIGKILL');
    expect((await first.exited)[1]).toBe('SIGKILL');
    fake.endPoll(poll.id); // its time runs out while no bot is running: nobody gets the MESSAGE_UPDATE

    const second = await start();
    const result = await fake.waitForChannelMessage((m) => m.message_reference?.message_id === poll.id, {
      timeoutMs: 30_000,
    });
    const winner = displayTitle(artifacts.movies.get(movies[6])!.title);
    expect(result.content).toBe(`🍿 The vote is in: **${winner}** wins with 2 votes of 3.`);
    await second.waitForLog((l) => l.msg === 'movie night poll announced');
    expect(fake.channelMessages().filter((m) => m.message_reference?.message_id === poll.id)).toHaveLength(1);
    second.child.kill('SIGTERM');
    await second.exited;
  });
});

/**
 * Consent for movie nights, end to end through the fake Discord with the real discord.js client: nobody is
 * in a group pick without agreeing; only the members asked can answer, only the caller can pick early; the
 * question survives a restart; a standing "always count me in" is set, shown and withdrawn by its member.
 */
import type { APIMessage } from 'discord-api-types/v10';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Artifacts } from '../../src/artifacts/types.ts';
import { startTestBot, trainSmallModels, type TestBot } from '../support/bot-harness.ts';
import type { InteractionHandle } from '../support/fake-discord/index.ts';

const EPHEMERAL = 1 << 6;
const ALICE = '1100000000000000401';
const BOB = '1100000000000000402';
const CAROL = '1100000000000000403';
const DAVE = '1100000000000000404';

const isPrivate = (message: APIMessage) => ((message.flags ?? 0) & EPHEMERAL) === EPHEMERAL;

/** The private answer to a click that was acknowledged first (deferUpdate) and answered with a follow-up. */
async function privately(handle: InteractionHandle): Promise<APIMessage> {
  await handle.waitFor((e) => e.kind === 'followup');
  return handle.followups()[0];
}

function buttonId(message: APIMessage, prefix: string, suffix = ''): string {
  const rows = (message.components ?? []) as unknown as { components?: { custom_id?: string }[] }[];
  const id = rows
    .flatMap((row) => row.components ?? [])
    .map((c) => c.custom_id ?? '')
    .find((customId) => customId.startsWith(prefix) && customId.endsWith(suffix));
  if (!id) throw new Error(`no ${prefix}…${suffix} on ${JSON.stringify(message.components)}`);
  return id;
}

describe('/movienight counts in only members who agreed', () => {
  let bot: TestBot;
  let modelsDir: string;
  let artifacts: Artifacts;

  beforeAll(async () => {
    const trained = await trainSmallModels();
    modelsDir = trained.modelsDir;
    artifacts = trained.artifacts;
    bot = await startTestBot({ modelsDir });
    // Everyone has enough ratings to count: three each, of different movies.
    const movies = [...artifacts.movies.keys()];
    for (const [i, userId] of [ALICE, BOB, CAROL, DAVE].entries()) {
      for (const movieId of movies.slice(40 + i * 3, 43 + i * 3)) {
        await bot.fake.command('rate', { movie: `#${movieId}`, stars: 5 }, { userId });
      }
    }
  }, 60_000);
  afterAll(async () => {
    await bot?.close();
  });

  const answer = (question: APIMessage, userId: string, choice: 'in' | 'always' | 'out') =>
    bot.fake.clickButton(question, buttonId(question, 'movienight:answer:', `:${choice}`), { userId });

  it('asks the members named, refuses everyone else privately, survives a restart, and picks once all answered', async () => {
    const handle = await bot.fake.command(
      'movienight pick',
      { member1: BOB, member2: CAROL },
      { userId: ALICE },
    );
    const question = handle.finalMessage();
    expect(isPrivate(question)).toBe(false);
    expect(question.embeds).toEqual([]);
    expect(question.content).toContain(
      `<@${ALICE}> is planning a movie night with <@${BOB}> and <@${CAROL}>.`,
    );
    expect(question.content).toContain(`**In**: <@${ALICE}>\n**Waiting for**: <@${BOB}> and <@${CAROL}>`);

    // Someone not named, and the caller, cannot answer for the group.
    const stranger = await privately(await answer(question, DAVE, 'in'));
    expect(isPrivate(stranger)).toBe(true);
    expect(stranger.content).toContain('This question is for the members named in this movie night.');
    const caller = await privately(await answer(question, ALICE, 'in'));
    expect(isPrivate(caller)).toBe(true);
    expect(caller.content).toContain('You asked for this movie night, so you are in.');
    // Only the caller may pick early, and not before anyone said yes.
    const pickNow = buttonId(question, 'movienight:pick:');
    const notYours = (await bot.fake.clickButton(question, pickNow, { userId: BOB })).finalMessage();
    expect(isPrivate(notYours)).toBe(true);
    expect(notYours.content).toContain('Only the member who asked for this movie night can pick now.');
    const tooEarly = await privately(await bot.fake.clickButton(question, pickNow, { userId: ALICE }));
    expect(isPrivate(tooEarly)).toBe(true);
    expect(tooEarly.content).toContain('Nobody has said yes yet.');

    await answer(question, BOB, 'out');
    await handle.waitForMessage((m) => m.content.includes(`**Not joining**: <@${BOB}>`));
    // The question is in the store: a restart in between changes nothing.
    await bot.stopBot();
    bot = await startTestBot({ modelsDir, fake: bot.fake, dataDir: bot.dataDir });
    await answer(handle.finalMessage(), CAROL, 'in');
    const night = await handle.waitForMessage((m) => m.embeds.length > 0);
    expect(isPrivate(night)).toBe(false);
    expect(night.content).toContain(`Movie night for <@${ALICE}> and <@${CAROL}>:`);
    expect(night.content).toContain(`Not joining: <@${BOB}>.`);
    expect(night.embeds).toHaveLength(10);
    // The question became the answer: its buttons are gone, so nobody can answer late.
    expect(JSON.stringify(night.components)).toContain('rate:pick:');
    expect(JSON.stringify(night.components)).not.toContain('movienight:');
  }, 60_000);

  it('the caller can pick with whoever is in; the rest are named as not counted', async () => {
    const handle = await bot.fake.command(
      'movienight pick',
      { member1: BOB, member2: CAROL },
      { userId: DAVE },
    );
    await answer(handle.finalMessage(), CAROL, 'in');
    await handle.waitForMessage((m) => m.content.includes(`**In**: <@${DAVE}> and <@${CAROL}>`));
    await bot.fake.clickButton(handle.finalMessage(), buttonId(handle.finalMessage(), 'movienight:pick:'), {
      userId: DAVE,
    });
    const night = await handle.waitForMessage((m) => m.embeds.length > 0);
    expect(night.content).toContain(`Movie night for <@${DAVE}> and <@${CAROL}>:`);
    expect(night.content).toContain(`No answer yet, so not counted: <@${BOB}>.`);
  });

  it('when everyone asked says no, nothing is picked', async () => {
    const handle = await bot.fake.command('movienight pick', { member1: CAROL }, { userId: BOB });
    await answer(handle.finalMessage(), CAROL, 'out');
    const closed = await handle.waitForMessage((m) => m.components?.length === 0);
    expect(closed.embeds).toEqual([]);
    expect(closed.components).toEqual([]);
    expect(closed.content).toContain(`Nobody else is joining <@${BOB}>’s movie night`);
  });

  it('a standing "always count me in" skips the question until its member withdraws it', async () => {
    const settings = async (userId: string, options: Record<string, boolean> = {}) => {
      const message = await (
        await bot.fake.command('settings movienight', options, { userId })
      ).waitForMessage();
      expect(isPrivate(message)).toBe(true);
      return message.content ?? '';
    };
    expect(await settings(BOB)).toContain('you are asked first');
    // From the question's "Always count me in on this server".
    const asked = await bot.fake.command('movienight pick', { member1: BOB }, { userId: ALICE });
    await answer(asked.finalMessage(), BOB, 'always');
    expect((await asked.waitForMessage((m) => m.embeds.length > 0)).content).toContain(
      `Movie night for <@${ALICE}> and <@${BOB}>:`,
    );
    expect(await settings(BOB)).toContain('Now: movie nights on this server count you in without asking');
    const ratings = (await bot.fake.command('ratings', {}, { userId: BOB })).finalMessage();
    expect(ratings.content).toContain('Movie nights count you in without asking on 1 server');

    const direct = await bot.fake.command('movienight pick', { member1: BOB }, { userId: CAROL });
    const night = await direct.waitForMessage();
    expect(night.embeds).toHaveLength(10);
    expect(night.content).toContain(`Movie night for <@${CAROL}> and <@${BOB}>:`);

    expect(await settings(BOB, { 'count-me-in': false })).toContain('Saved: when someone names you');
    const again = await bot.fake.command('movienight pick', { member1: BOB }, { userId: CAROL });
    expect(again.finalMessage().content).toContain(`**Waiting for**: <@${BOB}>`);
  });
});

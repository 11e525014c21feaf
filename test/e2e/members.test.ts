/**
 * Members teach FlickPick, end to end through the fake Discord with the real discord.js client: rate from a
 * card → /ratings shows it → /recommend and /foryou leave it out → /foryou follows the ratings → /movienight
 * for three (named, then from a voice channel) → /forget-me empties /ratings; plus the bad inputs, a click
 * from another member, old answers after a restart, and an old answer whose movie the model no longer has.
 */
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { PermissionFlagsBits } from 'discord.js';
import type { APIMessage } from 'discord-api-types/v10';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadArtifacts } from '../../src/artifacts/loader.ts';
import { ModelRepository } from '../../src/artifacts/repository.ts';
import type { Artifacts } from '../../src/artifacts/types.ts';
import { trainVersion } from '../../src/train/pipeline.ts';
import { startTestBot, trainSmallModels, type TestBot } from '../support/bot-harness.ts';
import { syntheticDataset, tempDir, writeDatasetFiles } from '../support/dataset.ts';

const EPHEMERAL = 1 << 6;
const ALICE = '1100000000000000301';
const BOB = '1100000000000000302';
const CAROL = '1100000000000000303';
const A_BOT = '1100000000000000399';

interface LooseSelect {
  type: number;
  custom_id: string;
  options: { label: string; value: string; description?: string }[];
}

function components(message: APIMessage): LooseSelect[] {
  const rows = (message.components ?? []) as unknown as { components?: LooseSelect[] }[];
  return rows.flatMap((row) => row.components ?? []);
}

function component(message: APIMessage, prefix: string): LooseSelect {
  const found = components(message).find((c) => c.custom_id?.startsWith(prefix));
  if (!found) throw new Error(`no component ${prefix}… on message: ${JSON.stringify(message.components)}`);
  return found;
}

/** The ten movie ids of an answer, from its rating menu. */
function answerMovies(message: APIMessage): number[] {
  return component(message, 'rate:pick:').options.map((o) => Number(o.value));
}

const isPrivate = (message: APIMessage) => ((message.flags ?? 0) & EPHEMERAL) === EPHEMERAL;

describe('members rate, get personal and group picks, and are forgotten', () => {
  let bot: TestBot;
  let modelsDir: string;
  let artifacts: Artifacts;
  let picks: Record<string, string>;
  let env: Record<string, string>;
  let membersBefore = 0;
  let alicePseudonym = 0;

  beforeAll(async () => {
    const trained = await trainSmallModels();
    modelsDir = trained.modelsDir;
    artifacts = trained.artifacts;
    const catalog = artifacts.catalog.map((e) => String(e.movieId));
    picks = { movie1: catalog[0], movie2: catalog[1], movie3: catalog[2] };
    // A dataset for /retrain; the hold-out gate is loose because these small models are noisy.
    env = { MOVIELENS_DIR: trained.datasetDir, RETRAIN_MAX_RMSE_INCREASE: '1' };
    bot = await startTestBot({ modelsDir, env });
  }, 60_000);
  afterAll(async () => {
    await bot?.close();
  });

  const recommend = async (userId: string, extra: Record<string, boolean> = {}) =>
    (await bot.fake.command('recommend', { ...picks, ...extra }, { userId })).waitForMessage();

  /** A member answers a movie night's "count me in?" question; resolves once the bot acknowledged. */
  async function answerConsent(question: APIMessage, userId: string, choice: 'in' | 'always' | 'out') {
    const button = components(question).find(
      (c) => c.custom_id.startsWith('movienight:answer:') && c.custom_id.endsWith(`:${choice}`),
    );
    if (!button) throw new Error(`no ${choice} button on ${JSON.stringify(question.components)}`);
    return bot.fake.clickButton(question, button.custom_id, { userId });
  }

  /** Rates from an answer's menus, as a member would: pick the movie, then the stars in the private panel. */
  async function rateFromAnswer(answer: APIMessage, userId: string, movieId: number, stars: string) {
    const pick = component(answer, 'rate:pick:');
    const panel = (
      await bot.fake.selectMenu(answer, pick.custom_id, [String(movieId)], { userId })
    ).finalMessage();
    expect(isPrivate(panel)).toBe(true);
    expect(panel.content).toContain('How many stars');
    const starSelect = component(panel, 'rate:stars:');
    expect(starSelect.options).toHaveLength(10);
    const saved = await bot.fake.selectMenu(panel, starSelect.custom_id, [stars], { userId });
    return saved.settledMessage();
  }

  it('rates a movie from a /recommend card for the member who clicked, privately', async () => {
    const answer = await recommend(ALICE);
    expect(answer.embeds).toHaveLength(10);
    const movies = answerMovies(answer);
    expect(movies).toHaveLength(10);
    expect(component(answer, 'rate:mark:').options).toHaveLength(20);

    const confirmation = await rateFromAnswer(answer, ALICE, movies[0], '4.5');
    expect(isPrivate(confirmation)).toBe(true);
    expect(confirmation.content).toMatch(/^Saved: \*\*.+\*\* ★★★★½ 4\.5\/5\./);
    expect(confirmation.content).toContain('Rate 2 more movies and /foryou can pick for you.');

    // Bob rates another movie from Alice's answer: it is his rating, not hers.
    await rateFromAnswer(answer, BOB, movies[1], '2');
    const alice = (await bot.fake.command('ratings', {}, { userId: ALICE })).finalMessage();
    const bob = (await bot.fake.command('ratings', {}, { userId: BOB })).finalMessage();
    const title = (id: number) => artifacts.movies.get(id)!.title.replace(/, The \((\d+)\)$/, ' ($1)');
    expect(isPrivate(alice)).toBe(true);
    expect(alice.content).toContain('★★★★½ 4.5/5');
    expect(component(alice, 'ratings:remove:').options.map((o) => Number(o.value))).toEqual([movies[0]]);
    expect(component(bob, 'ratings:remove:').options.map((o) => Number(o.value))).toEqual([movies[1]]);
    expect(bob.content).not.toContain(title(movies[0]));
  });

  it('never recommends what a member rated, saw or dismissed again', async () => {
    const answer = await recommend(ALICE);
    const marks = component(answer, 'rate:mark:');
    const shown = answerMovies(answer);
    for (const [i, movieId] of shown.entries()) {
      const mark = i % 2 === 0 ? 'seen' : 'not-interested';
      const reply = await (
        await bot.fake.selectMenu(answer, marks.custom_id, [`${movieId}:${mark}`], { userId: ALICE })
      ).settledMessage();
      expect(isPrivate(reply)).toBe(true);
      expect(reply.content).toMatch(/it won't be recommended to you again/);
    }
    const excluded = new Set([...shown, ...answerMovies(answer)]);
    for (let round = 0; round < 3; round++) {
      const again = await recommend(ALICE, round === 0 ? { private: true } : {});
      expect(isPrivate(again)).toBe(round === 0);
      expect(answerMovies(again).filter((id) => excluded.has(id))).toEqual([]);
    }
  });

  it('/foryou asks for more ratings first, then picks without anything rated or marked, following the ratings', async () => {
    const tooFew = (await bot.fake.command('foryou', {}, { userId: ALICE })).finalMessage();
    expect(isPrivate(tooFew)).toBe(true);
    expect(tooFew.content).toContain(
      'Personal picks need at least 3 ratings; you have 1. Rate 2 more movies with /rate',
    );

    // Two more ratings through /rate, typed as titles outside the catalog.
    const outside = [...artifacts.movies.values()].filter(
      (m) => !artifacts.catalog.some((e) => e.movieId === m.movieId),
    );
    for (const movie of outside.slice(0, 2)) {
      const choices = await bot.fake.autocomplete('rate', { movie: movie.title }, 'movie', {
        userId: ALICE,
      });
      expect(choices.length).toBeGreaterThan(0);
      // A chosen suggestion sends "#<id>": a typed number stays a title.
      expect(choices.map((c) => c.value)).toContain(`#${movie.movieId}`);
      const saved = await (
        await bot.fake.command('rate', { movie: movie.title, stars: 5 }, { userId: ALICE })
      ).settledMessage();
      expect(saved.content).toContain('Saved:');
    }
    const ratingsList = (await bot.fake.command('ratings', {}, { userId: ALICE })).finalMessage();
    const everything = ratingsList.content!.split('\n').length - 1;
    expect(ratingsList.content).toContain('3 ratings');
    expect(everything).toBeGreaterThanOrEqual(10);
    const excluded = await bot.bot.context.store
      .get('member:' + ALICE)
      .then((doc) => new Set(Object.keys((doc as { entries: object }).entries).map(Number)));

    const first = await (
      await bot.fake.command('foryou', { public: true }, { userId: ALICE })
    ).waitForMessage();
    expect(isPrivate(first)).toBe(false);
    expect(first.content).toBe(`Picked for <@${ALICE}> from 3 ratings:`);
    expect(first.allowed_mentions).toEqual({ parse: [] });
    expect(first.embeds).toHaveLength(10);
    expect(answerMovies(first).filter((id) => excluded.has(id))).toEqual([]);
    // Gems from the taste model, explained by the member's own rated movies (plain words, no model names).
    expect(first.embeds.slice(5).some((e) => e.description?.includes('often watched by'))).toBe(true);

    // Two more ratings, from the /foryou answer itself: the next answer is fitted to five and leaves them out.
    const rated = answerMovies(first).slice(5, 7);
    for (const movieId of rated) await rateFromAnswer(first, ALICE, movieId, '1');
    const second = await (await bot.fake.command('foryou', {}, { userId: ALICE })).waitForMessage();
    expect(isPrivate(second)).toBe(true);
    expect(second.content).toBe(`Picked for <@${ALICE}> from 5 ratings:`);
    expect(answerMovies(second).filter((id) => excluded.has(id) || rated.includes(id))).toEqual([]);
    expect(second.embeds.slice(5).some((e) => e.description?.includes('often watched by'))).toBe(true);
  });

  it('/movienight picks for three members, naming who has too few ratings', async () => {
    // Bob gets to three ratings; Carol has none.
    const answer = await recommend(BOB);
    for (const movieId of answerMovies(answer).slice(2, 4)) await rateFromAnswer(answer, BOB, movieId, '4');
    const handle = await bot.fake.command(
      'movienight pick',
      { member1: BOB, member2: CAROL },
      { userId: ALICE },
    );
    // Bob and Carol are asked first; the picks come once both said yes.
    const question = handle.finalMessage();
    expect(isPrivate(question)).toBe(false);
    expect(question.content).toContain(`**Waiting for**: <@${BOB}> and <@${CAROL}>`);
    expect(question.allowed_mentions).toEqual({ users: [BOB, CAROL] });
    await answerConsent(question, BOB, 'always');
    await handle.waitForMessage((m) => m.content.includes(`**Waiting for**: <@${CAROL}>`));
    await answerConsent(question, CAROL, 'in');
    const night = await handle.waitForMessage((m) => m.embeds.length > 0);
    expect(isPrivate(night)).toBe(false);
    expect(night.content).toContain(`Movie night for <@${ALICE}>, <@${BOB}> and <@${CAROL}>:`);
    expect(night.content).toContain(`too few ratings (each needs 3): <@${CAROL}> (3 more)`);
    expect(night.allowed_mentions).toEqual({ parse: [] });
    expect(night.embeds).toHaveLength(10);
    const ratedByAnyone = new Set<number>();
    for (const id of [ALICE, BOB]) {
      const doc = (await bot.bot.context.store.get(`member:${id}`)) as { entries: object };
      for (const movieId of Object.keys(doc.entries)) ratedByAnyone.add(Number(movieId));
    }
    expect(answerMovies(night).filter((id) => ratedByAnyone.has(id))).toEqual([]);
  });

  it('/movienight without names picks for the caller’s voice channel, leaving bots out', async () => {
    bot.fake.setVoice(ALICE);
    bot.fake.setVoice(BOB);
    bot.fake.setVoice(CAROL);
    bot.fake.setVoice(A_BOT, bot.fake.voiceChannelId, { bot: true });
    // The bot learns voice states over the gateway; wait until it has seen all four.
    const guild = bot.bot.client.guilds.cache.get(bot.fake.guildId)!;
    await expect.poll(() => guild.voiceStates.cache.size, { timeout: 5000 }).toBe(4);
    const handle = await bot.fake.command('movienight pick', {}, { userId: BOB });
    // Alice is asked; Carol said "count me in" for one night only, so she is asked again.
    await answerConsent(handle.finalMessage(), ALICE, 'in');
    await handle.waitForMessage((m) => m.content.includes(`**Waiting for**: <@${CAROL}>`));
    await answerConsent(handle.finalMessage(), CAROL, 'in');
    const night = await handle.waitForMessage((m) => m.embeds.length > 0);
    expect(night.content).toContain(`Movie night for <@${BOB}>, <@${ALICE}> and <@${CAROL}>:`);
    expect(night.content).not.toContain(A_BOT);
    for (const id of [ALICE, BOB, CAROL, A_BOT]) bot.fake.setVoice(id, null);
    await expect.poll(() => guild.voiceStates.cache.filter((s) => s.channelId !== null).size).toBe(0);
    const alone = (await bot.fake.command('movienight pick', {}, { userId: BOB })).finalMessage();
    expect(isPrivate(alone)).toBe(true);
    expect(alone.content).toContain('or run /movienight pick while you are in a voice channel with them');
  });

  it('answers every bad input privately and specifically', async () => {
    const reply = async (
      name: string,
      options: Parameters<TestBot['fake']['command']>[1],
      userId = ALICE,
    ) => {
      const message = (await bot.fake.command(name, options, { userId })).finalMessage();
      expect(isPrivate(message), message.content ?? '').toBe(true);
      return message.content ?? '';
    };
    expect(await reply('rate', { movie: 'a film nobody has heard of', stars: 3 })).toContain(
      '**movie**: FlickPick knows no movie called “a film nobody has heard of”',
    );
    expect(await reply('rate', { movie: 'movie', stars: 3 })).toMatch(
      /^\*\*movie\*\*: “movie” matches several movies — /,
    );
    // Out of range and off the half steps: no Discord client offers these, so the options go raw.
    for (const stars of [7, 0, 3.3]) {
      expect(
        await reply('rate', [
          { name: 'movie', type: 3, value: picks.movie1 },
          { name: 'stars', type: 10, value: stars },
        ]),
      ).toBe(`**stars**: ${stars} is not a rating. Choose ½ to 5 stars, in half steps.`);
    }
    bot.fake.addBot(A_BOT);
    expect(await reply('movienight pick', { member1: BOB, member2: A_BOT })).toBe(
      `**member2**: <@${A_BOT}> is a bot; a movie night is for people.`,
    );
    expect(await reply('movienight pick', { member1: BOB, member2: CAROL, member3: BOB })).toBe(
      `**member1** and **member3** are both <@${BOB}>. Name each member once.`,
    );
  });

  it('keeps old answers working after a restart, and explains a movie the new model no longer has', async () => {
    const answer = await recommend(CAROL);
    const [kept, gone] = answerMovies(answer);
    await bot.stopBot();
    bot = await startTestBot({ modelsDir, fake: bot.fake, dataDir: bot.dataDir, env });
    const saved = await rateFromAnswer(answer, CAROL, kept, '3');
    expect(saved.content).toMatch(/^Saved: /);

    // A new version trained without one of the answer's movies.
    bot.bot.context.models.swap(await trainWithout(gone));
    const pick = component(answer, 'rate:pick:');
    const refusal = (
      await bot.fake.selectMenu(answer, pick.custom_id, [String(gone)], { userId: CAROL })
    ).finalMessage();
    expect(isPrivate(refusal)).toBe(true);
    expect(refusal.content).toMatch(
      /^“.+” is not in the current model any more \(this answer came from version `/,
    );
    expect(refusal.content).toContain('Run /recommend or /foryou for a fresh answer.');
    const marks = component(answer, 'rate:mark:');
    const markRefusal = (
      await bot.fake.selectMenu(answer, marks.custom_id, [`${gone}:seen`], { userId: CAROL })
    ).finalMessage();
    expect(markRefusal.content).toContain('is not in the current model any more');
  }, 60_000);

  it('/ratings pages ten at a time, newest first, and removes an entry in place', async () => {
    const EVE = '1100000000000000305';
    // From the model serving now: an earlier test swapped in one trained without a movie.
    const movies = [...bot.bot.context.models.current.artifacts.movies.values()].slice(20, 32);
    for (const movie of movies) {
      await (
        await bot.fake.command('rate', { movie: `#${movie.movieId}`, stars: 3.5 }, { userId: EVE })
      ).settledMessage();
    }
    const handle = await bot.fake.command('ratings', {}, { userId: EVE });
    const first = handle.finalMessage();
    expect(first.content).toMatch(
      /^\*\*Your ratings and marks\*\*: 12 ratings, 0 marks, newest first — page 1\/2/,
    );
    const newestFirst = [...movies].reverse().map((m) => String(m.movieId));
    expect(component(first, 'ratings:remove:').options.map((o) => o.value)).toEqual(newestFirst.slice(0, 10));
    const next = components(first).find(
      (c) => c.custom_id.startsWith('ratings:page:') && c.custom_id.endsWith(':1'),
    )!;
    await bot.fake.clickButton(first, next.custom_id, { userId: EVE });
    const second = handle.finalMessage();
    expect(second.content).toContain('page 2/2');
    const remove = component(second, 'ratings:remove:');
    expect(remove.options.map((o) => o.value)).toEqual(newestFirst.slice(10));
    await (
      await bot.fake.selectMenu(second, remove.custom_id, [newestFirst[11]], { userId: EVE })
    ).settledMessage();
    const after = handle.finalMessage();
    expect(after.content).toMatch(/^Removed \*\*.+\*\*: it can be recommended to you again\./);
    expect(after.content).toContain('11 ratings');
    expect(component(after, 'ratings:remove:').options.map((o) => o.value)).toEqual([newestFirst[10]]);
  });

  /** Runs /retrain run as an administrator; resolves with the version it published (now serving). */
  async function retrain(): Promise<Artifacts> {
    const handle = await bot.fake.command(
      'retrain run',
      {},
      { permissions: PermissionFlagsBits.Administrator },
    );
    const summary = await handle.waitForMessage(
      (m) => /published version|failed|refused|skipped/.test(m.content),
      90_000,
    );
    const version = /published version `(\S+)`/.exec(summary.content)?.[1];
    if (!version) throw new Error(`retrain did not publish: ${summary.content}`);
    expect(bot.bot.context.models.current.version).toBe(version);
    // The version as trained, users included (the bot serves it without the trained users' embeddings).
    expect(bot.bot.context.models.current.artifacts.dnmf.userRows.size).toBe(0);
    return loadArtifacts(new ModelRepository(modelsDir).versionDir(version));
  }

  const pseudonymOf = async (discordId: string) =>
    ((await bot.bot.context.store.get(`member:${discordId}`)) as { pseudonym: number } | undefined)
      ?.pseudonym;

  it('a retrain trains on members’ ratings as extra users, under pseudonyms only', async () => {
    const trained = await retrain();
    const [alice, bob] = [await pseudonymOf(ALICE), await pseudonymOf(BOB)];
    expect(alice).toBeGreaterThanOrEqual(1_000_000_000);
    expect(trained.dnmf.userRows.has(alice!)).toBe(true);
    expect(trained.dnmf.userRows.has(bob!)).toBe(true);
    expect(trained.manifest.data?.members.users).toBeGreaterThanOrEqual(3);
    // No Discord id anywhere in the published version.
    const dir = path.join(modelsDir, trained.manifest.version);
    for (const file of await readdir(dir)) {
      const text = await readFile(path.join(dir, file), 'latin1');
      for (const id of [ALICE, BOB, CAROL]) expect(text.includes(id), `${file} holds ${id}`).toBe(false);
    }
    membersBefore = trained.manifest.data!.members.users;
    alicePseudonym = alice!;
  }, 120_000);

  it('/forget-me deletes everything after the confirm button, and /ratings is empty', async () => {
    const ask = (await bot.fake.command('forget-me', {}, { userId: ALICE })).finalMessage();
    expect(isPrivate(ask)).toBe(true);
    expect(ask.content).toContain('PRIVACY.md');
    expect(ask.content).toMatch(/This deletes all \d+ of your entries \(5 ratings, \d+ marks\)/);
    // Someone else cannot confirm it, and cancelling keeps everything.
    const confirmFirst = component(ask, 'forget-me:confirm:');
    const stranger = (
      await bot.fake.clickButton(ask, confirmFirst.custom_id, { userId: BOB })
    ).finalMessage();
    expect(isPrivate(stranger)).toBe(true);
    expect(stranger.content).toContain('Only the member who ran this /forget-me can confirm it');
    const cancel = component(ask, 'forget-me:cancel:');
    await bot.fake.clickButton(ask, cancel.custom_id, { userId: ALICE });
    expect((await bot.fake.command('ratings', {}, { userId: ALICE })).finalMessage().content).toContain(
      '5 ratings',
    );

    const again = (await bot.fake.command('forget-me', {}, { userId: ALICE })).finalMessage();
    const confirm = component(again, 'forget-me:confirm:');
    const done = await bot.fake.clickButton(again, confirm.custom_id, { userId: ALICE });
    expect((await done.settledMessage()).content).toMatch(/^Done: all your ratings and marks are deleted/);
    const empty = (await bot.fake.command('ratings', {}, { userId: ALICE })).finalMessage();
    expect(empty.content).toContain('You have no ratings or marks.');
    const foryou = (await bot.fake.command('foryou', {}, { userId: ALICE })).finalMessage();
    expect(foryou.content).toContain('you have 0. Rate 3 more movies');
    // Bob's ratings are untouched.
    expect((await bot.fake.command('ratings', {}, { userId: BOB })).finalMessage().content).toContain(
      '3 ratings',
    );
  });

  it('after /forget-me and another retrain, the member is gone from the new version', async () => {
    expect(await pseudonymOf(ALICE)).toBeUndefined();
    const trained = await retrain();
    expect(trained.dnmf.userRows.has(alicePseudonym)).toBe(false);
    expect(trained.dnmf.userRows.has((await pseudonymOf(BOB))!)).toBe(true);
    expect(trained.manifest.data?.members.users).toBe(membersBefore - 1);
  }, 120_000);
});

/** The small test models again, trained on the same generated data without `movieId`. */
async function trainWithout(movieId: number): Promise<Artifacts> {
  const root = await tempDir('flickpick-e2e-without-');
  const files = syntheticDataset({ users: 120, movies: 400, popular: 160, band: 100, seed: 7 });
  const drop = (text: string, column: number) =>
    text
      .split('\n')
      .filter((line) => line.split(',')[column] !== String(movieId))
      .join('\n');
  const datasetDir = await writeDatasetFiles(path.join(root, 'dataset'), {
    movies: drop(files.movies, 0),
    links: drop(files.links, 0),
    ratings: drop(files.ratings, 1),
  });
  const result = await trainVersion({
    datasetDir,
    repository: new ModelRepository(path.join(root, 'models')),
    dnmf: { epochs: 4 },
  });
  if (!result.published) throw new Error(`training without ${movieId} failed: ${result.problems.join('; ')}`);
  expect(result.artifacts.movies.has(movieId)).toBe(false);
  return result.artifacts;
}

/**
 * A member's movies stay theirs, black-box through the fake Discord with the real discord.js client: member B
 * rates movies; member A asks every command that can answer publicly (/recommend, /foryou public, /movienight
 * with B in it, /popular), and B asks /foryou public himself; then every public message the bot ever sent
 * (every version of it) is read for B's movies. Plus the edges: an error after a public defer reaches only the
 * member, and the per-member cooldown on the heavy commands.
 */
import type { APIEmbed, APIMessage } from 'discord-api-types/v10';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Artifacts } from '../../src/artifacts/types.ts';
import { startTestBot, trainSmallModels, type TestBot } from '../support/bot-harness.ts';

const EPHEMERAL = 1 << 6;
const ALICE = '1100000000000000501';
const BOB = '1100000000000000502';

const isPrivate = (message: APIMessage) => ((message.flags ?? 0) & EPHEMERAL) === EPHEMERAL;

/** What a message says beyond the cards' own movies: its content and each card's reason, label and footer. */
function wordsAround(message: APIMessage): string {
  const embeds = (message.embeds ?? []) as APIEmbed[];
  return [
    message.content ?? '',
    ...embeds.flatMap((e) => [e.description ?? '', e.author?.name ?? '', e.footer?.text ?? '']),
  ].join('\n');
}

/** The synthetic titles are "Movie <id> (<year>)" or "Movie <id>, The (<year>)": matched by id. */
const names = (text: string, movieId: number) => new RegExp(`\\bMovie ${movieId}(?!\\d)`).test(text);

describe('no public answer names a movie another member rated', () => {
  let bot: TestBot;
  let modelsDir: string;
  let artifacts: Artifacts;
  let bobsMovies: number[];
  let picks: Record<string, string>;

  beforeAll(async () => {
    const trained = await trainSmallModels();
    modelsDir = trained.modelsDir;
    artifacts = trained.artifacts;
    bot = await startTestBot({ modelsDir });
  }, 60_000);
  afterAll(async () => {
    await bot?.close();
  });

  it('holds for /recommend, /foryou public, /movienight and /popular', async () => {
    const catalog = artifacts.catalog.map((e) => e.movieId);
    const popularBefore = (await bot.fake.command('popular', {}, { userId: ALICE })).finalMessage().embeds;
    // Bob loves the movies the catalog's top picks are most similar to, so a reason could easily name them.
    bobsMovies = catalog.slice(0, 6);
    for (const movieId of bobsMovies)
      await bot.fake.command('rate', { movie: `#${movieId}`, stars: 5 }, { userId: BOB });
    for (const movieId of catalog.slice(20, 23))
      await bot.fake.command('rate', { movie: `#${movieId}`, stars: 4.5 }, { userId: ALICE });
    picks = { movie1: String(catalog[10]), movie2: String(catalog[11]), movie3: String(catalog[12]) };

    const recommend = await (await bot.fake.command('recommend', picks, { userId: ALICE })).waitForMessage();
    const foryou = await (
      await bot.fake.command('foryou', { public: true }, { userId: ALICE })
    ).waitForMessage();
    const night = await bot.fake.command('movienight pick', { member1: BOB }, { userId: ALICE });
    const question = night.finalMessage();
    const countMeIn = JSON.stringify(question.components).match(/movienight:answer:\d+:in/)![0];
    await bot.fake.clickButton(question, countMeIn, { userId: BOB });
    const group = await night.waitForMessage((m) => m.embeds.length > 0);
    const bobsOwn = await (
      await bot.fake.command('foryou', { public: true }, { userId: BOB })
    ).waitForMessage();
    const popularAfter = (await bot.fake.command('popular', {}, { userId: ALICE })).finalMessage().embeds;

    for (const message of [recommend, foryou, group, bobsOwn]) {
      expect(isPrivate(message)).toBe(false);
      expect(message.embeds).toHaveLength(10);
    }
    // The group's cards and Bob's own are never movies Bob rated (nobody is recommended what they rated).
    for (const message of [group, bobsOwn]) {
      for (const embed of message.embeds)
        expect(bobsMovies.filter((id) => names(embed.title ?? '', id))).toEqual([]);
    }
    // Every public message, in every version anyone could have seen, says nothing of Bob's movies.
    // (/popular pages are the catalog, checked below against the same page before Bob rated anything.)
    const isCatalogPage = (m: APIMessage) => m.embeds?.[0]?.title?.startsWith('Top ') ?? false;
    const seen = bot.fake.messageHistory().filter((m) => !isPrivate(m) && !isCatalogPage(m));
    expect(seen.length).toBeGreaterThanOrEqual(6);
    for (const message of seen) {
      const text = wordsAround(message);
      expect(
        bobsMovies.filter((id) => names(text, id)),
        text,
      ).toEqual([]);
    }
    // The reasons were read: they speak of the group's taste, and of Bob's without naming his movies.
    expect(group.embeds.map((e) => e.description).join('\n')).toContain('your group loves');
    expect(bobsOwn.embeds.map((e) => e.description).join('\n')).toContain('whose taste is close to yours');
    // /popular is the catalog: members' ratings change nothing in it.
    expect(popularAfter).toEqual(popularBefore);
  });

  it('a private /foryou names the member’s own rated movies, to the member only', async () => {
    const own = await (await bot.fake.command('foryou', {}, { userId: BOB })).waitForMessage();
    expect(isPrivate(own)).toBe(true);
    const reasons = own.embeds.map((e) => e.description ?? '').join('\n');
    expect(reasons).toContain('which you rated highly');
    expect(bobsMovies.some((id) => names(reasons, id))).toBe(true);
  });

  it('an error after a public defer reaches only the member; the public placeholder is deleted', async () => {
    const engine = bot.bot.context.models.current.engine;
    const recommend = engine.recommend;
    engine.recommend = () => {
      throw new Error('engine failure for the test');
    };
    try {
      const handle = await bot.fake.command('recommend', picks, { userId: ALICE });
      const [notice] = await (async () => {
        await handle.waitFor((e) => e.kind === 'followup');
        return handle.followups();
      })();
      expect(isPrivate(notice)).toBe(true);
      expect(notice.content).toMatch(/^Something went wrong on our side \(incident [0-9a-f]{8}\)/);
      expect(handle.events.map((e) => e.kind)).toEqual(['callback', 'delete', 'followup']);
      expect(() => handle.finalMessage()).toThrow(/no current @original/);
    } finally {
      engine.recommend = recommend;
    }
  });

  it('a member who repeats a heavy command is asked to wait, privately; a refused input costs nothing', async () => {
    await bot.stopBot();
    bot = await startTestBot({
      modelsDir,
      fake: bot.fake,
      dataDir: bot.dataDir,
      env: { COMMAND_COOLDOWN_SECONDS: '60' },
    });
    // A typo is refused without starting the cooldown.
    const typo = (
      await bot.fake.command('recommend', { ...picks, movie3: 'no such movie at all' }, { userId: ALICE })
    ).finalMessage();
    expect(typo.content).toContain('is not in the top-100 catalog');
    const first = await (await bot.fake.command('recommend', picks, { userId: ALICE })).waitForMessage();
    expect(first.embeds).toHaveLength(10);
    const again = (await bot.fake.command('recommend', picks, { userId: ALICE })).finalMessage();
    expect(isPrivate(again)).toBe(true);
    expect(again.content).toMatch(/^You ran \/recommend a moment ago; try again in (\d+) s\.$/);
    const wait = Number(/in (\d+) s/.exec(again.content!)![1]);
    expect(wait).toBeGreaterThan(0);
    expect(wait).toBeLessThanOrEqual(60);
    // Per member and per command: Bob and Alice's /foryou are not held up.
    const bobs = await (await bot.fake.command('recommend', picks, { userId: BOB })).waitForMessage();
    expect(bobs.embeds).toHaveLength(10);
    const foryou = await (await bot.fake.command('foryou', {}, { userId: ALICE })).waitForMessage();
    expect(foryou.embeds).toHaveLength(10);
    // /movienight's pick has its cooldown too (its `end` has none).
    await bot.fake.command('movienight pick', { member1: BOB }, { userId: ALICE });
    const night = (
      await bot.fake.command('movienight pick', { member1: BOB }, { userId: ALICE })
    ).finalMessage();
    expect(isPrivate(night)).toBe(true);
    expect(night.content).toMatch(/^You ran \/movienight a moment ago; try again in \d+ s\.$/);
    const stillCooling = (
      await bot.fake.command('movienight pick', { member1: BOB }, { userId: ALICE })
    ).finalMessage();
    expect(stillCooling.content).toMatch(/try again in \d+ s/);
  });
});

/**
 * /import end to end through the fake Discord and the real discord.js client: the file is an ATTACHMENT
 * option the fake serves over loopback; preview (private) → Confirm → /foryou uses the imported ratings;
 * re-importing changes nothing; a newer export updates its own ratings and keeps what the member rated in
 * Discord; a watchlist import; broken files get their specific message; /forget-me forgets imports.
 */
import path from 'node:path';
import type { APIMessage } from 'discord-api-types/v10';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Artifacts } from '../../src/artifacts/types.ts';
import { createStore, DEFAULT_SQLITE_FILE } from '../../src/store/index.ts';
import { MemberRatings } from '../../src/store/member-ratings.ts';
import { parseTitle } from '../../src/serve/titles.ts';
import { startTestBot, trainSmallModels, type TestBot } from '../support/bot-harness.ts';
import { csvField } from '../../src/eval/member-exports.ts';

const EPHEMERAL = 1 << 6;
const ALICE = '1100000000000000401';
const BOB = '1100000000000000402';
const isPrivate = (message: APIMessage) => ((message.flags ?? 0) & EPHEMERAL) === EPHEMERAL;

interface LooseButton {
  custom_id: string;
  label: string;
  disabled?: boolean;
}
function button(message: APIMessage, prefix: string): LooseButton {
  const rows = (message.components ?? []) as unknown as { components: LooseButton[] }[];
  const found = rows.flatMap((row) => row.components).find((c) => c.custom_id.startsWith(prefix));
  if (!found) throw new Error(`no button ${prefix}… on ${JSON.stringify(message.components)}`);
  return found;
}

describe('/import', () => {
  let bot: TestBot;
  let artifacts: Artifacts;
  let movieIds: number[];

  beforeAll(async () => {
    const trained = await trainSmallModels();
    artifacts = trained.artifacts;
    movieIds = artifacts.catalog.slice(0, 40).map((entry) => entry.movieId);
    bot = await startTestBot({ modelsDir: trained.modelsDir });
  }, 60_000);
  afterAll(async () => {
    await bot?.close();
  });

  /** A Letterboxd ratings.csv of these movies (article first, as Letterboxd writes), plus films MovieLens lacks. */
  function ratingsCsv(rows: [number, number][], missing: string[] = []): string {
    const lines = rows.map(([movieId, stars], i) => {
      const parsed = parseTitle(artifacts.movies.get(movieId)!.title);
      return `2024-02-${String(1 + (i % 28)).padStart(2, '0')},${csvField(parsed.main)},${parsed.year},https://boxd.it/a${i},${stars}`;
    });
    for (const name of missing) lines.push(`2024-03-01,${csvField(name)},2024,https://boxd.it/x,4`);
    return `Date,Name,Year,Letterboxd URI,Rating\n${lines.join('\n')}\n`;
  }

  async function importFile(userId: string, name: string, text: string | Uint8Array, kind?: string) {
    const file = bot.fake.upload(name, text, { contentType: 'text/csv; charset=utf-8' });
    const handle = await bot.fake.command('import', kind ? { file, kind } : { file }, { userId });
    const message = await handle.waitForMessage();
    return { handle, message, file };
  }

  /** Presses Confirm and waits for the message to say what was imported (the write comes after a deferral). */
  async function confirm(message: APIMessage, userId: string) {
    const handle = await bot.fake.clickButton(message, button(message, 'import:confirm:').custom_id, {
      userId,
    });
    return handle.waitForMessage((m) => m.content.startsWith('Imported'));
  }

  async function storedEntries(userId: string) {
    const store = createStore({
      url: `sqlite://${path.join(bot.dataDir, DEFAULT_SQLITE_FILE)}`,
      namespace: 'flickpick',
    });
    try {
      return await new MemberRatings(store).list(userId);
    } finally {
      await store.disconnect();
    }
  }

  it('previews privately, reads the file once, and imports on Confirm; /foryou uses the ratings at once', async () => {
    const rows = movieIds.slice(0, 25).map((id, i): [number, number] => [id, 1 + (i % 9) / 2]);
    const { handle, message, file } = await importFile(
      ALICE,
      'ratings.csv',
      ratingsCsv(rows, ['Anora', 'Barbie']),
    );
    expect(handle.responseType).toBe(5); // deferred first
    expect(isPrivate(message)).toBe(true);
    expect(bot.fake.downloads(file)).toBe(1);
    expect(message.content).toContain('**Preview: Letterboxd ratings** from ratings.csv (27 lines)');
    expect(message.content).toContain('Matched: **25** movies — 25 new ratings');
    expect(message.content).toMatch(
      /Not in FlickPick’s movies: 2 — e\.g\. “Anora \(2024\)”, “Barbie \(2024\)”/,
    );
    expect(await storedEntries(ALICE)).toEqual([]);

    expect(button(message, 'import:confirm:').label).toBe('Import 25 ratings');
    const done = await confirm(message, ALICE);
    expect(done.content).toMatch(/^Imported your Letterboxd ratings: 25 new ratings\./);
    const stored = await storedEntries(ALICE);
    expect(stored).toHaveLength(25);
    expect(stored.every((e) => e.kind === 'rating' && e.source === 'letterboxd')).toBe(true);

    const foryou = await (await bot.fake.command('foryou', {}, { userId: ALICE })).waitForMessage();
    expect(foryou.content).toContain('from 25 ratings');
    expect(foryou.embeds).toHaveLength(10);
    // None of the imported movies is recommended back.
    const titles = new Set(rows.map(([id]) => artifacts.movies.get(id)!.title));
    expect(foryou.embeds!.some((e) => titles.has(e.title ?? ''))).toBe(false);
  });

  it('re-importing the same file changes nothing', async () => {
    const rows = movieIds.slice(0, 25).map((id, i): [number, number] => [id, 1 + (i % 9) / 2]);
    const before = await storedEntries(ALICE);
    const { message } = await importFile(ALICE, 'ratings.csv', ratingsCsv(rows, ['Anora', 'Barbie']));
    expect(message.content).toContain('0 new ratings, 25 already there');
    expect(message.content).toContain('Importing would change nothing.');
    expect(button(message, 'import:confirm:').disabled).toBe(true);
    expect(await storedEntries(ALICE)).toEqual(before);
  });

  it('a newer export updates its own ratings and never one the member gave with /rate', async () => {
    const mine = movieIds[0];
    await bot.fake.command('rate', { movie: `#${mine}`, stars: 0.5 }, { userId: ALICE });
    const rows = movieIds.slice(0, 26).map((id): [number, number] => [id, 5]);
    const { message } = await importFile(ALICE, 'ratings.csv', ratingsCsv(rows));
    expect(message.content).toContain(
      '1 new rating, 22 updated from an earlier import, 2 already there, 1 movie you rated or marked in Discord kept as you said',
    );
    await confirm(message, ALICE);
    const stored = await storedEntries(ALICE);
    expect(stored).toHaveLength(26);
    const own = stored.find((e) => e.movieId === mine);
    expect(own).toMatchObject({ kind: 'rating', stars: 0.5 });
    expect(own?.source).toBeUndefined();
    expect(stored.filter((e) => e.movieId !== mine).every((e) => e.kind === 'rating' && e.stars === 5)).toBe(
      true,
    );
  });

  it('a Letterboxd watchlist goes to the member’s watchlist, not their ratings', async () => {
    const ids = movieIds.slice(30, 33);
    const text =
      'Date,Name,Year,Letterboxd URI\n' +
      ids
        .map((id, i) => {
          const parsed = parseTitle(artifacts.movies.get(id)!.title);
          return `2024-01-0${i + 1},${csvField(parsed.main)},${parsed.year},https://boxd.it/w${i}`;
        })
        .join('\n');
    const { message } = await importFile(BOB, 'watchlist.csv', text);
    expect(message.content).toContain('**Preview: Letterboxd watchlist**');
    expect(message.content).toContain('3 new watchlist entries');
    await confirm(message, BOB);
    const store = createStore({
      url: `sqlite://${path.join(bot.dataDir, DEFAULT_SQLITE_FILE)}`,
      namespace: 'flickpick',
    });
    const members = new MemberRatings(store);
    expect((await members.watchlist(BOB)).map((e) => e.movieId).sort()).toEqual([...ids].sort());
    expect(await members.list(BOB)).toEqual([]);
    await store.disconnect();
  });

  it('Cancel saves nothing', async () => {
    const { message } = await importFile(BOB, 'ratings.csv', ratingsCsv([[movieIds[5], 4]]));
    const cancelled = (
      await bot.fake.clickButton(message, button(message, 'import:cancel:').custom_id, { userId: BOB })
    ).finalMessage();
    expect(cancelled.content).toBe('Import cancelled: nothing was saved.');
    expect(await storedEntries(BOB)).toEqual([]);
  });

  it.each([
    [
      'an image',
      'poster.png',
      Uint8Array.from([0x89, 0x50, 0x4e, 0x47, 0, 0, 0, 13]),
      /\*\*poster\.png\*\* is not a CSV file/,
    ],
    ['a zip', 'letterboxd.zip', Uint8Array.from([0x50, 0x4b, 0x03, 0x04, 0, 0]), /zip archive.*Unzip it/],
    [
      'an unknown header',
      'movies.csv',
      'movieId,title,genres\n1,Heat (1995),Action\n',
      /which is no export FlickPick knows/,
    ],
    [
      'a malformed line',
      'ratings.csv',
      'Date,Name,Year,Letterboxd URI,Rating\n2024-01-01,Heat,1995\n',
      /^Line 2 is malformed/,
    ],
  ])('refuses %s with its own private message, writing nothing', async (_what, name, content, expected) => {
    const { message } = await importFile(BOB, name, content);
    expect(isPrivate(message)).toBe(true);
    expect(message.content).toMatch(expected);
    expect(message.components ?? []).toEqual([]);
  });

  it('refuses a file over the size limit before downloading it', async () => {
    const file = bot.fake.upload('ratings.csv', 'Date,Name,Year,Letterboxd URI,Rating\n', {
      announcedSize: 3 * 1024 * 1024,
    });
    const message = await (await bot.fake.command('import', { file }, { userId: BOB })).waitForMessage();
    expect(message.content).toMatch(/The file is 3\.0 MB; FlickPick reads exports of up to 2\.0 MB/);
    expect(bot.fake.downloads(file)).toBe(0);
  });

  it('an expired attachment link gets a clear message', async () => {
    const file = bot.fake.upload('ratings.csv', ratingsCsv([[movieIds[1], 3]]), { expiresInMs: -1 });
    const message = await (await bot.fake.command('import', { file }, { userId: BOB })).waitForMessage();
    expect(message.content).toContain('Discord no longer serves that attachment');
  });

  it('/watchlist mine show lists the imported watchlist privately, with its source; remove takes one off', async () => {
    const show = await (await bot.fake.command('watchlist mine show', {}, { userId: BOB })).waitForMessage();
    expect(isPrivate(show)).toBe(true);
    const description = show.embeds?.[0]?.description ?? '';
    for (const id of movieIds.slice(30, 33)) {
      expect(description).toContain(parseTitle(artifacts.movies.get(id)!.title).main.replace(/^The /, ''));
    }
    expect(description.match(/from Letterboxd/g)).toHaveLength(3);
    const removed = await (
      await bot.fake.command('watchlist mine remove', { movie: `#${movieIds[30]}` }, { userId: BOB })
    ).waitForMessage();
    expect(removed.content).toMatch(/^Took \*\*.+\*\* off your watchlist\.$/);
    const again = await (await bot.fake.command('watchlist mine show', {}, { userId: BOB })).waitForMessage();
    expect(again.embeds?.[0]?.footer?.text).toMatch(/^2 movies/);
  });

  it('“Save one for later…” saves from any answer; only the owner’s private answers mark saved cards', async () => {
    const first = await (await bot.fake.command('foryou', {}, { userId: ALICE })).waitForMessage();
    const later = (first.components ?? [])
      .flatMap(
        (row) =>
          (row as unknown as { components: { custom_id: string; options?: { value: string }[] }[] })
            .components,
      )
      .find((c) => c.custom_id.startsWith('later:pick:'));
    expect(later?.options).toHaveLength(10);
    for (const option of later!.options!) {
      const saved = await bot.fake.selectMenu(first, later!.custom_id, [option.value], { userId: ALICE });
      expect((await saved.waitForMessage()).content).toMatch(/^Saved \*\*.+\*\* to your watchlist/);
    }
    const savedTitles = new Set(first.embeds!.map((e) => e.title));
    const marked = (m: APIMessage) => m.embeds!.filter((e) => e.author?.name.includes('On your watchlist'));
    const mine = await (await bot.fake.command('foryou', {}, { userId: ALICE })).waitForMessage();
    // Saved movies are not hidden: they come back, marked, and only they are marked.
    expect(marked(mine).length).toBeGreaterThan(0);
    for (const embed of mine.embeds!) {
      expect(embed.author?.name.includes('On your watchlist')).toBe(savedTitles.has(embed.title));
    }
    const publicAnswer = await (
      await bot.fake.command('foryou', { public: true }, { userId: ALICE })
    ).waitForMessage();
    expect(isPrivate(publicAnswer)).toBe(false);
    expect(marked(publicAnswer)).toEqual([]);
  });

  it('/forget-me forgets imported ratings and the watchlist', async () => {
    const ask = (await bot.fake.command('forget-me', {}, { userId: ALICE })).finalMessage();
    const done = await bot.fake.clickButton(ask, button(ask, 'forget-me:confirm:').custom_id, {
      userId: ALICE,
    });
    await done.waitForMessage((m) => m.content.startsWith('Done'));
    expect(await storedEntries(ALICE)).toEqual([]);
  });
});

/**
 * A store held busy for 5 s by someone else (another connection inside a SQLite write transaction; a Redis
 * server paused for writes) must not cost members Discord's 3-second deadline: every member interaction is
 * acknowledged within 3 s, nothing is confirmed while the store cannot commit, and every write lands once it
 * can. If the store stays busy past the wait, the member is told plainly that nothing was saved.
 */
import { rm } from 'node:fs/promises';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import Database from 'better-sqlite3';
import { createClient } from '@keyv/redis';
import type { APIMessage } from 'discord-api-types/v10';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Artifacts } from '../../src/artifacts/types.ts';
import { MemberRatings } from '../../src/store/member-ratings.ts';
import { startTestBot, trainSmallModels, type TestBot } from '../support/bot-harness.ts';
import type { InteractionHandle } from '../support/fake-discord/interactions.ts';
import { findRedisServer, startRedisServer, type RunningRedis } from '../store/redis-server.ts';

const ALICE = '1100000000000000501';
const BOB = '1100000000000000502';
const CAROL = '1100000000000000503';
const EPHEMERAL = 1 << 6;
/** Discord's window for the first response to an interaction. */
const DISCORD_DEADLINE_MS = 3_000;
const BUSY_MS = 5_000;

interface LooseComponent {
  custom_id: string;
  options?: { value: string }[];
}

function component(message: APIMessage, prefix: string): LooseComponent {
  const rows = (message.components ?? []) as unknown as { components?: LooseComponent[] }[];
  const found = rows.flatMap((row) => row.components ?? []).find((c) => c.custom_id?.startsWith(prefix));
  if (!found) throw new Error(`no component ${prefix}… on the message`);
  return found;
}

/** Something outside the bot that keeps the store from committing until released. */
interface Holder {
  release(): Promise<void>;
}

/** Another connection takes SQLite's write lock (as another process's long write would) and keeps it. */
function holdSqlite(bot: TestBot): Holder {
  const other = new Database(path.join(bot.dataDir, 'flickpick.sqlite'));
  other.exec('BEGIN IMMEDIATE');
  return {
    async release() {
      other.exec('COMMIT');
      other.close();
    },
  };
}

/** Redis refuses every write (scripts included) until unpaused; reads still go through. */
async function holdRedis(url: string): Promise<Holder> {
  const admin = createClient({ url });
  await admin.connect();
  await admin.sendCommand(['CLIENT', 'PAUSE', '60000', 'WRITE']);
  return {
    async release() {
      await admin.sendCommand(['CLIENT', 'UNPAUSE']);
      await admin.close();
    },
  };
}

let modelsDir: string;
let artifacts: Artifacts;
beforeAll(async () => {
  const trained = await trainSmallModels(11);
  modelsDir = trained.modelsDir;
  artifacts = trained.artifacts;
}, 60_000);
afterAll(async () => {
  if (modelsDir) await rm(path.dirname(modelsDir), { recursive: true, force: true });
});

const redisBinary = findRedisServer();
const backends = [{ name: 'SQLite', redis: false }, ...(redisBinary ? [{ name: 'Redis', redis: true }] : [])];

describe.each(backends)('a member interaction while the $name store is held busy for 5 s', ({ redis }) => {
  let bot: TestBot | undefined;
  let server: RunningRedis | undefined;
  afterEach(async () => {
    await bot?.close();
    if (bot) await rm(bot.dataDir, { recursive: true, force: true });
    bot = undefined;
  });
  afterAll(async () => {
    await server?.stop();
  });

  async function start(env: Record<string, string> = {}): Promise<TestBot> {
    if (redis) server ??= await startRedisServer(redisBinary!);
    bot = await startTestBot({ modelsDir, env: { ...env, ...(redis ? { STORE_URL: server!.url } : {}) } });
    return bot;
  }

  const hold = (running: TestBot) => (redis ? holdRedis(server!.url) : Promise.resolve(holdSqlite(running)));

  it('is acknowledged within 3 s, confirmed only after the store commits, and nothing is lost', async () => {
    const running = await start();
    const { fake } = running;
    if (redis) {
      // Each test starts from an empty store, as the SQLite one does from a fresh data folder.
      const admin = createClient({ url: server!.url });
      await admin.connect();
      await admin.flushAll();
      await admin.close();
    }
    const catalog = artifacts.catalog.map((entry) => entry.movieId);
    // While the store is free: an answer with its menus, two star panels, a /ratings list and a /forget-me prompt.
    const answer = await (
      await fake.command(
        'recommend',
        { movie1: String(catalog[0]), movie2: String(catalog[1]), movie3: String(catalog[2]) },
        { userId: ALICE },
      )
    ).waitForMessage();
    const shown = component(answer, 'rate:pick:').options!.map((o) => o.value);
    const openPanel = async (movieId: string) =>
      (
        await fake.selectMenu(answer, component(answer, 'rate:pick:').custom_id, [movieId], { userId: ALICE })
      ).finalMessage();
    const starPanel = await openPanel(shown[0]);
    const markPanel = await openPanel(shown[1]);
    const removable = artifacts.catalog[40].movieId;
    await (
      await fake.command('rate', { movie: `#${removable}`, stars: 2 }, { userId: ALICE })
    ).settledMessage();
    const list = (await fake.command('ratings', {}, { userId: ALICE })).finalMessage();
    await (
      await fake.command('rate', { movie: `#${catalog[41]}`, stars: 4 }, { userId: BOB })
    ).settledMessage();
    const forgetPrompt = (await fake.command('forget-me', {}, { userId: BOB })).finalMessage();
    const rated = artifacts.catalog[42].movieId;

    const holder = await hold(running);
    const busySince = Date.now();
    let released = false;
    try {
      const writes: Record<string, Promise<InteractionHandle>> = {
        '/rate': fake.command('rate', { movie: `#${rated}`, stars: 4 }, { userId: ALICE }),
        'star panel': fake.selectMenu(starPanel, component(starPanel, 'rate:stars:').custom_id, ['3.5'], {
          userId: ALICE,
        }),
        'mark button': fake.clickButton(markPanel, component(markPanel, 'rate:seen:').custom_id, {
          userId: ALICE,
        }),
        'mark menu': fake.selectMenu(
          answer,
          component(answer, 'rate:mark:').custom_id,
          [`${shown[2]}:not-interested`],
          {
            userId: ALICE,
          },
        ),
        removal: fake.selectMenu(list, component(list, 'ratings:remove:').custom_id, [String(removable)], {
          userId: ALICE,
        }),
        '/forget-me': fake.clickButton(
          forgetPrompt,
          component(forgetPrompt, 'forget-me:confirm:').custom_id,
          {
            userId: BOB,
          },
        ),
      };
      // Interactions that only read answer at once: reads do not wait for the busy writer.
      const reads: Record<string, Promise<InteractionHandle>> = {
        'star panel opens': fake.selectMenu(answer, component(answer, 'rate:pick:').custom_id, [shown[3]], {
          userId: CAROL,
        }),
        '/ratings': fake.command('ratings', {}, { userId: CAROL }),
      };
      const handles = Object.fromEntries(
        await Promise.all(
          Object.entries({ ...writes, ...reads }).map(
            async ([name, handle]) => [name, await handle] as const,
          ),
        ),
      );
      const acknowledged = Object.fromEntries(
        Object.entries(handles).map(([name, handle]) => [name, handle.acknowledgedAfterMs!]),
      );
      for (const [name, ms] of Object.entries(acknowledged)) {
        expect(ms, `${name} acknowledged after ${ms} ms`).toBeLessThan(DISCORD_DEADLINE_MS);
      }
      if (process.env.REPORT_DEFER_TIMES)
        console.info(`deferral ms (${redis ? 'Redis' : 'SQLite'}):`, acknowledged);

      // The store stays busy for the full 5 s; meanwhile no write may be confirmed.
      await sleep(Math.max(0, busySince + BUSY_MS - Date.now()));
      for (const name of Object.keys(writes)) {
        const said = handles[name].events.filter((e) => e.kind !== 'callback');
        expect(said, `${name} answered while the store could not commit`).toEqual([]);
      }
      await holder.release();
      released = true;

      const settled = Object.fromEntries(
        await Promise.all(
          Object.keys(writes).map(
            async (name) => [name, await handles[name].settledMessage(20_000)] as const,
          ),
        ),
      );
      for (const message of Object.values(settled)) expect(message.flags! & EPHEMERAL).toBe(EPHEMERAL);
      expect(settled['/rate'].content).toMatch(/^Saved: /);
      expect(settled['star panel'].content).toMatch(/^Saved: /);
      expect(settled['mark button'].content).toMatch(/^Marked .+ as seen/);
      expect(settled['mark menu'].content).toMatch(/^Marked .+ as not interested/);
      expect(settled.removal.content).toMatch(/^Removed /);
      expect(settled['/forget-me'].content).toMatch(/^Done: all your ratings and marks are deleted/);

      // Every confirmed write is in the store.
      const members = new MemberRatings(running.bot.context.store);
      const alice = new Map((await members.list(ALICE)).map((entry) => [String(entry.movieId), entry]));
      expect(alice.get(String(rated))).toMatchObject({ kind: 'rating', stars: 4 });
      expect(alice.get(shown[0])).toMatchObject({ kind: 'rating', stars: 3.5 });
      expect(alice.get(shown[1])).toMatchObject({ kind: 'seen' });
      expect(alice.get(shown[2])).toMatchObject({ kind: 'not-interested' });
      expect(alice.has(String(removable))).toBe(false);
      expect(await members.list(BOB)).toEqual([]);
    } finally {
      if (!released) await holder.release();
    }
  }, 90_000);

  it.skipIf(redis)(
    'tells the member nothing was saved when the store stays busy past its wait',
    async () => {
      const running = await start({ STORE_BUSY_TIMEOUT_MS: '1000' });
      const movieId = artifacts.catalog[5].movieId;
      const holder = await hold(running);
      try {
        const handle = await running.fake.command(
          'rate',
          { movie: `#${movieId}`, stars: 3 },
          { userId: ALICE },
        );
        expect(handle.acknowledgedAfterMs!).toBeLessThan(DISCORD_DEADLINE_MS);
        const message = await handle.settledMessage(10_000);
        expect(message.flags! & EPHEMERAL).toBe(EPHEMERAL);
        expect(message.content).toContain('did **not** go through');
      } finally {
        await holder.release();
      }
      expect(await new MemberRatings(running.bot.context.store).list(ALICE)).toEqual([]);
    },
    60_000,
  );
});

// Two shards on Redis, end to end: `npm start` (compiled) with SHARD_COUNT=2 runs discord.js's
// ShardingManager, one process per shard, against a fake Discord that routes each guild to its shard.
import { PermissionFlagsBits } from 'discord.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ModelRepository } from '../../src/artifacts/repository.ts';
import { trainSmallModels } from '../support/bot-harness.ts';
import { buildDist, MAIN_COMPILED, startBotProcess, type BotProcess } from '../support/bot-process.ts';
import { tempDir } from '../support/dataset.ts';
import { startFakeDiscord, type FakeDiscord } from '../support/fake-discord/index.ts';
import { createStore } from '../../src/store/create-store.ts';
import { MemberRatings } from '../../src/store/member-ratings.ts';
import { movieNightConsents } from '../../src/bot/movie-night-consent.ts';
import { findRedisServer, startRedisServer, type RunningRedis } from '../store/redis-server.ts';

const ADMIN = { permissions: PermissionFlagsBits.Administrator };
const redisBinary = findRedisServer();

describe.skipIf(!redisBinary)('two shards on Redis (npm start, compiled)', () => {
  let redis: RunningRedis;
  let fake: FakeDiscord;
  let bot: BotProcess;
  let modelsDir: string;
  let firstVersion: string;
  let movieIds: number[] = [];

  beforeAll(async () => {
    buildDist();
    redis = await startRedisServer(redisBinary!);
    const trained = await trainSmallModels(51);
    modelsDir = trained.modelsDir;
    firstVersion = trained.result.version;
    movieIds = [...trained.artifacts.dnmf.movieRows.keys()];
    fake = await startFakeDiscord({ shards: 2, guilds: 2 });
    bot = await startBotProcess(
      {
        DISCORD_TOKEN: fake.token,
        DISCORD_API_URL: fake.apiUrl,
        SHARD_COUNT: 'auto',
        STORE_URL: redis.url,
        MODELS_DIR: modelsDir,
        MOVIELENS_DIR: trained.datasetDir,
        DATA_DIR: await tempDir('flickpick-state-'),
        RETRAIN_MAX_RMSE_INCREASE: '1',
        HEALTH_PORT: '0',
        LOG_LEVEL: 'info',
      },
      MAIN_COMPILED,
    );
    await bot.waitForLog((l) => l.msg === 'all shards ready', 90_000);
  }, 150_000);

  afterAll(async () => {
    if (bot && bot.child.exitCode === null) {
      bot.child.kill('SIGKILL'); // the shards stop by themselves when their manager is gone
      await bot.exited;
    }
    await fake?.close();
    await redis?.stop();
  });

  const status = async (guildId: string) =>
    (await fake.command('retrain status', {}, { ...ADMIN, guildId })).finalMessage().content;
  const servingVersion = (text: string) => /Serving version `(\S+)`/.exec(text)?.[1];

  it('asks Discord for the shard count, runs one process per shard, and registers the commands once', () => {
    expect(fake.sessions()).toEqual([
      [0, 2],
      [1, 2],
    ]);
    // Compiled JavaScript all the way down: the shard entry point is dist/…/shard-main.js.
    expect(String(bot.logs().find((l) => l.msg === 'starting shards')?.file)).toMatch(
      /dist\/src\/bot\/shard-main\.js$/,
    );
    const started = bot.logs().filter((l) => l.msg === 'shard process started');
    expect(started.map((l) => l.shard).sort()).toEqual([0, 1]);
    expect(new Set(started.map((l) => l.pid)).size).toBe(2);
    const puts = fake.requests.filter((r) => r.method === 'PUT' && r.path.endsWith('/commands'));
    expect(puts).toHaveLength(1);
    expect(fake.registeredCommands().map((c) => c.name)).toEqual(
      expect.arrayContaining(['popular', 'recommend', 'retrain']),
    );
  });

  it('answers each guild from the shard that owns it', async () => {
    expect(new Set(fake.guilds.map((g) => fake.shardOf(g.id)))).toEqual(new Set([0, 1]));
    for (const guild of fake.guilds) {
      const handle = await fake.command('popular', {}, { guildId: guild.id });
      expect(fake.deliveredTo(handle)).toEqual([[fake.shardOf(guild.id), 2]]);
      expect(handle.finalMessage().embeds[0].title).toBe('Top 100 movies');
    }
    // The shard's own log names the interaction it answered.
    const routed = bot.logs().filter((l) => l.msg === 'connected to Discord');
    expect(routed.map((l) => l.shards).sort()).toEqual([[0], [1]]);
  });

  it('reports health per shard: gateway, serving version, store', async () => {
    const endpoints = bot.logs().filter((l) => l.msg === 'health endpoint listening');
    expect(endpoints.map((l) => l.shard).sort()).toEqual([0, 1]);
    for (const endpoint of endpoints) {
      const response = await fetch(`http://127.0.0.1:${String(endpoint.port)}/health`);
      expect(response.status).toBe(200);
      const body = (await response.json()) as {
        ok: boolean;
        gateway: { ready: boolean; shards: number[]; shardCount: number };
        serving: { version: string };
        store: { reachable: boolean };
      };
      expect(body).toMatchObject({
        ok: true,
        gateway: { ready: true, shards: [endpoint.shard], shardCount: 2 },
        serving: { version: firstVersion },
        store: { reachable: true },
      });
    }
  });

  it('retrains once on one shard; both shards swap to the new version and report the same status', async () => {
    const [home, other] = fake.guilds;
    const run = await fake.command('retrain run', {}, { ...ADMIN, guildId: home.id });
    const summary = await run.waitForMessage((m) => /published version|failed/.test(m.content), 90_000);
    const newVersion = /published version `(\S+)`/.exec(summary.content)?.[1];
    expect(newVersion).toBeDefined();
    expect(newVersion).not.toBe(firstVersion);

    // The other shard follows models/CURRENT (polled every second).
    let otherStatus = await status(other.id);
    for (let tries = 0; servingVersion(otherStatus) !== newVersion && tries < 30; tries++) {
      await new Promise((resolve) => setTimeout(resolve, 500));
      otherStatus = await status(other.id);
    }
    const homeStatus = await status(home.id);
    expect(servingVersion(homeStatus)).toBe(newVersion);
    expect(servingVersion(otherStatus)).toBe(newVersion);
    // Same text on both: the last run comes from the shared store, the age is the same to the minute.
    expect(otherStatus.slice(otherStatus.indexOf('Last run'))).toBe(
      homeStatus.slice(homeStatus.indexOf('Last run')),
    );
    expect(homeStatus).toContain('Last run:\n✅ Retrain');

    // Published once: the first version and exactly one new one.
    expect((await new ModelRepository(modelsDir).list()).length).toBe(2);
    const swapped = bot.logs().filter((l) => l.version === newVersion && /now serving/.test(String(l.msg)));
    expect(new Set(swapped.map((l) => l.shard))).toEqual(new Set([0, 1]));
  }, 150_000);

  it('puts a movie night to a vote and keeps a server list the same way from either shard', async () => {
    const [ALICE, BOB] = ['1100000000000000301', '1100000000000000302'];
    const store = createStore({ url: redis.url, namespace: 'flickpick' });
    try {
      const members = new MemberRatings(store);
      for (const [i, id] of [ALICE, BOB].entries())
        for (let k = 0; k < 4; k++) await members.rate(id, movieIds[i * 9 + k], 5 - (k % 2));
      for (const guild of fake.guilds) {
        await movieNightConsents({ store }).setAlwaysIn(BOB, guild.id, true);
        const at = { userId: ALICE, guildId: guild.id };
        const answer = await (await fake.command('movienight pick', { member1: BOB }, at)).waitForMessage();
        const menu = (await fake.clickButton(answer, 'night:vote', at)).finalMessage();
        await (
          await fake.selectMenu(menu, `night:duration:${answer.id}`, ['1'], at)
        ).waitForMessage((m) => m.content.startsWith('Poll posted'));
        const poll = fake.channelMessages(guild.channelId).find((m) => m.poll)!;
        fake.votePoll(poll.id, ALICE, [2]);
        fake.votePoll(poll.id, BOB, [2]);
        fake.endPoll(poll.id); // MESSAGE_UPDATE goes only to the shard that owns this guild
        const result = await fake.waitForChannelMessage((m) => m.message_reference?.message_id === poll.id, {
          channelId: guild.channelId,
          timeoutMs: 15_000,
        });
        expect(result.content).toMatch(/^🍿 The vote is in: \*\*.+\*\* wins with 2 votes of 2\.$/);
        const voted = poll.poll!.answers.at(1)!.poll_media.text!.replace(/ \(\d{4}\)$/, '');
        expect(result.embeds[0]?.title?.startsWith(voted)).toBe(true);
        expect(result.content).toContain(`**${result.embeds[0].title}**`);

        const added = await (
          await fake.command('watchlist server add', { movie: `#${movieIds[50]}` }, at)
        ).waitForMessage();
        expect(added.content).toMatch(/^Added \*\*.+\*\* to our list\.$/);
        const shown = await (await fake.command('watchlist server show', {}, at)).waitForMessage();
        expect(shown.embeds[0].footer?.text).toContain('1 of at most 500 movies');
      }
      // Each poll was announced once, by the shard owning its guild.
      const announced = bot.logs().filter((l) => l.msg === 'movie night poll announced');
      expect(announced.map((l) => l.shard).sort()).toEqual([0, 1]);
    } finally {
      await store.disconnect();
    }
  }, 90_000);

  it('respawns a shard whose process dies, which then serves its guild again', async () => {
    const [, other] = fake.guilds;
    const shard = fake.shardOf(other.id);
    const pid = bot.logs().find((l) => l.msg === 'shard process started' && l.shard === shard)?.pid as number;
    const identifies = fake.stats.identifies;
    process.kill(pid, 'SIGKILL');
    await bot.waitForLog(
      (l) => l.msg === 'shard process started' && l.shard === shard && l.pid !== pid,
      30_000,
    );
    const exited = await bot.waitForLog(
      (l) => l.msg === 'shard process exited: respawning it' && l.pid === pid,
    );
    expect(exited).toMatchObject({ shard, signalCode: 'SIGKILL', delayMs: 1_000 });
    await fake.waitForStats((s) => s.identifies > identifies, 60_000);
    const handle = await fake.command('popular', {}, { guildId: other.id });
    expect(handle.finalMessage().embeds[0].title).toBe('Top 100 movies');
  }, 120_000);

  it('stops every shard on SIGTERM and exits 0', async () => {
    bot.child.kill('SIGTERM');
    const [code] = await bot.exited;
    expect(code).toBe(0);
    const pids = bot
      .logs()
      .filter((l) => l.msg === 'shard process started')
      .map((l) => l.pid as number);
    for (const pid of pids) expect(() => process.kill(pid, 0)).toThrow(); // gone
    expect(bot.output().stdout).not.toContain(fake.token);
  }, 60_000);
});

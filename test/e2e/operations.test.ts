// The bot process as a supervisor sees it: health endpoint, crash → exit 1, SIGTERM → answers in
// flight finish, then exit 0.
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ModelRepository } from '../../src/artifacts/repository.ts';
import { loadArtifacts } from '../../src/artifacts/loader.ts';
import { trainSmallModels } from '../support/bot-harness.ts';
import { startBotProcess, type BotProcess } from '../support/bot-process.ts';
import { tempDir } from '../support/dataset.ts';
import { startFakeDiscord, type FakeDiscord } from '../support/fake-discord/index.ts';
import { startFakeTmdb, type FakeTmdb } from '../support/fake-tmdb/index.ts';

const CRASH_PRELOAD = fileURLToPath(new URL('../support/crash-on-signal.ts', import.meta.url));

describe('operations of the bot process', () => {
  let fake: FakeDiscord;
  let modelsDir: string;
  let version: string;
  let picks: string[];
  const running: BotProcess[] = [];

  beforeAll(async () => {
    const trained = await trainSmallModels(61);
    modelsDir = trained.modelsDir;
    version = trained.result.version;
    const artifacts = await loadArtifacts((await new ModelRepository(modelsDir).currentDir())!);
    picks = artifacts.catalog.slice(0, 3).map((e) => String(e.movieId));
    fake = await startFakeDiscord();
  });
  afterAll(async () => {
    for (const bot of running) if (bot.child.exitCode === null) bot.child.kill('SIGKILL');
    await fake?.close();
  });

  async function start(env: Record<string, string> = {}, nodeArgs: string[] = []): Promise<BotProcess> {
    const bot = await startBotProcess(
      {
        DISCORD_TOKEN: fake.token,
        DISCORD_API_URL: fake.apiUrl,
        DISCORD_GUILD_ID: fake.guildId,
        MODELS_DIR: modelsDir,
        DATA_DIR: await tempDir('flickpick-state-'),
        LOG_LEVEL: 'info',
        ...env,
      },
      undefined,
      nodeArgs,
    );
    running.push(bot);
    await bot.waitForLog((l) => l.msg === 'connected to Discord', 30_000);
    return bot;
  }

  it('serves GET /health on loopback: gateway ready, serving version, store reachable', async () => {
    const bot = await start({ HEALTH_PORT: '0' });
    const listening = await bot.waitForLog((l) => l.msg === 'health endpoint listening');
    expect(listening.host).toBe('127.0.0.1');
    const response = await fetch(`http://127.0.0.1:${String(listening.port)}/health`);
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({
      ok: true,
      gateway: { ready: true, shards: [0], shardCount: 1 },
      serving: { version },
      store: { reachable: true },
    });
    expect((await fetch(`http://127.0.0.1:${String(listening.port)}/metrics`)).status).toBe(404);
    bot.child.kill('SIGTERM');
    expect((await bot.exited)[0]).toBe(0);
  });

  it('has no health endpoint unless HEALTH_PORT is set', async () => {
    const bot = await start();
    expect(bot.logs().some((l) => l.msg === 'health endpoint listening')).toBe(false);
    bot.child.kill('SIGTERM');
    expect((await bot.exited)[0]).toBe(0);
  });

  it.each([
    ['rejection', 'unhandled promise rejection', 'injected unhandled rejection'],
    ['exception', 'uncaught exception', 'injected uncaught exception'],
  ])('logs an unhandled %s and exits 1 for its supervisor', async (kind, message, error) => {
    const bot = await start({ FLICKPICK_TEST_FAILURE: kind }, ['--import', CRASH_PRELOAD]);
    bot.child.kill('SIGUSR2');
    const [code] = await bot.exited;
    expect(code).toBe(1);
    const fatal = bot.logs().find((l) => String(l.msg).startsWith(message));
    expect(fatal?.level).toBe(60); // pino's fatal
    expect(JSON.stringify(fatal?.err)).toContain(error);
  });

  it('on SIGTERM lets an interaction in flight finish, declines new ones, then exits 0', async () => {
    // Each poster takes 0.6 s, 4 at a time: the /recommend answer is still being built for about
    // 1.8 s when SIGTERM arrives (and within the 2.5 s poster deadline, so the cards show them).
    const tmdb: FakeTmdb = await startFakeTmdb({ defaultMovie: { kind: 'poster', delayMs: 600 } });
    try {
      const bot = await start({ TMDB_API_URL: tmdb.baseUrl, TMDB_READ_TOKEN: tmdb.readToken });
      const recommend = await fake.command('recommend', {
        movie1: picks[0],
        movie2: picks[1],
        movie3: picks[2],
      });
      bot.child.kill('SIGTERM');
      await bot.waitForLog((l) => l.msg === 'shutting down');
      const late = await fake.command('popular', {});
      expect(late.finalMessage().content).toBe('FlickPick is restarting; try again in a few seconds.');
      const answer = await recommend.waitForMessage((m) => m.embeds.length > 0, 10_000);
      expect(answer.embeds).toHaveLength(10);
      expect(answer.embeds.some((e) => e.thumbnail !== undefined)).toBe(true); // the slow posters made it
      const [code] = await bot.exited;
      expect(code).toBe(0);
      expect(bot.logs().some((l) => l.msg === 'stopping with interactions still unanswered')).toBe(false);
    } finally {
      await tmdb.close();
    }
  });
});

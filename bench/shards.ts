/**
 * Two shards on Redis, as production runs them: compiled `npm start` (node dist/src/main.js) with
 * SHARD_COUNT=2 and STORE_URL=redis://…, i.e. discord.js's ShardingManager and one process per
 * shard, against a fake Discord with two guilds, one per shard. Measures each shard process:
 * fork → ready (the manager's log), rss at rest and after a hot swap (/proc/<pid>/status); that
 * every interaction is answered by the shard owning its guild; and for one /retrain run on shard
 * 0's guild, how many versions were published and when each shard served the new one.
 */
import { cp, readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { PermissionFlagsBits } from 'discord.js';
import { ModelRepository } from '../src/artifacts/repository.ts';
import { buildDist, MAIN_COMPILED, startBotProcess, type LogLine } from '../test/support/bot-process.ts';
import { startFakeDiscord, type FakeDiscord } from '../test/support/fake-discord/index.ts';
import { findRedisServer, startRedisServer } from '../test/store/redis-server.ts';
import type { Benchmark } from './lib/benchmark.ts';
import { benchTempDir, loadCurrent } from './lib/models.ts';
import type { Row } from './lib/report.ts';
import { createWorkload, type Workload } from './lib/workload.ts';

const SHARDS = 2;
/** Interactions per guild before the retrain (half autocomplete, half /recommend). */
const INTERACTIONS_PER_GUILD = 100;
/** Rest after ready before "at rest" is read: start-up garbage gets a chance to be collected. */
const SETTLE_MS = 3_000;
const mb = (kib: number) => (kib * 1024) / 1e6;

async function rssKib(pid: number): Promise<number> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  return Number(/VmRSS:\s+(\d+) kB/.exec(status)?.[1] ?? Number.NaN);
}

/** CPU time (user + system) a process has used so far, from /proc/<pid>/stat (clock ticks of 10 ms). */
async function cpuMs(pid: number): Promise<number> {
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
  // Fields after the parenthesised command name; utime and stime are fields 14 and 15.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) * 10;
}

/** One autocomplete and one /recommend in `guildId`; whether both came from the owning shard. */
async function interactPair(fake: FakeDiscord, workload: Workload, guildId: string): Promise<boolean> {
  const owner = fake.shardOf(guildId);
  const request = workload.autocomplete();
  const options: Record<string, string> = {};
  request.chosen.forEach((id, i) => (options[`movie${i + 1}`] = String(id)));
  options[request.focused] = request.query;
  const choices = await fake.autocomplete('recommend', options, request.focused, { guildId });
  const [a, b, c] = workload.picks();
  const handle = await fake.command(
    'recommend',
    { movie1: String(a), movie2: String(b), movie3: String(c) },
    { guildId },
  );
  const message = await handle.waitForMessage();
  const routedRight = fake.deliveredTo(handle).every(([shard]) => shard === owner);
  return choices.length > 0 && (message.embeds?.length ?? 0) === 10 && routedRight;
}

export const shards: Benchmark = {
  name: 'shards',
  description:
    'two shard processes (compiled, ShardingManager) on Redis: rss, spawn → ready, routing, retrain swap',
  async run(context) {
    const redisBinary = findRedisServer();
    if (!redisBinary) throw new Error('redis-server is not installed (apt-get install -y redis-server)');
    context.log('shards: building dist/ (tsc -b; nothing to do when up to date)');
    buildDist();
    // The retrain publishes into the models dir: work on a copy, never on --models.
    const modelsDir = path.join(await benchTempDir('shard-models'), 'models');
    await cp(await context.models(), modelsDir, { recursive: true });
    const workload = createWorkload(await loadCurrent(modelsDir));
    const redis = await startRedisServer(redisBinary);
    const fake = await startFakeDiscord({ shards: SHARDS, guilds: SHARDS });
    const bot = await startBotProcess(
      {
        DISCORD_TOKEN: fake.token,
        DISCORD_API_URL: fake.apiUrl,
        SHARD_COUNT: String(SHARDS),
        STORE_URL: redis.url,
        MODELS_DIR: modelsDir,
        MOVIELENS_DIR: context.datasetDir,
        DATA_DIR: await benchTempDir('shard-state'),
        RETRAIN_MAX_RMSE_INCREASE: '1',
        LOG_LEVEL: 'info',
      },
      MAIN_COMPILED,
    );
    try {
      await bot.waitForLog((l) => l.msg === 'all shards ready', 120_000);
      const logs = () => bot.logs();
      const byShard = (msg: string) => (shard: number) =>
        logs().find((l) => l.msg === msg && l.shard === shard);
      const started = [0, 1].map(byShard('shard process started')) as LogLine[];
      const ready = [0, 1].map(byShard('shard ready')) as LogLine[];
      const spawnToReadyMs = [0, 1].map((i) => Number(ready[i].time) - Number(started[i].time));
      const pids = started.map((l) => Number(l.pid));
      // Wall time to ready depends on what else runs on the machine; the CPU it took does not.
      const cpuToReadyMs = await Promise.all(pids.map(cpuMs));
      await sleep(SETTLE_MS);
      const rssAtRest = await Promise.all(pids.map(rssKib));

      let routedRight = 0;
      let total = 0;
      for (let i = 0; i < INTERACTIONS_PER_GUILD / 2; i++) {
        for (const guild of fake.guilds) {
          total += 2;
          if (await interactPair(fake, workload, guild.id)) routedRight += 2;
        }
      }
      const rssServing = await Promise.all(pids.map(rssKib));

      // One retrain from shard 0's guild; both shards must end up serving what it published.
      const versionsBefore = (await new ModelRepository(modelsDir).list()).length;
      const home = fake.guilds.find((g) => fake.shardOf(g.id) === 0)!;
      const run = await fake.command(
        'retrain run',
        {},
        { guildId: home.id, permissions: PermissionFlagsBits.Administrator },
      );
      const summary = await run.waitForMessage(
        (m) => /published version|failed/.test(m.content),
        15 * 60_000,
      );
      const newVersion = /published version `(\S+)`/.exec(summary.content)?.[1];
      if (!newVersion) throw new Error(`the retrain did not publish: ${summary.content}`);
      const swaps = await Promise.all(
        [0, 1].map((shard) =>
          bot.waitForLog(
            (l) => l.shard === shard && l.version === newVersion && /now serving/.test(String(l.msg)),
            60_000,
          ),
        ),
      );
      const published = (await new ModelRepository(modelsDir).list()).length - versionsBefore;
      const swapTimes = swaps.map((l) => Number(l.time));
      // models/CURRENT is replaced by rename when the version is published: its mtime is that moment.
      const publishedAt = (await stat(path.join(modelsDir, 'CURRENT'))).mtimeMs;
      const bothServingAfterMs = Math.max(...swapTimes) - publishedAt;
      for (const guild of fake.guilds) await interactPair(fake, workload, guild.id);
      await sleep(SETTLE_MS);
      const rssAfterSwap = await Promise.all(pids.map(rssKib));

      const rows: Row[] = [
        ...[0, 1].flatMap((shard): Row[] => [
          {
            metric: `shard ${shard} spawn → ready`,
            unit: 'ms',
            measured: spawnToReadyMs[shard],
            target: 1_000,
          },
          {
            metric: `shard ${shard} CPU time used by ready`,
            unit: 'ms',
            measured: cpuToReadyMs[shard],
            note: 'user + system, read just after all shards were ready',
          },
          { metric: `shard ${shard} rss at rest`, unit: 'MB', measured: mb(rssAtRest[shard]), target: 150 },
          {
            metric: `shard ${shard} rss after ${INTERACTIONS_PER_GUILD} interactions`,
            unit: 'MB',
            measured: mb(rssServing[shard]),
          },
          {
            metric: `shard ${shard} rss after the hot swap`,
            unit: 'MB',
            measured: mb(rssAfterSwap[shard]),
            target: 200,
          },
        ]),
        {
          metric: 'interactions not answered by their guild’s shard',
          unit: 'count',
          measured: total - routedRight,
          target: 0,
          note: `${total} interactions over ${SHARDS} guilds`,
        },
        { metric: 'versions published by one /retrain run', unit: 'count', measured: published, target: 1 },
        {
          metric: 'published → both shards serve the new version',
          unit: 'ms',
          measured: bothServingAfterMs,
          target: 5_000,
          note: 'the other shard polls models/CURRENT every second',
        },
      ];
      return {
        rows,
        raw: {
          pids,
          spawnToReadyMs,
          rssAtRest,
          rssServing,
          rssAfterSwap,
          total,
          routedRight,
          newVersion,
          swapTimes,
        },
      };
    } finally {
      if (bot.child.exitCode === null) {
        bot.child.kill('SIGTERM');
        await bot.exited;
      }
      await fake.close();
      await redis.stop();
    }
  },
};

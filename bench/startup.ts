/**
 * Start-up with existing artifacts: a new bot process per run against a fake Discord, timing
 * startBot() → client ready (what a restart costs once the code is loaded) and spawn → ready (what
 * a restart costs in all, with tsx transpiling). Then production's `npm start` (compiled dist/, node
 * alone): spawn → "connected to Discord", and its RSS right then. Then loadArtifacts and the serving
 * snapshot alone, in this process.
 */
import { readFile } from 'node:fs/promises';
import { loadArtifacts } from '../src/artifacts/loader.ts';
import { ModelRepository } from '../src/artifacts/repository.ts';
import { createSnapshot } from '../src/serve/serving-models.ts';
import { startFakeDiscord } from '../test/support/fake-discord/index.ts';
import type { Benchmark } from './lib/benchmark.ts';
import { startBotProcess } from './lib/bot-process.ts';
import { benchTempDir } from './lib/models.ts';
import {
  buildDist,
  MAIN_COMPILED,
  startBotProcess as startCompiledProcess,
} from '../test/support/bot-process.ts';
import type { Row } from './lib/report.ts';
import { summarize, timeAsync, timeSync } from './lib/stats.ts';

const DEFAULT_RUNS = 5;

export const startup: Benchmark = {
  name: 'startup',
  description: 'start-up to ready with existing artifacts (new process per run), and loadArtifacts alone',
  async run(context) {
    const modelsDir = await context.models();
    const runs = context.runs ?? DEFAULT_RUNS;
    const processes: { startBotToReadyMs: number; spawnToReadyMs: number; bootAndImportsMs: number }[] = [];
    for (let i = 1; i <= runs; i++) {
      const fake = await startFakeDiscord();
      const bot = await startBotProcess({ fake, modelsDir });
      processes.push({
        startBotToReadyMs: bot.ready.startBotToReadyMs,
        spawnToReadyMs: bot.spawnToReadyMs,
        bootAndImportsMs: bot.ready.mainStartedMs,
      });
      context.log(`startup: run ${i}/${runs}: startBot → ready ${bot.ready.startBotToReadyMs.toFixed(0)} ms`);
      await bot.stop();
      await fake.close();
    }

    // Production: `npm start` is node --max-semi-space-size=4 dist/src/main.js (package.json).
    buildDist();
    const compiled: { spawnToReadyMs: number; rssAtReadyMb: number }[] = [];
    for (let i = 1; i <= runs; i++) {
      const fake = await startFakeDiscord();
      const started = performance.now();
      const bot = await startCompiledProcess(
        {
          DISCORD_TOKEN: fake.token,
          DISCORD_API_URL: fake.apiUrl,
          DISCORD_GUILD_ID: fake.guildId,
          MODELS_DIR: modelsDir,
          DATA_DIR: await benchTempDir('compiled-state'),
          LOG_LEVEL: 'info',
        },
        MAIN_COMPILED,
        ['--max-semi-space-size=4'],
      );
      await bot.waitForLog((line) => line.msg === 'connected to Discord', 60_000);
      const spawnToReadyMs = performance.now() - started;
      const status = await readFile(`/proc/${bot.child.pid}/status`, 'utf8');
      const rssAtReadyMb = (Number(/VmRSS:\s+(\d+) kB/.exec(status)?.[1]) * 1024) / 1e6;
      compiled.push({ spawnToReadyMs, rssAtReadyMb });
      context.log(`startup: compiled run ${i}/${runs}: spawn → ready ${spawnToReadyMs.toFixed(0)} ms`);
      bot.child.kill('SIGTERM');
      await bot.exited;
      await fake.close();
    }

    const dir = await new ModelRepository(modelsDir).currentDir();
    if (!dir) throw new Error(`no current version in ${modelsDir}`);
    const loadMs: number[] = [];
    const snapshotMs: number[] = [];
    for (let i = 0; i < runs; i++) {
      let artifacts!: Awaited<ReturnType<typeof loadArtifacts>>;
      loadMs.push(await timeAsync(async () => (artifacts = await loadArtifacts(dir))));
      snapshotMs.push(timeSync(() => createSnapshot(artifacts)));
    }

    const ready = summarize(processes.map((p) => p.startBotToReadyMs));
    const spawn = summarize(processes.map((p) => p.spawnToReadyMs));
    const boot = summarize(processes.map((p) => p.bootAndImportsMs));
    const compiledSpawn = summarize(compiled.map((c) => c.spawnToReadyMs));
    const compiledRss = summarize(compiled.map((c) => c.rssAtReadyMb));
    const load = summarize(loadMs);
    const snapshot = summarize(snapshotMs);
    const rows: Row[] = [
      {
        metric: 'startBot() → client ready, median',
        unit: 'ms',
        measured: ready.p50,
        target: 1000,
        summary: ready,
      },
      { metric: 'process spawn → ready, median', unit: 'ms', measured: spawn.p50, summary: spawn },
      { metric: 'of which node + tsx + imports, median', unit: 'ms', measured: boot.p50, summary: boot },
      {
        metric: 'npm start (compiled): spawn → connected, median',
        unit: 'ms',
        measured: compiledSpawn.p50,
        target: 3000,
        summary: compiledSpawn,
      },
      {
        metric: 'npm start (compiled): RSS when connected, median',
        unit: 'MB',
        measured: compiledRss.p50,
        target: 500,
        summary: compiledRss,
      },
      { metric: 'loadArtifacts, median', unit: 'ms', measured: load.p50, summary: load },
      {
        metric: 'createSnapshot (engine + search), median',
        unit: 'ms',
        measured: snapshot.p50,
        summary: snapshot,
      },
    ];
    return { rows, raw: { processes, compiled, loadMs, snapshotMs } };
  },
};

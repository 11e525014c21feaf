/**
 * Serving while a retrain runs: the bot (own process) starts RetrainService.start('command'), which
 * trains ml-latest-small in a further child process, while autocomplete and /recommend keep coming
 * through the fake Discord. The same traffic at rest, in the same run, half before and half after the
 * retrain, so a change in the machine's other load during the run biases neither side. A 1 s
 * heartbeat interval makes a blocked bot event loop show up as missed heartbeats.
 */
import { cp } from 'node:fs/promises';
import path from 'node:path';
import { startFakeDiscord, type FakeDiscord } from '../test/support/fake-discord/index.ts';
import type { Benchmark } from './lib/benchmark.ts';
import { startBotProcess, type BotProcess } from './lib/bot-process.ts';
import { benchTempDir, loadCurrent } from './lib/models.ts';
import { summarize } from './lib/stats.ts';
import { runTraffic, type TrafficOptions, type TrafficSamples } from './lib/traffic.ts';
import { createWorkload, type Workload } from './lib/workload.ts';

const HEARTBEAT_INTERVAL_MS = 1000;
const WARM_UP_PAIRS = 20;
/** Pairs (autocomplete + /recommend) at rest before the retrain, and again after it. */
const REST_PAIRS_EACH_SIDE = 250;
/**
 * A gap between interactions, identical at rest and under load; it also keeps /recommend well under
 * discord.js's own 50 requests/s REST limit (see gateway.ts), which would otherwise dominate the p99.
 */
const PAUSE_MS = 15;

interface Phase extends TrafficSamples {
  heartbeats: number;
  missedHeartbeats: number;
  /** The bot's event-loop lateness during the phase. */
  loopDelayMs: { p50: number; p99: number; max: number };
  /** REST requests discord.js held back for a rate limit: should stay 0. */
  rateLimited: number;
  /** The bot's memory at the end of the phase (after the retrain: the new version swapped in), in 10^6 bytes. */
  memoryMb: { rss: number; heapUsed: number; external: number };
  durationMs: number;
}

async function phase(
  fake: FakeDiscord,
  bot: BotProcess,
  workload: Workload,
  traffic: Omit<TrafficOptions, 'pauseMs'>,
): Promise<Phase> {
  const usageBefore = await bot.usage(); // also resets the bot's event-loop delay histogram
  const before = { ...fake.stats };
  const started = performance.now();
  const samples = await runTraffic(fake, workload, { ...traffic, pauseMs: PAUSE_MS });
  const durationMs = performance.now() - started;
  const usage = await bot.usage();
  return {
    ...samples,
    heartbeats: fake.stats.heartbeats - before.heartbeats,
    missedHeartbeats: fake.stats.missedHeartbeats - before.missedHeartbeats,
    loopDelayMs: usage.loopDelayMs,
    rateLimited: usage.rateLimited - usageBefore.rateLimited,
    memoryMb: {
      rss: Math.round(usage.rss / 1e5) / 10,
      heapUsed: Math.round(usage.heapUsed / 1e5) / 10,
      // Native memory held by JS objects, e.g. typed arrays of each loaded version.
      external: Math.round(usage.external / 1e5) / 10,
    },
    durationMs,
  };
}

export const retrainLoad: Benchmark = {
  name: 'retrain-load',
  description: 'autocomplete and /recommend p99 while a retrain runs vs at rest, and missed heartbeats',
  async run(context) {
    // The retrain publishes into its models dir: give it a copy so the shared one stays as it is.
    const modelsDir = path.join(await benchTempDir('retrain'), 'models');
    await cp(await context.models(), modelsDir, { recursive: true });
    const workload = createWorkload(await loadCurrent(modelsDir));
    const fake = await startFakeDiscord({ heartbeatIntervalMs: HEARTBEAT_INTERVAL_MS });
    const bot = await startBotProcess({ fake, modelsDir, datasetDir: context.datasetDir });
    try {
      await runTraffic(fake, workload, { pairs: WARM_UP_PAIRS, pauseMs: PAUSE_MS });
      const restBefore = await phase(fake, bot, workload, { pairs: REST_PAIRS_EACH_SIDE });

      context.log('retrain-load: retrain started, traffic continues until it ends');
      const retrain = await bot.startRetrain();
      if (!retrain.started) throw new Error('the bot did not start a retrain');
      let finished = false;
      const done = retrain.done.finally(() => (finished = true));
      const load = await phase(fake, bot, workload, { until: () => finished });
      const summary = await done;
      context.log(
        `retrain-load: retrain ${summary.outcome} in ${(summary.durationMs / 1000).toFixed(1)} s; ` +
          `${load.recommendMs.length} /recommend under load`,
      );
      const restAfter = await phase(fake, bot, workload, { pairs: REST_PAIRS_EACH_SIDE });
      // Is the old version still held, or only not yet collected? A full GC tells them apart.
      const afterFullGc = await bot.usage({ afterFullGc: true });

      const s = {
        restAutocomplete: summarize([...restBefore.autocompleteMs, ...restAfter.autocompleteMs]),
        loadAutocomplete: summarize(load.autocompleteMs),
        restRecommend: summarize([...restBefore.recommendMs, ...restAfter.recommendMs]),
        loadRecommend: summarize(load.recommendMs),
      };
      const restLoopDelayMax = Math.max(restBefore.loopDelayMs.max, restAfter.loopDelayMs.max);
      const round = (xs: number[]) => xs.map((x) => Math.round(x * 100) / 100);
      return {
        rows: [
          {
            metric: 'autocomplete p99 at rest',
            unit: 'ms',
            measured: s.restAutocomplete.p99,
            summary: s.restAutocomplete,
          },
          {
            metric: 'autocomplete p99 during retrain (≤ 2× rest)',
            unit: 'ms',
            measured: s.loadAutocomplete.p99,
            target: 2 * s.restAutocomplete.p99,
            summary: s.loadAutocomplete,
          },
          {
            metric: '/recommend p99 at rest',
            unit: 'ms',
            measured: s.restRecommend.p99,
            summary: s.restRecommend,
          },
          {
            metric: '/recommend p99 during retrain (≤ 2× rest)',
            unit: 'ms',
            measured: s.loadRecommend.p99,
            target: 2 * s.restRecommend.p99,
            summary: s.loadRecommend,
          },
          {
            metric: 'missed heartbeats during retrain',
            unit: 'count',
            measured: load.missedHeartbeats,
            target: 0,
            note: `of ${load.heartbeats} at ${HEARTBEAT_INTERVAL_MS} ms`,
          },
          {
            metric: 'bot event-loop lateness max during retrain',
            unit: 'ms',
            measured: load.loopDelayMs.max,
            note: `at rest ${restLoopDelayMax.toFixed(0)} ms`,
          },
          {
            // The memory target holds while serving, and a bot that retrained is serving too.
            metric: 'bot rss after the retrain swapped versions',
            unit: 'MB',
            measured: restAfter.memoryMb.rss,
            target: 200,
            note: `before ${restBefore.memoryMb.rss.toFixed(0)} MB; after a full GC ${(afterFullGc.rss / 1e6).toFixed(0)} MB`,
          },
          {
            metric: `retrain duration (${summary.outcome})`,
            unit: 's',
            measured: summary.durationMs / 1000,
            ...(retrain.trainingNice === undefined
              ? {}
              : { note: `training at nice ${retrain.trainingNice}` }),
          },
        ],
        raw: {
          ...s,
          heartbeatIntervalMs: HEARTBEAT_INTERVAL_MS,
          pauseMs: PAUSE_MS,
          retrain: summary,
          // Set only in a BENCH_TRAINING_NICE what-if run (see bench/child/bot.ts).
          trainingNice: retrain.trainingNice ?? null,
          memoryAfterFullGcMb: {
            rss: afterFullGc.rss / 1e6,
            heapUsed: afterFullGc.heapUsed / 1e6,
            external: afterFullGc.external / 1e6,
          },
          phases: Object.fromEntries(
            Object.entries({ restBefore, load, restAfter }).map(([name, p]) => [
              name,
              {
                durationMs: Math.round(p.durationMs),
                heartbeats: p.heartbeats,
                missedHeartbeats: p.missedHeartbeats,
                loopDelayMs: p.loopDelayMs,
                rateLimited: p.rateLimited,
                memoryMb: p.memoryMb,
                // In time order, so a spike can be placed (e.g. the swap to the new version at the end).
                recommendMs: round(p.recommendMs),
                autocompleteMs: round(p.autocompleteMs),
              },
            ]),
          ),
        },
      };
    } finally {
      await bot.stop();
      await fake.close();
    }
  },
};

/**
 * Resident memory of the bot process while serving: the bot alone in a child process (the fake
 * Discord and the traffic generator stay in this one), measured at ready and after 500 interactions.
 */
import { startFakeDiscord } from '../test/support/fake-discord/index.ts';
import type { Benchmark } from './lib/benchmark.ts';
import { startBotProcess } from './lib/bot-process.ts';
import { loadCurrent } from './lib/models.ts';
import { runTraffic } from './lib/traffic.ts';
import { createWorkload } from './lib/workload.ts';

/** 250 autocomplete + 250 /recommend. */
const PAIRS = 250;
/** As in retrain-load: user-like gaps, and /recommend under discord.js's 50 requests/s REST limit. */
const PAUSE_MS = 15;
/** Decimal megabytes (10^6 bytes), the stricter reading of the 200 MB target. */
const mb = (bytes: number) => bytes / 1e6;

export const memory: Benchmark = {
  name: 'memory',
  description: 'resident memory (rss) of the bot process after 500 interactions',
  async run(context) {
    const modelsDir = await context.models();
    const workload = createWorkload(await loadCurrent(modelsDir));
    const fake = await startFakeDiscord();
    const bot = await startBotProcess({ fake, modelsDir });
    try {
      const atReady = await bot.usage();
      await runTraffic(fake, workload, { pairs: PAIRS, pauseMs: PAUSE_MS });
      const serving = await bot.usage();
      // Then after a full collection: what is retained, apart from garbage V8 has not collected yet.
      const retained = await bot.usage({ afterFullGc: true });
      return {
        rows: [
          {
            metric: 'bot rss after 500 interactions',
            unit: 'MB',
            measured: mb(serving.rss),
            target: 200,
          },
          { metric: 'bot rss at ready', unit: 'MB', measured: mb(atReady.rss) },
          { metric: 'bot peak rss (ru_maxrss)', unit: 'MB', measured: mb(serving.maxRss) },
          { metric: 'bot V8 heap used after 500 interactions', unit: 'MB', measured: mb(serving.heapUsed) },
          {
            metric: 'the same after a full GC: rss / heap used',
            unit: 'MB',
            measured: mb(retained.rss),
            note: `heap ${mb(retained.heapUsed).toFixed(1)} MB`,
          },
        ],
        raw: { interactions: PAIRS * 2, atReady, serving, retained },
      };
    } finally {
      await bot.stop();
      await fake.close();
    }
  },
};

/**
 * Interaction round trips through the fake Discord on loopback, with the bot in its own process as in
 * production: /recommend → the final edited message, and autocomplete → its choices. Sequential, so
 * each figure is one user's wait (gateway dispatch, handler, REST callback and edit). The bot's CPU
 * time per interaction is reported too: unlike wall time, other work on the machine does not inflate it.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { startFakeDiscord, type FakeDiscord } from '../test/support/fake-discord/index.ts';
import type { Benchmark } from './lib/benchmark.ts';
import { startBotProcess, type BotProcess } from './lib/bot-process.ts';
import { loadCurrent } from './lib/models.ts';
import { summarize } from './lib/stats.ts';
import { runTraffic, timedAutocomplete, timedRecommend } from './lib/traffic.ts';
import { createWorkload } from './lib/workload.ts';

const WARM_UP_PAIRS = 20;
const SAMPLES = 500;
/**
 * discord.js holds every REST request except interaction callbacks to 50 per second (its default
 * globalRequestsPerSecond), and each /recommend edits its reply once: back to back at ~200/s every
 * 50th would wait out the rest of the second (~750 ms). Starting one at most every 25 ms (40/s)
 * measures the round trip rather than that throttle. Autocomplete answers are callbacks: unthrottled.
 */
const RECOMMEND_INTERVAL_MS = 25;

/** Runs `count` interactions; returns their round trips and the CPU the bot and this process spent. */
async function measure(bot: BotProcess, count: number, interact: () => Promise<number>, minIntervalMs = 0) {
  const before = await bot.usage();
  const ownBefore = process.cpuUsage();
  const samples: number[] = [];
  for (let i = 0; i < count; i++) {
    const started = performance.now();
    samples.push(await interact());
    const rest = minIntervalMs - (performance.now() - started);
    if (rest > 0) await sleep(rest);
  }
  const own = process.cpuUsage(ownBefore);
  const after = await bot.usage();
  return {
    rateLimited: after.rateLimited - before.rateLimited,
    latency: summarize(samples),
    // In time order, so spikes can be placed.
    samplesMs: samples.map((x) => Math.round(x * 100) / 100),
    botCpuMsEach: (after.cpuMs - before.cpuMs) / count,
    // The fake Discord and the traffic driver: the other half of every round trip.
    fakeCpuMsEach: (own.user + own.system) / 1000 / count,
    botLoopDelayMs: after.loopDelayMs,
  };
}

export const gateway: Benchmark = {
  name: 'gateway',
  description:
    'round trip through the local fake Discord: /recommend → final message, autocomplete → choices',
  async run(context) {
    const modelsDir = await context.models();
    const workload = createWorkload(await loadCurrent(modelsDir));
    const fake: FakeDiscord = await startFakeDiscord();
    const bot = await startBotProcess({ fake, modelsDir });
    try {
      await runTraffic(fake, workload, { pairs: WARM_UP_PAIRS });
      const autocomplete = await measure(bot, SAMPLES, () =>
        timedAutocomplete(fake, workload.autocomplete()),
      );
      const recommend = await measure(
        bot,
        SAMPLES,
        () => timedRecommend(fake, workload.picks()),
        RECOMMEND_INTERVAL_MS,
      );
      return {
        rows: [
          {
            metric: '/recommend → final message p99',
            unit: 'ms',
            measured: recommend.latency.p99,
            target: 20,
            summary: recommend.latency,
            note: `no TMDB: no poster lookups; one every ${RECOMMEND_INTERVAL_MS} ms; ${recommend.rateLimited} rate-limited`,
          },
          {
            metric: 'autocomplete → choices p99',
            unit: 'ms',
            measured: autocomplete.latency.p99,
            target: 20,
            summary: autocomplete.latency,
          },
          { metric: 'bot CPU per /recommend', unit: 'ms', measured: recommend.botCpuMsEach },
          { metric: 'bot CPU per autocomplete', unit: 'ms', measured: autocomplete.botCpuMsEach },
        ],
        raw: {
          recommendIntervalMs: RECOMMEND_INTERVAL_MS,
          warmUpPairs: WARM_UP_PAIRS,
          recommend,
          autocomplete,
          fakeStats: { ...fake.stats },
        },
      };
    } finally {
      await bot.stop();
      await fake.close();
    }
  },
};

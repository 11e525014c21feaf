/**
 * The bot alone in its own process, as in production (`npm start` → startBot), pointed at a fake
 * Discord that runs in the benchmark process. It reports when it is ready and answers a few requests
 * over IPC (memory, start a retrain, stop). Settings come from the environment like the real bot's.
 */
import { Events } from 'discord.js';
import { once } from 'node:events';
import os from 'node:os';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { startBot, type RunningBot } from '../../src/bot/start.ts';
import { loadConfig } from '../../src/config.ts';
import { createLogger } from '../../src/logger.ts';
import type { BotReport, BotRequest } from '../lib/bot-protocol.ts';

// Measured from process start (performance.timeOrigin): node, tsx and every import up to here.
const mainStartedMs = performance.now();

function send(report: BotReport): void {
  process.send?.(report);
}

/**
 * What-if experiment, off unless BENCH_TRAINING_NICE is set: renice the training process (e.g. 19) so
 * the scheduler favours the bot when both want the CPU. The training process starts just after
 * start() returns, so wait briefly for its pid.
 */
async function lowerTrainingPriority(bot: RunningBot): Promise<number | undefined> {
  const nice = process.env.BENCH_TRAINING_NICE;
  if (!nice) return undefined;
  for (let waited = 0; waited < 5000; waited += 20) {
    const pid = bot.context.retrain.workerPid;
    if (pid !== undefined) {
      os.setPriority(pid, Number(nice));
      return os.getPriority(pid);
    }
    await sleep(20);
  }
  return undefined;
}

async function main(): Promise<void> {
  const config = loadConfig();
  const logger = createLogger({ level: config.logLevel, pretty: false });
  const startBotCalledMs = performance.now();
  const bot = await startBot(config, logger);
  // discord.js queues requests itself once it thinks a rate limit is reached: count how often.
  let rateLimited = 0;
  bot.client.rest.on('rateLimited', () => rateLimited++);
  if (!bot.client.isReady()) await once(bot.client, Events.ClientReady);
  const readyMs = performance.now();
  send({
    type: 'ready',
    version: bot.context.models.current.version,
    mainStartedMs,
    startBotToReadyMs: readyMs - startBotCalledMs,
    readyMs,
  });
  // How late timers run in the bot: a blocked event loop delays interactions and heartbeats alike.
  const resolutionMs = 10;
  const loopDelay = monitorEventLoopDelay({ resolution: resolutionMs });
  loopDelay.enable();
  // The histogram records whole timer periods (resolution + lateness); keep only the lateness.
  const latenessMs = (ns: number) => Math.max(0, ns / 1e6 - resolutionMs);

  process.on('message', (request: BotRequest) => {
    switch (request.type) {
      case 'usage': {
        // gc() exists because the benchmark starts this process with --expose-gc; never called unasked.
        if (request.afterFullGc) (globalThis as { gc?: () => void }).gc?.();
        const memory = process.memoryUsage();
        const resources = process.resourceUsage();
        send({
          type: 'usage',
          rss: memory.rss,
          heapUsed: memory.heapUsed,
          heapTotal: memory.heapTotal,
          external: memory.external,
          arrayBuffers: memory.arrayBuffers,
          // ru_maxrss is in kilobytes.
          maxRss: resources.maxRSS * 1024,
          // µs.
          cpuMs: (resources.userCPUTime + resources.systemCPUTime) / 1000,
          rateLimited,
          loopDelayMs: {
            p50: latenessMs(loopDelay.percentile(50)),
            p99: latenessMs(loopDelay.percentile(99)),
            max: latenessMs(loopDelay.max),
          },
        });
        loopDelay.reset();
        return;
      }
      case 'retrain':
        void bot.context.retrain.start('command').then(async (result) => {
          const trainingNice = result.started ? await lowerTrainingPriority(bot) : undefined;
          send({ type: 'retrain-started', started: result.started, trainingNice });
          if (!result.started) return;
          void result.done.then((summary) =>
            send({
              type: 'retrain-done',
              outcome: summary.outcome,
              durationMs: summary.durationMs,
              version: summary.version,
              servingVersion: bot.context.models.current.version,
              error: summary.error,
            }),
          );
        });
        return;
      case 'stop':
        void bot.stop().finally(() => process.exit(0));
        return;
    }
  });
}

main().catch((error: unknown) => {
  console.error('bench bot process failed:', error);
  process.exit(1);
});

/** Messages between the benchmark process and bench/child/bot.ts. */

export type BotRequest =
  /** afterFullGc: collect garbage first, to tell retained memory from garbage not yet collected. */
  { type: 'usage'; afterFullGc?: boolean } | { type: 'retrain' } | { type: 'stop' };

export type BotReport =
  | {
      type: 'ready';
      version: string;
      /** performance.now() when bot.ts started running: process boot plus imports. */
      mainStartedMs: number;
      /** startBot() called → client ready. */
      startBotToReadyMs: number;
      /** performance.now() at ready, i.e. since the process started. */
      readyMs: number;
    }
  | {
      /** Resource use of the bot process; the event-loop delay covers the time since the last report. */
      type: 'usage';
      rss: number;
      heapUsed: number;
      heapTotal: number;
      external: number;
      arrayBuffers: number;
      /** High-water mark of rss since the process started (ru_maxrss), in bytes. */
      maxRss: number;
      /** CPU time used by the bot process so far (user + system), in ms. */
      cpuMs: number;
      /** Requests discord.js held back for a rate limit (its own 50/s global limit included), so far. */
      rateLimited: number;
      /** How late the event loop ran a 10 ms timer (0 = on time). */
      loopDelayMs: { p50: number; p99: number; max: number };
    }
  | {
      type: 'retrain-started';
      started: boolean;
      /** The training process's nice value, when BENCH_TRAINING_NICE asked to lower it. */
      trainingNice?: number;
    }
  | {
      type: 'retrain-done';
      outcome: string;
      durationMs: number;
      version?: string;
      servingVersion: string;
      error?: string;
    };

export function isReport<K extends BotReport['type']>(type: K) {
  return (message: unknown): message is Extract<BotReport, { type: K }> =>
    typeof message === 'object' && message !== null && (message as { type?: unknown }).type === type;
}

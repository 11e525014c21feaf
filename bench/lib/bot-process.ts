/** Parent side of bench/child/bot.ts: the bot in its own process, the fake Discord in this one. */
import type { ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FakeDiscord } from '../../test/support/fake-discord/index.ts';
import { isReport, type BotReport, type BotRequest } from './bot-protocol.ts';
import { forkTs, nextMessage } from './child.ts';
import { benchTempDir } from './models.ts';

const BOT_MODULE = fileURLToPath(new URL('../child/bot.ts', import.meta.url));

type Report<K extends BotReport['type']> = Extract<BotReport, { type: K }>;

export interface BotProcess {
  pid: number | undefined;
  ready: Report<'ready'>;
  /** fork() called → ready report received. */
  spawnToReadyMs: number;
  /** Memory, CPU time and event-loop delay of the bot process (the delay since the previous call). */
  usage(options?: { afterFullGc?: boolean }): Promise<Report<'usage'>>;
  /** Starts a retrain in the bot (as /retrain does); `done` settles when the run has ended. */
  startRetrain(): Promise<{
    started: boolean;
    trainingNice?: number;
    done: Promise<Report<'retrain-done'>>;
  }>;
  stop(): Promise<void>;
}

export interface BotProcessOptions {
  fake: FakeDiscord;
  modelsDir: string;
  /** Needed only for retraining. */
  datasetDir?: string;
}

export async function startBotProcess(options: BotProcessOptions): Promise<BotProcess> {
  const dataDir = path.join(await benchTempDir('state'), 'data');
  const { fake } = options;
  const started = performance.now();
  const child: ChildProcess = forkTs(
    BOT_MODULE,
    {
      DISCORD_TOKEN: fake.token,
      DISCORD_API_URL: fake.apiUrl,
      DISCORD_GUILD_ID: fake.guildId,
      MODELS_DIR: options.modelsDir,
      DATA_DIR: dataDir,
      MOVIELENS_DIR: options.datasetDir ?? '',
      // Production logging (info, JSON), written to /dev/null rather than to the benchmark's output.
      LOG_LEVEL: 'info',
      // No TMDB credentials: /recommend makes no poster lookups. Blank = unset for loadConfig.
      TMDB_API_KEY: '',
      TMDB_READ_TOKEN: '',
      STORE_URL: '',
      RETRAIN_CHANNEL_ID: '',
    },
    // --expose-gc changes nothing unless gc() is called: only a usage({ afterFullGc }) request does.
    { quietStdout: true, nodeOptions: ['--expose-gc'] },
  );
  const request = (message: BotRequest) => child.send(message);
  let ready: Report<'ready'>;
  try {
    ready = await nextMessage(child, isReport('ready'), 60_000, 'the bot to be ready');
  } catch (error) {
    child.kill('SIGKILL');
    throw error;
  }
  const spawnToReadyMs = performance.now() - started;

  return {
    pid: child.pid,
    ready,
    spawnToReadyMs,
    usage(options = {}) {
      const reply = nextMessage(child, isReport('usage'), 10_000, 'a usage report');
      request({ type: 'usage', ...options });
      return reply;
    },
    async startRetrain() {
      const startedReply = nextMessage(child, isReport('retrain-started'), 30_000, 'the retrain to start');
      // Listening before asking, so a fast run's report cannot slip past.
      const done = nextMessage(child, isReport('retrain-done'), 30 * 60_000, 'the retrain to finish');
      done.catch(() => {}); // observed by the caller when it awaits; avoid an unhandled rejection meanwhile
      request({ type: 'retrain' });
      const { started: ok, trainingNice } = await startedReply;
      return { started: ok, trainingNice, done };
    },
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = once(child, 'exit');
      request({ type: 'stop' });
      const timeout = setTimeout(() => child.kill('SIGKILL'), 15_000);
      await exited;
      clearTimeout(timeout);
    },
  };
}

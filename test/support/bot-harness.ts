import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { Events } from 'discord.js';
import pino from 'pino';
import { ModelRepository } from '../../src/artifacts/repository.ts';
import type { Artifacts } from '../../src/artifacts/types.ts';
import { startBot, type RunningBot } from '../../src/bot/start.ts';
import { loadConfig, type Config } from '../../src/config.ts';
import { createLogger } from '../../src/logger.ts';
import { trainVersion, type TrainResult } from '../../src/train/pipeline.ts';
import { startFakeDiscord, type FakeDiscord } from './fake-discord/index.ts';
import { syntheticDataset, tempDir, writeDatasetFiles } from './dataset.ts';
import { logScanFile } from './log-scan/scan.ts';

type PublishedResult = Extract<TrainResult, { published: true }>;

/** A small generated MovieLens dataset trained into a models folder: a few seconds, not half a minute. */
export async function trainSmallModels(
  seed = 7,
): Promise<{ modelsDir: string; datasetDir: string; result: PublishedResult; artifacts: Artifacts }> {
  const root = await tempDir('flickpick-e2e-');
  const datasetDir = await writeDatasetFiles(
    path.join(root, 'dataset'),
    syntheticDataset({ users: 120, movies: 400, popular: 160, band: 100, seed }),
  );
  const modelsDir = path.join(root, 'models');
  const result = await trainVersion({
    datasetDir,
    repository: new ModelRepository(modelsDir),
    dnmf: { epochs: 4 },
  });
  if (!result.published) throw new Error(`test models failed verification: ${result.problems.join('; ')}`);
  return { modelsDir, datasetDir, result, artifacts: result.artifacts };
}

export interface TestBot {
  fake: FakeDiscord;
  bot: RunningBot;
  dataDir: string;
  /**
   * Every line the bot logged so far, as written (parsed JSON). The bot logs at LOG_LEVEL (debug
   * unless the test sets one) to a file in the suite's log-scan folder, scanned after the run.
   */
  logLines(): Record<string, unknown>[];
  /** The same lines as raw text, as a log shipper would receive them. */
  logText(): string;
  /** Stops the bot (not the fake). */
  stopBot(): Promise<void>;
  /** Stops the bot and the fake. */
  close(): Promise<void>;
}

/**
 * Starts the real bot exactly as `npm start` does (startBot with a config read from environment
 * variables), pointed at a fake Discord on loopback. Extra env entries (TMDB, admins) pass through.
 */
export async function startTestBot(options: {
  modelsDir: string;
  env?: Record<string, string>;
  fake?: FakeDiscord;
  dataDir?: string;
  /** Settings no environment variable sets, e.g. `discord.interactionTokenLifeMs`. */
  adjustConfig?: (config: Config) => void;
}): Promise<TestBot> {
  const fake = options.fake ?? (await startFakeDiscord());
  const dataDir = options.dataDir ?? (await tempDir('flickpick-state-'));
  const config = loadConfig({
    DISCORD_TOKEN: fake.token,
    DISCORD_API_URL: fake.apiUrl,
    DISCORD_GUILD_ID: fake.guildId,
    MODELS_DIR: options.modelsDir,
    DATA_DIR: dataDir,
    // Debug, so the suite-wide leak scan sees every line a production bot could write.
    LOG_LEVEL: 'debug',
    // Tests repeat the heavy commands as one member in quick succession; the cooldown has its own test.
    COMMAND_COOLDOWN_SECONDS: '0',
    ...options.env,
  });
  options.adjustConfig?.(config);
  const logFile = logScanFile('bot') ?? path.join(dataDir, 'bot.log');
  // Synchronous writes: every line is in the file when the test reads it or the run ends.
  const destination = pino.destination({ dest: logFile, sync: true, mkdir: true });
  const logger = createLogger({ level: config.logLevel, destination });
  const logText = () => {
    try {
      return readFileSync(logFile, 'utf8');
    } catch {
      return '';
    }
  };
  const bot = await startBot(config, logger);
  if (!bot.client.isReady()) await once(bot.client, Events.ClientReady);
  let stopped = false;
  const stopBot = async () => {
    if (stopped) return;
    stopped = true;
    await bot.stop();
  };
  return {
    fake,
    bot,
    dataDir,
    logText,
    logLines: () =>
      logText()
        .split('\n')
        .filter((line) => line.startsWith('{'))
        .map((line) => JSON.parse(line) as Record<string, unknown>),
    stopBot,
    async close() {
      await stopBot();
      await fake.close();
    },
  };
}

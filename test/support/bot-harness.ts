import { once } from 'node:events';
import path from 'node:path';
import { Events } from 'discord.js';
import { ModelRepository } from '../../src/artifacts/repository.ts';
import { startBot, type RunningBot } from '../../src/bot/start.ts';
import { loadConfig } from '../../src/config.ts';
import { createLogger } from '../../src/logger.ts';
import { trainVersion, type TrainResult } from '../../src/train/pipeline.ts';
import { startFakeDiscord, type FakeDiscord } from './fake-discord/index.ts';
import { syntheticDataset, tempDir, writeDatasetFiles } from './dataset.ts';

/** A small generated MovieLens dataset trained into a models folder: a few seconds, not half a minute. */
export async function trainSmallModels(
  seed = 7,
): Promise<{ modelsDir: string; datasetDir: string; result: TrainResult }> {
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
  return { modelsDir, datasetDir, result };
}

export interface TestBot {
  fake: FakeDiscord;
  bot: RunningBot;
  dataDir: string;
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
}): Promise<TestBot> {
  const fake = options.fake ?? (await startFakeDiscord());
  const dataDir = options.dataDir ?? (await tempDir('flickpick-state-'));
  const config = loadConfig({
    DISCORD_TOKEN: fake.token,
    DISCORD_API_URL: fake.apiUrl,
    DISCORD_GUILD_ID: fake.guildId,
    MODELS_DIR: options.modelsDir,
    DATA_DIR: dataDir,
    LOG_LEVEL: 'silent',
    // Tests repeat the heavy commands as one member in quick succession; the cooldown has its own test.
    COMMAND_COOLDOWN_SECONDS: '0',
    ...options.env,
  });
  const logger = createLogger({ level: config.logLevel, pretty: false });
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
    stopBot,
    async close() {
      await stopBot();
      await fake.close();
    },
  };
}

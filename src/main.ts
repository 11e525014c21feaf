import 'dotenv/config';
import { ModelRepository } from './artifacts/repository.ts';
import { startBot, type RunningBot } from './bot/start.ts';
import { trainWithProgress } from './cli/commands/train.ts';
import { ConfigError, loadConfig, requireDiscordToken } from './config.ts';
import { DatasetError } from './data/errors.ts';
import { DownloadError } from './data/download.ts';
import { createLogger } from './logger.ts';

/**
 * `npm start`: from a fresh clone to a running bot. Checks the settings first (no token → stop at
 * once with instructions), fetches the dataset if missing, trains if no version exists, then
 * connects. SIGINT/SIGTERM stop it gracefully.
 */
async function main(): Promise<void> {
  const config = loadConfig();
  requireDiscordToken(config);
  const logger = createLogger({ level: config.logLevel });

  const repository = new ModelRepository(config.modelsDir);
  if (!(await repository.currentVersion())) {
    logger.info(
      'no trained model yet: fetching the dataset if needed and training one (about half a minute)',
    );
    const result = await trainWithProgress(config, repository, logger);
    if (!result.published)
      throw new Error(`the first training run failed verification: ${result.problems.join('; ')}`);
  }

  const bot: RunningBot = await startBot(config, logger);
  let stopping = false;
  const shutdown = (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down');
    bot
      .stop()
      .then(() => process.exit(0))
      .catch((error: unknown) => {
        logger.error({ err: error }, 'shutdown failed');
        process.exit(1);
      });
  };
  process.once('SIGINT', () => shutdown('SIGINT'));
  process.once('SIGTERM', () => shutdown('SIGTERM'));
}

main().catch((error: unknown) => {
  const known = [ConfigError, DatasetError, DownloadError].some((kind) => error instanceof kind);
  console.error(known ? (error as Error).message : error);
  process.exit(1);
});

import 'dotenv/config';
import { inspect } from 'node:util';
import { ModelRepository } from './artifacts/repository.ts';
import { installCrashHandlers, onShutdownSignal } from './bot/process-guards.ts';
import { fetchGatewayPlan, startShards, type GatewayPlan } from './bot/shard-manager.ts';
import { startBot } from './bot/start.ts';
import { trainWithProgress } from './cli/commands/train.ts';
import { ConfigError, loadConfig, requireDiscordToken, type Config } from './config.ts';
import { DatasetError } from './data/errors.ts';
import { DownloadError } from './data/download.ts';
import { scrubLogLine } from './log-safety.ts';
import { createLogger } from './logger.ts';

/**
 * `npm start`: from a fresh clone to a running bot. Checks the settings first (no token → stop at
 * once with instructions), fetches the dataset if missing, trains if no version exists, then
 * connects: in this process with one shard (the default), or through discord.js's ShardingManager
 * with one process per shard. SIGINT/SIGTERM stop it gracefully.
 */
async function main(): Promise<void> {
  const config = loadConfig();
  requireDiscordToken(config);
  const logger = createLogger({ level: config.logLevel });
  installCrashHandlers(logger);
  // From the start: a signal during training or connecting stops the process at once, one after
  // it drains first.
  let stop = async (): Promise<void> => {};
  onShutdownSignal(logger, () => stop());

  const repository = new ModelRepository(config.modelsDir);
  if (!(await repository.currentVersion())) {
    logger.info(
      'no trained model yet: fetching the dataset if needed and training one (about half a minute)',
    );
    const result = await trainWithProgress(config, repository, logger);
    if (!result.published)
      throw new Error(`the first training run failed verification: ${result.problems.join('; ')}`);
  }

  const plan = await shardPlan(config);
  if (plan.shards === 1) {
    const bot = await startBot(config, logger);
    stop = () => bot.stop();
  } else {
    const shards = await startShards(config, logger, plan);
    stop = () => shards.stop();
  }
}

async function shardPlan(config: Config): Promise<GatewayPlan> {
  const count = config.shardCount ?? 1;
  if (count === 1) return { shards: 1, maxConcurrency: 1 };
  const gateway = await fetchGatewayPlan(config);
  return { shards: count === 'auto' ? gateway.shards : count, maxConcurrency: gateway.maxConcurrency };
}

main().catch((error: unknown) => {
  const known = [ConfigError, DatasetError, DownloadError].some((kind) => error instanceof kind);
  // Printed outside the logger, so scrubbed here: a startup DiscordAPIError carries its request URL.
  console.error(known ? (error as Error).message : scrubLogLine(inspect(error)));
  process.exit(1);
});

/**
 * One shard's process, started by the ShardingManager (src/bot/shard-manager.ts), which sets
 * SHARDS and SHARD_COUNT; discord.js's client picks them up and reports ready to the manager. The
 * shard serves the guilds Discord routes to it, and shares everything else through the store.
 */
import 'dotenv/config';
import { inspect } from 'node:util';
import { ConfigError, loadConfig } from '../config.ts';
import { scrubLogLine } from '../log-safety.ts';
import { createLogger } from '../logger.ts';
import { installCrashHandlers, onShutdownSignal } from './process-guards.ts';
import { startBot } from './start.ts';

async function main(): Promise<void> {
  const config = loadConfig();
  const logger = createLogger({ level: config.logLevel }).child({ shard: Number(process.env.SHARDS) });
  installCrashHandlers(logger);
  let stop = async (): Promise<void> => {};
  onShutdownSignal(logger, () => stop(), { secondSignalForces: false });
  const bot = await startBot(config, logger, { registerCommands: false });
  stop = () => bot.stop();
  // The manager gone (killed, crashed): stop too rather than serve on unsupervised.
  process.once('disconnect', () => process.kill(process.pid, 'SIGTERM'));
}

main().catch((error: unknown) => {
  // Printed outside the logger, so scrubbed here: a DiscordAPIError carries its request URL.
  console.error(error instanceof ConfigError ? error.message : scrubLogLine(inspect(error)));
  process.exit(1);
});

/**
 * More than one gateway shard: discord.js's ShardingManager runs one process per shard
 * (src/bot/shard-main.ts); one that exits is respawned, with a backoff. What the shards agree on goes through
 * the shared Redis store: the retrain lease (one run for the whole bot), the nightly slot claim,
 * the last run record behind `/retrain status`, and the hash of the registered commands, which this
 * process syncs once before any shard starts. Each shard watches models/CURRENT and hot-swaps.
 */
import type { ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { REST, Routes, ShardingManager, type RESTGetAPIGatewayBotResult, type Shard } from 'discord.js';
import type { Logger } from 'pino';
import { execArgvFor, siblingModule } from '../child-module.ts';
import { ConfigError, requireDiscordToken, type Config } from '../config.ts';
import { createStore, resolveStoreTarget } from '../store/index.ts';
import { syncCommands } from './command-sync.ts';

/** Discord's identify window: max_concurrency shards may identify per 5 s (plus a margin). */
const IDENTIFY_WINDOW_MS = 5_500;
/** A shard loads its model version and connects; on a busy 2-core machine that can take a while. */
const SHARD_READY_TIMEOUT_MS = 60_000;
/**
 * A young generation of 4 MB semi-spaces instead of V8's 16 MB: serving allocates little, and a
 * shard's resident memory drops by ~15–20 MB for the same start-up CPU (bench: shards; `npm start`
 * runs the single process with the same flag).
 */
export const BOT_NODE_FLAGS = ['--max-semi-space-size=4'];
/** SIGTERM gives each shard 10 s to finish its interactions; then it is killed. */
const SHARD_STOP_TIMEOUT_MS = 15_000;

/** Exits of one shard within this window count towards its respawn backoff. */
const RESPAWN_WINDOW_MS = 10 * 60_000;

/** 1 s after an exit, doubling with each further exit within the window, at most a minute. */
export function respawnDelayMs(recentExits: number): number {
  return Math.min(60_000, 1_000 * 2 ** Math.max(0, recentExits - 1));
}

export interface GatewayPlan {
  shards: number;
  /** How many shards may identify at once (Discord's session_start_limit.max_concurrency). */
  maxConcurrency: number;
}

/** GET /gateway/bot on the configured API: Discord's recommended shard count and identify concurrency. */
export async function fetchGatewayPlan(config: Config): Promise<GatewayPlan> {
  const rest = new REST(config.discord.apiUrl ? { api: config.discord.apiUrl } : {}).setToken(
    requireDiscordToken(config),
  );
  const gateway = (await rest.get(Routes.gatewayBot())) as RESTGetAPIGatewayBotResult;
  return { shards: gateway.shards, maxConcurrency: gateway.session_start_limit.max_concurrency };
}

/** Several shard processes need one store they all reach; a SQLite file is not that. */
export function requireSharedStore(config: Config, shards: number): void {
  if (resolveStoreTarget(config.storeUrl, config.dataDir).kind === 'redis') return;
  throw new ConfigError(
    `SHARD_COUNT=${config.shardCount} means ${shards} shard processes, and they must share one store ` +
      `(the retrain lock, the nightly claim, /retrain status, the registered commands): set ` +
      `STORE_URL=redis://host:6379 (a SQLite file is local to one machine). Or set SHARD_COUNT=1.`,
  );
}

export interface RunningShards {
  manager: ShardingManager;
  /** Stops respawning, asks every shard to stop (SIGTERM: they drain), waits for them to exit. */
  stop(): Promise<void>;
}

export async function startShards(config: Config, logger: Logger, plan: GatewayPlan): Promise<RunningShards> {
  requireSharedStore(config, plan.shards);
  const store = createStore({
    url: config.storeUrl,
    namespace: 'flickpick',
    dataDir: config.dataDir,
    logger,
  });
  try {
    const sync = await syncCommands(config, store, logger);
    logger.info(sync, sync.registered ? 'slash commands registered' : 'slash commands already registered');
  } finally {
    await store.disconnect();
  }

  const file = siblingModule(import.meta.url, 'shard-main');
  // discord.js would respawn an exited shard at once, and a shard that crashes on start would then
  // loop, spending Discord's daily IDENTIFY allowance: we respawn it ourselves, with a backoff.
  const manager = new ShardingManager(file, {
    totalShards: plan.shards,
    token: requireDiscordToken(config),
    respawn: false,
    execArgv: [...execArgvFor(file), ...BOT_NODE_FLAGS],
  });
  let stopping = false;
  manager.on('shardCreate', (shard: Shard) => {
    const log = logger.child({ shard: shard.id });
    const exits: number[] = [];
    // mode 'process' (the default): shards are child processes, not worker threads.
    shard.on('spawn', (child) => log.info({ pid: (child as ChildProcess).pid }, 'shard process started'));
    shard.on('ready', () => log.info('shard ready'));
    // A respawned shard that does not get ready in time, for instance; without a listener this
    // 'error' event would end the manager.
    shard.on('error', (error) => log.error({ err: error }, 'shard error'));
    shard.on('death', (child) => {
      const { pid, exitCode, signalCode } = child as ChildProcess;
      if (stopping) return log.info({ pid, exitCode, signalCode }, 'shard process exited');
      const now = Date.now();
      exits.push(now);
      while (exits[0] < now - RESPAWN_WINDOW_MS) exits.shift();
      const delayMs = respawnDelayMs(exits.length);
      log.warn({ pid, exitCode, signalCode, delayMs }, 'shard process exited: respawning it');
      setTimeout(() => {
        if (!stopping)
          shard.spawn(SHARD_READY_TIMEOUT_MS).catch((error: unknown) => shard.emit('error', error));
      }, delayMs).unref();
    });
  });
  logger.info({ shards: plan.shards, maxConcurrency: plan.maxConcurrency, file }, 'starting shards');
  // Shards in one identify window start together; a new window every 5.5 s otherwise.
  await manager.spawn({
    amount: plan.shards,
    delay: plan.maxConcurrency >= plan.shards ? 0 : IDENTIFY_WINDOW_MS,
    timeout: SHARD_READY_TIMEOUT_MS,
  });
  logger.info({ shards: plan.shards }, 'all shards ready');

  return {
    manager,
    async stop() {
      stopping = true;
      await Promise.all(
        [...manager.shards.values()].map(async (shard) => {
          const child = shard.process;
          if (!child || child.exitCode !== null || child.signalCode !== null) return;
          const exited = once(child, 'exit');
          child.kill('SIGTERM');
          const timer = setTimeout(() => child.kill('SIGKILL'), SHARD_STOP_TIMEOUT_MS);
          await exited;
          clearTimeout(timer);
        }),
      );
    },
  };
}

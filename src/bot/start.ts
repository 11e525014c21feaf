import { ChannelType, Events, MessageFlags, type Client, type Interaction } from 'discord.js';
import type { Logger } from 'pino';
import { buttonHandlers, commands } from '../../commands/index.ts';
import { loadStartupArtifacts } from '../artifacts/servable.ts';
import { ModelRepository } from '../artifacts/repository.ts';
import { requireDiscordToken, type Config } from '../config.ts';
import { PosterService } from '../posters/index.ts';
import { RetrainService, type RetrainSummary } from '../retrain/service.ts';
import { createStore } from '../store/index.ts';
import { createClient, onInteraction } from './client.ts';
import { syncCommands } from './command-sync.ts';
import type { BotContext } from './context.ts';
import { startHealthServer, type HealthServer } from './health.ts';
import { DRAIN_TIMEOUT_MS, InFlight } from './in-flight.ts';
import { summaryText } from './retrain-messages.ts';
import { PollWatcher } from './movie-night-poll.ts';
import { markWatchedWhenEventsComplete } from './event-watched.ts';
import { createRouter } from './router.ts';
import { ServingModels } from '../serve/serving-models.ts';

/**
 * How often every process checks models/CURRENT (one stat()). Another shard's retrain or a CLI
 * rollback is served here within this plus the load time (target: every shard within 5 s).
 */
const CURRENT_POLL_MS = 1_000;

export interface RunningBot {
  client: Client;
  context: BotContext;
  /** The health endpoint, when HEALTH_PORT is set. */
  health?: HealthServer;
  /**
   * Graceful stop: new interactions declined, those in flight given up to `drainMs` (10 s) to
   * finish, no new retrain, a running one killed, gateway closed, store flushed.
   */
  stop(drainMs?: number): Promise<void>;
}

export interface StartOptions {
  /**
   * Register the slash commands if they changed (default). A shard leaves it to the sharding
   * manager, which does it once for the whole bot.
   */
  registerCommands?: boolean;
}

/**
 * Starts the bot from a published model version: loads it, opens the store and poster cache,
 * registers the commands if they changed, connects to the gateway, starts the retrain watcher and
 * schedule and, with HEALTH_PORT, the health endpoint.
 * `npm start` (src/main.ts) and the end-to-end tests both start the bot through here.
 */
export async function startBot(
  config: Config,
  logger: Logger,
  options: StartOptions = {},
): Promise<RunningBot> {
  const token = requireDiscordToken(config);
  const repository = new ModelRepository(config.modelsDir);
  const models = new ServingModels(await loadStartupArtifacts(repository, logger));
  const store = createStore({
    url: config.storeUrl,
    namespace: 'flickpick',
    dataDir: config.dataDir,
    busyTimeoutMs: config.storeBusyTimeoutMs,
    logger,
  });
  const posterCache = createStore({
    url: config.storeUrl,
    namespace: 'tmdb',
    dataDir: config.dataDir,
    logger,
  });
  const posters = new PosterService({
    cache: posterCache,
    apiKey: config.tmdb.apiKey,
    readToken: config.tmdb.readToken,
    baseUrl: config.tmdb.baseUrl,
    logger,
  });
  const client = createClient(config);
  const notify = async (summary: RetrainSummary) => {
    if (!config.retrain.channelId) return;
    const channel = await client.channels.fetch(config.retrain.channelId).catch(() => null);
    if (channel?.type !== ChannelType.GuildText) {
      logger.warn(
        { channelId: config.retrain.channelId },
        'RETRAIN_CHANNEL_ID is not a text channel the bot can see',
      );
      return;
    }
    await channel.send({
      content: summaryText(summary, models.current.artifacts),
      allowedMentions: { parse: [] },
    });
  };
  const retrain = new RetrainService({ config, logger, repository, models, store, notify });
  const context: BotContext = { config, logger, models, posters, store, retrain };
  const route = createRouter(commands, buttonHandlers, context);
  // Announces movie-night polls as they end, including those that ended while this process was down.
  const polls = new PollWatcher(client, context);
  polls.start();
  markWatchedWhenEventsComplete(client, context);
  const inFlight = new InFlight();
  onInteraction(client, (interaction) =>
    inFlight.isAccepting ? inFlight.track(route(interaction)) : declineWhileStopping(interaction),
  );
  client.once(Events.ClientReady, (ready) =>
    logger.info(
      { user: ready.user.tag, version: models.current.version, shards: client.shard?.ids },
      'connected to Discord',
    ),
  );

  if (options.registerCommands ?? true) {
    const sync = await syncCommands(config, store, logger);
    logger.info(sync, sync.registered ? 'slash commands registered' : 'slash commands already registered');
  }
  await client.login(token);
  retrain.startWatching(CURRENT_POLL_MS);
  retrain.scheduleNightly();
  const health = await startHealth(config, { client, models, store }, logger);

  return {
    client,
    context,
    health,
    async stop(drainMs = DRAIN_TIMEOUT_MS) {
      const unfinished = await inFlight.drain(drainMs);
      if (unfinished > 0) logger.warn({ unfinished, drainMs }, 'stopping with interactions still unanswered');
      polls.stop();
      await retrain.close();
      await health?.close();
      await client.destroy();
      await Promise.allSettled([store.disconnect(), posterCache.disconnect()]);
    },
  };
}

/** During a stop: say so rather than leave the member with "This interaction failed". */
async function declineWhileStopping(interaction: Interaction): Promise<void> {
  try {
    if (interaction.isAutocomplete()) await interaction.respond([]);
    else if (interaction.isRepliable())
      await interaction.reply({
        content: 'FlickPick is restarting; try again in a few seconds.',
        flags: MessageFlags.Ephemeral,
      });
  } catch {
    // The gateway is closing anyway; nothing more to do for this one.
  }
}

async function startHealth(
  config: Config,
  sources: Parameters<typeof startHealthServer>[0],
  logger: Logger,
): Promise<HealthServer | undefined> {
  const port = config.health?.port;
  if (port === undefined) return undefined;
  // One process per shard, each with its own port: shard n answers on HEALTH_PORT + n.
  const shard = sources.client.shard?.ids[0] ?? 0;
  const host = config.health?.host ?? '127.0.0.1';
  const server = await startHealthServer(sources, { port: port === 0 ? 0 : port + shard, host });
  logger.info({ host, port: server.port, shard }, 'health endpoint listening');
  return server;
}

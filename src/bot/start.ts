import { ChannelType, Events, type Client } from 'discord.js';
import type { Logger } from 'pino';
import { buttonHandlers, commands } from '../../commands/index.ts';
import { loadStartupArtifacts } from '../artifacts/servable.ts';
import { ModelRepository } from '../artifacts/repository.ts';
import { requireDiscordToken, type Config } from '../config.ts';
import { PosterService } from '../posters/index.ts';
import { RetrainService, type RetrainSummary } from '../retrain/service.ts';
import { createStore } from '../store/index.ts';
import { createClient, onInteraction } from './client.ts';
import type { BotContext } from './context.ts';
import { deployCommands } from './deploy-commands.ts';
import { summaryText } from './retrain-messages.ts';
import { createRouter } from './router.ts';
import { ServingModels } from '../serve/serving-models.ts';

export interface RunningBot {
  client: Client;
  context: BotContext;
  /** Graceful stop: no new retrain, running one killed, gateway closed, store flushed. */
  stop(): Promise<void>;
}

/**
 * Starts the bot from a published model version: loads it, opens the store and poster cache,
 * registers the commands, connects to the gateway and starts the retrain watcher and schedule.
 * `npm start` (src/main.ts) and the end-to-end tests both start the bot through here.
 */
export async function startBot(config: Config, logger: Logger): Promise<RunningBot> {
  const token = requireDiscordToken(config);
  const repository = new ModelRepository(config.modelsDir);
  const models = new ServingModels(await loadStartupArtifacts(repository, logger));
  const store = createStore({
    url: config.storeUrl,
    namespace: 'flickpick',
    dataDir: config.dataDir,
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
  onInteraction(client, createRouter(commands, buttonHandlers, context));
  client.once(Events.ClientReady, (ready) =>
    logger.info({ user: ready.user.tag, version: models.current.version }, 'connected to Discord'),
  );

  const deployed = await deployCommands(config);
  logger.info(deployed, 'slash commands registered');
  await client.login(token);
  retrain.startWatching();
  retrain.scheduleNightly();

  return {
    client,
    context,
    async stop() {
      await retrain.close();
      await client.destroy();
      await Promise.allSettled([store.disconnect(), posterCache.disconnect()]);
    },
  };
}

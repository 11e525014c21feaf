import { Client, Events, GatewayIntentBits, Options, type Interaction } from 'discord.js';
import type { Config } from '../config.ts';

/**
 * The discord.js client as production and the end-to-end tests both create it. Guilds, plus
 * GuildVoiceStates so /movienight can pick for whoever is in the caller's voice channel, and the
 * intents movie-night polls and events need; none is privileged. Mentions are never parsed, so no card can ping.
 * DISCORD_API_URL points REST at a proxy (or the local test server); the gateway URL then comes
 * from that API's GET /gateway/bot, as with Discord.
 */
export function createClient(config: Config): Client {
  return new Client({
    intents: [
      GatewayIntentBits.Guilds,
      GatewayIntentBits.GuildVoiceStates,
      // Movie-night polls: a poll's end comes as MESSAGE_UPDATE (GuildMessages), votes need GuildMessagePolls,
      // and a scheduled event completing comes as GUILD_SCHEDULED_EVENT_UPDATE. None is privileged.
      GatewayIntentBits.GuildMessages,
      GatewayIntentBits.GuildMessagePolls,
      GatewayIntentBits.GuildScheduledEvents,
    ],
    // The bot reads poll ends from raw MESSAGE_UPDATEs and fetches what it needs, so it keeps no
    // channel's messages in memory (GuildMessages would otherwise cache 200 per channel).
    makeCache: Options.cacheWithLimits({ ...Options.DefaultMakeCacheSettings, MessageManager: 0 }),
    allowedMentions: { parse: [] },
    rest: config.discord.apiUrl ? { api: config.discord.apiUrl } : {},
  });
}

export function onInteraction(client: Client, handler: (interaction: Interaction) => Promise<void>): void {
  client.on(Events.InteractionCreate, (interaction) => void handler(interaction));
}

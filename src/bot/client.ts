import { Client, Events, GatewayIntentBits, type Interaction } from 'discord.js';
import type { Config } from '../config.ts';

/**
 * The discord.js client as production and the end-to-end tests both create it. Guilds, plus
 * GuildVoiceStates so /movienight can pick for whoever is in the caller's voice channel; neither
 * is privileged. Mentions are never parsed, so no card can ping.
 * DISCORD_API_URL points REST at a proxy (or the local test server); the gateway URL then comes
 * from that API's GET /gateway/bot, as with Discord.
 */
export function createClient(config: Config): Client {
  return new Client({
    intents: [GatewayIntentBits.Guilds, GatewayIntentBits.GuildVoiceStates],
    allowedMentions: { parse: [] },
    rest: config.discord.apiUrl ? { api: config.discord.apiUrl } : {},
  });
}

export function onInteraction(client: Client, handler: (interaction: Interaction) => Promise<void>): void {
  client.on(Events.InteractionCreate, (interaction) => void handler(interaction));
}

/** Slash command registration over REST (PUT of the whole set), for the bot and `npm run deploy-commands`. */
import { REST, Routes, type APIApplication, type RESTPostAPIApplicationCommandsJSONBody } from 'discord.js';
import { commands } from '../../commands/index.ts';
import { requireDiscordToken, type Config } from '../config.ts';

export interface Deployed {
  scope: 'guild' | 'global';
  count: number;
}

/** A REST client for the configured API (Discord, or DISCORD_API_URL). */
export function discordRest(config: Config): REST {
  const token = requireDiscordToken(config);
  return new REST(config.discord.apiUrl ? { api: config.discord.apiUrl } : {}).setToken(token);
}

/** The application id: DISCORD_CLIENT_ID when set, else asked from the API with the bot token. */
export async function resolveClientId(rest: REST, config: Config): Promise<string> {
  if (config.discord.clientId) return config.discord.clientId;
  const application = (await rest.get(Routes.currentApplication())) as APIApplication;
  return application.id;
}

/** Every command's definition as registered. */
export function commandBodies(): RESTPostAPIApplicationCommandsJSONBody[] {
  return commands.map((command) => command.data.toJSON());
}

/**
 * Registers every command: in DISCORD_GUILD_ID when set (instant, for development), globally
 * otherwise. PUT replaces the whole set, so running it twice changes nothing. The bot itself only
 * does this when the set changed (src/bot/command-sync.ts).
 */
export async function deployCommands(config: Config): Promise<Deployed> {
  const rest = discordRest(config);
  const clientId = await resolveClientId(rest, config);
  const body = commandBodies();
  const { guildId } = config.discord;
  const route = guildId
    ? Routes.applicationGuildCommands(clientId, guildId)
    : Routes.applicationCommands(clientId);
  await rest.put(route, { body });
  return { scope: guildId ? 'guild' : 'global', count: body.length };
}

import 'dotenv/config';
import { REST, Routes, type APIApplication } from 'discord.js';
import { commands } from '../../commands/index.ts';
import { ConfigError, loadConfig, requireDiscordToken, type Config } from '../config.ts';

/** The application id: DISCORD_CLIENT_ID when set, else asked from the API with the bot token. */
export async function resolveClientId(rest: REST, config: Config): Promise<string> {
  if (config.discord.clientId) return config.discord.clientId;
  const application = (await rest.get(Routes.currentApplication())) as APIApplication;
  return application.id;
}

/**
 * Registers every command: in DISCORD_GUILD_ID when set (instant, for development), globally
 * otherwise. PUT replaces the whole set, so running it twice changes nothing.
 */
export async function deployCommands(config: Config): Promise<{ scope: 'guild' | 'global'; count: number }> {
  const token = requireDiscordToken(config);
  const rest = new REST(config.discord.apiUrl ? { api: config.discord.apiUrl } : {}).setToken(token);
  const clientId = await resolveClientId(rest, config);
  const body = commands.map((command) => command.data.toJSON());
  const { guildId } = config.discord;
  const route = guildId
    ? Routes.applicationGuildCommands(clientId, guildId)
    : Routes.applicationCommands(clientId);
  await rest.put(route, { body });
  return { scope: guildId ? 'guild' : 'global', count: body.length };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  deployCommands(loadConfig())
    .then(({ scope, count }) =>
      console.log(
        scope === 'guild'
          ? `Registered ${count} commands in guild ${process.env.DISCORD_GUILD_ID}.`
          : `Registered ${count} global commands (they can take up to an hour to appear).`,
      ),
    )
    .catch((error: unknown) => {
      console.error(error instanceof ConfigError ? error.message : error);
      process.exitCode = 1;
    });
}

/**
 * /settings: a server's own settings, one subcommand per setting. Each setting is a part in its own
 * module (src/bot/settings-*.ts) with its own permission rule; add one by adding it to SETTINGS.
 */
import { SlashCommandBuilder } from 'discord.js';
import type { Command } from '../src/bot/command.ts';
import { addSubcommands, partsHandler, type SubcommandPart } from '../src/bot/command-parts.ts';
import { SERVER_ONLY } from '../src/bot/install-contexts.ts';
import { guildOnly } from '../src/bot/preconditions.ts';
import { movieNightSetting } from '../src/bot/settings-movienight.ts';
import { regionSetting } from '../src/bot/settings-region.ts';
import { timezoneSetting } from '../src/bot/settings-timezone.ts';

const SETTINGS: readonly SubcommandPart[] = [timezoneSetting, movieNightSetting, regionSetting];

export const data = new SlashCommandBuilder()
  .setName('settings')
  .setDescription('This server’s FlickPick settings.')
  .setIntegrationTypes(...SERVER_ONLY.integrationTypes)
  .setContexts(...SERVER_ONLY.contexts);
addSubcommands(data, SETTINGS);

export const preconditions = [guildOnly];

export const { execute, autocomplete } = partsHandler(SETTINGS, false);

export default { data, execute, autocomplete, preconditions } satisfies Command;

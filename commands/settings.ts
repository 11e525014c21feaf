/**
 * /settings: a member's and a server's settings, one subcommand per setting. Each setting is a part in its
 * own module (src/bot/settings-*.ts) with its own rules (the server's settings need a server that added
 * FlickPick; `region` is also a member's own, so /settings is offered in DMs too); add one by adding it to
 * SETTINGS.
 */
import { SlashCommandBuilder } from 'discord.js';
import type { Command } from '../src/bot/command.ts';
import { addSubcommands, partsHandler, type SubcommandPart } from '../src/bot/command-parts.ts';
import { PERSONAL } from '../src/bot/install-contexts.ts';
import { movieNightSetting } from '../src/bot/settings-movienight.ts';
import { regionSetting } from '../src/bot/settings-region.ts';
import { timezoneSetting } from '../src/bot/settings-timezone.ts';

const SETTINGS: readonly SubcommandPart[] = [timezoneSetting, movieNightSetting, regionSetting];

export const data = new SlashCommandBuilder()
  .setName('settings')
  .setDescription('FlickPick settings: your region, and this server’s settings.')
  .setIntegrationTypes(...PERSONAL.integrationTypes)
  .setContexts(...PERSONAL.contexts);
addSubcommands(data, SETTINGS);

export const { execute, autocomplete } = partsHandler(SETTINGS, false);

export default { data, execute, autocomplete } satisfies Command;

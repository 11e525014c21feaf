/**
 * /watchlist: lists of movies to watch. Each list is a subcommand group from its own module
 * (`server`: the server's shared list, src/bot/watchlist-server.ts; `mine`: a member's own, private,
 * src/bot/watchlist-mine.ts); add one by adding it to LISTS.
 */
import { SlashCommandBuilder } from 'discord.js';
import type { Command } from '../src/bot/command.ts';
import { addSubcommandGroups, partsHandler, type SubcommandGroupPart } from '../src/bot/command-parts.ts';
import { PERSONAL } from '../src/bot/install-contexts.ts';
import { myWatchlist } from '../src/bot/watchlist-mine.ts';
import { serverWatchlist } from '../src/bot/watchlist-server.ts';

const LISTS: readonly SubcommandGroupPart[] = [serverWatchlist, myWatchlist];

export const data = new SlashCommandBuilder()
  .setName('watchlist')
  .setDescription('Movies to watch: this server’s list, or your own.')
  // Everywhere, for a member's own list (DMs too); the server's list refuses outside a server that added
  // FlickPick (its part's preconditions).
  .setIntegrationTypes(...PERSONAL.integrationTypes)
  .setContexts(...PERSONAL.contexts);
addSubcommandGroups(data, LISTS);

export const { execute, autocomplete } = partsHandler(LISTS, true);

export default { data, execute, autocomplete } satisfies Command;

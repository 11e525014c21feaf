/** /about: what FlickPick is built on, with the credits its data sources' terms ask for. */
import { MessageFlags, SlashCommandBuilder, type ChatInputCommandInteraction } from 'discord.js';
import type { Command } from '../src/bot/command.ts';
import { JUSTWATCH_CREDIT } from '../src/bot/card-watch.ts';
import type { BotContext } from '../src/bot/context.ts';
import { PERSONAL } from '../src/bot/install-contexts.ts';
import { TMDB_ATTRIBUTION } from '../src/posters/index.ts';

export const data = new SlashCommandBuilder()
  .setName('about')
  .setDescription('What FlickPick is built on, and the credits for its movie data.')
  .setIntegrationTypes(...PERSONAL.integrationTypes)
  .setContexts(...PERSONAL.contexts);

export async function execute(interaction: ChatInputCommandInteraction, context: BotContext): Promise<void> {
  const lines = [
    '**FlickPick** recommends movies from the MovieLens dataset (F. Maxwell Harper and Joseph A. Konstan, ' +
      '2015, “The MovieLens Datasets: History and Context”, ACM TiiS 5(4)), with an item kNN model and a deep ' +
      'neural matrix factorisation trained on it and on members’ ratings (pseudonymous). Your data: PRIVACY.md, ' +
      '/forget-me.',
    `Posters, trailers and where-to-watch come from TMDB (themoviedb.org). ${TMDB_ATTRIBUTION}`,
    `${JUSTWATCH_CREDIT} (justwatch.com).`,
  ];
  if (!context.posters.enabled)
    lines.push('TMDB is not configured on this bot, so cards show no posters or services.');
  await interaction.reply({ content: lines.join('\n\n'), flags: MessageFlags.Ephemeral });
}

export default { data, execute } satisfies Command;

import {
  escapeMarkdown,
  MessageFlags,
  SlashCommandBuilder,
  type AutocompleteInteraction,
  type ChatInputCommandInteraction,
} from 'discord.js';
import type { Command } from '../src/bot/command.ts';
import { UserFacingError } from '../src/bot/command.ts';
import type { BotContext } from '../src/bot/context.ts';
import { PERSONAL } from '../src/bot/install-contexts.ts';
import { memberRatings, nextStepAfterRating } from '../src/bot/members.ts';
import { asChosen, resolveMovieOption } from '../src/bot/movie-option.ts';
import { STAR_STEPS, starsText } from '../src/bot/rating-components.ts';
import { displayTitle } from '../src/serve/titles.ts';
import { isValidStars } from '../src/store/member-ratings.ts';

export const data = new SlashCommandBuilder()
  .setName('rate')
  .setDescription(
    'Rate any movie from ½ to 5 stars; FlickPick learns your taste and never recommends it again.',
  )
  .setIntegrationTypes(...PERSONAL.integrationTypes)
  .setContexts(...PERSONAL.contexts)
  .addStringOption((option) =>
    option
      .setName('movie')
      .setDescription('The movie (start typing to search every movie FlickPick knows)')
      .setRequired(true)
      .setAutocomplete(true)
      .setMaxLength(100),
  )
  .addNumberOption((option) =>
    option
      .setName('stars')
      .setDescription('½ to 5 stars, in half steps')
      .setRequired(true)
      .addChoices(STAR_STEPS.map((stars) => ({ name: starsText(stars), value: stars }))),
  );

export async function autocomplete(interaction: AutocompleteInteraction, context: BotContext): Promise<void> {
  await interaction.respond(
    context.models.current.movieSearch.suggest(interaction.options.getFocused()).map(asChosen),
  );
}

export async function execute(interaction: ChatInputCommandInteraction, context: BotContext): Promise<void> {
  const snapshot = context.models.current;
  const typed = interaction.options.getString('movie', true);
  const stars = interaction.options.getNumber('stars', true);
  if (!isValidStars(stars)) {
    throw new UserFacingError(`**stars**: ${stars} is not a rating. Choose ½ to 5 stars, in half steps.`);
  }
  const movieId = resolveMovieOption(snapshot, 'movie', typed);
  const movie = snapshot.artifacts.movies.get(movieId)!;
  // Deferred before the write: a busy store must not make the member miss Discord's 3 s. The confirmation
  // replaces "thinking…" only once the store committed the rating.
  await interaction.deferReply({ flags: MessageFlags.Ephemeral });
  await memberRatings(context).rate(interaction.user.id, movieId, stars);
  const next = await nextStepAfterRating(context, interaction.user.id);
  await interaction.editReply({
    content: `Saved: **${escapeMarkdown(displayTitle(movie.title))}** ${starsText(stars)}. It won't be recommended to you again. ${next}`,
    allowedMentions: { parse: [] },
  });
}

export default { data, execute, autocomplete } satisfies Command;

import { MessageFlags, SlashCommandBuilder, type ChatInputCommandInteraction } from 'discord.js';
import { sendAnswer } from '../src/bot/answer.ts';
import type { Command } from '../src/bot/command.ts';
import { UserFacingError } from '../src/bot/command.ts';
import type { BotContext } from '../src/bot/context.ts';
import { heavyCommandCooldown } from '../src/bot/cooldown.ts';
import { PERSONAL } from '../src/bot/install-contexts.ts';
import { memberProfile, memberRatings, ratingsStillNeeded, usableRatingCount } from '../src/bot/members.ts';
import { MIN_PERSONAL_RATINGS } from '../src/serve/engine.ts';

export const data = new SlashCommandBuilder()
  .setName('foryou')
  .setDescription('Five popular picks and five hidden gems from your own ratings.')
  .setIntegrationTypes(...PERSONAL.integrationTypes)
  .setContexts(...PERSONAL.contexts)
  .addBooleanOption((option) =>
    option
      .setName('public')
      .setDescription('Show the picks to the channel (default: only you); they never name your rated movies'),
  );

export const preconditions = [heavyCommandCooldown];

export async function execute(interaction: ChatInputCommandInteraction, context: BotContext): Promise<void> {
  const snapshot = context.models.current;
  const members = memberRatings(context);
  const { ratings, excluded: exclude } = await memberProfile(members, interaction.user.id);
  const usable = usableRatingCount(snapshot, ratings);
  const missing = ratingsStillNeeded(usable);
  if (missing > 0) {
    // Checked before deferring, so the answer is private even when the member asked for a public one.
    const have =
      usable === ratings.length
        ? `you have ${ratings.length}`
        : `${usable} of your ${ratings.length} are of movies the current model knows`;
    throw new UserFacingError(
      `Personal picks need at least ${MIN_PERSONAL_RATINGS} ratings; ${have}. Rate ${missing} more ` +
        `movie${missing === 1 ? '' : 's'} with /rate, or from the menu under a /recommend answer.`,
    );
  }
  // Private unless the member chose to show it; a public answer's reasons name none of their movies.
  const isPublic = interaction.options.getBoolean('public') ?? false;
  await interaction.deferReply(isPublic ? {} : { flags: MessageFlags.Ephemeral });
  const result = snapshot.engine.forYou(ratings, { exclude });
  await sendAnswer(
    interaction,
    context,
    snapshot,
    result,
    `Picked for <@${interaction.user.id}> from ${ratings.length === 1 ? 'one rating' : `${ratings.length} ratings`}:`,
  );
  context.logger.info(
    {
      ratings: ratings.length,
      excluded: exclude.size,
      popular: result.popularPicks.map((r) => r.movieId),
      gems: result.hiddenGems.map((r) => r.movieId),
    },
    'picked for a member',
  );
}

export default { data, execute, preconditions } satisfies Command;

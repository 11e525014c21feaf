import {
  escapeMarkdown,
  MessageFlags,
  SlashCommandBuilder,
  type ButtonInteraction,
  type ChatInputCommandInteraction,
} from 'discord.js';
import type { ButtonHandler, Command, SelectHandler } from '../src/bot/command.ts';
import type { BotContext } from '../src/bot/context.ts';
import { PERSONAL } from '../src/bot/install-contexts.ts';
import { memberRatings } from '../src/bot/members.ts';
import { movieNightConsents } from '../src/bot/movie-night-consent.ts';
import { onlyWhoAsked } from '../src/bot/preconditions.ts';
import {
  parseRatingsPageId,
  parseRatingsRemoveId,
  renderRatingsPage,
  type RatingsPageState,
} from '../src/bot/ratings-page.ts';
import { displayTitle } from '../src/serve/titles.ts';

export const data = new SlashCommandBuilder()
  .setName('ratings')
  .setDescription('Your ratings and marks, newest first; remove any of them.')
  .setIntegrationTypes(...PERSONAL.integrationTypes)
  .setContexts(...PERSONAL.contexts);

export async function execute(interaction: ChatInputCommandInteraction, context: BotContext): Promise<void> {
  const entries = await memberRatings(context).list(interaction.user.id);
  const page = renderRatingsPage(
    entries,
    context.models.current.artifacts,
    { ownerId: interaction.user.id, page: 0 },
    await standingNote(context, interaction.user.id),
  );
  await interaction.reply({ ...page, flags: MessageFlags.Ephemeral, allowedMentions: { parse: [] } });
}

/** The member's standing movie-night consents, shown with their data (PRIVACY.md); undefined when none. */
async function standingNote(context: BotContext, userId: string): Promise<string | undefined> {
  const servers = (await movieNightConsents(context).standing(userId)).length;
  if (servers === 0) return undefined;
  return (
    `Movie nights count you in without asking on ${servers === 1 ? '1 server' : `${servers} servers`} ` +
    '(`/settings movienight` there shows and changes it).'
  );
}

/** The list is private, but a forwarded or stale id must still not act for someone else. */
const ownerOnly = onlyWhoAsked<RatingsPageState>(
  'This list belongs to someone else. Run /ratings to see yours.',
);

export const ratingsPageButtons: ButtonHandler<RatingsPageState> = {
  parse: parseRatingsPageId,
  preconditions: [ownerOnly],
  async run(interaction: ButtonInteraction, state, context) {
    const entries = await memberRatings(context).list(state.ownerId);
    await interaction.update({
      ...renderRatingsPage(entries, context.models.current.artifacts, state),
      allowedMentions: { parse: [] },
    });
  },
};

export const ratingsRemoveSelect: SelectHandler<RatingsPageState> = {
  component: 'select',
  parse: parseRatingsRemoveId,
  preconditions: [ownerOnly],
  async run(interaction, state, context) {
    const movieId = Number(interaction.values[0]);
    const members = memberRatings(context);
    const { artifacts } = context.models.current;
    // Acknowledged before the write (a busy store must not cost the 3 s); the list is edited once it committed.
    await interaction.deferUpdate();
    await members.remove(state.ownerId, movieId);
    const title = artifacts.movies.get(movieId)?.title;
    const notice = `Removed **${title ? escapeMarkdown(displayTitle(title)) : `movie #${movieId}`}**: it can be recommended to you again.`;
    await interaction.editReply({
      ...renderRatingsPage(await members.list(state.ownerId), artifacts, state, notice),
      allowedMentions: { parse: [] },
    });
  },
};

export default { data, execute } satisfies Command;

import {
  MessageFlags,
  SlashCommandBuilder,
  type AutocompleteInteraction,
  type ButtonInteraction,
  type ChatInputCommandInteraction,
} from 'discord.js';
import type { ButtonHandler, Command } from '../src/bot/command.ts';
import { UserFacingError } from '../src/bot/command.ts';
import type { BotContext } from '../src/bot/context.ts';
import { onlyWhoAsked } from '../src/bot/preconditions.ts';
import { parsePageState, renderPage, type PageState } from '../src/bot/popular-pages.ts';

export const data = new SlashCommandBuilder()
  .setName('popular')
  .setDescription('Browse the top-100 catalog by weighted rating, 10 per page.')
  .addStringOption((option) =>
    option.setName('genre').setDescription('Only this genre').setAutocomplete(true).setMaxLength(30),
  );

export async function autocomplete(interaction: AutocompleteInteraction, context: BotContext): Promise<void> {
  await interaction.respond(context.models.current.search.suggestGenres(interaction.options.getFocused()));
}

export async function execute(interaction: ChatInputCommandInteraction, context: BotContext): Promise<void> {
  const snapshot = context.models.current;
  const typed = interaction.options.getString('genre');
  let genre: string | null = null;
  if (typed) {
    const wanted = typed.trim().toLowerCase();
    genre = snapshot.search.genres.find((g) => g.toLowerCase() === wanted) ?? null;
    if (!genre) {
      throw new UserFacingError(
        `**genre**: “${typed}” is not a genre in the catalog. Choose one of: ${snapshot.search.genres.join(', ')}.`,
      );
    }
  }
  const state: PageState = { ownerId: interaction.user.id, version: snapshot.version, genre, page: 0 };
  await interaction.reply({ ...renderPage(snapshot, state), allowedMentions: { parse: [] } });
}

/** Previous / Next: re-renders the page in place; state lives in the custom id, so restarts don't matter. */
export const pageButtons: ButtonHandler<PageState> = {
  parse: parsePageState,
  preconditions: [
    onlyWhoAsked('These buttons belong to whoever ran this /popular. Run /popular to browse yourself.'),
  ],
  async run(interaction: ButtonInteraction, state: PageState, context: BotContext): Promise<void> {
    const snapshot = context.models.current;
    if (state.version !== snapshot.version) {
      // The catalog was retrained since this list was shown: stop paging rather than mix two rankings.
      await interaction.update({ components: [] });
      await interaction.followUp({
        content: 'This list is out of date: the catalog has been retrained since. Run /popular again.',
        flags: MessageFlags.Ephemeral,
      });
      return;
    }
    await interaction.update({ ...renderPage(snapshot, state), allowedMentions: { parse: [] } });
  },
};

export default { data, execute, autocomplete } satisfies Command;

/**
 * A member's own watchlist: `/watchlist mine show|remove`, the "Save one for later…" menu under every answer,
 * and the "on your watchlist" line on cards. Saved movies stay recommendable (the card says so instead of the
 * movie being hidden); rating or marking a movie takes it off the list. Everything about it is private: the
 * list is shown only to its owner, and cards are marked only in answers only the owner sees.
 */
import {
  MessageFlags,
  escapeMarkdown,
  type APIEmbed,
  type AutocompleteInteraction,
  type ChatInputCommandInteraction,
  type StringSelectMenuInteraction,
} from 'discord.js';
import type { Recommendation } from '../serve/recommendation.ts';
import type { ServingSnapshot } from '../serve/serving-models.ts';
import { displayTitle } from '../serve/titles.ts';
import type { SelectHandler } from './command.ts';
import { UserFacingError } from './command.ts';
import type { SubcommandGroupPart } from './command-parts.ts';
import type { BotContext } from './context.ts';
import { memberRatings } from './members.ts';
import { resolveMovieOption } from './movie-option.ts';
import { movieSelectRow } from './movie-select-row.ts';
import type { ActionRow } from './rating-components.ts';

/** Shown at most, newest first: one message's worth. */
const SHOW_LIMIT = 40;
const MAX_LINE_TITLE = 120;
export const ON_WATCHLIST = '📌 On your watchlist';

const titleOf = (snapshot: ServingSnapshot, movieId: number) => {
  const title = displayTitle(snapshot.artifacts.movies.get(movieId)?.title ?? `movie ${movieId}`);
  return title.length <= MAX_LINE_TITLE ? title : `${title.slice(0, MAX_LINE_TITLE - 1)}…`;
};

export const myWatchlist: SubcommandGroupPart = {
  name: 'mine',
  build: (group) =>
    group
      .setDescription('Your own watchlist (only you see it).')
      .addSubcommand((sub) => sub.setName('show').setDescription('Show your watchlist (only to you).'))
      .addSubcommand((sub) =>
        sub
          .setName('remove')
          .setDescription('Take a movie off your watchlist.')
          .addStringOption((option) =>
            option
              .setName('movie')
              .setDescription('A movie on your watchlist')
              .setRequired(true)
              .setAutocomplete(true)
              .setMaxLength(100),
          ),
      ),
  async autocomplete(interaction: AutocompleteInteraction, context: BotContext): Promise<void> {
    const snapshot = context.models.current;
    const needle = String(interaction.options.getFocused()).trim().toLowerCase();
    const saved = await memberRatings(context).watchlist(interaction.user.id);
    await interaction.respond(
      saved
        .map(({ movieId }) => ({ name: titleOf(snapshot, movieId).slice(0, 100), value: `#${movieId}` }))
        .filter((choice) => choice.name.toLowerCase().includes(needle))
        .slice(0, 25),
    );
  },
  async execute(interaction: ChatInputCommandInteraction, context: BotContext): Promise<void> {
    const snapshot = context.models.current;
    const members = memberRatings(context);
    if (interaction.options.getSubcommand(true) === 'show') {
      await interaction.deferReply({ flags: MessageFlags.Ephemeral });
      const saved = await members.watchlist(interaction.user.id);
      const lines = saved
        .slice(0, SHOW_LIMIT)
        .map(
          ({ movieId, source }, i) =>
            `\`${String(i + 1).padStart(2)}.\` ${escapeMarkdown(titleOf(snapshot, movieId))}${source ? ` · from ${source === 'imdb' ? 'IMDb' : 'Letterboxd'}` : ''}`,
        );
      const embed: APIEmbed = {
        title: 'Your watchlist',
        description:
          lines.join('\n') ||
          'Your watchlist is empty. Use “Save one for later…” under an answer, or /import your Letterboxd watchlist.csv.',
        footer: {
          text: `${saved.length} movie${saved.length === 1 ? '' : 's'}${saved.length > SHOW_LIMIT ? `, newest ${SHOW_LIMIT} shown` : ''} · only you see this`,
        },
      };
      await interaction.editReply({ embeds: [embed], allowedMentions: { parse: [] } });
      return;
    }
    const movieId = resolveMovieOption(snapshot, 'movie', interaction.options.getString('movie', true));
    await interaction.deferReply({ flags: MessageFlags.Ephemeral });
    const title = `**${escapeMarkdown(titleOf(snapshot, movieId))}**`;
    const removed = await members.removeFromWatchlist(interaction.user.id, movieId);
    await interaction.editReply({
      content: removed
        ? `Took ${title} off your watchlist.`
        : `${title} was not on your watchlist; nothing changed.`,
      allowedMentions: { parse: [] },
    });
  },
};

const SELECT_ID = /^later:pick:(.{1,80})$/;

/** The "Save one for later…" row under an answer (the version in the id, like the rating menus). */
export function saveForLaterRow(
  movies: readonly { recommendation: Recommendation; label: string }[],
  version: string,
): ActionRow[] {
  return movieSelectRow(movies, `later:pick:${version}`, 'Save one for later (your watchlist)…', '📌');
}

/** The menu's pick: saved privately for whoever picked (anyone who sees a public answer may save from it). */
export const saveForLaterSelect: SelectHandler<{ version: string }> = {
  component: 'select',
  parse(customId) {
    const m = SELECT_ID.exec(customId);
    return m ? { version: m[1] } : null;
  },
  async run(interaction: StringSelectMenuInteraction, _state, context) {
    const movieId = Number(interaction.values[0]);
    const snapshot = context.models.current;
    if (!snapshot.artifacts.movies.has(movieId)) {
      throw new UserFacingError('That movie is not in the current model any more. Run the command again.');
    }
    await interaction.deferReply({ flags: MessageFlags.Ephemeral });
    const saved = await memberRatings(context).saveForLater(interaction.user.id, movieId);
    const title = `**${escapeMarkdown(titleOf(snapshot, movieId))}**`;
    await interaction.editReply({
      content: saved
        ? `Saved ${title} to your watchlist; cards show it as “on your watchlist” (only to you). /watchlist mine show lists it.`
        : `You already rated or marked ${title}, so it stays as you said (not added to your watchlist).`,
      allowedMentions: { parse: [] },
    });
  },
};

/**
 * Marks the cards of saved movies in an answer only its owner sees (ephemeral); `embeds` are in `movies`'
 * order. Public answers are never marked: they would show the member's list to the channel.
 */
export function markSavedCards(
  embeds: APIEmbed[],
  movieIds: readonly number[],
  saved: ReadonlySet<number>,
): void {
  movieIds.forEach((movieId, i) => {
    const embed = embeds[i];
    if (!embed || !saved.has(movieId)) return;
    embed.author = {
      ...embed.author,
      name: `${embed.author?.name ?? ''} · ${ON_WATCHLIST}`.replace(/^ · /, ''),
    };
  });
}

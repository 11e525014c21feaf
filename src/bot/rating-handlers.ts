/**
 * What the rating controls do when clicked (see rating-components.ts). Every answer is private to the member
 * who clicked and is sent only after the store committed the write, so "Saved" means saved. A click that
 * writes is acknowledged first (deferred), so a busy store never makes the member miss Discord's 3 s.
 */
import {
  escapeMarkdown,
  MessageFlags,
  type ButtonInteraction,
  type MessageComponentInteraction,
  type StringSelectMenuInteraction,
} from 'discord.js';
import type { MovieInfo } from '../artifacts/types.ts';
import type { ServingSnapshot } from '../serve/serving-models.ts';
import { displayTitle } from '../serve/titles.ts';
import { isValidStars, type Mark } from '../store/member-ratings.ts';
import type { ButtonHandler, SelectHandler } from './command.ts';
import { UserFacingError } from './command.ts';
import type { BotContext } from './context.ts';
import { memberRatings, nextStepAfterRating } from './members.ts';
import {
  MARK_TEXT,
  parseMarkButtonId,
  parseMarkSelectId,
  parseMarkValue,
  parsePickId,
  parseStarsId,
  ratingPanelRows,
  starsText,
  type AnswerSelectState,
  type MarkButtonState,
  type MovieState,
} from './rating-components.ts';

const NO_MENTIONS = { parse: [] };

/** The movie, or the specific answer for a click on an old answer whose movie the current model no longer has. */
function movieOrRefusal(
  interaction: MessageComponentInteraction,
  snapshot: ServingSnapshot,
  movieId: number,
  version: string,
): MovieInfo {
  const movie = snapshot.artifacts.movies.get(movieId);
  if (movie) return movie;
  const shownAs = optionLabel(interaction, movieId);
  throw new UserFacingError(
    `${shownAs ? `“${escapeMarkdown(shownAs)}”` : `Movie #${movieId}`} is not in the current model any more ` +
      `(this answer came from version \`${version}\`, the bot now serves \`${snapshot.version}\`), ` +
      'so it cannot be rated or marked from here. Run /recommend or /foryou for a fresh answer.',
  );
}

/** The title a select on the clicked message showed for the movie, when there is one. */
function optionLabel(interaction: MessageComponentInteraction, movieId: number): string | undefined {
  for (const row of interaction.message.components) {
    if (!('components' in row)) continue;
    for (const component of row.components) {
      const options = 'options' in component ? component.options : undefined;
      const option = options?.find((o) => o.value === String(movieId) || o.value.startsWith(`${movieId}:`));
      if (option) return option.label;
    }
  }
  return undefined;
}

function title(movie: MovieInfo): string {
  return `**${escapeMarkdown(displayTitle(movie.title))}**`;
}

/** "Rate one of these…" on an answer: opens the private star panel for the chosen movie. */
export const pickSelect: SelectHandler<AnswerSelectState> = {
  component: 'select',
  parse: parsePickId,
  async run(interaction: StringSelectMenuInteraction, state, context) {
    const movieId = Number(interaction.values[0]);
    const snapshot = context.models.current;
    const movie = movieOrRefusal(interaction, snapshot, movieId, state.version);
    const current = (await memberRatings(context).list(interaction.user.id)).find(
      (e) => e.movieId === movieId,
    );
    const already =
      current?.kind === 'rating'
        ? ` You rated it ${starsText(current.stars)}.`
        : current
          ? ` You marked it ${MARK_TEXT[current.kind]}.`
          : '';
    await interaction.reply({
      content: `How many stars for ${title(movie)}?${already}`,
      components: ratingPanelRows(
        movieId,
        state.version,
        current?.kind === 'rating' ? current.stars : undefined,
      ),
      flags: MessageFlags.Ephemeral,
      allowedMentions: NO_MENTIONS,
    });
  },
};

/** "Mark one as seen or not interested…" on an answer: one pick marks it. */
export const markSelect: SelectHandler<AnswerSelectState> = {
  component: 'select',
  parse: parseMarkSelectId,
  async run(interaction, state, context) {
    const choice = parseMarkValue(interaction.values[0] ?? '');
    if (!choice) throw new UserFacingError('That choice is not one this menu offers. Run the command again.');
    const movie = movieOrRefusal(interaction, context.models.current, choice.movieId, state.version);
    // The menu is on a public answer: the confirmation is a new private reply, not an edit of the answer.
    await interaction.deferReply({ flags: MessageFlags.Ephemeral });
    const content = await saveMark(interaction, context, movie, choice.movieId, choice.mark);
    await interaction.editReply({ content, allowedMentions: NO_MENTIONS });
  },
};

/** The star select of the private panel: saves the rating, then turns the panel into the confirmation. */
export const starsSelect: SelectHandler<MovieState> = {
  component: 'select',
  parse: parseStarsId,
  async run(interaction, state, context) {
    const stars = Number(interaction.values[0]);
    if (!isValidStars(stars)) {
      throw new UserFacingError(
        `Stars go from ½ to 5 in half steps; “${interaction.values[0]}” is not one of them.`,
      );
    }
    const movie = movieOrRefusal(interaction, context.models.current, state.movieId, state.version);
    await interaction.deferUpdate();
    await memberRatings(context).rate(interaction.user.id, state.movieId, stars);
    await interaction.editReply({
      content: `Saved: ${title(movie)} ${starsText(stars)}. It won't be recommended to you again. ${await nextStepAfterRating(context, interaction.user.id)}`,
      components: [],
      allowedMentions: NO_MENTIONS,
    });
  },
};

/** The "Seen it" / "Not interested" buttons of the private panel. */
export const markButton: ButtonHandler<MarkButtonState> = {
  parse: parseMarkButtonId,
  async run(interaction: ButtonInteraction, state, context) {
    const movie = movieOrRefusal(interaction, context.models.current, state.movieId, state.version);
    await interaction.deferUpdate();
    const content = await saveMark(interaction, context, movie, state.movieId, state.mark);
    await interaction.editReply({ content, components: [], allowedMentions: NO_MENTIONS });
  },
};

/** Saves the mark (the interaction is already deferred) and says what it did. */
async function saveMark(
  interaction: MessageComponentInteraction,
  context: BotContext,
  movie: MovieInfo,
  movieId: number,
  mark: Mark,
): Promise<string> {
  const members = memberRatings(context);
  await members.mark(interaction.user.id, movieId, mark);
  const entry = (await members.list(interaction.user.id)).find((e) => e.movieId === movieId);
  if (entry?.kind === 'rating') {
    return `You rated ${title(movie)} ${starsText(entry.stars)} already, so it stays rated; it won't be recommended to you again.`;
  }
  return `Marked ${title(movie)} as ${MARK_TEXT[mark]}: it won't be recommended to you again. /ratings undoes it.`;
}

export const ratingHandlers = [pickSelect, markSelect, starsSelect, markButton] as const;

/**
 * Sends a ten-card answer (/recommend, /foryou, /movienight) into an already deferred reply (or a click
 * acknowledged with deferUpdate, whose message becomes the answer): posters, cards and the rating controls,
 * so whoever sees it can rate any of the ten.
 */
import type {
  ActionRowBuilder,
  ButtonBuilder,
  ChatInputCommandInteraction,
  Message,
  MessageComponentInteraction,
  StringSelectMenuBuilder,
} from 'discord.js';
import type { Recommendations } from '../serve/recommendation.ts';
import type { ServingSnapshot } from '../serve/serving-models.ts';
import { fitEmbeds, labelledMovies, recommendationMessage } from './cards.ts';
import type { BotContext } from './context.ts';
import { ratingRows } from './rating-components.ts';
import { markSavedCards, saveForLaterRow } from './watchlist-mine.ts';
import { memberRatings } from './members.ts';

export async function sendAnswer(
  interaction: ChatInputCommandInteraction | MessageComponentInteraction,
  context: BotContext,
  snapshot: ServingSnapshot,
  result: Recommendations,
  heading?: string,
  /** Rows after the rating menus (e.g. /movienight's "Put it to a vote"). */
  extraRows: readonly ActionRowBuilder<ButtonBuilder | StringSelectMenuBuilder>[] = [],
): Promise<Message> {
  const movies = labelledMovies(result);
  const posters = await context.posters.getPosters(
    movies.map(({ recommendation }) => recommendation.movie.tmdbId),
  );
  const posterById = new Map(movies.map(({ recommendation }, i) => [recommendation.movieId, posters[i]]));
  // Only a reply deferred as ephemeral is seen by the member alone; anything else is read as public.
  const audience = interaction.ephemeral === true ? 'owner' : 'public';
  const message = recommendationMessage(result, snapshot.artifacts, posterById, { heading, audience });
  // Only an answer only its owner sees may show what is on their watchlist.
  if (audience === 'owner') {
    const saved = await memberRatings(context).watchlist(interaction.user.id);
    if (saved.length > 0) {
      const ids = movies.map(({ recommendation }) => recommendation.movieId);
      markSavedCards(message.embeds, ids, new Set(saved.map((entry) => entry.movieId)));
      // The marks add characters after the cards were fitted to Discord's 6,000.
      fitEmbeds(message.embeds);
    }
  }
  return interaction.editReply({
    ...message,
    components: [
      ...ratingRows(movies, snapshot.version),
      ...saveForLaterRow(movies, snapshot.version),
      ...extraRows,
    ],
    allowedMentions: { parse: [] },
  });
}

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
import { addWatchFields, whereToWatchRow } from './card-watch.ts';
import { ratingRows } from './rating-components.ts';
import { regionFor, serverRegion } from './settings-region.ts';
import { markSavedCards, saveForLaterRow } from './watchlist-mine.ts';
import { memberRatings } from './members.ts';
import { addToOurListRow } from './watchlist-server.ts';

const MAX_ACTION_ROWS = 5;

/** Posters and watch info together get at most this long (the posters' own deadline is 2.5 s). */
const WATCH_BUDGET_MS = 2_500;

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
  const started = Date.now();
  const tmdbIds = movies.map(({ recommendation }) => recommendation.movie.tmdbId);
  const posters = await context.posters.getPosters(tmdbIds);
  // The poster lookups just stored where to watch and the trailer (one TMDB request per movie): read, within
  // what is left of the posters' budget, so a slow or rate-limited TMDB costs the answer nothing more.
  const watch = context.posters.enabled
    ? await context.posters.getWatchInfos(tmdbIds, {
        deadlineMs: Math.max(200, WATCH_BUDGET_MS - (Date.now() - started)),
      })
    : [];
  const posterById = new Map(movies.map(({ recommendation }, i) => [recommendation.movieId, posters[i]]));
  // Only a reply deferred as ephemeral is seen by the member alone; anything else is read as public.
  const audience = interaction.ephemeral === true ? 'owner' : 'public';
  const message = recommendationMessage(result, snapshot.artifacts, posterById, { heading, audience });
  if (watch.some(Boolean)) {
    // A member's own region is theirs: it shapes only answers only they see. A public answer shows the
    // server's region (or none), so the cards never tell the channel where the member lives.
    const region =
      audience === 'owner'
        ? await regionFor(context, interaction.user.id, interaction.guildId)
        : await serverRegion(context, interaction.guildId);
    addWatchFields(message.embeds, watch, region);
    fitEmbeds(message.embeds);
  }
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
  // Discord allows five rows: the rating menus and the caller's rows first, then (public answers in a
  // server) "Add one to our list", then "Save for later", then "Where to watch" while there is room: under
  // a /movienight the list's row takes the place of "Where to watch" (the cards still show the offers).
  const ourList = audience === 'public' && interaction.inGuild() ? addToOurListRow(movies) : [];
  const rows = [
    ...ratingRows(movies, snapshot.version),
    ...extraRows,
    ...ourList,
    ...saveForLaterRow(movies, snapshot.version),
    ...(context.posters.enabled ? whereToWatchRow(movies) : []),
  ].slice(0, MAX_ACTION_ROWS);
  return interaction.editReply({ ...message, components: rows, allowedMentions: { parse: [] } });
}

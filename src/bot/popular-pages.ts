import {
  ActionRowBuilder,
  ButtonBuilder,
  ButtonStyle,
  EmbedBuilder,
  escapeMarkdown,
  type APIEmbed,
} from 'discord.js';
import type { CatalogEntry } from '../artifacts/types.ts';
import type { ServingSnapshot } from '../serve/serving-models.ts';
import { displayTitle } from '../serve/titles.ts';

export const PAGE_SIZE = 10;

/**
 * Everything a /popular page button needs, carried in its custom id so paging survives restarts
 * without storage: who may page, which model version and genre, which page to show.
 */
export interface PageState {
  ownerId: string;
  version: string;
  genre: string | null;
  page: number;
}

const PREFIX = 'popular';
// popular:<owner id>:<version>:<page>:<genre or empty>; Discord caps custom ids at 100 characters.
const CUSTOM_ID = /^popular:(\d{17,20}):([0-9A-Za-z-]{1,40}):(\d{1,3}):([A-Za-z()' -]{0,30})$/;

export function encodePageState(state: PageState): string {
  return `${PREFIX}:${state.ownerId}:${state.version}:${state.page}:${state.genre ?? ''}`;
}

/** Null when the id is not a /popular button or is malformed (e.g. forged). */
export function parsePageState(customId: string): PageState | null {
  const match = CUSTOM_ID.exec(customId);
  if (!match) return null;
  return {
    ownerId: match[1],
    version: match[2],
    page: Number(match[3]),
    genre: match[4] === '' ? null : match[4],
  };
}

export function catalogFor(snapshot: ServingSnapshot, genre: string | null): CatalogEntry[] {
  const { catalog, movies } = snapshot.artifacts;
  return genre ? catalog.filter((e) => movies.get(e.movieId)?.genres.includes(genre)) : catalog;
}

/** One page of the catalog as an embed, with Previous / Next buttons when there is more than one page. */
export function renderPage(
  snapshot: ServingSnapshot,
  state: PageState,
): { embeds: APIEmbed[]; components: ActionRowBuilder<ButtonBuilder>[] } {
  const entries = catalogFor(snapshot, state.genre);
  const pages = Math.max(1, Math.ceil(entries.length / PAGE_SIZE));
  const page = Math.min(Math.max(state.page, 0), pages - 1);
  const lines = entries.slice(page * PAGE_SIZE, (page + 1) * PAGE_SIZE).map((entry) => {
    const title = escapeMarkdown(displayTitle(snapshot.artifacts.movies.get(entry.movieId)?.title ?? ''));
    return `\`${String(entry.rank).padStart(3)}.\` **${title}** — WR ${entry.wr.toFixed(2)} · ${entry.count} ratings · mean ${entry.mean.toFixed(2)}`;
  });
  const heading = state.genre ? `Top ${state.genre} movies` : 'Top 100 movies';
  const embed = new EmbedBuilder()
    .setTitle(heading)
    .setDescription(lines.join('\n') || 'No catalog movie has this genre.')
    .setFooter({
      text: `Page ${page + 1}/${pages} · ranked by weighted rating (WR) · model ${snapshot.version}`,
    });
  if (pages === 1) return { embeds: [embed.toJSON()], components: [] };
  const button = (label: string, target: number, disabled: boolean) =>
    new ButtonBuilder()
      .setCustomId(encodePageState({ ...state, page: target }))
      .setLabel(label)
      .setStyle(ButtonStyle.Secondary)
      .setDisabled(disabled);
  // Custom ids must differ within a message; page − 1 and page + 1 (clamped) always do.
  const row = new ActionRowBuilder<ButtonBuilder>().addComponents(
    button('Previous', Math.max(page - 1, 0), page === 0),
    button('Next', Math.min(page + 1, pages - 1), page === pages - 1),
  );
  return { embeds: [embed.toJSON()], components: [row] };
}

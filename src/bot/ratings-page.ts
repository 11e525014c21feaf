/**
 * /ratings: a member's ratings and marks, newest first, ten per page, each removable from a select. The state
 * (owner, page) lives in the custom ids, so the pages keep working after restarts; the entries are read from
 * the store on every click, so a page always shows what is stored now.
 */
import { ButtonStyle, ComponentType, escapeMarkdown } from 'discord.js';
import type { Artifacts } from '../artifacts/types.ts';
import { displayTitle, truncatedDisplayTitle } from '../serve/titles.ts';
import type { MemberEntry } from '../store/member-ratings.ts';
import { starsText, type ActionRow } from './rating-components.ts';

export const RATINGS_PAGE_SIZE = 10;

export interface RatingsPageState {
  ownerId: string;
  page: number;
}

const PAGE_ID = /^ratings:page:(\d{17,20}):(\d{1,4})$/;
const REMOVE_ID = /^ratings:remove:(\d{17,20}):(\d{1,4})$/;

export const parseRatingsPageId = (id: string): RatingsPageState | null => parseState(PAGE_ID, id);
export const parseRatingsRemoveId = (id: string): RatingsPageState | null => parseState(REMOVE_ID, id);

function parseState(pattern: RegExp, id: string): RatingsPageState | null {
  const m = pattern.exec(id);
  return m ? { ownerId: m[1], page: Number(m[2]) } : null;
}

function movieTitle(artifacts: Artifacts, movieId: number): string {
  const title = artifacts.movies.get(movieId)?.title;
  return title ?? `Movie #${movieId} (no longer in the current model)`;
}

function entryText(entry: MemberEntry): string {
  return entry.kind === 'rating'
    ? starsText(entry.stars)
    : entry.kind === 'seen'
      ? '👀 seen'
      : '🚫 not interested';
}

/** The page as message content and components; `notice` (Markdown) goes above the list. */
export function renderRatingsPage(
  entries: readonly MemberEntry[],
  artifacts: Artifacts,
  state: RatingsPageState,
  notice?: string,
): { content: string; components: ActionRow[] } {
  const lead = notice ? `${notice}\n` : '';
  if (entries.length === 0) {
    return {
      content: `${lead}You have no ratings or marks. Rate with /rate, or from the menus under a /recommend answer.`,
      components: [],
    };
  }
  const pages = Math.ceil(entries.length / RATINGS_PAGE_SIZE);
  const page = Math.min(Math.max(state.page, 0), pages - 1);
  const shown = entries.slice(page * RATINGS_PAGE_SIZE, (page + 1) * RATINGS_PAGE_SIZE);
  const lines = shown.map((entry, i) => {
    const title = escapeMarkdown(displayTitle(movieTitle(artifacts, entry.movieId)));
    const when = `<t:${Math.floor(entry.at / 1000)}:R>`;
    return `${page * RATINGS_PAGE_SIZE + i + 1}. ${entryText(entry)} — ${title} · ${when}`;
  });
  const ratings = entries.filter((e) => e.kind === 'rating').length;
  const header =
    `**Your ratings and marks**: ${ratings} rating${ratings === 1 ? '' : 's'}, ` +
    `${entries.length - ratings} mark${entries.length - ratings === 1 ? '' : 's'}, newest first` +
    (pages > 1 ? ` — page ${page + 1}/${pages}` : '');
  const components: ActionRow[] = [
    {
      type: ComponentType.ActionRow,
      components: [
        {
          type: ComponentType.StringSelect,
          custom_id: `ratings:remove:${state.ownerId}:${page}`,
          placeholder: 'Remove one of these…',
          options: shown.map((entry) => ({
            label: truncatedDisplayTitle(movieTitle(artifacts, entry.movieId), 100),
            value: String(entry.movieId),
            description: `Remove: ${entryText(entry)}`,
          })),
        },
      ],
    },
  ];
  if (pages > 1) {
    components.push({
      type: ComponentType.ActionRow,
      components: [
        {
          type: ComponentType.Button,
          style: ButtonStyle.Secondary,
          custom_id: `ratings:page:${state.ownerId}:${Math.max(page - 1, 0)}`,
          label: 'Previous',
          disabled: page === 0,
        },
        {
          type: ComponentType.Button,
          style: ButtonStyle.Secondary,
          custom_id: `ratings:page:${state.ownerId}:${Math.min(page + 1, pages - 1)}`,
          label: 'Next',
          disabled: page === pages - 1,
        },
      ],
    });
  }
  return { content: `${lead}${header}\n${lines.join('\n')}`, components };
}

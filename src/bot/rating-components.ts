/**
 * The rating controls under an answer (/recommend, /foryou, /movienight) and the private panel a member rates
 * one movie in. Everything a click needs is in the custom id (movie id, model version), so answers keep working
 * after restarts; the member is whoever clicked, so anyone who sees an answer can rate from it.
 *
 * Within Discord's limits (5 action rows; a select holds at most 25 options): an answer gets two selects,
 * "Rate one of these…" (10 movies; picking one opens the private star panel) and "Seen / not interested…"
 * (20 options: each movie twice; one pick marks it). A rating is two clicks, a mark one.
 */
import {
  ButtonStyle,
  ComponentType,
  type APIActionRowComponent,
  type APIComponentInActionRow,
} from 'discord.js';
import type { Recommendation } from '../serve/recommendation.ts';
import { truncatedDisplayTitle } from '../serve/titles.ts';
import type { Mark } from '../store/member-ratings.ts';

export type ActionRow = APIActionRowComponent<APIComponentInActionRow>;

/** Discord's limits for select menus (https://discord.com/developers/docs/components/reference#string-select). */
const SELECT_LIMITS = { options: 25, label: 100, description: 100, value: 100, placeholder: 150 } as const;

export const STAR_STEPS = [5, 4.5, 4, 3.5, 3, 2.5, 2, 1.5, 1, 0.5] as const;

/** "★★★★½ 4.5/5": what a rating looks like everywhere in the bot. */
export function starsText(stars: number): string {
  const full = Math.floor(stars);
  return `${'★'.repeat(full)}${stars - full >= 0.5 ? '½' : ''} ${stars}/5`;
}

export const MARK_TEXT: Record<Mark, string> = { seen: 'seen', 'not-interested': 'not interested' };

// Custom ids. <version> is a model version name ([0-9A-Za-z-]); <movie> a MovieLens id.
const VERSION = '([0-9A-Za-z-]{1,40})';
const PICK_ID = new RegExp(`^rate:pick:${VERSION}$`);
const MARK_ID = new RegExp(`^rate:mark:${VERSION}$`);
const STARS_ID = new RegExp(`^rate:stars:(\\d{1,9}):${VERSION}$`);
const MARK_BUTTON_ID = new RegExp(`^rate:(seen|not-interested):(\\d{1,9}):${VERSION}$`);

export interface AnswerSelectState {
  version: string;
}
export interface MovieState {
  movieId: number;
  version: string;
}
export interface MarkButtonState extends MovieState {
  mark: Mark;
}

export const parsePickId = (id: string): AnswerSelectState | null => {
  const m = PICK_ID.exec(id);
  return m ? { version: m[1] } : null;
};
export const parseMarkSelectId = (id: string): AnswerSelectState | null => {
  const m = MARK_ID.exec(id);
  return m ? { version: m[1] } : null;
};
export const parseStarsId = (id: string): MovieState | null => {
  const m = STARS_ID.exec(id);
  return m ? { movieId: Number(m[1]), version: m[2] } : null;
};
export const parseMarkButtonId = (id: string): MarkButtonState | null => {
  const m = MARK_BUTTON_ID.exec(id);
  return m ? { mark: m[1] as Mark, movieId: Number(m[2]), version: m[3] } : null;
};

/** A select value of the marks menu: "<movieId>:<mark>". */
export function parseMarkValue(value: string): { movieId: number; mark: Mark } | null {
  const m = /^(\d{1,9}):(seen|not-interested)$/.exec(value);
  return m ? { movieId: Number(m[1]), mark: m[2] as Mark } : null;
}

function label(text: string): string {
  return truncatedDisplayTitle(text, SELECT_LIMITS.label);
}

/** The two rows under an answer of ten cards. `labels` names each card's list ("Popular pick 1/5"). */
export function ratingRows(
  movies: readonly { recommendation: Recommendation; label: string }[],
  version: string,
): ActionRow[] {
  const shown = movies.slice(0, Math.floor(SELECT_LIMITS.options / 2));
  // Discord refuses a select without options.
  if (shown.length === 0) return [];
  return [
    {
      type: ComponentType.ActionRow,
      components: [
        {
          type: ComponentType.StringSelect,
          custom_id: `rate:pick:${version}`,
          placeholder: 'Rate one of these movies (½–5 stars)…',
          options: shown.map(({ recommendation, label: where }) => ({
            label: label(recommendation.movie.title),
            value: String(recommendation.movieId),
            description: where,
          })),
        },
      ],
    },
    {
      type: ComponentType.ActionRow,
      components: [
        {
          type: ComponentType.StringSelect,
          custom_id: `rate:mark:${version}`,
          placeholder: 'Mark one as seen or not interested…',
          options: shown.flatMap(({ recommendation }) =>
            (['seen', 'not-interested'] as const).map((mark) => ({
              label: label(recommendation.movie.title),
              value: `${recommendation.movieId}:${mark}`,
              description:
                mark === 'seen' ? 'Seen it: never recommend it to me' : 'Not interested: never recommend it',
              emoji: { name: mark === 'seen' ? '👀' : '🚫' },
            })),
          ),
        },
      ],
    },
  ];
}

/** The private panel for one movie: a star select (the current rating preselected) and the two marks. */
export function ratingPanelRows(movieId: number, version: string, currentStars?: number): ActionRow[] {
  return [
    {
      type: ComponentType.ActionRow,
      components: [
        {
          type: ComponentType.StringSelect,
          custom_id: `rate:stars:${movieId}:${version}`,
          placeholder: 'How many stars?',
          options: STAR_STEPS.map((stars) => ({
            label: starsText(stars),
            value: String(stars),
            ...(stars === currentStars ? { default: true } : {}),
          })),
        },
      ],
    },
    {
      type: ComponentType.ActionRow,
      components: (['seen', 'not-interested'] as const).map((mark) => ({
        type: ComponentType.Button,
        style: mark === 'seen' ? ButtonStyle.Secondary : ButtonStyle.Danger,
        custom_id: `rate:${mark}:${movieId}:${version}`,
        label: mark === 'seen' ? 'Seen it (no rating)' : 'Not interested',
      })),
    },
  ];
}

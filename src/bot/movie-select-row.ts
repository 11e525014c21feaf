/** One string-select row offering an answer's movies (each labelled with its card), for menus under answers. */
import { ComponentType } from 'discord.js';
import type { Recommendation } from '../serve/recommendation.ts';
import { truncatedDisplayTitle } from '../serve/titles.ts';
import type { ActionRow } from './rating-components.ts';

/** Discord: at most 25 options; labels and descriptions of at most 100 characters. */
const MAX_OPTIONS = 25;

export function movieSelectRow(
  movies: readonly { recommendation: Recommendation; label: string }[],
  customId: string,
  placeholder: string,
  emoji: string,
): ActionRow[] {
  const shown = movies.slice(0, MAX_OPTIONS);
  // Discord refuses a select without options.
  if (shown.length === 0) return [];
  return [
    {
      type: ComponentType.ActionRow,
      components: [
        {
          type: ComponentType.StringSelect,
          custom_id: customId,
          placeholder,
          options: shown.map(({ recommendation, label }) => ({
            label: truncatedDisplayTitle(recommendation.movie.title, 100),
            value: String(recommendation.movieId),
            description: label.slice(0, 100),
            emoji: { name: emoji },
          })),
        },
      ],
    },
  ];
}

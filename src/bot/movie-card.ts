/**
 * One movie as a card outside a ten-card answer (a vote's winner, the server's list): title, year, genres,
 * links and the poster, without a recommendation reason (which would speak of someone's taste).
 */
import { escapeMarkdown, type APIEmbed } from 'discord.js';
import type { MovieInfo } from '../artifacts/types.ts';
import { TMDB_ATTRIBUTION } from '../posters/index.ts';
import { displayTitle, titleYear } from '../serve/titles.ts';
import { imdbUrl, tmdbUrl } from './cards.ts';

const WINNER_COLOR = 0xe50914;

/** "Crime, Drama · 1995 · IMDb" as plain text (a scheduled event's description has no Markdown links). */
export function movieSummary(movie: MovieInfo): string {
  const year = titleYear(movie.title);
  const parts = [movie.genres.join(', '), year ? String(year) : undefined, imdbUrl(movie) ?? tmdbUrl(movie)];
  return parts.filter(Boolean).join(' · ');
}

export function movieCard(movie: MovieInfo, poster: string | null, label: string): APIEmbed {
  const year = titleYear(movie.title);
  const links = [
    imdbUrl(movie) && `[IMDb](${imdbUrl(movie)})`,
    tmdbUrl(movie) && `[TMDB](${tmdbUrl(movie)})`,
  ].filter(Boolean);
  const url = imdbUrl(movie) ?? tmdbUrl(movie);
  const title = displayTitle(movie.title);
  return {
    color: WINNER_COLOR,
    author: { name: label },
    title: title.length <= 256 ? title : `${title.slice(0, 255)}…`,
    ...(url ? { url } : {}),
    fields: [
      { name: 'Year', value: year ? String(year) : '—', inline: true },
      {
        name: 'Genres',
        value: movie.genres.length > 0 ? escapeMarkdown(movie.genres.join(', ')) : '—',
        inline: true,
      },
      { name: 'Links', value: links.length > 0 ? links.join(' · ') : '—', inline: true },
    ],
    ...(poster ? { thumbnail: { url: poster }, footer: { text: TMDB_ATTRIBUTION } } : {}),
  };
}

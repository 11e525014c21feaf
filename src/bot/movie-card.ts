/**
 * One movie as a card outside a ten-card answer (a vote's winner, the server's list): title, year, genres,
 * links and the poster, without a recommendation reason (which would speak of someone's taste).
 */
import type { APIEmbed } from 'discord.js';
import type { MovieInfo } from '../artifacts/types.ts';
import { TMDB_ATTRIBUTION } from '../posters/index.ts';
import { titleYear, truncatedDisplayTitle } from '../serve/titles.ts';
import { DISCORD_LIMITS, imdbUrl, movieFields, tmdbUrl } from './cards.ts';

const WINNER_COLOR = 0xe50914;

/** "Crime, Drama · 1995 · IMDb" as plain text (a scheduled event's description has no Markdown links). */
export function movieSummary(movie: MovieInfo): string {
  const year = titleYear(movie.title);
  const parts = [movie.genres.join(', '), year ? String(year) : undefined, imdbUrl(movie) ?? tmdbUrl(movie)];
  return parts.filter(Boolean).join(' · ');
}

export function movieCard(movie: MovieInfo, poster: string | null, label: string): APIEmbed {
  const url = imdbUrl(movie) ?? tmdbUrl(movie);
  return {
    color: WINNER_COLOR,
    author: { name: label },
    title: truncatedDisplayTitle(movie.title, DISCORD_LIMITS.title),
    ...(url ? { url } : {}),
    fields: movieFields(movie),
    ...(poster ? { thumbnail: { url: poster }, footer: { text: TMDB_ATTRIBUTION } } : {}),
  };
}

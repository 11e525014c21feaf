/** Genre lists and genre autocomplete for commands that filter the catalog by genre (/popular). */
import type { Artifacts } from '../artifacts/types.ts';
import type { Choice } from './choice.ts';
import { normalizeForSearch } from './normalize.ts';

/** MovieLens's placeholder for "no genre"; not something to filter by. */
const NO_GENRES = '(no genres listed)';
const MAX_GENRE_CHOICES = 25;

/** Genres of the catalog movies, alphabetically. */
export function genres(artifacts: Artifacts): string[] {
  const found = new Set<string>();
  for (const entry of artifacts.catalog) {
    for (const genre of artifacts.movies.get(entry.movieId)?.genres ?? []) {
      if (genre !== NO_GENRES) found.add(genre);
    }
  }
  return [...found].sort((a, b) => a.localeCompare(b, 'en'));
}

/** Genres matching the query: word-prefix matches ("fi" → "Sci-Fi", "Film-Noir") before substring ones. */
export function matchGenres(genreList: readonly string[], query: string): Choice[] {
  const normalized = normalizeForSearch(query);
  const prefixed: string[] = [];
  const containing: string[] = [];
  for (const genre of genreList) {
    const key = ' ' + normalizeForSearch(genre);
    if (key.includes(' ' + normalized)) prefixed.push(genre);
    else if (key.includes(normalized)) containing.push(genre);
  }
  return [...prefixed, ...containing]
    .slice(0, MAX_GENRE_CHOICES)
    .map((genre) => ({ name: genre, value: genre }));
}

export function createGenreSearch(artifacts: Artifacts): {
  genres: readonly string[];
  suggest(query: string): Choice[];
} {
  const list = genres(artifacts);
  return { genres: list, suggest: (query) => matchGenres(list, query) };
}

/**
 * Autocomplete and typed-text resolution over the popularity catalog (the movies /recommend picks from), and
 * over every movie of the dataset (what members can rate). Both use the same title matching (title-search.ts);
 * everything that depends on titles is computed once per loaded version.
 */
import type { Artifacts } from '../artifacts/types.ts';
import type { Choice } from './choice.ts';
import { createGenreSearch } from './genres.ts';
import {
  createTitleSearch,
  createTitleSearchGently,
  startTitleSearchBuild,
  type ResolveResult,
  type TitleEntry,
  type TitleSearch,
  type TitleSearchBuild,
} from './title-search.ts';

export type { Choice, ResolveResult, TitleSearch };
export { MAX_CHOICES, MAX_CHOICE_NAME_LENGTH, MAX_RESOLVE_CANDIDATES } from './title-search.ts';

export interface CatalogSearch {
  /** Up to 25 catalog movies matching the query, best first, without the excluded (already chosen) ones. */
  suggest(query: string, exclude?: readonly number[]): Choice[];
  /** A typed value (movieId string or title text) → one catalog movie, or why not. */
  resolve(typed: string): ResolveResult;
  /** Genres present in the catalog, alphabetically. */
  genres: readonly string[];
  /** Up to 25 catalog genres matching the query (value = genre name). */
  suggestGenres(query: string): Choice[];
}

export function createCatalogSearch(artifacts: Artifacts): CatalogSearch {
  // A catalog id without metadata cannot be shown or typed; leave it out rather than show a bare number.
  const entries: TitleEntry[] = artifacts.catalog.flatMap((entry) => {
    const movie = artifacts.movies.get(entry.movieId);
    return movie ? [{ movieId: entry.movieId, title: movie.title, rank: entry.rank }] : [];
  });
  const titles = createTitleSearch(entries);
  const genreSearch = createGenreSearch(artifacts);
  return {
    suggest: (query, exclude = []) => titles.suggest(query, exclude),
    resolve: (typed) => titles.resolve(typed),
    genres: genreSearch.genres,
    suggestGenres: genreSearch.suggest,
  };
}

/**
 * Every movie of the dataset, for /rate. Ranked so that the movies people most likely mean come first among
 * equal matches: the catalog in its order, then by number of ratings, then by id.
 */
export function createMovieSearch(artifacts: Artifacts): TitleSearch {
  return createTitleSearch(moviesByPopularity(artifacts));
}

/** createMovieSearch as a build to run step by step (or finish at once when first needed). */
export function startMovieSearchBuild(artifacts: Artifacts): TitleSearchBuild {
  return startTitleSearchBuild(moviesByPopularity(artifacts));
}

/** createMovieSearch in small steps between other work (see createTitleSearchGently). */
export function createMovieSearchGently(artifacts: Artifacts): Promise<TitleSearch> {
  return createTitleSearchGently(moviesByPopularity(artifacts));
}

function moviesByPopularity(artifacts: Artifacts): TitleEntry[] {
  const catalogRank = new Map(artifacts.catalog.map((entry) => [entry.movieId, entry.rank]));
  const byPopularity = [...artifacts.movies.values()].sort(
    (a, b) =>
      (catalogRank.get(a.movieId) ?? Infinity) - (catalogRank.get(b.movieId) ?? Infinity) ||
      b.count - a.count ||
      a.movieId - b.movieId,
  );
  return byPopularity.map((movie, rank) => ({ movieId: movie.movieId, title: movie.title, rank }));
}

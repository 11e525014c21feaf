/**
 * Autocomplete and typed-text resolution over the popularity catalog: the only movies users pick from.
 * Everything that depends on titles is computed once in createCatalogSearch, so a keystroke only compares
 * short precomputed strings (100 movies × a few keys).
 */
import type { Artifacts } from '../artifacts/types.ts';
import type { Choice } from './choice.ts';
import { createGenreSearch } from './genres.ts';

export type { Choice };
import { normalizeForSearch, normalizeJoiningWords } from './normalize.ts';
import { displayTitle, parseTitle, truncatedDisplayTitle } from './titles.ts';

/** Discord's autocomplete limits: 25 choices, names of at most 100 characters. */
export const MAX_CHOICES = 25;
export const MAX_CHOICE_NAME_LENGTH = 100;
/** How many titles an "ambiguous" answer lists. */
export const MAX_RESOLVE_CANDIDATES = 5;

export type ResolveResult =
  { ok: true; movieId: number } | { ok: false; reason: 'not-found' | 'ambiguous'; candidates: string[] };

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

/** How well a movie matches a query; lower is better. */
const MatchTier = {
  /** A key starts with the whole query: "the mat" → "The Matrix". */
  Prefix: 0,
  /** Every query word starts a word of one key: "lord rings fellowship". */
  WordPrefix: 1,
  /** Every query word occurs somewhere in one key: "atrix". */
  Substring: 2,
  None: 3,
} as const;
type MatchTier = (typeof MatchTier)[keyof typeof MatchTier];

interface IndexedMovie {
  movieId: number;
  rank: number;
  /** Display title cut to Discord's limit. */
  name: string;
  /** Normalised search keys, each with a leading space so " " + word finds word starts. */
  keys: string[];
  /** Normalised forms that count as typing the title exactly (title as written or displayed, ± year). */
  exactKeys: string[];
  /** Weaker exact forms: without the article, or an alternate title. */
  looseExactKeys: string[];
}

export function createCatalogSearch(artifacts: Artifacts): CatalogSearch {
  const indexed = indexCatalog(artifacts);
  const byId = new Map(indexed.map((movie) => [movie.movieId, movie]));
  const exactIndex = groupByKey(indexed, (movie) => movie.exactKeys);
  const looseExactIndex = groupByKey(indexed, (movie) => movie.looseExactKeys);
  const genreSearch = createGenreSearch(artifacts);

  /** Catalog movies matching the query, ordered by tier then catalog rank. */
  function matches(query: string, exclude: ReadonlySet<number>, limit: number): IndexedMovie[] {
    const normalized = normalizeForSearch(query);
    const available = (movie: IndexedMovie) => !exclude.has(movie.movieId);
    if (normalized === '') return indexed.filter(available).slice(0, limit);
    const tokens = normalized.split(' ');
    const tiers: IndexedMovie[][] = [[], [], []];
    for (const movie of indexed) {
      if (!available(movie)) continue;
      const tier = matchTier(movie.keys, ' ' + normalized, tokens);
      if (tier !== MatchTier.None) tiers[tier].push(movie);
    }
    return tiers.flat().slice(0, limit);
  }

  return {
    suggest(query, exclude = []) {
      return matches(query, new Set(exclude), MAX_CHOICES).map((movie) => ({
        name: movie.name,
        value: String(movie.movieId),
      }));
    },

    resolve(typed) {
      const text = typed.trim();
      // Autocomplete sends the movieId; a pasted id works the same way.
      if (/^\d+$/.test(text)) {
        const movie = byId.get(Number(text));
        if (movie) return { ok: true, movieId: movie.movieId };
      }
      const normalized = normalizeForSearch(text);
      if (normalized === '') return { ok: false, reason: 'not-found', candidates: [] };
      for (const index of [exactIndex, looseExactIndex]) {
        const exact = index.get(normalized);
        if (exact) return oneOrAmbiguous(exact);
      }
      const found = matches(text, new Set(), MAX_RESOLVE_CANDIDATES + 1);
      if (found.length === 0) return { ok: false, reason: 'not-found', candidates: [] };
      return oneOrAmbiguous(found);
    },

    genres: genreSearch.genres,
    suggestGenres: genreSearch.suggest,
  };
}

function oneOrAmbiguous(movies: IndexedMovie[]): ResolveResult {
  if (movies.length === 1) return { ok: true, movieId: movies[0].movieId };
  return {
    ok: false,
    reason: 'ambiguous',
    candidates: movies.slice(0, MAX_RESOLVE_CANDIDATES).map((movie) => movie.name),
  };
}

/** keys carry a leading space; spacedQuery is " " + normalised query. */
function matchTier(keys: readonly string[], spacedQuery: string, tokens: readonly string[]): MatchTier {
  let best: MatchTier = MatchTier.None;
  for (const key of keys) {
    if (key.startsWith(spacedQuery)) return MatchTier.Prefix;
    if (best > MatchTier.WordPrefix && tokens.every((token) => key.includes(' ' + token))) {
      best = MatchTier.WordPrefix;
    } else if (best > MatchTier.Substring && tokens.every((token) => key.includes(token))) {
      best = MatchTier.Substring;
    }
  }
  return best;
}

function indexCatalog(artifacts: Artifacts): IndexedMovie[] {
  const indexed: IndexedMovie[] = [];
  for (const entry of [...artifacts.catalog].sort((a, b) => a.rank - b.rank)) {
    const movie = artifacts.movies.get(entry.movieId);
    // A catalog id without metadata cannot be shown or typed; leave it out rather than show a bare number.
    if (!movie) continue;
    const title = parseTitle(movie.title);
    const year = title.year === undefined ? '' : ` ${title.year}`;
    const alternateForms = title.alternates.flatMap((alternate) => {
      const parsed = parseTitle(alternate);
      return [alternate, parsed.main, parsed.mainWithoutArticle];
    });
    indexed.push({
      movieId: entry.movieId,
      rank: entry.rank,
      name: truncatedDisplayTitle(movie.title, MAX_CHOICE_NAME_LENGTH),
      keys: normalizedForms([title.main + year, title.mainWithoutArticle + year, ...alternateForms]).map(
        (key) => ' ' + key,
      ),
      exactKeys: normalizedForms([
        movie.title,
        displayTitle(movie.title),
        title.main,
        title.main + year,
        title.mainAsWritten,
        title.mainAsWritten + year,
      ]),
      looseExactKeys: normalizedForms([
        title.mainWithoutArticle,
        title.mainWithoutArticle + year,
        ...alternateForms,
      ]),
    });
  }
  return indexed;
}

/** Both normalisations of every text, deduplicated, empty ones dropped. */
function normalizedForms(texts: readonly string[]): string[] {
  const forms = new Set<string>();
  for (const text of texts) {
    forms.add(normalizeForSearch(text));
    forms.add(normalizeJoiningWords(text));
  }
  forms.delete('');
  return [...forms];
}

function groupByKey(movies: readonly IndexedMovie[], keysOf: (movie: IndexedMovie) => string[]) {
  const index = new Map<string, IndexedMovie[]>();
  for (const movie of movies) {
    for (const key of keysOf(movie)) {
      const group = index.get(key);
      if (!group) index.set(key, [movie]);
      else if (!group.includes(movie)) group.push(movie);
    }
  }
  return index;
}

/**
 * An export's movie (title as Letterboxd or IMDb writes it, year) → one MovieLens movie, or why not.
 *
 * Letterboxd writes TMDB's English titles with the article first and accents ("Amélie", "The Matrix");
 * MovieLens writes "Amelie (Fabuleux destin d'Amélie Poulain, Le) (2001)" and "Matrix, The (1999)". Both
 * sides go through the project's search normaliser (case, accents, punctuation) and MovieLens's title
 * parser (moved articles, alternate titles in parentheses).
 *
 * Keys, tried in tiers (a later tier only when the earlier found nothing within a year):
 *   1. the whole title: MovieLens's main title or any alternate, with and without in-word punctuation
 *      ("Schindler's" = "Schindlers"), "&" read as "and";
 *   2. the title without a leading article ("The Lovers" ↔ MovieLens "Lovers");
 *   3. the main title before its subtitle ("Star Wars" ↔ "Star Wars: Episode IV - A New Hope"), only
 *      with the exact year.
 *
 * The tie rule, within a tier: the row's candidates are the movies within the tier's year window (± 1, or
 * the exact year for a title before its subtitle). One candidate is a match; two or more are "ambiguous",
 * listed for the member (closest year first, main title before alternate), never guessed, even when one of
 * them has the exact year or the main title. Letterboxd's years are TMDB's, which differ by one from
 * MovieLens's now and then (festival vs cinema release), so an exact year proves nothing when a
 * same-titled movie lies one year away: "The Island" written 2005 for MovieLens's "The Island (2006)" is
 * exactly "Island, The (2005)", a different film. No year at all: only an unshared title is a match.
 */
import type { MovieInfo } from '../../artifacts/types.ts';
import { hasInWordPunctuation, normalizeForSearch, normalizeJoiningWords } from '../normalize.ts';
import { moveArticle, parseTitle } from '../titles.ts';

export type MatchResult =
  | { kind: 'matched'; movieId: number }
  | { kind: 'not-found' }
  /** Several movies fit equally well; `movieIds` lists them (best rank first). */
  | { kind: 'ambiguous'; movieIds: number[] };

export interface TitleMatcher {
  matchTitle(name: string, year: number | undefined): MatchResult;
  matchImdb(imdbId: number): MatchResult;
}

/** A movie a key leads to, and whether the key came from its main title (which wins ties). */
interface Posting {
  movieId: number;
  year: number | undefined;
  main: boolean;
}

/** Leading articles an export may write and MovieLens may leave out ("Lovers" vs "The Lovers"). */
const LEADING_ARTICLE = /^(?:the|a|an|le|la|les|l|il|lo|gli|el|los|las|der|die|das|de|het) /;
/** MovieLens marks some alternates "a.k.a. …"; the rest of it is the title. */
const AKA = /^a\.?k\.?a\.?\s+/i;

/** A movie to match against: MovieLens's title and its IMDb id (links.csv, without "tt"). */
export type MatchableMovie = Pick<MovieInfo, 'movieId' | 'title' | 'imdbId'>;

export function createTitleMatcher(movies: Iterable<MatchableMovie>): TitleMatcher {
  const whole = new Map<string, Posting[]>();
  const withoutArticle = new Map<string, Posting[]>();
  const beforeSubtitle = new Map<string, Posting[]>();
  const byImdb = new Map<number, number[]>();

  const add = (index: Map<string, Posting[]>, key: string, posting: Posting) => {
    if (key === '') return;
    const list = index.get(key);
    if (!list) index.set(key, [posting]);
    else if (!hasPosting(list, posting)) list.push(posting);
  };
  const addForms = (text: string, posting: Posting) => {
    for (const key of forms(text)) {
      add(whole, key, posting);
      add(withoutArticle, key.replace(LEADING_ARTICLE, ''), posting);
    }
  };

  for (const movie of movies) {
    const parsed = parseTitle(movie.title);
    const main: Posting = { movieId: movie.movieId, year: parsed.year, main: true };
    const alternate: Posting = { ...main, main: false };
    addForms(parsed.main, main);
    addForms(parsed.mainWithoutArticle, main);
    for (const written of parsed.alternates) {
      const { moved, withoutArticle: bare } = moveArticle(written.replace(AKA, ''));
      addForms(moved, alternate);
      addForms(bare, alternate);
    }
    const colon = parsed.main.search(/:| - /);
    if (colon > 0) for (const key of forms(parsed.main.slice(0, colon))) add(beforeSubtitle, key, main);
    if (movie.imdbId) {
      const id = Number(movie.imdbId);
      const ids = byImdb.get(id);
      if (ids) ids.push(movie.movieId);
      else byImdb.set(id, [movie.movieId]);
    }
  }

  return {
    matchTitle(name, year) {
      const keys = forms(name);
      const tiers: [Map<string, Posting[]>, string[], number][] = [
        [whole, keys, 1],
        [withoutArticle, keys.map((key) => key.replace(LEADING_ARTICLE, '')), 1],
        [beforeSubtitle, keys, 0],
      ];
      for (const [index, tierKeys, yearSlack] of tiers) {
        const postings = tierKeys.flatMap((key) => index.get(key) ?? []);
        const result = decide(postings, year, yearSlack);
        if (result.kind !== 'not-found') return result;
      }
      return { kind: 'not-found' };
    },
    matchImdb(imdbId) {
      const ids = byImdb.get(imdbId);
      if (!ids) return { kind: 'not-found' };
      return ids.length === 1
        ? { kind: 'matched', movieId: ids[0] }
        : { kind: 'ambiguous', movieIds: [...ids] };
    },
  };
}

/**
 * Movies are indexed one after the other, so a movie's postings under a key are the last ones of its list:
 * the duplicate check looks back only over those (a scan of the whole list made the 87k-title build quadratic
 * on common keys).
 */
function hasPosting(list: readonly Posting[], posting: Posting): boolean {
  for (let i = list.length - 1; i >= 0 && list[i].movieId === posting.movieId; i--) {
    if (list[i].main === posting.main) return true;
  }
  return false;
}

/** The tie rule over one tier's candidates (see the module comment). */
function decide(postings: Posting[], year: number | undefined, yearSlack: number): MatchResult {
  if (postings.length === 0) return { kind: 'not-found' };
  // Each movie once, with its best way in (main title over alternate: it orders the ambiguous list).
  const best = new Map<number, Posting>();
  for (const posting of postings) {
    const seen = best.get(posting.movieId);
    if (!seen || (posting.main && !seen.main)) best.set(posting.movieId, posting);
  }
  const candidates = [...best.values()];
  if (year === undefined) {
    // No year to tell remakes apart: only an unshared title is a match.
    return candidates.length === 1
      ? { kind: 'matched', movieId: candidates[0].movieId }
      : { kind: 'ambiguous', movieIds: candidates.map((c) => c.movieId) };
  }
  // Every movie within the tier's year window is a candidate alike: an exact year does not outrank a year
  // one off, because Letterboxd's years are TMDB's and differ by one from MovieLens's now and then.
  const window = candidates
    .filter((c) => c.year !== undefined && Math.abs(c.year - year) <= yearSlack)
    .sort((a, b) => Math.abs(a.year! - year) - Math.abs(b.year! - year) || Number(b.main) - Number(a.main));
  if (window.length === 0) return { kind: 'not-found' };
  return window.length === 1
    ? { kind: 'matched', movieId: window[0].movieId }
    : { kind: 'ambiguous', movieIds: window.map((c) => c.movieId) };
}

/** The normalised forms a title is looked up by: plain, and with in-word punctuation joined. */
function forms(written: string): string[] {
  // "&" and "and" are the same word to both sides ("Pride & Prejudice", "Pride and Prejudice").
  const text = written.includes('&') ? written.replace(/\s*&\s*/g, ' and ') : written;
  const plain = normalizeForSearch(text);
  if (!hasInWordPunctuation(text)) return [plain];
  const joined = normalizeJoiningWords(text);
  return joined === plain ? [plain] : [plain, joined];
}

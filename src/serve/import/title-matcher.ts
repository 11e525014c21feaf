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
import { stepsOf, type StepwiseBuild } from '../stepwise-build.ts';

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
  return startTitleMatcherBuild(movies).finish();
}

/** Movies indexed per step: a few milliseconds of work, so a background build never holds the bot up. */
const MOVIES_PER_STEP = 500;

/** A matcher under construction: `step()` indexes a few hundred movies (the matcher once done), `finish()` the rest. */
export type TitleMatcherBuild = StepwiseBuild<TitleMatcher>;

export function startTitleMatcherBuild(movies: Iterable<MatchableMovie>): TitleMatcherBuild {
  return stepsOf(buildSteps(movies));
}

/** The index, built movie after movie, pausing every MOVIES_PER_STEP movies. */
function* buildSteps(movies: Iterable<MatchableMovie>): Generator<void, TitleMatcher> {
  // Postings are numbers, not objects: position × 2 + 1 for a key from the main title, + 0 for an alternate;
  // a key with one posting holds the number itself. 87k movies make a few hundred thousand keys, and the
  // build is bound by allocation (and its garbage collection) more than by anything else.
  const movieIds: number[] = [];
  const years: (number | undefined)[] = [];
  const whole = new Map<string, Postings>();
  const withoutArticle = new Map<string, Postings>();
  const beforeSubtitle = new Map<string, Postings>();
  const byImdb = new Map<number, number[]>();

  /**
   * Adds a movie under each of its keys once: a key its main title gives is not added again for an
   * alternate (the main posting wins ties anyway). Collecting the keys first spares the normaliser the many
   * titles whose forms coincide ("Heat" with and without its article).
   */
  const addMovie = (mainTexts: string[], alternateTexts: string[], position: number) => {
    // A handful of keys per movie: arrays with includes() beat Sets here.
    const mainKeys = unique(mainTexts.flatMap(forms), []);
    const alternateKeys = unique(unique(alternateTexts, []).flatMap(forms), mainKeys);
    const mainBare = unique(
      mainKeys.map((key) => key.replace(LEADING_ARTICLE, '')),
      [],
    );
    const alternateBare = unique(
      alternateKeys.map((key) => key.replace(LEADING_ARTICLE, '')),
      mainBare,
    );
    const main = position * 2 + 1;
    const alternate = position * 2;
    for (const key of mainKeys) add(whole, key, main);
    for (const key of alternateKeys) add(whole, key, alternate);
    for (const key of mainBare) add(withoutArticle, key, main);
    for (const key of alternateBare) add(withoutArticle, key, alternate);
  };

  let position = 0;
  for (const movie of movies) {
    if ((position + 1) % MOVIES_PER_STEP === 0) yield;
    const parsed = parseTitle(movie.title);
    movieIds.push(movie.movieId);
    years.push(parsed.year);
    const alternateTexts: string[] = [];
    for (const written of parsed.alternates) {
      const { moved, withoutArticle: bare } = moveArticle(written.replace(AKA, ''));
      alternateTexts.push(moved, bare);
    }
    addMovie(
      parsed.main === parsed.mainWithoutArticle ? [parsed.main] : [parsed.main, parsed.mainWithoutArticle],
      alternateTexts,
      position,
    );
    const colon = parsed.main.search(/:| - /);
    if (colon > 0)
      for (const key of forms(parsed.main.slice(0, colon))) add(beforeSubtitle, key, position * 2 + 1);
    if (movie.imdbId) {
      const id = Number(movie.imdbId);
      const ids = byImdb.get(id);
      if (ids) ids.push(movie.movieId);
      else byImdb.set(id, [movie.movieId]);
    }
    position++;
  }

  const postingsOf = (index: Map<string, Postings>, key: string): Posting[] => {
    const held = index.get(key);
    if (held === undefined) return [];
    return (typeof held === 'number' ? [held] : held).map((code) => ({
      movieId: movieIds[code >> 1],
      year: years[code >> 1],
      main: (code & 1) === 1,
    }));
  };

  return {
    matchTitle(name, year) {
      const keys = forms(name);
      const tiers: [Map<string, Postings>, string[], number][] = [
        [whole, keys, 1],
        [withoutArticle, keys.map((key) => key.replace(LEADING_ARTICLE, '')), 1],
        [beforeSubtitle, keys, 0],
      ];
      for (const [index, tierKeys, yearSlack] of tiers) {
        const postings = tierKeys.flatMap((key) => postingsOf(index, key));
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

/** One key's postings (see buildSteps): one number, or several. */
type Postings = number | number[];

function add(index: Map<string, Postings>, key: string, code: number): void {
  if (key === '') return;
  const held = index.get(key);
  if (held === undefined) index.set(key, code);
  else if (typeof held === 'number') index.set(key, [held, code]);
  else held.push(code);
}

/** `values` without repeats and without any of `taken`, in order. */
function unique(values: readonly string[], taken: readonly string[]): string[] {
  const kept: string[] = [];
  for (const value of values) if (!kept.includes(value) && !taken.includes(value)) kept.push(value);
  return kept;
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

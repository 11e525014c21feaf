/**
 * Title matching over any set of movies, from the 100 of the catalog to the 87k of ml-32m: autocomplete
 * suggestions and typed-text resolution with the same rules everywhere (case, accents, punctuation, MovieLens
 * title forms such as "Matrix, The (1999)", alternate titles).
 *
 * Tiers, best first, each ordered by the movies' rank: a key starts with the whole query ("the mat" → "The
 * Matrix"); every query word starts a word of one key ("lord rings fellowship"); every query word occurs
 * somewhere in one key ("atrix").
 *
 * Speed: a keystroke must not compare the query with every title of a large dataset. The index keeps each
 * distinct word with the movies it occurs in (sorted, so a word prefix is a binary search plus a range), and a
 * query only checks the movies of its rarest word. Only when the first two tiers leave room does a linear
 * substring scan run, over one precomputed string per movie.
 */
import type { Choice } from './choice.ts';
import { hasInWordPunctuation, normalizeForSearch, normalizeJoiningWords } from './normalize.ts';
import { buildGently, stepsOf, type StepwiseBuild } from './stepwise-build.ts';
import { displayTitle, parseTitle, truncatedDisplayTitle } from './titles.ts';

/** Discord's autocomplete limits: 25 choices, names of at most 100 characters. */
export const MAX_CHOICES = 25;
export const MAX_CHOICE_NAME_LENGTH = 100;
/** How many titles an "ambiguous" answer lists. */
export const MAX_RESOLVE_CANDIDATES = 5;

export type ResolveResult =
  { ok: true; movieId: number } | { ok: false; reason: 'not-found' | 'ambiguous'; candidates: string[] };

/** A movie to index: its MovieLens title; lower `rank` is offered first among equally good matches. */
export interface TitleEntry {
  movieId: number;
  title: string;
  rank: number;
}

export interface TitleSearch {
  /** Up to `limit` (25) movies matching the query, best first, without the excluded ones. */
  suggest(query: string, exclude?: Iterable<number>, limit?: number): Choice[];
  /**
   * A typed value (movieId string or title text) → one movie, or why not. With `ids: false` digits are only
   * a title ("300", "1917"): for searches where autocomplete marks its values otherwise (see /rate).
   */
  resolve(typed: string, options?: { ids?: boolean }): ResolveResult;
  /** True when the movie is in this index. */
  has(movieId: number): boolean;
  readonly size: number;
}

/** Below this many movies for the rarest query word, candidates are checked one by one instead of intersected. */
const FEW_CANDIDATES = 2000;

const Tier = { Prefix: 0, WordPrefix: 1, Substring: 2, None: 3 } as const;
type Tier = (typeof Tier)[keyof typeof Tier];

/** Movies indexed between two yields of the gentle build: a few milliseconds of work. */
const MOVIES_PER_STEP = 500;

export function createTitleSearch(entries: Iterable<TitleEntry>): TitleSearch {
  return startTitleSearchBuild(entries).finish();
}

/** An index under construction: `step()` adds a few hundred movies (the search once done), `finish()` the rest. */
export type TitleSearchBuild = StepwiseBuild<TitleSearch>;

export function startTitleSearchBuild(entries: Iterable<TitleEntry>): TitleSearchBuild {
  return stepsOf(buildSteps(entries));
}

/**
 * The same index built in steps between other work (setImmediate after every few hundred movies), for a bot
 * that swaps in a new version while it keeps answering: 87k titles take a second or two of CPU.
 */
export function createTitleSearchGently(entries: Iterable<TitleEntry>): Promise<TitleSearch> {
  return buildGently(startTitleSearchBuild(entries));
}

function* buildSteps(entries: Iterable<TitleEntry>): Generator<void, TitleSearch> {
  const movies = [...entries].sort((a, b) => a.rank - b.rank || a.movieId - b.movieId);
  const count = movies.length;
  const positionById = new Map<number, number>();
  /**
   * Every movie's normalised keys (each with a leading space) in one string, movie after movie in rank order,
   * keys separated by "\n"; movie `position` spans offsets[position] to offsets[position + 1] - 1. One string
   * instead of 87k small arrays is a fraction of the memory, and a substring search is one native indexOf.
   */
  const keyParts: string[] = [];
  const offsets = new Int32Array(count + 1);
  const exact = new Map<string, number | number[]>();
  const looseExact = new Map<string, number | number[]>();
  const postingsByWord = new Map<string, number[]>();
  const postingsByFirstWord = new Map<string, number[]>();

  for (const [position, movie] of movies.entries()) {
    if (position % MOVIES_PER_STEP === MOVIES_PER_STEP - 1) yield;
    positionById.set(movie.movieId, position);
    const forms = titleForms(movie.title);
    const segment = forms.keys.map((key) => ' ' + key).join('\n') + '\n';
    keyParts.push(segment);
    offsets[position + 1] = offsets[position] + segment.length;
    for (const key of forms.exact) addCompact(exact, key, position);
    for (const key of forms.looseExact) addCompact(looseExact, key, position);
    const words = new Set(forms.keys.flatMap((key) => key.split(' ')));
    for (const word of words) addTo(postingsByWord, word, position);
    for (const first of new Set(forms.keys.map((key) => key.split(' ', 1)[0])))
      addTo(postingsByFirstWord, first, position);
  }
  yield;

  const corpus = keyParts.join('');
  keyParts.length = 0;
  const segmentOf = (position: number) => corpus.slice(offsets[position], offsets[position + 1] - 1);
  const anyWord = wordIndex(postingsByWord);
  const firstWord = wordIndex(postingsByFirstWord);

  /** Per query scratch: stamp[position] === queryNumber marks a movie; hits counts the tokens it has. */
  const stamp = new Uint32Array(count);
  const hits = new Uint8Array(count);
  let queryNumber = 0;

  /** The movies of a range of words, in rank order. */
  function rankOrdered(index: WordIndex, [from, to]: [number, number]): Iterable<number> {
    const [start, end] = [index.start[from], index.start[to]];
    if (to - from === 1) return index.postings.subarray(start, end);
    queryNumber = (queryNumber + 1) >>> 0 || 1;
    const ordered: number[] = [];
    for (let i = start; i < end; i++) stamp[index.postings[i]] = queryNumber;
    // Few movies: sort them; many: visit the marks in rank order rather than sort a long list.
    if (end - start < count / 64) {
      for (let i = start; i < end; i++)
        if (stamp[index.postings[i]] === queryNumber) {
          ordered.push(index.postings[i]);
          stamp[index.postings[i]] = 0;
        }
      return ordered.sort((a, b) => a - b);
    }
    for (let position = 0; position < count; position++)
      if (stamp[position] === queryNumber) ordered.push(position);
    return ordered;
  }

  function matches(query: string, excluded: ReadonlySet<number>, limit: number): number[] {
    const normalized = normalizeForSearch(query);
    const available = (position: number) => !excluded.has(movies[position].movieId);
    if (normalized === '') {
      const first: number[] = [];
      for (let position = 0; position < count && first.length < limit; position++)
        if (available(position)) first.push(position);
      return first;
    }
    const tokens = normalized.split(' ').slice(0, 250);
    const spaced = ' ' + normalized;

    // Tier 1, a key starts with the query: its first word is the first token (or starts with it, for one token).
    const prefix: number[] = [];
    const inPrefix = new Set<number>();
    const firstRange = tokens.length === 1 ? firstWord.range(tokens[0]) : firstWord.exact(tokens[0]);
    for (const position of rankOrdered(firstWord, firstRange)) {
      if (!available(position)) continue;
      const segment = segmentOf(position);
      if (segment.startsWith(spaced) || segment.includes('\n' + spaced)) {
        prefix.push(position);
        inPrefix.add(position);
        if (prefix.length >= limit) return prefix;
      }
    }

    // Tier 2, every token starts a word of one key: the movies having all tokens as word starts, in rank order.
    // Every tier-1 match is known by now, so this tier can stop as soon as the list is full.
    const ranges = tokens.map((token) => anyWord.range(token));
    const size = ([from, to]: [number, number]) => anyWord.start[to] - anyWord.start[from];
    ranges.sort((a, b) => size(a) - size(b));
    const found = [...prefix];
    const wordStarts = tokens.map((token) => ' ' + token);
    const consider = (position: number): void => {
      if (inPrefix.has(position) || !available(position)) return;
      const segment = segmentOf(position);
      if (!wordStarts.every((start) => segment.includes(start))) return;
      if (tierOf(segment.split('\n'), spaced, tokens, Tier.WordPrefix) <= Tier.WordPrefix)
        found.push(position);
    };
    if (size(ranges[0]) > 0 && size(ranges[0]) <= FEW_CANDIDATES) {
      // The rarest token leaves few movies: check those directly rather than intersect long lists.
      for (const position of rankOrdered(anyWord, ranges[0])) {
        consider(position);
        if (found.length >= limit) break;
      }
    } else if (size(ranges[0]) > 0) {
      hits.fill(0);
      ranges.forEach(([from, to], i) => {
        for (let k = anyWord.start[from]; k < anyWord.start[to]; k++) {
          const position = anyWord.postings[k];
          if (hits[position] === i) hits[position] = i + 1;
        }
      });
      const all = ranges.length;
      for (let position = 0; position < count && found.length < limit; position++)
        if (hits[position] === all) consider(position);
    }
    if (found.length >= limit) return found;

    // Tier 3, every token occurs in one key. A token has no spaces, so it lies inside one word: find the words
    // holding the longest token (in the list of distinct words, a fraction of all titles' text), then check
    // their movies in rank order.
    const already = new Set(found);
    const scanToken = tokens.reduce((a, b) => (b.length >= a.length ? b : a));
    queryNumber = (queryNumber + 1) >>> 0 || 1;
    let marked = 0;
    for (let at = anyWord.corpus.indexOf(scanToken); at !== -1;) {
      const w = upperBound(anyWord.corpusOffsets, at) - 1;
      for (let k = anyWord.start[w]; k < anyWord.start[w + 1]; k++) {
        if (stamp[anyWord.postings[k]] !== queryNumber) marked++;
        stamp[anyWord.postings[k]] = queryNumber;
      }
      at = anyWord.corpus.indexOf(scanToken, anyWord.corpusOffsets[w + 1]);
    }
    for (let position = 0; marked > 0 && position < count && found.length < limit; position++) {
      if (stamp[position] !== queryNumber) continue;
      marked--;
      if (already.has(position) || !available(position)) continue;
      const segment = segmentOf(position);
      if (
        tokens.every((token) => segment.includes(token)) &&
        tierOf(segment.split('\n'), spaced, tokens, Tier.Substring) === Tier.Substring
      )
        found.push(position);
    }
    return found;
  }

  const choice = (position: number): Choice => ({
    name: truncatedDisplayTitle(movies[position].title, MAX_CHOICE_NAME_LENGTH),
    value: String(movies[position].movieId),
  });

  function oneOrAmbiguous(positions: readonly number[]): ResolveResult {
    if (positions.length === 1) return { ok: true, movieId: movies[positions[0]].movieId };
    return {
      ok: false,
      reason: 'ambiguous',
      candidates: [...positions]
        .sort((a, b) => a - b)
        .slice(0, MAX_RESOLVE_CANDIDATES)
        .map((position) => choice(position).name),
    };
  }

  return {
    size: count,
    has: (movieId) => positionById.has(movieId),
    suggest(query, exclude = [], limit = MAX_CHOICES) {
      return matches(query, new Set(exclude), limit).map(choice);
    },
    resolve(typed, { ids = true } = {}) {
      const text = typed.trim();
      // Autocomplete sends the movieId; a pasted id works the same way.
      if (ids && /^\d+$/.test(text)) {
        const position = positionById.get(Number(text));
        if (position !== undefined) return { ok: true, movieId: movies[position].movieId };
      }
      const normalized = normalizeForSearch(text);
      if (normalized === '') return { ok: false, reason: 'not-found', candidates: [] };
      for (const index of [exact, looseExact]) {
        const hit = index.get(normalized);
        if (hit !== undefined) return oneOrAmbiguous(typeof hit === 'number' ? [hit] : hit);
      }
      const found = matches(text, new Set(), MAX_RESOLVE_CANDIDATES + 1);
      if (found.length === 0) return { ok: false, reason: 'not-found', candidates: [] };
      return oneOrAmbiguous(found);
    },
  };
}

/** The tier of the best key, not looking for tiers worse than `worst`. keys carry a leading space. */
function tierOf(keys: readonly string[], spacedQuery: string, tokens: readonly string[], worst: Tier): Tier {
  let best: Tier = Tier.None;
  for (const key of keys) {
    if (key.startsWith(spacedQuery)) return Tier.Prefix;
    if (best > Tier.WordPrefix && tokens.every((token) => key.includes(' ' + token))) {
      best = Tier.WordPrefix;
    } else if (
      worst >= Tier.Substring &&
      best > Tier.Substring &&
      tokens.every((token) => key.includes(token))
    ) {
      best = Tier.Substring;
    }
  }
  return best;
}

/** Every normalised form of a title: search keys, forms that count as typing it exactly, weaker exact forms. */
function titleForms(title: string): { keys: string[]; exact: string[]; looseExact: string[] } {
  const parsed = parseTitle(title);
  // normalise(x + " (1999)") is normalise(x) + " 1999", so the year is appended rather than normalised again.
  const year = parsed.year === undefined ? '' : ` ${parsed.year}`;
  const withYear = (forms: readonly string[]) => (year ? forms.map((form) => form + year) : forms);
  const main = normalizedForms([parsed.main]);
  const bare =
    parsed.mainWithoutArticle === parsed.main ? main : normalizedForms([parsed.mainWithoutArticle]);
  const written = parsed.mainAsWritten === parsed.main ? main : normalizedForms([parsed.mainAsWritten]);
  const alternateForms = normalizedForms(
    parsed.alternates.flatMap((alternate) => {
      const alt = parseTitle(alternate);
      return [alternate, alt.main, alt.mainWithoutArticle];
    }),
  );
  // The title as written and as displayed differ from main/written + year only with alternates or a range year.
  const plain =
    parsed.alternates.length === 0 && (parsed.yearText ?? '') === (year ? `(${parsed.year})` : '');
  const whole = plain ? [] : normalizedForms([title, displayTitle(title)]);
  return {
    keys: unique([...withYear(main), ...withYear(bare), ...alternateForms]),
    exact: unique([...whole, ...main, ...withYear(main), ...written, ...withYear(written)]),
    looseExact: unique([...bare, ...withYear(bare), ...alternateForms]),
  };
}

function unique(forms: readonly string[]): string[] {
  return [...new Set(forms)];
}

/** Both normalisations of every text, deduplicated, empty ones dropped. */
function normalizedForms(texts: readonly string[]): string[] {
  const forms = new Set<string>();
  for (const text of new Set(texts)) {
    forms.add(normalizeForSearch(text));
    // The joined form differs only when the text has in-word punctuation ("Schindler's", "Spider-Man").
    if (hasInWordPunctuation(text)) forms.add(normalizeJoiningWords(text));
  }
  forms.delete('');
  return [...forms];
}

/** Like addTo, but a key with one movie (nearly all) holds the bare number: a third of the memory on 87k titles. */
function addCompact(index: Map<string, number | number[]>, key: string, position: number): void {
  const held = index.get(key);
  if (held === undefined) index.set(key, position);
  else if (typeof held === 'number') {
    if (held !== position) index.set(key, [held, position]);
  } else if (held.at(-1) !== position) held.push(position);
}

function addTo(index: Map<string, number[]>, key: string, position: number): void {
  const list = index.get(key);
  if (!list) index.set(key, [position]);
  else if (list.at(-1) !== position) list.push(position);
}

interface WordIndex {
  /** Distinct words, sorted by code unit. */
  words: string[];
  /** Movies of words[i]: postings[start[i] .. start[i + 1]), in rank order. */
  start: Int32Array;
  postings: Int32Array;
  /** Words starting with `prefix`, as a range of word indexes. */
  range(prefix: string): [number, number];
  /** Just `word`, as a range of word indexes (empty when absent). */
  exact(word: string): [number, number];
  /** All words in one string, each followed by "\n": words[i] starts at corpusOffsets[i]. */
  corpus: string;
  corpusOffsets: Int32Array;
}

/** Sorted words with their movies in one flat array (CSR), so a word prefix is a contiguous range. */
function wordIndex(byWord: Map<string, number[]>): WordIndex {
  const words = [...byWord.keys()].sort();
  const start = new Int32Array(words.length + 1);
  const postings = new Int32Array(words.reduce((total, word) => total + byWord.get(word)!.length, 0));
  words.forEach((word, i) => {
    const list = byWord.get(word)!;
    postings.set(list, start[i]);
    start[i + 1] = start[i] + list.length;
  });
  byWord.clear();
  const corpusOffsets = new Int32Array(words.length + 1);
  words.forEach((word, i) => (corpusOffsets[i + 1] = corpusOffsets[i] + word.length + 1));
  return {
    words,
    start,
    postings,
    corpus: words.map((word) => word + '\n').join(''),
    corpusOffsets,
    range(prefix) {
      const from = lowerBound(words, prefix);
      let to = from;
      while (to < words.length && words[to].startsWith(prefix)) to++;
      return [from, to];
    },
    exact(word) {
      const at = lowerBound(words, word);
      return words[at] === word ? [at, at + 1] : [at, at];
    },
  };
}

/** First index whose offset is > target. */
function upperBound(sorted: Int32Array, target: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (sorted[mid] <= target) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** First index whose word is ≥ target (words sorted by code unit, as Array.prototype.sort does). */
function lowerBound(sorted: readonly string[], target: string): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (sorted[mid] < target) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

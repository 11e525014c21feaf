/**
 * Lines of the `--batch` files, each → a request or a specific reason why not. `recommend`: a JSON array of
 * three picks, each a movie id (number) or a catalog title (string, matched as /recommend matches typed text);
 * ids and titles may be mixed. `foryou` and `movienight`: ratings (parseRatingList).
 */
import type { CatalogSearch } from '../serve/catalog-search.ts';
import type { MemberRating } from '../serve/recommendation.ts';
import type { TitleSearch } from '../serve/title-search.ts';

export const BATCH_PICKS = 3;

export type ParsedRequest = { ok: true; picks: number[] } | { ok: false; error: string };

export function parseBatchLine(
  line: string,
  search: CatalogSearch,
  isCatalog: (movieId: number) => boolean,
  titleOf: (movieId: number) => string,
): ParsedRequest {
  const fail = (error: string): ParsedRequest => ({ ok: false, error });
  if (line.trim() === '') return fail('empty line: expected a JSON array of 3 movie ids or 3 titles');
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch (error) {
    return fail(`not JSON (${(error as Error).message})`);
  }
  if (!Array.isArray(value)) {
    return fail(`expected a JSON array of 3 movie ids or 3 titles, got ${describe(value)}`);
  }
  if (value.length !== BATCH_PICKS) {
    return fail(`expected ${BATCH_PICKS} picks, got ${value.length}`);
  }
  const picks: number[] = [];
  for (const [index, item] of value.entries()) {
    const which = `pick ${index + 1}`;
    if (typeof item === 'number') {
      if (!Number.isInteger(item) || item <= 0) return fail(`${which}: ${item} is not a movie id`);
      if (!isCatalog(item)) return fail(`${which}: movie id ${item} is not in the top-100 catalog`);
      picks.push(item);
    } else if (typeof item === 'string') {
      const found = search.resolve(item);
      if (!found.ok) {
        return fail(
          found.reason === 'ambiguous'
            ? `${which}: "${item}" matches several catalog movies: ${found.candidates.join('; ')}`
            : `${which}: "${item}" is not a title in the top-100 catalog`,
        );
      }
      picks.push(found.movieId);
    } else {
      return fail(`${which}: expected a movie id or a title, got ${describe(item)}`);
    }
  }
  for (let i = 0; i < picks.length; i++) {
    const first = picks.indexOf(picks[i]);
    if (first !== i)
      return fail(`duplicate pick: picks ${first + 1} and ${i + 1} are both ${titleOf(picks[i])}`);
  }
  return { ok: true, picks };
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return typeof value === 'object' ? 'an object' : `the ${typeof value} ${JSON.stringify(value)}`;
}

/** One rating of a `foryou`/`movienight --batch` line: `{"movieId": 1, "rating": 4.5}` or `{"title": "…", "rating": 4}`. */
export type ParsedRatings = { ok: true; ratings: MemberRating[] } | { ok: false; error: string };

/**
 * A member's ratings as a batch line gives them (a JSON array of objects): each resolved against every movie
 * of the dataset (as /rate resolves, digits in a title being a title), stars ½–5 in half steps, each movie
 * once. `where` prefixes every error ("member 2: ").
 */
export function parseRatingList(value: unknown, movies: TitleSearch, where = ''): ParsedRatings {
  const fail = (error: string): ParsedRatings => ({ ok: false, error: `${where}${error}` });
  if (!Array.isArray(value))
    return fail(`expected a JSON array of {"movieId" or "title", "rating"} objects, got ${describe(value)}`);
  const ratings: MemberRating[] = [];
  const seen = new Map<number, number>();
  for (const [index, item] of value.entries()) {
    const which = `rating ${index + 1}`;
    if (typeof item !== 'object' || item === null || Array.isArray(item))
      return fail(`${which}: expected an object like {"movieId": 1, "rating": 4}, got ${describe(item)}`);
    const { movieId, title, rating } = item as Record<string, unknown>;
    let id: number;
    if (movieId !== undefined && title !== undefined)
      return fail(`${which}: give "movieId" or "title", not both`);
    if (typeof movieId === 'number') {
      if (!Number.isInteger(movieId) || movieId <= 0 || !movies.has(movieId))
        return fail(`${which}: ${movieId} is not a movie id of the dataset`);
      id = movieId;
    } else if (typeof title === 'string') {
      const found = movies.resolve(title, { ids: false });
      if (!found.ok)
        return fail(
          found.reason === 'ambiguous'
            ? `${which}: "${title}" matches several movies: ${found.candidates.join('; ')}`
            : `${which}: "${title}" is not a title of the dataset`,
        );
      id = found.movieId;
    } else {
      return fail(`${which}: needs "movieId" (a number) or "title" (a string)`);
    }
    if (typeof rating !== 'number' || !(rating >= 0.5 && rating <= 5) || !Number.isInteger(rating * 2))
      return fail(`${which}: "rating" must be ½ to 5 stars in half steps, got ${describe(rating)}`);
    const earlier = seen.get(id);
    if (earlier !== undefined) return fail(`${which}: the same movie as rating ${earlier + 1}`);
    seen.set(id, index);
    ratings.push({ movieId: id, rating });
  }
  return { ok: true, ratings };
}

/** One line of `foryou --batch`: one member's ratings. */
export function parseForYouLine(line: string, movies: TitleSearch): ParsedRatings {
  const value = parseJsonLine(line, 'a JSON array of ratings');
  return 'error' in value ? { ok: false, error: value.error } : parseRatingList(value.json, movies);
}

/** One line of `movienight --batch`: an array of members, each an array of ratings. */
export function parseMovieNightLine(
  line: string,
  movies: TitleSearch,
): { ok: true; members: MemberRating[][] } | { ok: false; error: string } {
  const value = parseJsonLine(line, "a JSON array of members' rating arrays");
  if ('error' in value) return { ok: false, error: value.error };
  if (!Array.isArray(value.json) || value.json.some((member) => !Array.isArray(member)))
    return {
      ok: false,
      error: `expected a JSON array of members, each an array of ratings, got ${describe(value.json)}`,
    };
  const members: MemberRating[][] = [];
  for (const [index, member] of (value.json as unknown[]).entries()) {
    const parsed = parseRatingList(member, movies, `member ${index + 1}: `);
    if (!parsed.ok) return parsed;
    members.push(parsed.ratings);
  }
  return { ok: true, members };
}

function parseJsonLine(line: string, expected: string): { json: unknown } | { error: string } {
  if (line.trim() === '') return { error: `empty line: expected ${expected}` };
  try {
    return { json: JSON.parse(line) as unknown };
  } catch (error) {
    return { error: `not JSON (${(error as Error).message})` };
  }
}

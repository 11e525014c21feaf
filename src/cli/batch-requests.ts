/**
 * One line of a `recommend --batch` file → three catalog movie ids, or a specific reason why not. A line is a
 * JSON array of three picks, each a movie id (number) or a catalog title (string, matched as /recommend
 * matches typed text); ids and titles may be mixed.
 */
import type { CatalogSearch } from '../serve/catalog-search.ts';

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

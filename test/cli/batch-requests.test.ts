import { describe, expect, it } from 'vitest';
import { parseBatchLine } from '../../src/cli/batch-requests.ts';
import { createCatalogSearch } from '../../src/serve/catalog-search.ts';
import { displayTitle } from '../../src/serve/titles.ts';
import { NON_CATALOG_MOVIE, searchArtifacts } from '../serve/fixtures.ts';

const artifacts = searchArtifacts();
const search = createCatalogSearch(artifacts);
const catalog = new Set(artifacts.catalog.map((entry) => entry.movieId));
const parse = (line: string) =>
  parseBatchLine(
    line,
    search,
    (id) => catalog.has(id),
    (id) => displayTitle(artifacts.movies.get(id)!.title),
  );

describe('a recommend --batch line', () => {
  it('takes three catalog ids, three titles, or a mix', () => {
    expect(parse('[2571, 318, 858]')).toEqual({ ok: true, picks: [2571, 318, 858] });
    expect(parse('["the matrix", "Shawshank Redemption", "Godfather, The (1972)"]')).toEqual({
      ok: true,
      picks: [2571, 318, 858],
    });
    expect(parse(' ["Amelie", 260, "Alien"] ')).toEqual({ ok: true, picks: [4973, 260, 1214] });
  });

  it('says what is wrong with a bad line', () => {
    expect(parse('')).toEqual({ ok: false, error: expect.stringContaining('empty line') });
    expect(parse('[2571, 318')).toEqual({ ok: false, error: expect.stringMatching(/^not JSON \(/) });
    expect(parse('{"picks": [1, 2, 3]}')).toEqual({
      ok: false,
      error: 'expected a JSON array of 3 movie ids or 3 titles, got an object',
    });
    expect(parse('"The Matrix"')).toEqual({
      ok: false,
      error: 'expected a JSON array of 3 movie ids or 3 titles, got the string "The Matrix"',
    });
    expect(parse('[2571, 318]')).toEqual({ ok: false, error: 'expected 3 picks, got 2' });
    expect(parse('[2571, 318, 858, 260]')).toEqual({ ok: false, error: 'expected 3 picks, got 4' });
    expect(parse('[2571, 318.5, 858]')).toEqual({ ok: false, error: 'pick 2: 318.5 is not a movie id' });
    expect(parse(`[2571, 318, ${NON_CATALOG_MOVIE.movieId}]`)).toEqual({
      ok: false,
      error: `pick 3: movie id ${NON_CATALOG_MOVIE.movieId} is not in the top-100 catalog`,
    });
    expect(parse('[2571, null, 858]')).toEqual({
      ok: false,
      error: 'pick 2: expected a movie id or a title, got null',
    });
    expect(parse('["Fight Club", 318, 858]')).toEqual({
      ok: false,
      error: 'pick 1: "Fight Club" is not a title in the top-100 catalog',
    });
    const ambiguous = parse('[2571, "Hamlet", 858]');
    expect(ambiguous).toEqual({
      ok: false,
      error: expect.stringContaining('pick 2: "Hamlet" matches several catalog movies: '),
    });
    expect(!ambiguous.ok && ambiguous.error).toContain('Hamlet (1996)');
    expect(!ambiguous.ok && ambiguous.error).toContain('Hamlet (2000)');
    expect(parse('["The Matrix", 318, 2571]')).toEqual({
      ok: false,
      error: 'duplicate pick: picks 1 and 3 are both The Matrix (1999)',
    });
  });
});

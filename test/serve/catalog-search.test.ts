import { describe, expect, it } from 'vitest';
import { createCatalogSearch } from '../../src/serve/catalog-search.ts';
import { genres, matchGenres } from '../../src/serve/genres.ts';
import {
  FILLER_COUNT,
  NON_CATALOG_MOVIE,
  SEARCH_TITLES,
  fillerId,
  range,
  searchArtifacts,
} from './fixtures.ts';

const artifacts = searchArtifacts();
const search = createCatalogSearch(artifacts);
const values = (query: string, exclude: number[] = []) =>
  search.suggest(query, exclude).map((choice) => Number(choice.value));

describe('suggest', () => {
  it('offers the catalog in rank order for an empty query, 25 at most', () => {
    const choices = search.suggest('', []);
    expect(choices).toHaveLength(25);
    expect(choices.slice(0, 4)).toEqual([
      { name: 'The Shawshank Redemption (1994)', value: '318' },
      { name: 'The Godfather (1972)', value: '858' },
      { name: 'Star Wars: Episode IV - A New Hope (1977)', value: '260' },
      { name: 'The Matrix (1999)', value: '2571' },
    ]);
    expect(values('   ')).toEqual(SEARCH_TITLES.slice(0, 25).map(([movieId]) => movieId));
  });

  it('understands MovieLens title forms and ignores case', () => {
    for (const query of ['the matrix', 'The Matrix', 'MATRIX', 'matrix', 'Matrix, The']) {
      expect(values(query), query).toEqual([2571, 6365]);
    }
    expect(search.suggest('the matrix', [])[0].name).toBe('The Matrix (1999)');
    expect(values('the matrix 1999')).toEqual([2571]);
    expect(values('matrix (2003)')).toEqual([6365]);
  });

  it('ignores accents and finds alternate titles', () => {
    expect(values('amelie')).toEqual([4973]);
    expect(values('AMÉLIE')).toEqual([4973]);
    expect(values('fabuleux destin')).toEqual([4973]);
    expect(values('poulain')).toEqual([4973]);
    expect(values('les miserables')).toEqual([73]);
    expect(values('leon')).toEqual([293]);
    expect(values('se7en')).toEqual([47]);
  });

  it('ignores punctuation', () => {
    expect(values('lord of the rings fellowship')).toEqual([4993]);
    expect(values('lord of the rings: the two towers')).toEqual([5952]);
    expect(values('lord of the rings')).toEqual([4993, 5952, 7153]);
    expect(values("schindler's list")).toEqual([527]);
    expect(values('schindlers')).toEqual([527]);
    expect(values('spiderman')).toEqual([5349]);
    expect(values('spider man')).toEqual([5349]);
    expect(values('dr strangelove')).toEqual([750]);
    expect(values('godfather part ii')).toEqual([1221]);
  });

  it('ranks prefix, then word-prefix, then substring matches, each by catalog rank', () => {
    // "Man on Fire" (rank 26) starts with it; "Spider-Man" (13) has it as a word; "…Subhumanoid…" (24)
    // and "The Human Centipede" (27) only contain it.
    expect(values('man')).toEqual([8798, 5349, 9001, 72171]);
    // Both "Alien" titles start with it; rank decides.
    expect(values('alien')).toEqual([1214, 1200]);
    // "Return of the King" and "Return of the Jedi" are word-prefix matches; "The Return…" would be prefix.
    expect(values('return')).toEqual([7153, 1210, 9001]);
  });

  it('does not offer already chosen movies', () => {
    expect(values('star wars')).toEqual([260, 1196, 1210]);
    expect(values('star wars', [260, 1210])).toEqual([1196]);
    expect(values('', [318, 858])[0]).toBe(260);
    expect(values('', [318, 858])).toHaveLength(25);
  });

  it('caps choices at 25 and names at 100 characters', () => {
    const fillers = values('filler');
    expect(fillers).toEqual(range(1, 25).map(fillerId));
    const [long] = search.suggest('night of the day', []);
    expect(long.value).toBe('9001');
    expect(long.name.length).toBeLessThanOrEqual(100);
    expect(long.name).toMatch(/^Night of the Day of the Dawn .*… \(1992\)$/);
    for (const choice of search.suggest('', [])) expect(choice.name.length).toBeLessThanOrEqual(100);
  });

  it('never offers a movie outside the catalog', () => {
    expect(values('fight club')).toEqual([]);
  });

  it('returns nothing when nothing matches', () => {
    expect(values('xyzzy')).toEqual([]);
  });
});

describe('resolve', () => {
  it('accepts a catalog movieId string', () => {
    expect(search.resolve('2571')).toEqual({ ok: true, movieId: 2571 });
    expect(search.resolve(' 318 ')).toEqual({ ok: true, movieId: 318 });
  });

  it('rejects a movieId outside the catalog', () => {
    expect(search.resolve(String(NON_CATALOG_MOVIE.movieId))).toEqual({
      ok: false,
      reason: 'not-found',
      candidates: [],
    });
  });

  it('resolves exact titles with or without year and moved article', () => {
    for (const typed of [
      'The Matrix (1999)',
      'Matrix, The (1999)',
      'the matrix',
      'Matrix, The',
      'matrix',
      'MATRIX 1999',
    ]) {
      // "The Matrix Reloaded" also matches "the matrix", but the exact title wins.
      expect(search.resolve(typed), typed).toEqual({ ok: true, movieId: 2571 });
    }
    expect(search.resolve('godfather')).toEqual({ ok: true, movieId: 858 });
    expect(search.resolve('Hamlet (2000)')).toEqual({ ok: true, movieId: 3598 });
    expect(search.resolve('amelie')).toEqual({ ok: true, movieId: 4973 });
    expect(search.resolve('Amélie (2001)')).toEqual({ ok: true, movieId: 4973 });
    expect(search.resolve('se7en')).toEqual({ ok: true, movieId: 47 });
  });

  it('resolves a unique match', () => {
    expect(search.resolve('fellowship')).toEqual({ ok: true, movieId: 4993 });
    expect(search.resolve('lord of the rings fellowship')).toEqual({ ok: true, movieId: 4993 });
    expect(search.resolve('empire strikes')).toEqual({ ok: true, movieId: 1196 });
  });

  it('reports ambiguity with the candidates, best first, at most five', () => {
    expect(search.resolve('star wars')).toEqual({
      ok: false,
      reason: 'ambiguous',
      candidates: [
        'Star Wars: Episode IV - A New Hope (1977)',
        'Star Wars: Episode V - The Empire Strikes Back (1980)',
        'Star Wars: Episode VI - Return of the Jedi (1983)',
      ],
    });
    expect(search.resolve('hamlet')).toEqual({
      ok: false,
      reason: 'ambiguous',
      candidates: ['Hamlet (1996)', 'Hamlet (2000)'],
    });
    expect(search.resolve('filler movie')).toEqual({
      ok: false,
      reason: 'ambiguous',
      candidates: range(1, 5).map((n) => `Filler Movie ${n} (2000)`),
    });
  });

  it('reports not-found', () => {
    expect(search.resolve('xyzzy')).toEqual({ ok: false, reason: 'not-found', candidates: [] });
    expect(search.resolve('')).toEqual({ ok: false, reason: 'not-found', candidates: [] });
    expect(search.resolve('fight club')).toEqual({ ok: false, reason: 'not-found', candidates: [] });
  });
});

describe('genres', () => {
  it('lists the catalog genres alphabetically, without the no-genre placeholder or non-catalog genres', () => {
    expect(genres(artifacts)).toEqual([
      'Action',
      'Adventure',
      'Comedy',
      'Crime',
      'Drama',
      'Fantasy',
      'Horror',
      'IMAX',
      'Mystery',
      'Romance',
      'Sci-Fi',
      'Thriller',
      'War',
    ]);
    // Western is only on Fight Club, which is not in the catalog.
    expect(search.genres).toEqual(genres(artifacts));
  });

  it('suggests genres: word-prefix before substring, accents and case ignored', () => {
    const names = (query: string) => search.suggestGenres(query).map((choice) => choice.name);
    expect(names('')).toEqual(genres(artifacts));
    expect(names('sci')).toEqual(['Sci-Fi']);
    expect(names('FI')).toEqual(['Sci-Fi']);
    expect(names('an')).toEqual(['Fantasy', 'Romance']);
    expect(names('r')).toEqual([
      'Romance',
      'Adventure',
      'Crime',
      'Drama',
      'Horror',
      'Mystery',
      'Thriller',
      'War',
    ]);
    expect(names('dráma')).toEqual(['Drama']);
    expect(names('western')).toEqual([]);
    expect(search.suggestGenres('war')).toEqual([{ name: 'War', value: 'War' }]);
  });

  it('matchGenres caps at 25 choices', () => {
    const many = range(1, 30).map((n) => `Genre ${n}`);
    expect(matchGenres(many, 'genre')).toHaveLength(25);
  });
});

it('the fixture catalog really has 100 movies', () => {
  expect(artifacts.catalog).toHaveLength(100);
  expect(FILLER_COUNT).toBe(100 - SEARCH_TITLES.length);
});

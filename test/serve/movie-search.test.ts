import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createMovieSearch } from '../../src/serve/catalog-search.ts';
import { normalizeForSearch, normalizeJoiningWords } from '../../src/serve/normalize.ts';
import { createTitleSearch, createTitleSearchGently, type TitleEntry } from '../../src/serve/title-search.ts';
import { parseTitle } from '../../src/serve/titles.ts';
import { createRng } from '../../src/random.ts';
import { buildArtifacts, NON_CATALOG_MOVIE, searchArtifacts } from './fixtures.ts';

describe('movie search over every movie (what /rate offers)', () => {
  const search = createMovieSearch(searchArtifacts());
  const values = (query: string) => search.suggest(query).map((choice) => Number(choice.value));

  it('finds movies outside the catalog, by title forms, case and accents', () => {
    expect(values('fight club')).toEqual([NON_CATALOG_MOVIE.movieId]);
    expect(values('FIGHT')).toEqual([NON_CATALOG_MOVIE.movieId]);
    expect(search.resolve('Fight Club (1999)')).toEqual({ ok: true, movieId: NON_CATALOG_MOVIE.movieId });
    expect(search.resolve(String(NON_CATALOG_MOVIE.movieId))).toEqual({
      ok: true,
      movieId: NON_CATALOG_MOVIE.movieId,
    });
    expect(search.resolve('Matrix, The')).toEqual({ ok: true, movieId: 2571 });
    expect(search.resolve('amélie')).toEqual({ ok: true, movieId: 4973 });
    expect(search.resolve('star wars')).toMatchObject({ ok: false, reason: 'ambiguous' });
    expect(search.resolve('xyzzy')).toEqual({ ok: false, reason: 'not-found', candidates: [] });
  });

  it('reads digits as a title when asked to: movie ids and titles like "300" overlap', () => {
    const artifacts = buildArtifacts({
      movies: [
        { movieId: 300, title: 'Quiz Show (1994)' },
        { movieId: 51662, title: '300 (2007)' },
      ],
      catalog: [300],
    });
    const search = createMovieSearch(artifacts);
    expect(search.resolve('300')).toEqual({ ok: true, movieId: 300 });
    expect(search.resolve('300', { ids: false })).toEqual({ ok: true, movieId: 51662 });
  });

  it('offers the catalog first, then the most rated movies, among equal matches', () => {
    const artifacts = buildArtifacts({
      movies: [
        { movieId: 1, title: 'Heat (1995)', count: 100 },
        { movieId: 2, title: 'Heat (1986)', count: 3 },
        { movieId: 3, title: 'Heat (2013)', count: 40 },
      ],
      catalog: [2],
    });
    expect(
      createMovieSearch(artifacts)
        .suggest('heat')
        .map((c) => c.value),
    ).toEqual(['2', '1', '3']);
  });
});

/** The matching rules written the slow, obvious way: every key of every movie, per query. */
function referenceSearch(entries: readonly TitleEntry[]) {
  const sorted = [...entries]
    .sort((a, b) => a.rank - b.rank || a.movieId - b.movieId)
    .map((entry) => {
      const parsed = parseTitle(entry.title);
      const year = parsed.year === undefined ? '' : ` ${parsed.year}`;
      const texts = [
        parsed.main + year,
        parsed.mainWithoutArticle + year,
        ...parsed.alternates.flatMap((a) => [a, parseTitle(a).main, parseTitle(a).mainWithoutArticle]),
      ];
      const keys = texts
        .flatMap((t) => [normalizeForSearch(t), normalizeJoiningWords(t)])
        .filter(Boolean)
        .map((k) => ' ' + k);
      return { movieId: entry.movieId, keys };
    });
  return (query: string, limit: number): number[] => {
    const normalized = normalizeForSearch(query);
    if (normalized === '') return sorted.slice(0, limit).map((e) => e.movieId);
    const tokens = normalized.split(' ');
    const tiers: number[][] = [[], [], []];
    for (const { movieId, keys } of sorted) {
      let tier = 3;
      for (const key of keys) {
        if (key.startsWith(' ' + normalized)) tier = Math.min(tier, 0);
        else if (tokens.every((t) => key.includes(' ' + t))) tier = Math.min(tier, 1);
        else if (tokens.every((t) => key.includes(t))) tier = Math.min(tier, 2);
      }
      if (tier < 3) tiers[tier].push(movieId);
    }
    return tiers.flat().slice(0, limit);
  };
}

describe('the indexed search matches the obvious algorithm', () => {
  const titles = (() => {
    if (!process.env.MOVIELENS_DIR) return [];
    try {
      return readFileSync(join(process.env.MOVIELENS_DIR, 'movies.csv'), 'utf8')
        .split(/\r?\n/)
        .slice(1)
        .filter(Boolean)
        .map((line) =>
          line
            .replace(/^\d+,/, '')
            .replace(/,[^,]*$/, '')
            .replace(/^"|"$/g, ''),
        );
    } catch {
      return [];
    }
  })();
  // Real titles when the dataset is there; otherwise a fixed list with every title form that matters.
  const base =
    titles.length > 0
      ? titles
      : [
          'Matrix, The (1999)',
          'Matrix Reloaded, The (2003)',
          "Amelie (Fabuleux destin d'Amélie Poulain, Le) (2001)",
          "Schindler's List (1993)",
          'Spider-Man (2002)',
          'Man on Fire (2004)',
          'Human Centipede, The (First Sequence) (2009)',
          'Lord of the Rings: The Fellowship of the Ring, The (2001)',
          'Star Wars: Episode IV - A New Hope (1977)',
          'Twin Peaks (1990–1991)',
          'Léon: The Professional (a.k.a. The Professional) (Léon) (1994)',
          'Se7en (1995)',
          'Vitelloni, I (1953)',
        ];
  const entries: TitleEntry[] = [];
  for (let copy = 0; entries.length < 3000; copy++)
    base.forEach((title, i) =>
      entries.push({
        movieId: entries.length + 1,
        title: copy ? `${title} ${copy}` : title,
        rank: (i * 7919) % 3001,
      }),
    );
  const search = createTitleSearch(entries);
  const reference = referenceSearch(entries);

  it('gives the same suggestions for typed prefixes, words and fragments', () => {
    const rng = createRng(11);
    const queries = [
      '',
      'the',
      't',
      'matrix the',
      'atrix',
      'man',
      'spider man',
      'spiderman',
      'léon',
      'xyzzy',
      'i',
    ];
    for (let i = 0; i < 150; i++) {
      const title = entries[Math.floor(rng() * entries.length)].title;
      const from = Math.floor(rng() * title.length);
      queries.push(title.slice(from, from + 1 + Math.floor(rng() * 12)));
    }
    for (const query of queries) {
      expect(
        search.suggest(query).map((c) => Number(c.value)),
        JSON.stringify(query),
      ).toEqual(reference(query, 25));
    }
  });
});

describe('normalisation', () => {
  it('takes the ASCII shortcut without changing any result', () => {
    const samples = [
      "Schindler's List",
      'E.T. the Extra-Terrestrial',
      'MATRIX, The (1999)',
      '  a--b__c  ',
      'Ocean’s 11',
    ];
    for (const text of samples) {
      const slow = text
        .normalize('NFD')
        .replace(/\p{M}+/gu, '')
        .toLowerCase()
        .replace(/[^\p{L}\p{N}]+/gu, ' ')
        .trim();
      expect(normalizeForSearch(text)).toBe(slow);
    }
  });
});

describe('gentle build', () => {
  it('builds the same index in steps, letting other work run between them', async () => {
    const entries = Array.from({ length: 3000 }, (_, i) => ({
      movieId: i + 1,
      title: `Film ${i % 7 === 0 ? 'Noir' : 'Day'} ${i} (${1950 + (i % 70)})`,
      rank: i,
    }));
    let ticks = 0;
    const ticker = setInterval(() => ticks++, 0);
    const gentle = await createTitleSearchGently(entries);
    clearInterval(ticker);
    const direct = createTitleSearch(entries);
    for (const query of ['film', 'noir 7', 'day 12', '19', 'x'])
      expect(gentle.suggest(query)).toEqual(direct.suggest(query));
    expect(gentle.resolve('Film Noir 7 (1957)')).toEqual(direct.resolve('Film Noir 7 (1957)'));
    expect(ticks).toBeGreaterThan(0);
  });
});

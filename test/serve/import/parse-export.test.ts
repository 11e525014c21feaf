/** Export files → rows, and every way a file can be wrong, each with its own message. */
import { describe, expect, it } from 'vitest';
import { MAX_EXPORT_BYTES, MAX_EXPORT_ROWS, parseExport } from '../../../src/serve/import/parse-export.ts';

const bytes = (text: string) => new TextEncoder().encode(text);
const LETTERBOXD = 'Date,Name,Year,Letterboxd URI,Rating\n';

describe('parseExport', () => {
  it('reads Letterboxd ratings with quoted names, a BOM and CRLF', () => {
    const text =
      '\uFEFF' +
      LETTERBOXD.replace('\n', '\r\n') +
      '2024-01-02,Amélie,2001,https://boxd.it/1,4.5\r\n' +
      '2024-01-03,"The Good, the Bad and the Ugly",1966,https://boxd.it/2,5\r\n' +
      '2024-01-04,"Say ""Cheese""",2003,https://boxd.it/3,0.5\r\n';
    const parsed = parseExport(bytes(text), 'ratings.csv');
    expect(parsed.kind).toBe('letterboxd-ratings');
    expect(parsed.rows).toEqual([
      { line: 2, name: 'Amélie', year: 2001, stars: 4.5, date: '2024-01-02' },
      { line: 3, name: 'The Good, the Bad and the Ugly', year: 1966, stars: 5, date: '2024-01-03' },
      { line: 4, name: 'Say "Cheese"', year: 2003, stars: 0.5, date: '2024-01-04' },
    ]);
  });

  it('tells watched.csv from watchlist.csv by name or by the member’s choice', () => {
    const text = 'Date,Name,Year,Letterboxd URI\n2024-01-02,Heat,1995,https://boxd.it/1\n';
    expect(parseExport(bytes(text), 'watched.csv').kind).toBe('letterboxd-watched');
    expect(parseExport(bytes(text), 'watchlist.csv').kind).toBe('letterboxd-watchlist');
    expect(parseExport(bytes(text), 'list.csv', 'letterboxd-watchlist').kind).toBe('letterboxd-watchlist');
    expect(() => parseExport(bytes(text), 'list.csv')).toThrow(
      /watched\.csv or watchlist\.csv.*choose the kind/,
    );
    expect(() => parseExport(bytes(text), 'list.csv', 'imdb-ratings')).toThrow(
      /You chose IMDb ratings, but \*\*list\.csv\*\* is a Letterboxd watched\/watchlist file/,
    );
  });

  it('reads IMDb ratings (1–10 → ½–5) by column name', () => {
    const text =
      'Const,Your Rating,Date Rated,Title,Original Title,URL,Title Type,IMDb Rating,Runtime (mins),Year,Genres,Num Votes,Release Date,Directors\r\n' +
      'tt0114709,9,2024-05-01,Toy Story,Toy Story,https://www.imdb.com/title/tt0114709,Movie,8.3,81,1995,"Animation, Comedy",1,1995-11-22,John Lasseter\r\n' +
      'tt10872600,1,2024-05-02,Spider-Man,Spider-Man,u,Movie,8,148,2021,Action,1,2021-12-17,Jon Watts\r\n';
    const parsed = parseExport(bytes(text), 'ratings.csv');
    expect(parsed.kind).toBe('imdb-ratings');
    expect(parsed.rows.map((r) => [r.imdbId, r.stars, r.name, r.year])).toEqual([
      [114709, 4.5, 'Toy Story', 1995],
      [10872600, 0.5, 'Spider-Man', 2021],
    ]);
  });

  it('counts a diary’s unrated lines instead of failing on them', () => {
    const text =
      'Date,Name,Year,Letterboxd URI,Rating,Rewatch,Tags,Watched Date\n' +
      '2024-01-02,Heat,1995,https://boxd.it/1,4,,,2024-01-01\n' +
      '2024-01-03,Heat,1995,https://boxd.it/2,,Yes,,2024-01-02\n';
    const parsed = parseExport(bytes(text), 'diary.csv');
    expect(parsed.rows).toHaveLength(1);
    expect(parsed.unrated).toBe(1);
    expect(parsed.rows[0].date).toBe('2024-01-01');
  });

  it.each([
    [
      'a too large file',
      new Uint8Array(MAX_EXPORT_BYTES + 1).fill(65),
      'x.csv',
      /is 2\.0 MB; FlickPick reads exports of up to 2\.0 MB/,
    ],
    ['a zip', Uint8Array.from([0x50, 0x4b, 0x03, 0x04, 1, 2, 3]), 'letterboxd.zip', /zip archive.*Unzip it/],
    [
      'an image',
      Uint8Array.from([0x89, 0x50, 0x4e, 0x47, 0, 0, 0, 13]),
      'poster.png',
      /\*\*poster\.png\*\* is not a CSV file/,
    ],
    ['one column of text', bytes('hello\nworld\n'), 'notes.txt', /\*\*notes\.txt\*\* is not a CSV file/],
    ['an empty file', bytes(''), 'ratings.csv', /\*\*ratings\.csv\*\* is empty/],
    [
      'an unknown header',
      bytes('movieId,title,genres\n1,Toy Story (1995),Comedy\n'),
      'movies.csv',
      /starts with `movieId,title,genres`, which is no export FlickPick knows/,
    ],
    [
      'a short line',
      bytes(`${LETTERBOXD}2024-01-02,Heat,1995,https://boxd.it/1,4\n2024-01-02,Alien,1979\n`),
      'ratings.csv',
      /^Line 3 is malformed: it has 3 fields where the header has 5/,
    ],
    [
      'an unclosed quote',
      bytes(
        `${LETTERBOXD}2024-01-02,Heat,1995,https://boxd.it/1,4\n2024-01-02,"Alien,1979,https://boxd.it/2,4\n`,
      ),
      'ratings.csv',
      /not valid CSV at line \d+: a quoted field is never closed/,
    ],
    [
      'a rating out of range',
      bytes(`${LETTERBOXD}2024-01-02,Heat,1995,https://boxd.it/1,8\n`),
      'ratings.csv',
      /^Line 2 is malformed: Rating “8” is not ½–5 in half stars/,
    ],
    [
      'a bad year',
      bytes(`${LETTERBOXD}2024-01-02,Heat,95,https://boxd.it/1,4\n`),
      'ratings.csv',
      /^Line 2 is malformed: Year “95” is not a year/,
    ],
    [
      'an empty name',
      bytes(`${LETTERBOXD}2024-01-02,,1995,https://boxd.it/1,4\n`),
      'ratings.csv',
      /^Line 2 is malformed: the Name is empty/,
    ],
    [
      'a bad IMDb id',
      bytes('Const,Your Rating,Date Rated,Title,Year\nnm0000001,8,2024-01-01,Heat,1995\n'),
      'imdb.csv',
      /^Line 2 is malformed: “nm0000001” is not an IMDb id/,
    ],
    [
      'a bad IMDb rating',
      bytes('Const,Your Rating,Date Rated,Title,Year\ntt0113277,11,2024-01-01,Heat,1995\n'),
      'imdb.csv',
      /^Line 2 is malformed: Your Rating “11” is not 1–10/,
    ],
  ])('refuses %s with a specific message', (_what, file, name, message) => {
    expect(() => parseExport(file, name)).toThrow(message);
  });

  it('refuses more rows than the limit, naming both counts', () => {
    const row = '2024-01-02,Heat,1995,https://boxd.it/1,4\n';
    const text = LETTERBOXD + row.repeat(MAX_EXPORT_ROWS + 1);
    expect(() => parseExport(bytes(text), 'ratings.csv')).toThrow(
      /has 20,001 movies; FlickPick imports up to 20,000/,
    );
  });
});

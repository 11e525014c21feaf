/**
 * Matching export titles to MovieLens: hand cases for each rule, then whole exports built from the real
 * ml-latest-small titles (MOVIELENS_DIR), written the way Letterboxd and IMDb write them.
 */
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadLinks, loadMovies } from '../../../src/data/movielens.ts';
import type { Movie } from '../../../src/data/types.ts';
import { parseExport } from '../../../src/serve/import/parse-export.ts';
import { planImport } from '../../../src/serve/import/import-plan.ts';
import { createTitleMatcher, type TitleMatcher } from '../../../src/serve/import/title-matcher.ts';
import { REAL_DATASET_DIR } from '../../support/dataset.ts';
import {
  exportLines,
  imdbRatingsCsv,
  letterboxdRatingsCsv,
  NOT_IN_MOVIELENS,
} from '../../../src/eval/member-exports.ts';

const movie = (movieId: number, title: string, imdbId?: string) => ({ movieId, title, imdbId });

describe('title matcher rules', () => {
  const matcher = createTitleMatcher([
    movie(1, "Amelie (Fabuleux destin d'Amélie Poulain, Le) (2001)"),
    movie(2, 'Matrix, The (1999)', '0133093'),
    movie(3, 'Lovers (1999)'),
    movie(4, 'Heat (1995)'),
    movie(5, 'Heat (1986)'),
    movie(6, 'Star Wars: Episode IV - A New Hope (1977)'),
    movie(7, 'Emma (1996)'),
    movie(8, 'Emma (1996)'),
    movie(9, 'Seven (a.k.a. Se7en) (1995)'),
    movie(10, "Schindler's List (1993)"),
    movie(11, 'Pride & Prejudice (2005)'),
    movie(12, 'Crash (2004)'),
    movie(13, 'Crash (2005)'),
    movie(14, 'Twin (Doppelgänger) (2005)'),
    movie(15, 'Doppelgänger (2005)'),
    movie(16, 'Ghost (1990)'),
    movie(17, 'Ghost (1992)'),
    // ml-latest-small's own pair: two films one year apart under one normalised title.
    movie(34319, 'Island, The (2005)'),
    movie(63515, 'The Island (2006)'),
  ]);
  const title = (name: string, year?: number) => matcher.matchTitle(name, year);

  it('finds a movie by its alternate title, with accents and the article first', () => {
    expect(title('Amélie', 2001)).toEqual({ kind: 'matched', movieId: 1 });
    expect(title("Le Fabuleux Destin d'Amélie Poulain", 2001)).toEqual({ kind: 'matched', movieId: 1 });
    expect(title('The Matrix', 1999)).toEqual({ kind: 'matched', movieId: 2 });
    expect(title('Se7en', 1995)).toEqual({ kind: 'matched', movieId: 9 });
    expect(title('Schindlers List', 1993)).toEqual({ kind: 'matched', movieId: 10 });
    expect(title('Pride and Prejudice', 2005)).toEqual({ kind: 'matched', movieId: 11 });
  });

  it('drops a leading article MovieLens does not have, and a subtitle only at the exact year', () => {
    expect(title('The Lovers', 1999)).toEqual({ kind: 'matched', movieId: 3 });
    expect(title('Star Wars', 1977)).toEqual({ kind: 'matched', movieId: 6 });
    expect(title('Star Wars', 1978)).toEqual({ kind: 'not-found' });
  });

  it('tie rule: one movie within ±1 year is a match; two or more are ambiguous, even with an exact year', () => {
    expect(title('Heat', 1995)).toEqual({ kind: 'matched', movieId: 4 });
    expect(title('Heat', 1996)).toEqual({ kind: 'matched', movieId: 4 });
    expect(title('Heat', 1990)).toEqual({ kind: 'not-found' });
    expect(title('Heat')).toEqual({ kind: 'ambiguous', movieIds: [4, 5] });
    // 2004 and 2005 both lie within a year of either: the exact year is listed first, not chosen.
    expect(title('Crash', 2004)).toEqual({ kind: 'ambiguous', movieIds: [12, 13] });
    expect(title('Crash', 2005)).toEqual({ kind: 'ambiguous', movieIds: [13, 12] });
    expect(title('Crash', 2003)).toEqual({ kind: 'matched', movieId: 12 });
    expect(title('Crash', 2006)).toEqual({ kind: 'matched', movieId: 13 });
    // A main title and another movie's alternate at the same year: listed main first, not chosen.
    expect(title('Doppelgänger', 2005)).toEqual({ kind: 'ambiguous', movieIds: [15, 14] });
    expect(title('Twin', 2005)).toEqual({ kind: 'matched', movieId: 14 });
    expect(title('Emma', 1996)).toEqual({ kind: 'ambiguous', movieIds: [7, 8] });
    expect(title('Ghost', 1991)).toEqual({ kind: 'ambiguous', movieIds: [16, 17] });
  });

  it('tie rule: "The Island" written 2005 for The Island (2006) is not taken for Island, The (2005)', () => {
    // The old rule (the exact year wins) matched it to 34319, a different film: Letterboxd's year is TMDB's
    // and may be one off MovieLens's, so the exact year is no proof when another movie lies a year away.
    expect(title('The Island', 2005)).toEqual({ kind: 'ambiguous', movieIds: [34319, 63515] });
    expect(title('The Island', 2006)).toEqual({ kind: 'ambiguous', movieIds: [63515, 34319] });
    expect(title('The Island', 2007)).toEqual({ kind: 'matched', movieId: 63515 });
    expect(title('The Island', 2004)).toEqual({ kind: 'matched', movieId: 34319 });
  });

  it('matches IMDb ids exactly, ignoring the title', () => {
    expect(matcher.matchImdb(133093)).toEqual({ kind: 'matched', movieId: 2 });
    expect(matcher.matchImdb(1)).toEqual({ kind: 'not-found' });
  });
});

describe.skipIf(!REAL_DATASET_DIR)('matching exports of real MovieLens titles', () => {
  let movies: Map<number, Movie>;
  let matcher: TitleMatcher;
  beforeAll(async () => {
    movies = await loadMovies(path.join(REAL_DATASET_DIR!, 'movies.csv'));
    await loadLinks(path.join(REAL_DATASET_DIR!, 'links.csv'), movies);
    matcher = createTitleMatcher(movies.values());
  });

  // Every movie of ml-latest-small in one Letterboxd-style export (a tenth of the years one off), plus 20
  // recent films MovieLens lacks. Under the old tie rule (exact year wins) seed 2 made one wrong match ("The
  // Island (2006)" written 2005 = "Island, The (2005)") and seed 4 one ("The Best Man" 1998 written 1999).
  it.each([1, 2, 3, 4, 5])(
    'Letterboxd export of every movie (seed %i): ≥ 97 percent right, 0 wrong',
    (seed) => {
      const lines = exportLines(movies, movies.size, { seed, missing: NOT_IN_MOVIELENS.length });
      const parsed = parseExport(new TextEncoder().encode(letterboxdRatingsCsv(lines)), 'ratings.csv');
      let right = 0;
      let wrong = 0;
      let ambiguous = 0;
      let inMovieLens = 0;
      parsed.rows.forEach((row, i) => {
        const truth = lines[i].movieId;
        const match = matcher.matchTitle(row.name, row.year);
        if (truth !== undefined) inMovieLens++;
        if (match.kind === 'matched') {
          if (match.movieId === truth) right++;
          else wrong++;
        } else if (match.kind === 'ambiguous') ambiguous++;
      });
      expect(inMovieLens).toBe(movies.size);
      expect(right / inMovieLens).toBeGreaterThanOrEqual(0.97);
      expect(wrong).toBe(0);
      // The ambiguous ones: MovieLens's own duplicates (two ids for "Emma (1996)", "Eros (2004)", …) and
      // same-titled films a year apart (19–22 per export on seeds 1–5).
      expect(ambiguous).toBeLessThan(30);
    },
  );

  it('IMDb export: every id links.csv knows matches its movie exactly; unknown ids are not found', () => {
    const sample = [...movies.values()].filter((m) => m.imdbId).slice(0, 500);
    const csv = imdbRatingsCsv(
      sample,
      sample.map(() => 3.5),
      [99999991, 99999992],
    );
    const plan = planImport(parseExport(new TextEncoder().encode(csv), 'ratings.csv'), matcher);
    expect(plan.entries).toHaveLength(500);
    expect(plan.entries.map((e) => e.movieId)).toEqual(sample.map((m) => m.movieId));
    expect(plan.entries.every((e) => e.stars === 3.5)).toBe(true);
    expect(plan.notFound.map((row) => row.imdbId)).toEqual([99999991, 99999992]);
  });
});

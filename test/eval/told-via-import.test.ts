/** A new member's told ratings brought in through a Letterboxd export and /import's real matching. */
import { describe, expect, it } from 'vitest';
import type { Movie } from '../../src/data/types.ts';
import { emptyTally, toldViaLetterboxd } from '../../src/eval/told-via-import.ts';
import { createTitleMatcher } from '../../src/serve/import/title-matcher.ts';

const movie = (movieId: number, title: string): Movie => ({ movieId, title, genres: [] });
const movies = new Map(
  [
    movie(1, "Amelie (Fabuleux destin d'Amélie Poulain, Le) (2001)"),
    movie(2, 'Matrix, The (1999)'),
    movie(3, 'Heat (1995)'),
    // ml-latest-small's pair one year apart under one title: an import cannot tell them apart.
    movie(34319, 'Island, The (2005)'),
    movie(63515, 'The Island (2006)'),
    movie(7, 'Pride & Prejudice (2005)'),
  ].map((m) => [m.movieId, m]),
);
const matcher = createTitleMatcher(movies.values());

describe('toldViaLetterboxd', () => {
  it('tells the engine what the import matched, with the same stars, and keeps what is to be found', () => {
    const member = {
      userId: 42,
      told: [
        { movieId: 1, rating: 4.5 },
        { movieId: 2, rating: 0.5 },
        { movieId: 63515, rating: 3 },
        { movieId: 3, rating: 5 },
        { movieId: 7, rating: 2.5 },
      ],
      toldMovies: new Set([1, 2, 63515, 3, 7]),
      relevant: new Set([34319, 99]),
    };
    const tally = emptyTally();
    const imported = toldViaLetterboxd(member, movies, matcher, 1, tally);
    // "The Island (2006)" written 2005 or 2006 is left ambiguous (both films lie within a year); written
    // 2007 (the rewriting's year one off) only 63515 does, and it is placed.
    const islandPlaced = imported.toldMovies.has(63515);
    expect(tally).toEqual({
      rows: 5,
      right: islandPlaced ? 5 : 4,
      wrong: 0,
      ambiguous: islandPlaced ? 0 : 1,
      notFound: 0,
    });
    expect(imported.told.filter((r) => r.movieId !== 63515)).toEqual(
      member.told.filter((r) => r.movieId !== 63515),
    );
    expect(imported.relevant).toBe(member.relevant);
    expect(imported.userId).toBe(42);
  });

  it('rewrites each member the same way for a seed, and differently for another member', () => {
    const member = (userId: number) => ({
      userId,
      told: [...movies.keys()].map((movieId) => ({ movieId, rating: 4 })),
      toldMovies: new Set(movies.keys()),
      relevant: new Set<number>(),
    });
    const run = (userId: number, seed: number) => {
      const tally = emptyTally();
      return { told: toldViaLetterboxd(member(userId), movies, matcher, seed, tally).told, tally };
    };
    expect(run(5, 1)).toEqual(run(5, 1));
    const outcomes = [1, 2, 3, 4, 5, 6, 7, 8].map((seed) => run(5, seed).tally);
    for (const tally of outcomes) {
      expect(tally.wrong).toBe(0);
      expect(tally.right + tally.ambiguous).toBe(6);
    }
  });
});

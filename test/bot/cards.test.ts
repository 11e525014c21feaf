import { describe, expect, it } from 'vitest';
import type { Artifacts, MovieInfo } from '../../src/artifacts/types.ts';
import { DISCORD_LIMITS, embedCharacters, recommendationMessage } from '../../src/bot/cards.ts';
import type { Recommendation } from '../../src/serve/recommendation.ts';

function movie(movieId: number, title: string): MovieInfo {
  return {
    movieId,
    title,
    genres: ['Drama', 'Film-Noir'],
    imdbId: '0133093',
    tmdbId: 603,
    count: 12,
    mean: 4.1,
  };
}

describe('recommendation cards', () => {
  const longTitle = `${'Very Long Title '.repeat(30).trim()}, The (1999)`;
  const movies = new Map<number, MovieInfo>([
    [1, movie(1, 'Matrix, The (1999)')],
    [2, movie(2, 'Toy Story (1995)')],
    [3, movie(3, 'Heat (1995)')],
    ...Array.from(
      { length: 10 },
      (_, i) => [100 + i, movie(100 + i, i === 0 ? longTitle : `Gem_${i} *bold* (2001)`)] as const,
    ),
  ]);
  const artifacts = { movies, catalog: [] } as unknown as Artifacts;
  const rec = (i: number): Recommendation =>
    i < 5
      ? {
          movieId: 100 + i,
          movie: movies.get(100 + i)!,
          reason: { kind: 'knn', pickId: 1, similarity: 0.81, neighbourRank: 2 },
        }
      : {
          movieId: 100 + i,
          movie: movies.get(100 + i)!,
          reason: { kind: 'dnmf', pickId: 2, userIds: [5, 6, 7, 8], predictedRating: 4.62 },
        };
  const result = {
    picks: [1, 2, 3],
    popularPicks: [0, 1, 2, 3, 4].map(rec),
    hiddenGems: [5, 6, 7, 8, 9].map(rec),
  };

  it('builds 10 cards within Discord’s limits, with poster, links and TMDB credit', () => {
    const posters = new Map([[100, 'https://image.tmdb.org/t/p/w342/a.jpg']]);
    const { content, embeds } = recommendationMessage(result, artifacts, posters, { audience: 'public' });
    expect(content).toBe('Because you like **The Matrix**, **Toy Story** and **Heat**:');
    expect(embeds).toHaveLength(10);
    expect(embedCharacters(embeds)).toBeLessThanOrEqual(DISCORD_LIMITS.embedCharacters);
    expect(embeds[0].title!.length).toBeLessThanOrEqual(256);
    expect(embeds[0].title!).toMatch(/^The Very Long Title .*… \(1999\)$/);
    expect(embeds[0].thumbnail).toEqual({ url: 'https://image.tmdb.org/t/p/w342/a.jpg' });
    expect(embeds[1].thumbnail).toBeUndefined();
    expect(embeds[1].url).toBe('https://www.imdb.com/title/tt0133093/');
    expect(embeds[1].fields).toEqual([
      { name: 'Year', value: '2001', inline: true },
      { name: 'Genres', value: 'Drama, Film-Noir', inline: true },
      {
        name: 'Links',
        value: '[IMDb](https://www.imdb.com/title/tt0133093/) · [TMDB](https://www.themoviedb.org/movie/603)',
        inline: true,
      },
    ]);
    expect(embeds.map((e) => e.author?.name)).toEqual([
      ...[1, 2, 3, 4, 5].map((i) => `Popular pick ${i}/5`),
      ...[1, 2, 3, 4, 5].map((i) => `Hidden gem ${i}/5`),
    ]);
    expect(embeds[9].footer?.text).toContain('TMDB');
  });

  it('shows no TMDB credit when no poster is shown', () => {
    const { embeds } = recommendationMessage(result, artifacts, new Map(), { audience: 'public' });
    expect(embeds.some((e) => e.footer)).toBe(false);
  });
});

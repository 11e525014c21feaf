import { describe, expect, it } from 'vitest';
import type { Artifacts, MovieInfo } from '../../src/artifacts/types.ts';
import { DISCORD_LIMITS, embedCharacters, fitEmbeds, recommendationMessage } from '../../src/bot/cards.ts';
import { describeReason } from '../../src/serve/describe-reason.ts';
import type { Recommendation } from '../../src/serve/recommendation.ts';
import { validateMessageBody } from '../support/fake-discord/validate.ts';

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
          reason: {
            kind: 'knn-combined',
            basis: 'picks',
            matches: [{ movieId: 1, similarity: 0.81 }],
            totalSimilarity: 0.81,
          },
        }
      : {
          movieId: 100 + i,
          movie: movies.get(100 + i)!,
          reason: {
            kind: 'watch-similar',
            matches: [{ movieId: 2, similarity: 0.4 }],
            totalSimilarity: 0.62,
            price: 0,
          },
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

  it('fits ten cards of the longest ml-32m-like titles, each reason naming three of them, within every limit', () => {
    // ml-32m's longest titles run to ~150–200 characters, alternates and all; these are 200, with escapes.
    const long = (i: number) =>
      `${`Night_${i} of the *Day* of the Dawn of the Son of the Bride of the Return of the Revenge `.repeat(3)}`
        .slice(0, 180)
        .trim() + ` (Alternative ${i}) (19${10 + i})`;
    const many = new Map<number, MovieInfo>(
      Array.from({ length: 13 }, (_, i) => [200 + i, movie(200 + i, long(i))] as const),
    );
    const longArtifacts = { movies: many, catalog: [] } as unknown as Artifacts;
    const matches = [210, 211, 212].map((movieId) => ({ movieId, similarity: 0.5 }));
    const cards: Recommendation[] = Array.from({ length: 10 }, (_, i) => ({
      movieId: 200 + i,
      movie: many.get(200 + i)!,
      reason: { kind: 'knn-combined', basis: 'your-ratings', matches, totalSimilarity: 1.5 },
    }));
    const answer = { picks: [210, 211, 212], popularPicks: cards.slice(0, 5), hiddenGems: cards.slice(5) };
    const posters = new Map(cards.map((c) => [c.movieId, 'https://image.tmdb.org/t/p/w342/a.jpg']));
    // Untrimmed, the owner's reasons name three of these titles each: far over 6,000 characters in all.
    const reason = describeReason(cards[0].reason, longArtifacts, { audience: 'owner' });
    expect(10 * (reason.length + long(0).length)).toBeGreaterThan(DISCORD_LIMITS.embedCharacters);
    for (const audience of ['owner', 'public'] as const) {
      const message = recommendationMessage(answer, longArtifacts, posters, { audience });
      expect(embedCharacters(message.embeds)).toBeLessThanOrEqual(DISCORD_LIMITS.embedCharacters);
      for (const embed of message.embeds) {
        expect(embed.title!.length).toBeLessThanOrEqual(DISCORD_LIMITS.title);
        expect(embed.description!.length).toBeLessThanOrEqual(DISCORD_LIMITS.description);
        for (const field of embed.fields ?? []) expect(field.value.length).toBeLessThanOrEqual(1024);
      }
      // Discord's own rules, as the fake Discord enforces them (400 with code 50035 otherwise).
      expect(() => validateMessageBody(message)).not.toThrow();
    }
    // The owner's reasons name three 200-character titles: without trimming that is far over 6,000.
    const owner = recommendationMessage(answer, longArtifacts, posters, { audience: 'owner' });
    expect(owner.embeds[0].description!.endsWith('…')).toBe(true);
    expect(owner.embeds[0].title).toMatch(/^Night_0 of the \*Day\*/);
  });

  it('cuts the longest texts first, all to the same length, and never leaves a dangling escape', () => {
    const embeds = [
      { title: 'a', description: 'x'.repeat(5000) },
      { title: 'b', description: 'y'.repeat(3000) },
      { title: 'c', description: `${'z'.repeat(99)}\\*` },
    ];
    fitEmbeds(embeds, 4000);
    expect(embedCharacters(embeds)).toBeLessThanOrEqual(4000);
    expect(embeds[0].description.length).toBe(embeds[1].description.length);
    expect(embeds[2].description).toBe(`${'z'.repeat(99)}\\*`);
    fitEmbeds(embeds, 300);
    expect(embedCharacters(embeds)).toBeLessThanOrEqual(300);
    for (const e of embeds) expect(e.description).toMatch(/[^\\]…$/);
  });
});

import { describe, expect, it } from 'vitest';
import { describeReason } from '../../src/serve/describe-reason.ts';
import { handArtifacts } from './fixtures.ts';

const artifacts = handArtifacts();

describe('describeReason', () => {
  it('names the pick and the similarity for kNN', () => {
    expect(describeReason({ kind: 'knn', pickId: 1, similarity: 0.8, neighbourRank: 1 }, artifacts)).toBe(
      'Rated like The Matrix (1999) by the same people (cosine similarity 0.80, neighbour #1).',
    );
  });

  it('names the pick, the predicted rating and the users for DNMF', () => {
    expect(
      describeReason({ kind: 'dnmf', pickId: 1, userIds: [101, 102], predictedRating: 4.7 }, artifacts),
    ).toBe(
      'The DNMF model predicts 4.7/5 from 2 users it expects to love The Matrix (1999) (users 101, 102).',
    );
    expect(describeReason({ kind: 'dnmf', pickId: 3, userIds: [106], predictedRating: 4.9 }, artifacts)).toBe(
      'The DNMF model predicts 4.9/5 from 1 user it expects to love The Shawshank Redemption (1994) (user 106).',
    );
    expect(
      describeReason({ kind: 'dnmf', pickId: 2, userIds: [1, 2, 3, 4, 5], predictedRating: 4.55 }, artifacts),
    ).toContain('(users 1, 2, 3 and 2 more)');
  });

  it('says plainly when a movie is a popularity fallback', () => {
    expect(
      describeReason({ kind: 'popular-fallback', count: 150, mean: 4.4, weightedRating: 4.34 }, artifacts),
    ).toBe(
      'Not enough model matches for your picks, so a well-rated movie outside the top 5: 4.4/5 from 150 ratings.',
    );
  });

  it('names a pick by main title and year, without alternate titles', () => {
    expect(describeReason({ kind: 'knn', pickId: 2, similarity: 0.6, neighbourRank: 2 }, artifacts)).toBe(
      'Rated like Amelie (2001) by the same people (cosine similarity 0.60, neighbour #2).',
    );
  });

  it('falls back to the id for a pick without metadata', () => {
    expect(
      describeReason({ kind: 'knn', pickId: 999, similarity: 0.5, neighbourRank: 2 }, artifacts),
    ).toContain('Rated like movie 999 ');
  });

  it('names every similar pick for combined kNN, and says whose ratings they are', () => {
    const matches = [
      { movieId: 1, similarity: 0.42 },
      { movieId: 3, similarity: 0.31 },
    ];
    expect(
      describeReason({ kind: 'knn-combined', basis: 'picks', matches, totalSimilarity: 0.73 }, artifacts),
    ).toBe(
      'Rated like your picks The Matrix (1999) (0.42) and The Shawshank Redemption (1994) (0.31) by the same people (cosine similarity).',
    );
    expect(
      describeReason(
        { kind: 'knn-combined', basis: 'your-ratings', matches: matches.slice(0, 1), totalSimilarity: 0.42 },
        artifacts,
      ),
    ).toBe(
      'Rated like movies you rated highly The Matrix (1999) (0.42) by the same people (cosine similarity).',
    );
    expect(
      describeReason(
        {
          kind: 'knn-combined',
          basis: 'group-ratings',
          matches: [1, 2, 3, 4].map((movieId) => ({ movieId, similarity: 0.2 })),
          totalSimilarity: 0.8,
        },
        artifacts,
      ),
    ).toContain('movies your group rated highly The Matrix (1999) (0.20), Amelie (2001) (0.20), ');
  });

  it('says what the fold-in did for picks, naming the picks behind the lift and no users', () => {
    const text = describeReason({ kind: 'dnmf-fold-in', pickIds: [3, 1], lift: 0.234 }, artifacts);
    expect(text).toBe(
      'A less-known movie the DNMF model, fitting one viewer who loves your three picks, expects them to rate ' +
        '0.23 stars more than a fan of three typical top-5 movies, mostly because of ' +
        'The Shawshank Redemption (1994) and The Matrix (1999).',
    );
    expect(text).not.toMatch(/user \d/);
  });

  it('says which ratings a personal or group prediction comes from', () => {
    expect(
      describeReason(
        { kind: 'dnmf-personal', ratingCount: 12, embedding: 'fold-in', predictedRating: 4.36 },
        artifacts,
      ),
    ).toBe('The DNMF model, fitted to your 12 ratings, predicts 4.4/5 for you.');
    expect(
      describeReason(
        { kind: 'dnmf-group', memberCount: 3, meanPredicted: 4.06, lowestPredicted: 3.6 },
        artifacts,
      ),
    ).toBe(
      "The DNMF model, fitted to each of your 3 members' ratings, predicts 4.1/5 on average (lowest 3.6/5).",
    );
  });
});

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
});

import { describe, expect, it } from 'vitest';
import { describeReason, type ReasonAudience } from '../../src/serve/describe-reason.ts';
import type { RecommendationReason } from '../../src/serve/recommendation.ts';
import { handArtifacts } from './fixtures.ts';

const artifacts = handArtifacts();
const owner = { audience: 'owner' } as const;
const everyone = { audience: 'public' } as const;

/** Every kind of reason, with the numbers a model would record. */
const REASONS: RecommendationReason[] = [
  { kind: 'knn-combined', basis: 'picks', matches: [{ movieId: 1, similarity: 0.8 }], totalSimilarity: 0.8 },
  { kind: 'server-list', meanPredicted: 4.06, lowestPredicted: 3.6 },
  {
    kind: 'knn-combined',
    basis: 'picks',
    matches: [{ movieId: 1, similarity: 0.42 }],
    totalSimilarity: 0.42,
  },
  {
    kind: 'knn-combined',
    basis: 'your-ratings',
    matches: [{ movieId: 3, similarity: 0.42 }],
    totalSimilarity: 0.42,
  },
  {
    kind: 'knn-combined',
    basis: 'group-ratings',
    matches: [{ movieId: 3, similarity: 0.42 }],
    totalSimilarity: 0.42,
  },
  { kind: 'dnmf-fold-in', pickIds: [3, 1], lift: 0.234 },
  { kind: 'watch-similar', matches: [{ movieId: 1, similarity: 0.31 }], totalSimilarity: 0.5, price: 0.18 },
  { kind: 'dnmf-personal', ratingCount: 12, predictedRating: 5 },
  { kind: 'dnmf-personal', ratingCount: 1, predictedRating: 4.4 },
  { kind: 'dnmf-group', memberCount: 3, meanPredicted: 4.06, lowestPredicted: 3.6 },
  { kind: 'dnmf-group', memberCount: 3, meanPredicted: 4.06, lowestPredicted: 2.1 },
  { kind: 'popular-fallback', count: 150, mean: 4.4, weightedRating: 4.34 },
  {
    kind: 'taste',
    list: 'gem',
    score: 0.31,
    price: 0.18,
    because: [3, 1],
    becauseLiked: true,
    predictedRating: 4.2,
  },
  { kind: 'taste', list: 'popular', score: 0.52, price: 0, because: [2], predictedRating: 5 },
  {
    kind: 'taste-group',
    memberCount: 3,
    lowestScaledScore: 0.41,
    meanScaledScore: 0.66,
    lowestPredicted: 3.4,
  },
];

describe('describeReason', () => {
  it('speaks plain words: no model names, similarity scores, prices or predicted stars', () => {
    for (const audience of ['owner', 'public'] as ReasonAudience[]) {
      for (const reason of REASONS) {
        const text = describeReason(reason, artifacts, { audience });
        expect(text, reason.kind).not.toMatch(
          /cosine|DNMF|watch-model|model predicts|\/5\b|0\.\d\d|user \d/i,
        );
        expect(text, reason.kind).toMatch(/^[A-Z].*\.$/);
      }
    }
  });

  it('names the picks the member typed, whoever reads it', () => {
    for (const options of [owner, everyone]) {
      expect(describeReason(REASONS[0], artifacts, options)).toBe(
        'People who liked The Matrix (1999) rated this highly too.',
      );
      expect(describeReason(REASONS[2], artifacts, options)).toBe(
        'People who liked The Matrix (1999) rated this highly too.',
      );
      expect(describeReason(REASONS[6], artifacts, options)).toBe(
        'A less-known movie often watched by people who watched The Matrix (1999).',
      );
    }
    expect(describeReason(REASONS[5], artifacts, everyone)).toBe(
      'A less-known movie that fans of your three picks like more than most viewers do, most of all ' +
        'The Shawshank Redemption (1994) and The Matrix (1999).',
    );
  });

  it('names a member’s rated movies only to the member', () => {
    const rated = REASONS[3];
    expect(describeReason(rated, artifacts, owner)).toBe(
      'People who liked The Shawshank Redemption (1994), which you rated highly, rated this highly too.',
    );
    const shown = describeReason(rated, artifacts, everyone);
    expect(shown).toBe('Rated highly by people whose taste is close to yours.');
    expect(shown).not.toContain('Shawshank');
    // Without saying who reads it, a sentence is safe to show anyone.
    expect(describeReason(rated, artifacts)).toBe(shown);
  });

  it('speaks of the group’s taste without naming anyone’s movies, whoever reads it', () => {
    for (const options of [owner, everyone]) {
      const text = describeReason(REASONS[4], artifacts, options);
      expect(text).toBe('Close to what your group loves.');
      expect(describeReason(REASONS[9], artifacts, options)).toBe(
        'A less-known movie close to what your group loves, that nobody in it is expected to dislike.',
      );
      expect(describeReason(REASONS[10], artifacts, options)).toBe(
        'A less-known movie close to what most of your group loves.',
      );
    }
  });

  it('says what a personal gem comes from, without a predicted rating', () => {
    expect(describeReason(REASONS[7], artifacts, owner)).toBe(
      'A less-known movie that fits the taste of your 12 ratings.',
    );
    expect(describeReason(REASONS[8], artifacts, owner)).toBe(
      'A less-known movie that fits the taste of your 1 rating.',
    );
  });

  it('says plainly when a movie is a popularity fallback', () => {
    expect(describeReason(REASONS[11], artifacts)).toBe(
      'Few close matches, so a well-liked movie outside the top 5: MovieLens viewers gave it 4.4 of 5 stars ' +
        'on average (150 ratings).',
    );
  });

  it('names a movie by main title and year, without alternates; an unknown id by its number', () => {
    const pickedOne = (movieId: number): RecommendationReason => ({
      kind: 'knn-combined',
      basis: 'picks',
      matches: [{ movieId, similarity: 0.6 }],
      totalSimilarity: 0.6,
    });
    expect(describeReason(pickedOne(2), artifacts)).toBe(
      'People who liked Amelie (2001) rated this highly too.',
    );
    expect(describeReason(pickedOne(999), artifacts)).toContain('liked movie 999 ');
  });

  it('names at most three movies, then counts the rest', () => {
    const text = describeReason(
      {
        kind: 'knn-combined',
        basis: 'picks',
        matches: [1, 2, 3, 4, 5].map((movieId) => ({ movieId, similarity: 0.2 })),
        totalSimilarity: 1,
      },
      artifacts,
    );
    expect(text).toContain('The Matrix (1999), Amelie (2001), The Shawshank Redemption (1994) and 2 more');
  });

  it('names the member’s rated movies behind a taste-model pick only to the member, and no clipped 5', () => {
    const [gem, popular, group] = REASONS.slice(12);
    expect(describeReason(gem, artifacts, owner)).toBe(
      'A less-known movie often watched by people who watched The Shawshank Redemption (1994) and ' +
        "The Matrix (1999), which you rated highly. You'd rate it about 4.2 of 5.",
    );
    expect(describeReason(popular, artifacts, owner)).toBe(
      'Often watched by people who watched Amelie (2001), which you rated.',
    );
    for (const reason of [gem, popular]) {
      const shown = describeReason(reason, artifacts, everyone);
      expect(shown).toMatch(/people whose taste is close to yours\.$/);
      expect(shown).not.toMatch(/Matrix|Amelie|Shawshank|rate it/);
    }
    for (const options of [owner, everyone])
      expect(describeReason(group, artifacts, options)).toContain('close to what your group loves');
  });
});

import { describe, expect, it } from 'vitest';
import {
  hitAtK,
  hitsPer100,
  jaccard,
  meanScores,
  median,
  ndcgAtK,
  precisionAtK,
  recallAtK,
  scoreList,
} from '../../src/eval/metrics.ts';
import { fanStats, servedStats } from '../../src/eval/list-stats.ts';

const relevant = new Set([2, 5, 9]);

describe('ranking metrics on hand-made lists', () => {
  it('scores a list with relevant items at ranks 2 and 5', () => {
    const list = [1, 2, 3, 4, 5];
    expect(hitAtK(list, relevant, 5)).toBe(1);
    expect(precisionAtK(list, relevant, 5)).toBe(2 / 5);
    // 3 relevant, k = 5: recall divides by min(k, |relevant|) = 3.
    expect(recallAtK(list, relevant, 5)).toBe(2 / 3);
    const dcg = 1 / Math.log2(3) + 1 / Math.log2(6);
    const ideal = 1 + 1 / Math.log2(3) + 1 / Math.log2(4);
    expect(ndcgAtK(list, relevant, 5)).toBeCloseTo(dcg / ideal, 12);
    expect(ndcgAtK(list, relevant, 5)).toBeCloseTo(0.47762, 5);
  });

  it('gives 1 for a perfect ranking and 0 for a miss', () => {
    expect(ndcgAtK([2, 5, 9, 1, 3], relevant, 5)).toBeCloseTo(1, 12);
    expect(recallAtK([9, 2, 5], relevant, 5)).toBe(1);
    expect(scoreList([1, 3, 4], relevant, 5)).toEqual({ hit: 0, precision: 0, recall: 0, ndcg: 0 });
  });

  it('only looks at the first k, and does not reward a short list', () => {
    expect(hitAtK([1, 3, 4, 6, 7, 2], relevant, 5)).toBe(0);
    expect(precisionAtK([2], relevant, 5)).toBe(1 / 5);
    // One relevant item: recall and nDCG at rank 1 are 1, at rank 2 nDCG is 1/log2(3).
    expect(recallAtK([7, 2], new Set([2]), 5)).toBe(1);
    expect(ndcgAtK([7, 2], new Set([2]), 5)).toBeCloseTo(1 / Math.log2(3), 12);
  });

  it('rejects a bad k and averages over users', () => {
    expect(() => precisionAtK([1], relevant, 0)).toThrow('k must be a positive integer');
    const mean = meanScores([scoreList([2], relevant, 1), scoreList([1], relevant, 1)]);
    expect(mean).toEqual({ hit: 0.5, precision: 0.5, recall: 0.5, ndcg: 0.5 });
    expect(meanScores([]).hit).toBeNaN();
  });

  it('counts hits per 100 users with their standard error', () => {
    // Per-user hits 0, 1, 2 (k = 5): mean 1 → 100 per 100 users; sample sd 1 → standard error 100/√3.
    const scores = [
      [1, 3],
      [2, 3],
      [2, 5],
    ].map((list) => scoreList(list, relevant, 5));
    const { value, standardError } = hitsPer100(scores, 5);
    expect(value).toBeCloseTo(100, 10);
    expect(standardError).toBeCloseTo(100 / Math.sqrt(3), 10);
  });

  it('Jaccard and median', () => {
    expect(jaccard([1, 2, 3], [3, 4])).toBe(1 / 4);
    expect(jaccard([1, 2], [1, 2])).toBe(1);
    expect(jaccard([], [])).toBe(0);
    expect(median([5, 1, 3])).toBe(3);
    expect(median([4, 1, 3, 10])).toBe(3.5);
    expect(median([])).toBeNaN();
  });
});

describe('served-movie statistics', () => {
  it('counts coverage, novelty and concentration', () => {
    const counts = new Map([
      [1, 10],
      [2, 20],
      [3, 30],
      [4, 40],
    ]);
    const stats = servedStats(
      [
        [1, 2],
        [1, 3],
        [1, 4],
        [2, 3],
      ],
      (id) => counts.get(id)!,
    );
    expect(stats).toEqual({
      lists: 4,
      coverage: 4,
      // Slots: 10, 20, 10, 30, 10, 40, 20, 30 → sorted 10 10 10 20 20 30 30 40.
      novelty: 20,
      topMovieShare: 3 / 4,
      topMovieId: 1,
      top10Share: 1,
    });
  });

  it('finds the user behind most reasons, and says why when reasons name nobody', () => {
    const stats = fanStats([
      { kind: 'dnmf', userIds: [7, 8] },
      { kind: 'dnmf', userIds: [7] },
      { kind: 'dnmf', userIds: [9, 7, 7] },
      { kind: 'popular-fallback' },
    ]);
    expect(stats).toEqual({ reasons: 3, distinctFans: 3, topFanShare: 1, topFanId: 7 });
    expect(fanStats([{ kind: 'knn' }, { kind: 'popular-fallback' }])).toEqual({
      reasons: 0,
      topFanShare: null,
      why: 'no reason names users (reason kinds: knn, popular-fallback)',
    });
  });
});

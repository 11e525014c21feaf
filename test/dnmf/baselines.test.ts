import { describe, expect, it } from 'vitest';
import { fitBiasBaseline, fitGlobalMean } from '../../src/train/baselines.ts';
import { mae, rmse } from '../../src/train/metrics.ts';
import { table } from './synthetic.ts';

// Three users × three movies, two ratings each; global mean μ = 18 / 6 = 3.
const train = table([
  { userId: 1, movieId: 10, rating: 5 },
  { userId: 1, movieId: 20, rating: 3 },
  { userId: 2, movieId: 10, rating: 4 },
  { userId: 2, movieId: 30, rating: 2 },
  { userId: 3, movieId: 20, rating: 1 },
  { userId: 3, movieId: 30, rating: 3 },
]);

describe('metrics', () => {
  it('computes RMSE and MAE', () => {
    expect(rmse([1, 2], [1, 4])).toBeCloseTo(Math.SQRT2, 12);
    expect(mae([1, 2, 3], [2, 2, 5])).toBeCloseTo(1, 12);
  });

  it('rejects arrays of different lengths', () => {
    expect(() => rmse([1], [1, 2])).toThrow(/length|values/);
  });
});

describe('global mean baseline', () => {
  it('predicts the training mean for everyone', () => {
    const model = fitGlobalMean(train);
    expect(model.mean).toBe(3);
    expect(Array.from(model.predict(Int32Array.of(1, 99), Int32Array.of(10, 99)))).toEqual([3, 3]);
  });
});

describe('bias baseline', () => {
  it('matches a hand computation after one pass (items, then users)', () => {
    // Items with λi = 2:  b10 = (2 + 1)/(2 + 2) = 0.75,  b20 = (0 − 2)/4 = −0.5,  b30 = (−1 + 0)/4 = −0.25.
    // Users with λu = 3:  b1 = ((5−3−0.75) + (3−3+0.5))/(3 + 2) = 0.35,
    //                     b2 = ((4−3−0.75) + (2−3+0.25))/5 = −0.1,  b3 = ((1−3+0.5) + (3−3+0.25))/5 = −0.25.
    const model = fitBiasBaseline(train, { userLambda: 3, itemLambda: 2, passes: 1 });
    expect(model.itemBias.get(10)).toBeCloseTo(0.75, 12);
    expect(model.itemBias.get(20)).toBeCloseTo(-0.5, 12);
    expect(model.itemBias.get(30)).toBeCloseTo(-0.25, 12);
    expect(model.userBias.get(1)).toBeCloseTo(0.35, 12);
    expect(model.userBias.get(2)).toBeCloseTo(-0.1, 12);
    expect(model.userBias.get(3)).toBeCloseTo(-0.25, 12);
    const predicted = model.predict(Int32Array.of(1, 3, 99, 99), Int32Array.of(30, 10, 10, 99));
    // Unknown user 99: μ + b10; unknown user and movie: μ.
    expect(Array.from(predicted).map((x) => Number(x.toFixed(5)))).toEqual([3.1, 3.5, 3.75, 3]);
  });

  it('clips predictions to the rating scale', () => {
    const extreme = table([
      { userId: 1, movieId: 1, rating: 5 },
      { userId: 1, movieId: 2, rating: 5 },
      { userId: 2, movieId: 1, rating: 0.5 },
    ]);
    const model = fitBiasBaseline(extreme, { userLambda: 0, itemLambda: 0, passes: 5 });
    const predicted = model.predict(Int32Array.of(1, 2), Int32Array.of(2, 2));
    for (const p of predicted) {
      expect(p).toBeGreaterThanOrEqual(0.5);
      expect(p).toBeLessThanOrEqual(5);
    }
  });
});

import { describe, expect, it } from 'vitest';
import { foldIn, type RowRating } from '../../src/serve/fold-in.ts';
import { createRng } from '../../src/random.ts';
import { buildDnmf, range } from './fixtures.ts';

/** A DNMF with random 4-dimensional movie vectors and biases (MLP path zero: see buildDnmf). */
function randomDnmf(seed: number) {
  const rng = createRng(seed);
  const ids = range(1, 40);
  return buildDnmf({
    movies: Object.fromEntries(ids.map((id) => [id, Array.from({ length: 4 }, () => rng() * 2 - 1)])),
    movieBias: Object.fromEntries(ids.map((id) => [id, rng() - 0.5])),
    regularisation: { gmfPerRow: 2, gmfPerRating: 0.1, userBias: 3 },
  });
}

/**
 * The ridge optimum's stationarity conditions, exactly the model's objective:
 * Σ e_i x_i = λ_p p and Σ e_i = λ_b b, with e_i = r_i − prediction_i and λ_p = λ_row + n λ_rating.
 */
function expectOptimal(seed: number, count: number): void {
  const dnmf = randomDnmf(seed);
  const rng = createRng(seed + 1);
  const rated: RowRating[] = range(0, count - 1).map((row) => ({
    row,
    rating: 0.5 + Math.round(rng() * 9) / 2,
  }));
  const user = foldIn(dnmf, rated);
  const { scorer } = dnmf;
  const lambdaP = 2 + count * 0.1;
  const gradient = [0, 0, 0, 0];
  let biasGradient = 0;
  rated.forEach(({ row, rating }, i) => {
    const error = rating - scorer.predictOf(user, row);
    // The shares are the residuals over λ_p (what the reasons decompose the lift with).
    expect(user.shares[i]).toBeCloseTo(error / lambdaP, 5);
    for (let k = 0; k < 4; k++) gradient[k] += error * scorer.movieGmf[row * 4 + k];
    biasGradient += error;
  });
  for (let k = 0; k < 4; k++) expect(gradient[k]).toBeCloseTo(lambdaP * user.gmfWeighted[k], 4);
  expect(biasGradient).toBeCloseTo(3 * user.bias, 4);
}

describe('foldIn', () => {
  it('finds the regularised least-squares optimum with few ratings (the n × n path)', () => {
    for (const seed of [1, 2, 3]) expectOptimal(seed, 3);
  });

  it('and with many ratings (the (gmfDim + 1)² path)', () => {
    for (const seed of [4, 5]) expectOptimal(seed, 30);
  });

  it('at the switch-over: n = gmfDim (n × n) and n = gmfDim + 1 (primal)', () => {
    expectOptimal(9, 4);
    expectOptimal(9, 5);
  });
});

/** Error metrics for rating predictions. Sums run in float64 so 100k-row totals do not drift. */

function assertSameLength(predicted: ArrayLike<number>, actual: ArrayLike<number>): void {
  if (predicted.length !== actual.length) {
    throw new Error(`predicted has ${predicted.length} values but actual has ${actual.length}`);
  }
}

/** Root mean squared error; NaN for empty input (no error is not zero error). */
export function rmse(predicted: ArrayLike<number>, actual: ArrayLike<number>): number {
  assertSameLength(predicted, actual);
  let sum = 0;
  for (let i = 0; i < actual.length; i++) {
    const d = predicted[i] - actual[i];
    sum += d * d;
  }
  return Math.sqrt(sum / actual.length);
}

/** Mean absolute error; NaN for empty input. */
export function mae(predicted: ArrayLike<number>, actual: ArrayLike<number>): number {
  assertSameLength(predicted, actual);
  let sum = 0;
  for (let i = 0; i < actual.length; i++) sum += Math.abs(predicted[i] - actual[i]);
  return sum / actual.length;
}

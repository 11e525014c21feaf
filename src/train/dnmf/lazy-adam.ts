/**
 * Sparse ("lazy") Adam for an embedding table held as a Float32Array: a batch's per-example row
 * gradients are summed per distinct row, and only those rows and their moment estimates change.
 * A dense optimizer would instead decay and rewrite all ~10k rows on every step, which is what made
 * whole-table training slow on the pure-JS backend. Rows a batch does not touch keep their moments
 * (as in TensorFlow Addons' LazyAdam), so rare movies are not dragged around by stale momentum.
 */
export interface AdamSettings {
  learningRate: number;
  beta1: number;
  beta2: number;
  epsilon: number;
}

export const ADAM_DEFAULTS: Omit<AdamSettings, 'learningRate'> = { beta1: 0.9, beta2: 0.999, epsilon: 1e-7 };

export class LazyAdamTable {
  private readonly m: Float32Array;
  private readonly v: Float32Array;
  /** Summed gradient of each row touched by the current batch. */
  private readonly gradient: Float32Array;
  /** Batch number that last touched each row, to find distinct rows without clearing a set. */
  private readonly touchedAt: Int32Array;
  private readonly touched: Int32Array;
  private batch = 0;

  constructor(
    readonly table: Float32Array,
    readonly dim: number,
    readonly settings: AdamSettings,
  ) {
    const rows = table.length / dim;
    this.m = new Float32Array(table.length);
    this.v = new Float32Array(table.length);
    this.gradient = new Float32Array(table.length);
    this.touchedAt = new Int32Array(rows).fill(-1);
    this.touched = new Int32Array(rows);
  }

  /**
   * rows[i] is the table row example i read; gradients holds the data loss's gradient for that example
   * (rows.length × dim). Each example also pays penalty·‖row‖² where penalty = penaltyPerRow[row] ·
   * penaltyScale; its gradient 2·penalty·row is added here in closed form, which is cheaper than seven
   * more elementwise tfjs ops per table per step. step is the 1-based global step, for bias correction.
   * Returns the batch's penalty.
   */
  apply(
    rows: Int32Array,
    gradients: Float32Array,
    step: number,
    penaltyPerRow: Float32Array,
    penaltyScale: number,
  ): number {
    const { dim, gradient, touchedAt, table, touched } = this;
    const batch = this.batch++;
    let distinct = 0;
    let penaltySum = 0;
    for (let i = 0; i < rows.length; i++) {
      const row = rows[i];
      const base = row * dim;
      const from = i * dim;
      const penalty = penaltyPerRow[row] * penaltyScale;
      const twicePenalty = 2 * penalty;
      let squares = 0;
      if (touchedAt[row] !== batch) {
        touchedAt[row] = batch;
        touched[distinct++] = row;
        for (let k = 0; k < dim; k++) {
          const x = table[base + k];
          gradient[base + k] = gradients[from + k] + twicePenalty * x;
          squares += x * x;
        }
      } else {
        for (let k = 0; k < dim; k++) {
          const x = table[base + k];
          gradient[base + k] += gradients[from + k] + twicePenalty * x;
          squares += x * x;
        }
      }
      penaltySum += penalty * squares;
    }
    const { learningRate, beta1, beta2, epsilon } = this.settings;
    const stepSize = (learningRate * Math.sqrt(1 - beta2 ** step)) / (1 - beta1 ** step);
    const { m, v } = this;
    for (let t = 0; t < distinct; t++) {
      const row = touched[t];
      const end = (row + 1) * dim;
      for (let j = row * dim; j < end; j++) {
        const g = gradient[j];
        const mj = beta1 * m[j] + (1 - beta1) * g;
        const vj = beta2 * v[j] + (1 - beta2) * g * g;
        m[j] = mj;
        v[j] = vj;
        table[j] -= (stepSize * mj) / (Math.sqrt(vj) + epsilon);
      }
    }
    return penaltySum;
  }
}

/**
 * One optimisation step of the DNMF through TensorFlow.js. The embedding tables stay in JS: a batch's
 * rows are gathered into small tensors, tfjs computes the loss and its gradients with respect to those
 * rows and to the dense weights, the rows get a sparse Adam update (LazyAdamTable) and the dense weights
 * a tf.train.adam update. Gradients never touch a whole table, so a step costs O(batch), not O(table).
 *
 * The GMF path and the biases (u·diag(h)·m + b_u + b_m, most of the per-example arithmetic: 64 of the
 * ~80 embedding values) are computed and differentiated in JS in one fused pass; tfjs gets their sum as
 * one [batch, 1] input and returns the loss's gradient with respect to it, from which the GMF rows'
 * gradients follow in closed form (d u = g·h⊙m, d m = g·h⊙u, d b = g). The MLP tower and its
 * embeddings stay a tfjs graph, trained by tfjs's gradients.
 *
 * The graph avoids ops whose pure-JS CPU kernels are slow: concat (its gradient slices columns one
 * element at a time) and size-1 broadcasts (e.g. the gradient of sum or mean). Concat-then-dense is
 * written as the equal sum of two matMuls over the halves of the kernel, and the squared-norm terms
 * carry their closed-form gradients via tf.customGrad. The L2 penalties on the gathered embedding rows
 * are added by LazyAdamTable in closed form (2·λ·row), next to the row update.
 */
import type { GradSaveFunc, Tensor } from '@tensorflow/tfjs';
import type { Tf } from '../tf.ts';
import { ADAM_DEFAULTS, LazyAdamTable } from './lazy-adam.ts';
import type { DnmfOptions } from './types.ts';
import type { DnmfWeights } from './weights.ts';

/**
 * Per table row, the weight w of the penalty w·‖row‖² that each training example reading the row pays.
 * A weight λ/n for a row with n training ratings adds up to λ·‖row‖² per epoch (a prior on the row);
 * a constant weight λ charges every rating (as in SGD matrix factorisation).
 */
export interface RowPenalties {
  userGmf: Float32Array;
  movieGmf: Float32Array;
  userMlp: Float32Array;
  movieMlp: Float32Array;
  userBias: Float32Array;
  movieBias: Float32Array;
}

/**
 * A dense kernel or bias: a view of the JS weights, fed to the graph as a tensor each step and updated in
 * place by Adam as a single row (with its L2 penalty, when a kernel, added in closed form like the tables').
 */
interface DenseParam {
  values: Float32Array;
  shape: number[];
  adam: LazyAdamTable;
  /** l2Dense for kernels, 0 for biases. */
  penalty: Float32Array;
}

export class DnmfTfStep {
  private readonly tables: LazyAdamTable[];
  private readonly gmfWeights: LazyAdamTable;
  private readonly gmfWeightPenalty: Float32Array;
  private readonly params: DenseParam[];
  private step = 0;

  constructor(
    private readonly tf: Tf,
    private readonly weights: DnmfWeights,
    private readonly options: DnmfOptions,
    private readonly penalties: RowPenalties,
  ) {
    const { gmfDim, mlpDim } = weights.shape;
    const adam = { learningRate: options.learningRate, ...ADAM_DEFAULTS };
    // Order matches the gathered row tensors in run(): user/movie × GMF, MLP, bias.
    this.tables = [
      new LazyAdamTable(weights.userGmf, gmfDim, adam),
      new LazyAdamTable(weights.movieGmf, gmfDim, adam),
      new LazyAdamTable(weights.userMlp, mlpDim, adam),
      new LazyAdamTable(weights.movieMlp, mlpDim, adam),
      new LazyAdamTable(weights.userBias, 1, adam),
      new LazyAdamTable(weights.movieBias, 1, adam),
    ];

    const [first, ...later] = weights.mlp;
    const out = weights.output;
    if (!options.learnGmfWeights) out.kernel.fill(1, 0, gmfDim);
    // The GMF output weights h are one row of gmfDim values, updated by the same sparse Adam when learned.
    this.gmfWeights = new LazyAdamTable(out.kernel.subarray(0, gmfDim), gmfDim, adam);
    this.gmfWeightPenalty = Float32Array.of(options.l2Dense);
    const kernelPenalty = Float32Array.of(options.l2Dense);
    const noPenalty = Float32Array.of(0);
    const param = (
      target: Float32Array,
      offset: number,
      shape: number[],
      kind: 'kernel' | 'bias',
    ): DenseParam => {
      const values = target.subarray(offset, offset + shape.reduce((x, y) => x * y, 1));
      const adamRow = new LazyAdamTable(values, values.length, adam);
      return { values, shape, adam: adamRow, penalty: kind === 'kernel' ? kernelPenalty : noPenalty };
    };
    this.params = [
      // First layer: the user half (kernel rows 0..mlpDim-1) and the movie half of concat(user, movie).
      param(first.kernel, 0, [mlpDim, first.outputs], 'kernel'),
      param(first.kernel, mlpDim * first.outputs, [mlpDim, first.outputs], 'kernel'),
      param(first.bias, 0, [first.outputs], 'bias'),
      ...later.flatMap((l) => [
        param(l.kernel, 0, [l.inputs, l.outputs], 'kernel'),
        param(l.bias, 0, [l.outputs], 'bias'),
      ]),
      // Output layer over concat(GMF product, last hidden layer): its GMF half is applied in JS.
      param(out.kernel, gmfDim, [out.inputs - gmfDim, 1], 'kernel'),
      param(out.bias, 0, [1], 'bias'),
    ];
  }

  /** Trains on one batch of (table row) pairs; returns the batch's objective (MSE + L2 terms). */
  run(userRows: Int32Array, movieRows: Int32Array, ratings: Float32Array): number {
    const { tf, weights, tables, penalties, options } = this;
    const { gmfDim, mlpDim } = weights.shape;
    const size = ratings.length;
    this.step++;
    const rowsOf = [userRows, movieRows, userRows, movieRows, userRows, movieRows];
    const penaltyOf = [
      penalties.userGmf,
      penalties.movieGmf,
      penalties.userMlp,
      penalties.movieMlp,
      penalties.userBias,
      penalties.movieBias,
    ];
    const h = this.gmfWeights.table;
    const { userGmf, movieGmf, userBias, movieBias } = weights;
    // GMF + biases in JS: linear[b] = Σ_k u_k·h_k·m_k + b_u + b_m.
    const linear = new Float32Array(size);
    for (let b = 0; b < size; b++) {
      const u = userRows[b] * gmfDim;
      const m = movieRows[b] * gmfDim;
      let dot = 0;
      for (let k = 0; k < gmfDim; k++) dot += userGmf[u + k] * h[k] * movieGmf[m + k];
      linear[b] = dot + userBias[userRows[b]] + movieBias[movieRows[b]];
    }
    const userMlp = gatherRows(weights.userMlp, mlpDim, userRows);
    const movieMlp = gatherRows(weights.movieMlp, mlpDim, movieRows);
    // Copies: a tfjs tensor may keep a reference to the array it was built from, and Adam rewrites these.
    const dense = this.params.map((p) => p.values.slice());

    const { value, grads } = tf.tidy(() => {
      const inputs = [
        tf.tensor2d(linear, [size, 1]),
        tf.tensor2d(userMlp, [size, mlpDim]),
        tf.tensor2d(movieMlp, [size, mlpDim]),
      ];
      const target = tf.tensor2d(ratings, [size, 1]);
      const objective = (...args: Tensor[]): Tensor => this.objective(args, target, size);
      const denseTensors = dense.map((values, i) => tf.tensor(values, this.params[i].shape));
      return tf.valueAndGrads(objective)([...inputs, ...denseTensors]);
    });
    const linearGrad = grads[0].dataSync() as Float32Array;

    // The GMF rows' and biases' gradients from d loss / d linear, in closed form.
    const userGmfGrad = new Float32Array(size * gmfDim);
    const movieGmfGrad = new Float32Array(size * gmfDim);
    for (let b = 0; b < size; b++) {
      const g = linearGrad[b];
      const u = userRows[b] * gmfDim;
      const m = movieRows[b] * gmfDim;
      const o = b * gmfDim;
      for (let k = 0; k < gmfDim; k++) {
        const gh = g * h[k];
        userGmfGrad[o + k] = gh * movieGmf[m + k];
        movieGmfGrad[o + k] = gh * userGmf[u + k];
      }
    }
    let hGrad: Float32Array | undefined;
    if (options.learnGmfWeights) {
      hGrad = new Float32Array(gmfDim);
      for (let b = 0; b < size; b++) {
        const u = userRows[b] * gmfDim;
        const m = movieRows[b] * gmfDim;
        for (let k = 0; k < gmfDim; k++) hGrad[k] += linearGrad[b] * userGmf[u + k] * movieGmf[m + k];
      }
    }
    const rowGrads = [
      userGmfGrad,
      movieGmfGrad,
      grads[1].dataSync() as Float32Array,
      grads[2].dataSync() as Float32Array,
      linearGrad,
      linearGrad,
    ];
    let rowPenalty = 0;
    tables.forEach((table, i) => {
      rowPenalty += table.apply(rowsOf[i], rowGrads[i], this.step, penaltyOf[i], 1 / size);
    });
    if (hGrad) rowPenalty += this.gmfWeights.apply(SINGLE_ROW, hGrad, this.step, this.gmfWeightPenalty, 1);
    this.params.forEach((p, i) => {
      rowPenalty += p.adam.apply(
        SINGLE_ROW,
        grads[3 + i].dataSync() as Float32Array,
        this.step,
        p.penalty,
        1,
      );
    });

    const loss = value.dataSync()[0] + rowPenalty;
    tf.dispose([value, ...grads]);
    return loss;
  }

  /**
   * Mean over the batch of (prediction − rating)². (Every L2 penalty, the dense kernels' l2Dense·‖K‖²
   * included, is applied by LazyAdamTable in closed form.)
   */
  private objective(args: Tensor[], target: Tensor, size: number): Tensor {
    const { tf } = this;
    const [linear, userMlp, movieMlp] = args.slice(0, 3);
    const dense = args.slice(3);
    const [firstUser, firstMovie, firstBias] = dense;
    const hiddenCount = (dense.length - 5) / 2;
    const [outMlp, outBias] = dense.slice(dense.length - 2);

    // elu(concat(u, m) · K + b) == elu(u · K_user + m · K_movie + b)
    let hidden = tf.elu(
      tf.add(tf.add(tf.matMul(userMlp, firstUser), tf.matMul(movieMlp, firstMovie)), firstBias),
    );
    for (let l = 0; l < hiddenCount; l++) {
      hidden = tf.elu(tf.add(tf.matMul(hidden, dense[3 + 2 * l]), dense[4 + 2 * l]));
    }
    const prediction = tf.add(linear, tf.matMul(hidden, outMlp));
    // The global mean and the output bias are added last: both are the same for every example.
    const residual = tf.sub(tf.add(prediction, outBias), tf.sub(target, this.weights.globalMean));
    return tf.div(this.squaredNorm(residual), size);
  }

  /** Σ x², with its closed-form gradient 2·x (the stock gradient of sum needs a slow broadcast). */
  private squaredNorm(x: Tensor): Tensor {
    const { tf } = this;
    const op = tf.customGrad((...args) => {
      const [input, save] = args as [Tensor, GradSaveFunc];
      save([input]);
      return {
        value: tf.sum(tf.square(input)),
        gradFunc: (dy, saved) => [tf.mul(saved[0], tf.mul(dy as Tensor, 2))],
      };
    }) as (x: Tensor) => Tensor;
    return op(x);
  }

  /** Sets the step size of every optimiser (embedding tables and dense weights share one setting). */
  setLearningRate(learningRate: number): void {
    for (const table of this.tables) table.settings.learningRate = learningRate;
  }
}

const SINGLE_ROW = Int32Array.of(0);

function gatherRows(table: Float32Array, dim: number, rows: Int32Array): Float32Array {
  const out = new Float32Array(rows.length * dim);
  for (let i = 0; i < rows.length; i++) out.set(table.subarray(rows[i] * dim, (rows[i] + 1) * dim), i * dim);
  return out;
}

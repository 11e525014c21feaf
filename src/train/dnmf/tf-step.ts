/**
 * One optimisation step of the DNMF through TensorFlow.js. The embedding tables stay in JS: a batch's
 * rows are gathered into small tensors, tfjs computes the loss and its gradients with respect to those
 * rows and to the dense weights, the rows get a sparse Adam update (LazyAdamTable) and the dense weights
 * a tf.train.adam update. Gradients never touch a whole table, so a step costs O(batch), not O(table).
 *
 * The graph avoids ops whose pure-JS CPU kernels are slow: concat (its gradient slices columns one
 * element at a time), and size-1 broadcasts (the gradient of sum/mean). Concat-then-dense is written as
 * the equal sum of two matMuls over the halves of the kernel; the squared-norm and MSE terms carry
 * their closed-form gradients via tf.customGrad.
 */
import type { GradSaveFunc, Tensor, Variable } from '@tensorflow/tfjs';
import type { Tf } from '../tf.ts';
import { ADAM_DEFAULTS, LazyAdamTable } from './lazy-adam.ts';
import type { DnmfOptions } from './types.ts';
import type { DnmfWeights } from './weights.ts';

/** A tf variable that mirrors the rows [offset, offset + rows) of a JS kernel or bias array. */
interface DenseParam {
  variable: Variable;
  target: Float32Array;
  offset: number;
  /** Kernels get the L2 penalty; biases do not. */
  penalised: boolean;
}

export class DnmfTfStep {
  private readonly tables: LazyAdamTable[];
  private readonly params: DenseParam[];
  private readonly optimizer: ReturnType<Tf['train']['adam']>;
  private readonly squaredNorm: (x: Tensor) => Tensor;
  private step = 0;

  /**
   * biasPenalty.user[row] is λ_user / (that user's number of training ratings): spread over the user's
   * examples, the penalty adds up to λ_user·b_u² per epoch, the bias baseline's regulariser.
   */
  constructor(
    private readonly tf: Tf,
    private readonly weights: DnmfWeights,
    private readonly options: DnmfOptions,
    private readonly biasPenalty: { user: Float32Array; movie: Float32Array },
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

    const param = (target: Float32Array, offset: number, shape: number[], penalised: boolean): DenseParam => {
      const size = shape.reduce((a, b) => a * b, 1);
      // A copy: a tfjs tensor may keep a reference to the array it was built from.
      const initial = tf.tensor(target.slice(offset, offset + size), shape);
      return { variable: tf.variable(initial), target, offset, penalised };
    };
    const [first, ...later] = weights.mlp;
    const out = weights.output;
    this.params = [
      // First layer: the user half (kernel rows 0..mlpDim-1) and the movie half of concat(user, movie).
      param(first.kernel, 0, [mlpDim, first.outputs], true),
      param(first.kernel, mlpDim * first.outputs, [mlpDim, first.outputs], true),
      param(first.bias, 0, [first.outputs], false),
      ...later.flatMap((l) => [
        param(l.kernel, 0, [l.inputs, l.outputs], true),
        param(l.bias, 0, [l.outputs], false),
      ]),
      // Output layer over concat(GMF product, last hidden layer), split the same way.
      param(out.kernel, 0, [gmfDim, 1], true),
      param(out.kernel, gmfDim, [out.inputs - gmfDim, 1], true),
      param(out.bias, 0, [1], false),
    ];
    this.optimizer = tf.train.adam(adam.learningRate, adam.beta1, adam.beta2, adam.epsilon);
    this.squaredNorm = tf.customGrad((...args) => {
      const [x, save] = args as [Tensor, GradSaveFunc];
      save([x]);
      return {
        value: tf.sum(tf.square(x)),
        gradFunc: (dy, saved) => [tf.mul(saved[0], tf.mul(dy as Tensor, 2))],
      };
    }) as (x: Tensor) => Tensor;
  }

  /** Trains on one batch of (table row) pairs; returns the batch's objective (MSE + L2 terms). */
  run(userRows: Int32Array, movieRows: Int32Array, ratings: Float32Array): number {
    const { tf, weights, tables } = this;
    const { gmfDim, mlpDim } = weights.shape;
    const size = ratings.length;
    this.step++;
    const rowsOf = [userRows, movieRows, userRows, movieRows, userRows, movieRows];
    const gathered = tables.map((t, i) => gatherRows(t.table, t.dim, rowsOf[i]));
    const dims = [gmfDim, gmfDim, mlpDim, mlpDim, 1, 1];
    const variables = this.params.map((p) => p.variable);
    const userBiasPenalty = gatherRows(this.biasPenalty.user, 1, userRows);
    const movieBiasPenalty = gatherRows(this.biasPenalty.movie, 1, movieRows);

    const { value, grads } = tf.tidy(() => {
      const rowTensors = gathered.map((rows, i) => tf.tensor2d(rows, [size, dims[i]]));
      const target = tf.tensor2d(ratings, [size, 1]);
      const penalties = [tf.tensor2d(userBiasPenalty, [size, 1]), tf.tensor2d(movieBiasPenalty, [size, 1])];
      const objective = (...args: Tensor[]): Tensor => this.objective(args, target, penalties, size);
      return tf.valueAndGrads(objective)([...rowTensors, ...variables]);
    });

    tables.forEach((table, i) => table.apply(rowsOf[i], grads[i].dataSync() as Float32Array, this.step));
    this.optimizer.applyGradients(
      variables.map((v, i) => ({ name: v.name, tensor: grads[tables.length + i] })),
    );

    const loss = value.dataSync()[0];
    tf.dispose([value, ...grads]);
    return loss;
  }

  /**
   * Mean over the batch of (prediction − rating)² + l2Embedding·(squared norms of the four embedding
   * rows) + (per-example bias weights)·(b_u², b_m²), plus l2Dense·Σ‖kernel‖². The embedding penalty is
   * per example, as in SGD matrix factorisation and weighted-λ ALS: a frequent user is regularised as
   * often as seen.
   */
  private objective(args: Tensor[], target: Tensor, biasWeights: Tensor[], size: number): Tensor {
    const { tf, options, squaredNorm } = this;
    const [userGmf, movieGmf, userMlp, movieMlp, userBias, movieBias, ...dense] = args;
    const [firstUser, firstMovie, firstBias] = dense;
    const hiddenCount = (dense.length - 6) / 2;
    const [outGmf, outMlp, outBias] = dense.slice(dense.length - 3);

    // elu(concat(u, m) · K + b) == elu(u · K_user + m · K_movie + b)
    let hidden = tf.elu(
      tf.add(tf.add(tf.matMul(userMlp, firstUser), tf.matMul(movieMlp, firstMovie)), firstBias),
    );
    for (let l = 0; l < hiddenCount; l++) {
      hidden = tf.elu(tf.add(tf.matMul(hidden, dense[3 + 2 * l]), dense[4 + 2 * l]));
    }
    const gmf = tf.mul(userGmf, movieGmf);
    const interaction = tf.add(tf.matMul(gmf, outGmf), tf.matMul(hidden, outMlp));
    const prediction = tf.addN([interaction, userBias, movieBias]);
    // Global mean and output bias are folded in last: both are constant per batch.
    const residual = tf.sub(tf.add(prediction, outBias), tf.sub(target, this.weights.globalMean));
    const mse = tf.div(squaredNorm(residual), size);

    const embeddingPenalty = tf.mul(
      tf.addN([userGmf, movieGmf, userMlp, movieMlp].map((t) => squaredNorm(t))),
      options.l2Embedding / size,
    );
    const biasPenalty = tf.div(
      tf.add(
        this.weightedSquaredNorm(userBias, biasWeights[0]),
        this.weightedSquaredNorm(movieBias, biasWeights[1]),
      ),
      size,
    );
    const kernels = dense.filter((_, i) => this.params[i].penalised);
    const densePenalty = tf.mul(tf.addN(kernels.map((t) => squaredNorm(t))), options.l2Dense);
    return tf.addN([mse, embeddingPenalty, biasPenalty, densePenalty]);
  }

  /** Σ w·x² with its closed-form gradient 2·w·x (w is a constant). */
  private weightedSquaredNorm(x: Tensor, w: Tensor): Tensor {
    const { tf } = this;
    const op = tf.customGrad((...args) => {
      const [input, save] = args as [Tensor, GradSaveFunc];
      save([input]);
      return {
        value: tf.sum(tf.mul(w, tf.square(input))),
        gradFunc: (dy, saved) => [tf.mul(tf.mul(saved[0], w), tf.mul(dy as Tensor, 2))],
      };
    }) as (x: Tensor) => Tensor;
    return op(x);
  }

  /** Copies the dense variables back into the JS weights (the tables are updated in place already). */
  syncDenseWeights(): void {
    for (const { variable, target, offset } of this.params) target.set(variable.dataSync(), offset);
  }

  dispose(): void {
    this.optimizer.dispose();
    this.tf.dispose(this.params.map((p) => p.variable));
  }
}

function gatherRows(table: Float32Array, dim: number, rows: Int32Array): Float32Array {
  const out = new Float32Array(rows.length * dim);
  for (let i = 0; i < rows.length; i++) out.set(table.subarray(rows[i] * dim, (rows[i] + 1) * dim), i * dim);
  return out;
}

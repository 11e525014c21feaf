/** Public option, report and progress types of the DNMF model. */

export interface DnmfOptions {
  /** Width of the user and movie embeddings on the GMF (elementwise-product) path. */
  gmfDim: number;
  /** Width of the user and movie embeddings feeding the MLP path (the tower sees 2 × this). */
  mlpDim: number;
  /** Hidden layer widths of the MLP tower (ELU activations); at least one layer. */
  mlpLayers: number[];
  /** Maximum epochs; early stopping usually ends training well before. */
  epochs: number;
  /**
   * Mini-batch size. Small datasets use smaller ones so that each epoch has minStepsPerEpoch updates; large
   * ones larger ones (see maxBatchSize).
   */
  batchSize: number;
  /**
   * On large data the batch grows so that an epoch takes about stepsPerEpochTarget steps, up to this size:
   * a step has a fixed cost in tfjs, and on 1M MovieLens-shaped ratings a 4,096 batch trained 1.5× faster
   * per rating and reached a better validation RMSE (0.847 vs 0.852) than 512.
   */
  maxBatchSize: number;
  stepsPerEpochTarget: number;
  /**
   * Fewest optimiser steps per epoch: with 2,000 ratings a 1,024 batch would make an epoch two steps,
   * and early stopping would judge the model before it has moved.
   */
  minStepsPerEpoch: number;
  /** Adam step size of the first epoch, for both the sparse embedding update and the dense weights. */
  learningRate: number;
  /** Each epoch's step size is the previous one's times this (1 keeps it constant). */
  learningRateDecay: number;
  /**
   * L2 penalty on the embedding rows charged per training rating (as in SGD matrix factorisation and
   * weighted-λ ALS): a row read by n ratings pays n·λ·‖row‖².
   */
  l2EmbeddingPerRating: number;
  /**
   * L2 penalty on each GMF embedding row charged once per row (a Gaussian prior, as in probabilistic MF),
   * in the units of the squared error: relative to its data, a movie with 2 ratings is shrunk 50× more
   * than one with 100. This is what keeps rarely rated movies from fitting their few ratings exactly.
   */
  l2EmbeddingPerRow: number;
  /** As l2EmbeddingPerRow, for the MLP path's embeddings. */
  l2MlpEmbeddingPerRow: number;
  /**
   * L2 penalty on each user bias, once per user (not per rating), in pseudo-ratings: the objective has
   * the bias baseline's form Σ err² + λ_user·Σ b_u² + λ_movie·Σ b_m², so λ = 3 shrinks like 3 ratings of
   * the global mean would.
   */
  l2UserBias: number;
  /** As l2UserBias, for movie biases. */
  l2MovieBias: number;
  /** L2 penalty on the dense (MLP and output) kernels, once per batch. */
  l2Dense: number;
  /** Share of the training ratings held out (seeded) to pick the best epoch. 0 disables early stopping. */
  validationFraction: number;
  /** Epochs without a clear improvement (see minImprovement) before training stops. */
  patience: number;
  /**
   * An epoch only resets patience when it lowers validation RMSE by more than this below the last
   * epoch that did. The weights kept are still those of the lowest validation RMSE seen.
   */
  minImprovement: number;
  /**
   * Learn the output layer's weights on the GMF product (NeuMF's h) instead of fixing them at 1 (a
   * plain dot product). Learned weights create a scale symmetry (h·u·m = (c²h)·(u/c)·(m/c)) that lets
   * the model dodge the embedding penalty: it then sits at zero interaction for epochs and overfits
   * fast once it leaves. Off by default.
   */
  learnGmfWeights: boolean;
  /** Start user/movie biases from the regularised bias baseline instead of 0. */
  initBiasesFromBaseline: boolean;
  /** Standard deviation of the normal initialisation of embedding rows. */
  initScale: number;
  seed: number;
}

export interface DnmfEpoch {
  epoch: number;
  /** Mean training objective over the epoch's batches (MSE plus L2 terms). */
  trainLoss: number;
  validationRmse: number;
  ms: number;
}

export interface DnmfReport {
  /** Epochs actually run. */
  epochs: number;
  /** 1-based epoch whose weights the model keeps. */
  bestEpoch: number;
  validationRmse: number;
  /** RMSE of the kept weights on the ratings they were fitted to. */
  trainRmse: number;
  history: DnmfEpoch[];
  backend: string;
  tfjsVersion: string;
  options: DnmfOptions;
}

export type DnmfProgress = { phase: 'train'; epoch: number; maxEpochs: number; validationRmse?: number };

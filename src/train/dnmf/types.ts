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
  batchSize: number;
  /** Adam step size, for both the sparse embedding update and the dense weights. */
  learningRate: number;
  /** L2 penalty per training example on the four embedding rows it touches. */
  l2Embedding: number;
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
  /** Epochs without a new best validation RMSE before training stops. */
  patience: number;
  /** An epoch only counts as better when it lowers validation RMSE by more than this. */
  minImprovement: number;
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

export type DnmfProgress =
  | { phase: 'train'; epoch: number; maxEpochs: number; validationRmse?: number }
  | { phase: 'tables'; done: number; total: number };

/** Default hyperparameters of the DNMF and their validation. */
import type { DnmfOptions } from './types.ts';

export const DEFAULT_DNMF_OPTIONS: DnmfOptions = {
  gmfDim: 32,
  mlpDim: 8,
  mlpLayers: [16, 8],
  epochs: 40,
  batchSize: 1024,
  minStepsPerEpoch: 50,
  learningRate: 0.01,
  l2EmbeddingPerRating: 0,
  l2EmbeddingPerRow: 10,
  l2MlpEmbeddingPerRow: 10,
  l2UserBias: 3,
  l2MovieBias: 2,
  l2Dense: 1e-3,
  validationFraction: 0.1,
  patience: 3,
  minImprovement: 1e-4,
  learnGmfWeights: false,
  initBiasesFromBaseline: true,
  initScale: 0.1,
  seed: 42,
};

export function resolveDnmfOptions(overrides: Partial<DnmfOptions> = {}): DnmfOptions {
  const defined = Object.fromEntries(Object.entries(overrides).filter(([, v]) => v !== undefined));
  const o: DnmfOptions = {
    ...DEFAULT_DNMF_OPTIONS,
    ...defined,
    mlpLayers: [...(overrides.mlpLayers ?? DEFAULT_DNMF_OPTIONS.mlpLayers)],
  };
  const positiveInt = (name: string, v: number): void => {
    if (!Number.isInteger(v) || v < 1)
      throw new Error(`DNMF option ${name} must be a positive integer, got ${v}`);
  };
  positiveInt('gmfDim', o.gmfDim);
  positiveInt('mlpDim', o.mlpDim);
  positiveInt('epochs', o.epochs);
  positiveInt('batchSize', o.batchSize);
  positiveInt('minStepsPerEpoch', o.minStepsPerEpoch);
  positiveInt('patience', o.patience);
  if (o.mlpLayers.length === 0) throw new Error('DNMF option mlpLayers needs at least one layer');
  o.mlpLayers.forEach((width, i) => positiveInt(`mlpLayers[${i}]`, width));
  if (!(o.learningRate > 0)) throw new Error(`DNMF option learningRate must be > 0, got ${o.learningRate}`);
  for (const name of [
    'l2EmbeddingPerRating',
    'l2EmbeddingPerRow',
    'l2MlpEmbeddingPerRow',
    'l2UserBias',
    'l2MovieBias',
    'l2Dense',
    'minImprovement',
    'initScale',
  ] as const) {
    if (!(o[name] >= 0)) throw new Error(`DNMF option ${name} must be ≥ 0, got ${o[name]}`);
  }
  if (!(o.validationFraction >= 0 && o.validationFraction < 1)) {
    throw new Error(`DNMF option validationFraction must be in [0, 1), got ${o.validationFraction}`);
  }
  return o;
}

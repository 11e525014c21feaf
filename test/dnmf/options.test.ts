import { describe, expect, it } from 'vitest';
import { DEFAULT_DNMF_OPTIONS, resolveDnmfOptions } from '../../src/train/dnmf/index.ts';
import { effectiveBatchSize } from '../../src/train/dnmf/options.ts';

describe('resolveDnmfOptions', () => {
  it('fills in defaults and ignores undefined overrides', () => {
    const o = resolveDnmfOptions({ epochs: 7, seed: undefined });
    expect(o.epochs).toBe(7);
    expect(o.seed).toBe(DEFAULT_DNMF_OPTIONS.seed);
    // A copy: changing the resolved layers must not change the defaults.
    o.mlpLayers.push(4);
    expect(DEFAULT_DNMF_OPTIONS.mlpLayers).not.toContain(4);
  });

  it.each([
    [{ gmfDim: 0 }, /gmfDim/],
    [{ batchSize: 1.5 }, /batchSize/],
    [{ maxBatchSize: 0 }, /maxBatchSize/],
    [{ stepsPerEpochTarget: -3 }, /stepsPerEpochTarget/],
    [{ mlpLayers: [] }, /mlpLayers/],
    [{ learningRate: 0 }, /learningRate/],
    [{ learningRateDecay: 1.5 }, /learningRateDecay/],
    [{ l2EmbeddingPerRow: -1 }, /l2EmbeddingPerRow/],
    [{ validationFraction: 1 }, /validationFraction/],
  ])('rejects %o', (override, message) => {
    expect(() => resolveDnmfOptions(override)).toThrow(message);
  });
});

describe('effectiveBatchSize', () => {
  const o = DEFAULT_DNMF_OPTIONS;
  it('keeps batchSize on ml-latest-small-sized data, grows it on large data up to maxBatchSize', () => {
    expect(effectiveBatchSize(95_794, o)).toBe(512);
    expect(effectiveBatchSize(500_000, o)).toBe(2000);
    expect(effectiveBatchSize(950_000, o)).toBe(3800);
    expect(effectiveBatchSize(30_400_000, o)).toBe(4096);
  });

  it('shrinks it on tiny data so an epoch still has minStepsPerEpoch steps, and never below 1', () => {
    expect(effectiveBatchSize(2_000, o)).toBe(40);
    expect(effectiveBatchSize(10, o)).toBe(1);
    expect(effectiveBatchSize(1_000_000, { ...o, batchSize: 8192 })).toBe(8192);
  });
});

import { describe, expect, it } from 'vitest';
import { DEFAULT_DNMF_OPTIONS, resolveDnmfOptions } from '../../src/train/dnmf/index.ts';

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
    [{ mlpLayers: [] }, /mlpLayers/],
    [{ learningRate: 0 }, /learningRate/],
    [{ learningRateDecay: 1.5 }, /learningRateDecay/],
    [{ l2EmbeddingPerRow: -1 }, /l2EmbeddingPerRow/],
    [{ validationFraction: 1 }, /validationFraction/],
  ])('rejects %o', (override, message) => {
    expect(() => resolveDnmfOptions(override)).toThrow(message);
  });
});

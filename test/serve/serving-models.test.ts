import { describe, expect, it } from 'vitest';
import { ServingModels } from '../../src/serve/serving-models.ts';
import { createRng } from '../../src/random.ts';
import { HAND_PICKS, handArtifacts } from '../serve/fixtures.ts';

describe('ServingModels', () => {
  it('swaps gently: the old version serves until the new engine is warm, then the new one does', async () => {
    const first = handArtifacts();
    const second = { ...handArtifacts(), manifest: { ...first.manifest, version: 'second' } };
    const models = new ServingModels(first);
    const swapping = models.swapGently(second);
    // The swap has yielded to the event loop while warming; requests meanwhile still get the old version.
    expect(models.current.version).toBe(first.manifest.version);
    const answer = models.current.engine.recommend([...HAND_PICKS], { rng: createRng(1) });
    expect(answer.popularPicks).toHaveLength(5);
    const previous = await swapping;
    expect(previous.version).toBe(first.manifest.version);
    expect(models.current.version).toBe('second');
    expect(models.current.artifacts).toBe(second);
    const after = models.current.engine.recommend([...HAND_PICKS], { rng: createRng(1) });
    expect(after).toEqual(answer);
  });
});

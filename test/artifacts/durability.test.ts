/**
 * Every file of a version reaches the disk before the version can be published: each one the manifest
 * lists (and the manifest itself) is written through writeDurable, which fsyncs it before resolving.
 */
import path from 'node:path';
import { describe, expect, it, vi } from 'vitest';

const synced = vi.hoisted(() => [] as string[]);
vi.mock('../../src/artifacts/files.ts', async (original) => {
  const actual = await original<typeof import('../../src/artifacts/files.ts')>();
  return {
    ...actual,
    writeDurable: async (file: string, data: string | Uint8Array) => {
      await actual.writeDurable(file, data);
      synced.push(file);
    },
  };
});

const { ModelRepository } = await import('../../src/artifacts/repository.ts');
const { trainVersion } = await import('../../src/train/pipeline.ts');
const { tempDir, writeDatasetFiles } = await import('../support/dataset.ts');
const { FAST_TRAIN, smallDataset } = await import('../support/retrain-fixtures.ts');

describe('writing a version', () => {
  it('fsyncs every file of the version, the manifest included', async () => {
    const dir = await tempDir();
    const datasetDir = await writeDatasetFiles(path.join(dir, 'ml'), smallDataset(1));
    const result = await trainVersion({
      datasetDir,
      repository: new ModelRepository(path.join(dir, 'models')),
      ...FAST_TRAIN,
    });
    expect(result.published).toBe(true);
    if (!result.published) return;
    const written = new Set(synced.map((file) => path.basename(file)));
    for (const name of [...Object.keys(result.manifest.files), 'manifest.json'])
      expect(written).toContain(name);
  });
});

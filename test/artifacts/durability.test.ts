/**
 * Every file of a version reaches the disk before the version can be published: the hnswlib index,
 * which hnswlib writes synchronously and never fsyncs, is fsynced after writing like the others.
 */
import path from 'node:path';
import { describe, expect, it, vi } from 'vitest';

const synced = vi.hoisted(() => [] as string[]);
vi.mock('../../src/artifacts/files.ts', async (original) => {
  const actual = await original<typeof import('../../src/artifacts/files.ts')>();
  return {
    ...actual,
    syncFile: async (file: string) => {
      synced.push(file);
      return actual.syncFile(file);
    },
  };
});

const { ModelRepository } = await import('../../src/artifacts/repository.ts');
const { trainVersion } = await import('../../src/train/pipeline.ts');
const { tempDir, writeDatasetFiles } = await import('../support/dataset.ts');
const { FAST_TRAIN, smallDataset } = await import('../support/retrain-fixtures.ts');

describe('writing a version', () => {
  it('fsyncs the hnswlib index file it did not write itself', async () => {
    const dir = await tempDir();
    const datasetDir = await writeDatasetFiles(path.join(dir, 'ml'), smallDataset(1));
    const result = await trainVersion({
      datasetDir,
      repository: new ModelRepository(path.join(dir, 'models')),
      ...FAST_TRAIN,
    });
    expect(result.published).toBe(true);
    expect(synced.map((file) => path.basename(file))).toContain('knn.hnsw');
  });
});

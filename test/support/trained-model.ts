import path from 'node:path';
import { ModelRepository } from '../../src/artifacts/repository.ts';
import type { Artifacts } from '../../src/artifacts/types.ts';
import { trainVersion } from '../../src/train/pipeline.ts';
import { syntheticDataset, tempDir, writeDatasetFiles } from './dataset.ts';

/**
 * A small generated dataset trained (2 DNMF epochs) into a temporary MODELS_DIR, and the environment for
 * running the CLI against it: for the batch commands' tests.
 */
export async function trainedModelForCli(
  prefix: string,
): Promise<{ dir: string; artifacts: Artifacts; env: Record<string, string> }> {
  const dir = await tempDir(prefix);
  const datasetDir = await writeDatasetFiles(
    path.join(dir, 'data'),
    syntheticDataset({ users: 90, movies: 300, popular: 140, seed: 4 }),
  );
  const modelsDir = path.join(dir, 'models');
  const result = await trainVersion({
    datasetDir,
    repository: new ModelRepository(modelsDir),
    dnmf: { epochs: 2 },
  });
  if (!result.published) throw new Error(result.problems.join('; '));
  return {
    dir,
    artifacts: result.artifacts,
    env: { MODELS_DIR: modelsDir, MOVIELENS_DIR: datasetDir, LOG_LEVEL: 'error' },
  };
}

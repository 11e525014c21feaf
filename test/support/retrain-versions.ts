/**
 * The light half of the retrain test helpers (no training code loaded), for child processes that
 * must start fast because they are about to be killed.
 */
import { cp, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { ModelRepository } from '../../src/artifacts/repository.ts';
import type { TrainOptions } from '../../src/train/pipeline.ts';

/** Small enough that one training takes a couple of seconds, big enough to pass verification. */
export const FAST_TRAIN = {
  dnmf: { epochs: 2, gmfDim: 8, mlpDim: 8, mlpLayers: [16, 8] },
} satisfies Partial<TrainOptions>;

/**
 * Publishes a copy of an existing version under a new name, as if another process had trained it:
 * only the manifest's version changes (manifest.json is not among the checksummed files), and its
 * data fingerprint when `fingerprint` is given (a version trained on other data, not a near-copy).
 */
export async function publishCopy(
  repository: ModelRepository,
  from: string,
  fingerprint?: string,
): Promise<string> {
  const { version, dir } = await repository.createStaging();
  await rm(dir, { recursive: true });
  await cp(repository.versionDir(from), dir, { recursive: true });
  const manifestFile = path.join(dir, 'manifest.json');
  const manifest = JSON.parse(await readFile(manifestFile, 'utf8')) as {
    version: string;
    data?: { fingerprint: string };
  };
  const data = fingerprint && manifest.data ? { ...manifest.data, fingerprint } : manifest.data;
  await writeFile(manifestFile, JSON.stringify({ ...manifest, version, data }));
  await repository.publish(version);
  return version;
}

/** Shared set-up for the retrain tests: a small trained models folder, a config, a capturing logger. */
import { cp, mkdir } from 'node:fs/promises';
import path from 'node:path';
import pino, { type Logger } from 'pino';
import { loadArtifacts } from '../../src/artifacts/loader.ts';
import { ModelRepository } from '../../src/artifacts/repository.ts';
import { ServingModels } from '../../src/serve/serving-models.ts';
import type { Config } from '../../src/config.ts';
import { trainVersion } from '../../src/train/pipeline.ts';
import { syntheticDataset, tempDir, writeDatasetFiles } from './dataset.ts';
import { FAST_TRAIN } from './retrain-versions.ts';

export { FAST_TRAIN, publishCopy } from './retrain-versions.ts';

export function smallDataset(seed: number) {
  return syntheticDataset({ users: 80, movies: 300, popular: 150, seed });
}

/** A models folder with one published version, trained in this process once and copied per test. */
export async function trainedModelsTemplate(seed = 1): Promise<{ datasetDir: string; modelsDir: string }> {
  const dir = await tempDir('flickpick-retrain-template-');
  const datasetDir = await writeDatasetFiles(path.join(dir, 'ml'), smallDataset(seed));
  const modelsDir = path.join(dir, 'models');
  const result = await trainVersion({
    datasetDir,
    repository: new ModelRepository(modelsDir),
    ...FAST_TRAIN,
  });
  if (!result.published) throw new Error(`template training failed: ${result.problems.join('; ')}`);
  return { datasetDir, modelsDir };
}

export interface RetrainWorld {
  dir: string;
  datasetDir: string;
  repository: ModelRepository;
  models: ServingModels;
  initialVersion: string;
}

/** A fresh copy of the template: its own dataset and models folders, serving the template's version. */
export async function retrainWorld(template: {
  datasetDir: string;
  modelsDir: string;
}): Promise<RetrainWorld> {
  const dir = await tempDir('flickpick-retrain-');
  const datasetDir = path.join(dir, 'ml');
  const modelsDir = path.join(dir, 'models');
  await mkdir(dir, { recursive: true });
  await cp(template.datasetDir, datasetDir, { recursive: true });
  await cp(template.modelsDir, modelsDir, { recursive: true });
  const repository = new ModelRepository(modelsDir);
  const models = new ServingModels(await loadArtifacts((await repository.currentDir())!));
  return { dir, datasetDir, repository, models, initialVersion: models.current.version };
}

/** A second bot process's view of the same folders: its own repository object and loaded models. */
export async function sameFolders(
  world: RetrainWorld,
): Promise<{ repository: ModelRepository; models: ServingModels }> {
  const repository = new ModelRepository(world.repository.root);
  return { repository, models: new ServingModels(await loadArtifacts((await repository.currentDir())!)) };
}

export function testConfig(
  world: { dir: string; datasetDir: string; repository: ModelRepository },
  retrain: Partial<Config['retrain']> = {},
): Config {
  return {
    movielensDir: world.datasetDir,
    modelsDir: world.repository.root,
    dataDir: path.join(world.dir, 'data'),
    logLevel: 'debug',
    discord: {},
    tmdb: {},
    retrain: { cron: '0 3 * * *', timezone: 'UTC', maxRmseIncrease: 0.05, ...retrain },
    adminUserIds: [],
  };
}

export interface LogEntry {
  level: number;
  msg?: string;
  [field: string]: unknown;
}

/** A pino logger that keeps its entries in memory, so tests can assert on what was logged. */
export function captureLogger(): { logger: Logger; entries: LogEntry[] } {
  const entries: LogEntry[] = [];
  const logger = pino(
    { level: 'debug' },
    { write: (line: string) => void entries.push(JSON.parse(line) as LogEntry) },
  );
  return { logger, entries };
}

/** Resolves once `predicate` holds, checking every `everyMs`; for waiting on other processes, not for timing. */
export async function eventually(
  predicate: () => boolean | Promise<boolean>,
  what: string,
  limitMs = 60_000,
  everyMs = 50,
): Promise<void> {
  const deadline = Date.now() + limitMs;
  while (!(await predicate())) {
    if (Date.now() > deadline) throw new Error(`gave up waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, everyMs));
  }
}

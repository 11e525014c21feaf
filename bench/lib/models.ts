/** Trained artifacts for the benchmarks: `npm run train` in a child process, into a temporary models dir. */
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { loadArtifacts } from '../../src/artifacts/loader.ts';
import { ModelRepository } from '../../src/artifacts/repository.ts';
import type { Artifacts, Manifest } from '../../src/artifacts/types.ts';
import { runTsx } from './child.ts';

export interface TrainRun {
  modelsDir: string;
  version: string;
  /** Spawn to exit of the CLI process: what a person running `npm run train` waits. */
  wallMs: number;
  /** trainVersion's own total (load → publish), from its "new version published" log line. */
  pipelineMs: number;
  /** Per-step times. The manifest is written before the write/verify steps end, so those come from the logs. */
  stepsMs: Record<string, number>;
  manifest: Manifest;
}

const createdDirs: string[] = [];

/** A temporary directory outside the repo (never models/ or data/), removed by removeBenchTempDirs. */
export async function benchTempDir(prefix: string): Promise<string> {
  const dir = await mkdtemp(path.join(os.tmpdir(), `flickpick-bench-${prefix}-`));
  createdDirs.push(dir);
  return dir;
}

export async function removeBenchTempDirs(): Promise<void> {
  await Promise.all(createdDirs.splice(0).map((dir) => rm(dir, { recursive: true, force: true })));
}

interface StepLogLine {
  step?: string;
  ms?: number;
  msg?: string;
}

/** The JSON log lines trainVersion writes at info level ("training step X done", "new version published"). */
function parseTrainLog(stdout: string): { stepsMs: Record<string, number>; pipelineMs?: number } {
  const stepsMs: Record<string, number> = {};
  let pipelineMs: number | undefined;
  for (const line of stdout.split('\n')) {
    if (!line.startsWith('{')) continue;
    let entry: StepLogLine;
    try {
      entry = JSON.parse(line) as StepLogLine;
    } catch {
      continue;
    }
    if (typeof entry.ms !== 'number') continue;
    if (entry.step) stepsMs[entry.step] = entry.ms;
    else if (entry.msg === 'new version published') pipelineMs = entry.ms;
  }
  return { stepsMs, pipelineMs };
}

/**
 * Exactly `npm run train` (tsx src/cli/index.ts train) with the dataset and models dir set by
 * environment, logging JSON at info level so the step times can be read back.
 */
export async function trainWithCli(datasetDir: string, modelsDir: string): Promise<TrainRun> {
  const result = await runTsx(['src/cli/index.ts', 'train'], {
    MOVIELENS_DIR: datasetDir,
    MODELS_DIR: modelsDir,
    DATA_DIR: path.join(modelsDir, '..', 'data'),
    LOG_LEVEL: 'info',
  });
  if (result.code !== 0) {
    throw new Error(`npm run train failed (exit ${result.code}):\n${result.stderr.slice(-2000)}`);
  }
  const repository = new ModelRepository(modelsDir);
  const version = await repository.currentVersion();
  if (!version) throw new Error(`training published no version in ${modelsDir}`);
  const manifest = await repository.manifest(version);
  const logged = parseTrainLog(result.stdout);
  return {
    modelsDir,
    version,
    wallMs: result.wallMs,
    pipelineMs: logged.pipelineMs ?? manifest.timingsMs.total ?? Number.NaN,
    stepsMs: { ...manifest.timingsMs, ...logged.stepsMs },
    manifest,
  };
}

/** A fresh temporary models dir with one trained version of the dataset. */
export async function trainFreshModels(datasetDir: string): Promise<TrainRun> {
  const root = await benchTempDir('models');
  return trainWithCli(datasetDir, path.join(root, 'models'));
}

/** The current version of a models dir, loaded as the bot loads it. */
export async function loadCurrent(modelsDir: string): Promise<Artifacts> {
  const dir = await new ModelRepository(modelsDir).currentDir();
  if (!dir) throw new Error(`no current model version in ${modelsDir}`);
  return loadArtifacts(dir);
}

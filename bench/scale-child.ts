/**
 * One scale-benchmark run in its own process (so peak RSS is this run's): `tsx bench/scale-child.ts
 * <datasetDir> <modelsDir> <pipeline|steps>`. Prints one JSON line on stdout.
 * - pipeline: trainVersion end to end, exactly `npm run train` (per-step times from the manifest).
 * - steps: the same steps without the DNMF top tables (load, popularity, kNN, DNMF), for while the all-pairs
 *   tables are being replaced (issue 7): they are O(users × movies) and do not finish at 32M.
 * - data: load, popularity and kNN only (what does not depend on the DNMF), for a size whose DNMF cannot
 *   finish in the time at hand.
 * - epoch: steps with the DNMF stopped after one epoch: its cost per epoch and the memory it needs, for an
 *   estimate of the full run (epochs × per-epoch cost).
 * steps and data also write the kNN lists file and time loading it back as serving does.
 */
import { mkdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { ListNeighbourIndex, neighbourListsFrom, packNeighbourLists } from '../src/artifacts/knn-index.ts';
import { ModelRepository } from '../src/artifacts/repository.ts';
import { readTypedArrays, writeTypedArrays } from '../src/artifacts/typed-arrays.ts';
import { loadDataset } from '../src/data/movielens.ts';
import { trainDnmf } from '../src/train/dnmf/index.ts';
import { buildSparseRatings, DEFAULT_KNN, nearestNeighbours } from '../src/train/knn.ts';
import { trainVersion } from '../src/train/pipeline.ts';
import { buildPopularity, DEFAULT_POPULARITY, movieStats } from '../src/train/popularity.ts';

export interface ScaleChildResult {
  mode: 'pipeline' | 'steps' | 'data' | 'epoch';
  ratings: number;
  users: number;
  movies: number;
  stepsMs: Record<string, number>;
  /** CPU time (user + system) per step: on a machine shared with other work, closer to what the step costs. */
  cpuMs: Record<string, number>;
  totalMs: number;
  totalCpuMs: number;
  peakRssMb: number;
  dnmf?: { epochs: number; bestEpoch: number; validationRmse: number; fitRatingsPerSecond: number };
  /** The kNN lists file: its size and the time to load it into the serving index. */
  knnFile?: { bytes: number; loadMs: number; movies: number };
}

const cpuSince = (start: NodeJS.CpuUsage) => {
  const used = process.cpuUsage(start);
  return Math.round((used.user + used.system) / 1000);
};

async function main(): Promise<void> {
  const [datasetDir, modelsDir, mode] = process.argv.slice(2);
  const started = performance.now();
  const cpuStart = process.cpuUsage();
  const cpuMs: Record<string, number> = {};
  let result: ScaleChildResult;
  if (mode === 'pipeline') {
    const outcome = await trainVersion({ datasetDir, repository: new ModelRepository(modelsDir) });
    if (!outcome.published) throw new Error(`not published: ${outcome.problems.join('; ')}`);
    const { manifest } = outcome;
    const m = manifest.dnmf.metrics;
    result = {
      mode,
      ratings: manifest.dataset.rows.ratings,
      users: manifest.dataset.rows.users,
      movies: manifest.dataset.rows.movies,
      stepsMs: manifest.timingsMs,
      cpuMs,
      totalMs: performance.now() - started,
      totalCpuMs: cpuSince(cpuStart),
      peakRssMb: process.resourceUsage().maxRSS / 1024,
      dnmf: {
        epochs: m.epochs,
        bestEpoch: m.bestEpoch,
        validationRmse: m.validationRmse,
        fitRatingsPerSecond:
          (manifest.dataset.rows.ratings *
            (1 - Number(manifest.dnmf.hyperparameters.validationFraction)) *
            m.epochs) /
          (manifest.timingsMs.dnmf / 1000),
      },
    };
  } else {
    const stepsMs: Record<string, number> = {};
    const time = async <T>(step: string, run: () => T | Promise<T>): Promise<T> => {
      const t = performance.now();
      const c = process.cpuUsage();
      const value = await run();
      stepsMs[step] = Math.round(performance.now() - t);
      cpuMs[step] = cpuSince(c);
      process.stderr.write(`[scale-child] ${step} ${(stepsMs[step] / 1000).toFixed(1)} s\n`);
      return value;
    };
    const data = await time('load', () => loadDataset(datasetDir));
    const stats = movieStats(data.ratings);
    await time('popularity', () => buildPopularity(stats, DEFAULT_POPULARITY));
    const lists = await time('knn', () =>
      nearestNeighbours(
        buildSparseRatings(data.ratings, stats, DEFAULT_KNN.minRatings),
        DEFAULT_KNN.listLength,
      ),
    );
    const knnPath = path.join(modelsDir, 'knn-neighbours.bin');
    await mkdir(modelsDir, { recursive: true });
    await writeTypedArrays(knnPath, {}, { ...packNeighbourLists(lists) });
    const loadStarted = performance.now();
    const index = new ListNeighbourIndex(neighbourListsFrom((await readTypedArrays(knnPath)).arrays));
    const knnFile = {
      bytes: (await stat(knnPath)).size,
      loadMs: performance.now() - loadStarted,
      movies: index.size,
    };
    const base = {
      ratings: data.ratings.ratings.length,
      users: new Set(data.ratings.userIds).size,
      movies: data.movies.size,
      stepsMs,
      cpuMs,
      knnFile,
    };
    if (mode === 'data') {
      console.log(
        JSON.stringify({
          mode,
          ...base,
          totalMs: performance.now() - started,
          totalCpuMs: cpuSince(cpuStart),
          peakRssMb: process.resourceUsage().maxRSS / 1024,
        }),
      );
      return;
    }
    const { report } = await time('dnmf', () =>
      trainDnmf(data.ratings, mode === 'epoch' ? { epochs: 1 } : {}),
    );
    const trainMs = report.history.reduce((s, e) => s + e.ms, 0);
    result = {
      mode: mode === 'epoch' ? 'epoch' : 'steps',
      ...base,
      totalMs: performance.now() - started,
      totalCpuMs: cpuSince(cpuStart),
      peakRssMb: process.resourceUsage().maxRSS / 1024,
      dnmf: {
        epochs: report.epochs,
        bestEpoch: report.bestEpoch,
        validationRmse: report.validationRmse,
        fitRatingsPerSecond:
          (data.ratings.ratings.length * (1 - report.options.validationFraction) * report.epochs) /
          (trainMs / 1000),
      },
    };
  }
  console.log(JSON.stringify(result));
}

await main();

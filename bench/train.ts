/**
 * `npm run train` end to end on ml-latest-small, each run in a fresh process (cold JIT, cold module
 * cache, like a person running it) into its own temporary models dir. Reports the median wall time
 * and the median of each pipeline step.
 */
import type { Benchmark } from './lib/benchmark.ts';
import { trainFreshModels, type TrainRun } from './lib/models.ts';
import type { Row } from './lib/report.ts';
import { median, summarize } from './lib/stats.ts';

const DEFAULT_RUNS = 3;
const STEPS = ['load', 'popularity', 'knn', 'dnmf', 'tables', 'write', 'verify'] as const;
const seconds = (ms: number) => ms / 1000;

export const train: Benchmark = {
  name: 'train',
  description:
    'npm run train end to end (load → popularity → kNN → DNMF → tables → write → verify → publish)',
  async run(context) {
    const runs: TrainRun[] = [];
    const count = context.runs ?? DEFAULT_RUNS;
    for (let i = 1; i <= count; i++) {
      context.log(`train: run ${i}/${count}`);
      const run = await trainFreshModels(context.datasetDir);
      context.log(
        `train: run ${i} took ${seconds(run.wallMs).toFixed(1)} s (DNMF ${seconds(run.stepsMs.dnmf).toFixed(1)} s)`,
      );
      runs.push(run);
    }
    context.offerModels(runs[0].modelsDir);

    const wall = runs.map((r) => seconds(r.wallMs));
    const rows: Row[] = [
      {
        metric: `npm run train wall time, median of ${count}`,
        unit: 's',
        measured: median(wall),
        target: 60,
        summary: summarize(wall),
        note: 'aim 20 s',
      },
      {
        metric: 'trainVersion total (load → publish), median',
        unit: 's',
        measured: median(runs.map((r) => seconds(r.pipelineMs))),
      },
      ...STEPS.map((step): Row => ({
        metric: `step ${step}, median`,
        unit: 's',
        measured: median(runs.map((r) => seconds(r.stepsMs[step] ?? Number.NaN))),
      })),
    ];
    const manifest = runs[0].manifest;
    return {
      rows,
      raw: {
        runs: runs.map((r) => ({
          wallMs: Math.round(r.wallMs),
          pipelineMs: r.pipelineMs,
          stepsMs: r.stepsMs,
          validationRmse: r.manifest.dnmf.metrics.validationRmse,
          epochs: r.manifest.dnmf.metrics.epochs,
          bestEpoch: r.manifest.dnmf.metrics.bestEpoch,
        })),
        runtime: manifest.runtime,
        dataset: manifest.dataset.rows,
      },
    };
  },
};

/**
 * `npm run bench [-- names…] [--runs N] [--models DIR] [--keep]`: runs the selected benchmarks (all by
 * default) in order, prints a markdown table, and appends the raw numbers to
 * bench/results/<date>-<host>.json. Speed is measured here, never asserted in tests.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { engine } from './engine.ts';
import { gateway } from './gateway.ts';
import { importBench } from './import.ts';
import type { BenchContext, Benchmark } from './lib/benchmark.ts';
import { REPO_ROOT } from './lib/child.ts';
import {
  isBusy,
  loadAverage,
  machineInfo,
  machineLine,
  sampleForeignCpu,
  sampleLoad,
  sourceState,
} from './lib/machine.ts';
import { removeBenchTempDirs, trainFreshModels } from './lib/models.ts';
import { markdownTable, type BenchmarkRecord } from './lib/report.ts';
import { appendRun, resultsPath } from './lib/results.ts';
import { members } from './members.ts';
import { titleSearch } from './title-search.ts';
import { memory } from './memory.ts';
import { retrainLoad } from './retrain-load.ts';
import { scale } from './scale.ts';
import { shards } from './shards.ts';
import { startup } from './startup.ts';
import { train } from './train.ts';

const BENCHMARKS: readonly Benchmark[] = [
  train,
  engine,
  gateway,
  members,
  titleSearch,
  importBench,
  startup,
  memory,
  retrainLoad,
  shards,
  scale,
];
/** Run only when named: the scale benchmark generates and trains up to 32M ratings (see bench/scale.ts). */
const ON_REQUEST: readonly Benchmark[] = [scale];

const USAGE = `Usage: npm run bench -- [${BENCHMARKS.map((b) => b.name).join('|')} …] [options]

${BENCHMARKS.map((b) => `  ${b.name.padEnd(13)} ${b.description}`).join('\n')}

Options:
  --runs N       repetitions of the per-process benchmarks (train: 3, startup: 5 by default)
  --models DIR   serve from this models dir instead of training one (never written to)
  --keep         keep the temporary models and state dirs
Environment: MOVIELENS_DIR (default data/ml-latest-small);
  BENCH_PROFILE_DIR=dir  write V8 CPU profiles of the bot processes there;
  BENCH_TRAINING_NICE=n  what-if for retrain-load: run the training process at nice n.`;

function parseCommandLine() {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: {
      runs: { type: 'string' },
      models: { type: 'string' },
      keep: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) {
    console.log(USAGE);
    process.exit(0);
  }
  const unknown = positionals.filter((name) => !BENCHMARKS.some((b) => b.name === name));
  if (unknown.length > 0) throw new Error(`unknown benchmark ${unknown.join(', ')}\n\n${USAGE}`);
  const runs = values.runs === undefined ? undefined : Number(values.runs);
  if (runs !== undefined && (!Number.isInteger(runs) || runs < 1)) {
    throw new Error(`--runs must be a positive integer, got ${values.runs}`);
  }
  return {
    selected:
      positionals.length === 0
        ? BENCHMARKS.filter((b) => !ON_REQUEST.includes(b))
        : BENCHMARKS.filter((b) => positionals.includes(b.name)),
    runs,
    models: values.models === undefined ? undefined : path.resolve(values.models),
    keep: values.keep,
  };
}

const log = (message: string) => process.stderr.write(`[bench] ${message}\n`);

async function main(): Promise<void> {
  const options = parseCommandLine();
  const datasetDir = path.resolve(process.env.MOVIELENS_DIR ?? path.join('data', 'ml-latest-small'));
  if (!existsSync(path.join(datasetDir, 'ratings.csv'))) {
    throw new Error(`no MovieLens dataset in ${datasetDir}: set MOVIELENS_DIR`);
  }
  const machine = machineInfo();
  const source = sourceState(REPO_ROOT);
  const startedAt = new Date();

  let modelsDir = options.models;
  let training: Promise<string> | undefined;
  const context: BenchContext = {
    datasetDir,
    runs: options.runs,
    log,
    offerModels: (dir) => (modelsDir ??= dir),
    models() {
      if (modelsDir) return Promise.resolve(modelsDir);
      training ??= (async () => {
        log('training ml-latest-small once for the serving benchmarks (npm run train in a child process)');
        modelsDir = (await trainFreshModels(datasetDir)).modelsDir;
        return modelsDir;
      })();
      return training;
    },
  };

  const records: BenchmarkRecord[] = [];
  try {
    for (const benchmark of options.selected) {
      const loadBefore = loadAverage();
      if (isBusy(loadBefore, machine.cores)) {
        log(
          `warning: load average ${loadBefore.join(' ')} on ${machine.cores} cores: figures will be skewed`,
        );
      }
      log(`${benchmark.name}: ${benchmark.description}`);
      const started = performance.now();
      const load = sampleLoad();
      const foreign = sampleForeignCpu();
      const record: BenchmarkRecord = {
        name: benchmark.name,
        startedAt: new Date().toISOString(),
        durationMs: 0,
        loadBefore,
        loadAfter: [],
        loadPeak: Number.NaN,
        foreignCpu: { meanCores: Number.NaN, peakCores: Number.NaN },
        rows: [],
        raw: {},
      };
      try {
        Object.assign(record, await benchmark.run(context));
      } catch (error) {
        record.error = error instanceof Error ? error.message : String(error);
        log(
          `${benchmark.name} failed: ${error instanceof Error ? (error.stack ?? error.message) : record.error}`,
        );
      }
      record.durationMs = Math.round(performance.now() - started);
      record.loadAfter = loadAverage();
      record.loadPeak = Math.max(...load.stop());
      record.foreignCpu = foreign.stop();
      if (record.foreignCpu.meanCores > 0.25) {
        log(
          `warning: other processes used ${record.foreignCpu.meanCores} cores on average during ${benchmark.name}: consider re-running`,
        );
      }
      records.push(record);
    }
  } finally {
    if (!options.keep) await removeBenchTempDirs();
  }

  const file = resultsPath(machine, startedAt);
  await appendRun(file, {
    startedAt: startedAt.toISOString(),
    finishedAt: new Date().toISOString(),
    argv: process.argv.slice(2),
    machine,
    source,
    benchmarks: records,
  });

  const tree = source.modified.length ? ` + ${source.modified.length} uncommitted files` : '';
  console.log(
    `\n${startedAt.toISOString().slice(0, 10)} — ${machineLine(machine)} — ${source.commit}${tree}\n`,
  );
  console.log(markdownTable(records));
  console.log(
    `\nOther processes' CPU (cores, mean / peak) and 1-min load average (start / peak), ${machine.cores} cores:`,
  );
  for (const r of records) {
    console.log(
      `  ${r.name.padEnd(13)} others ${r.foreignCpu.meanCores} / ${r.foreignCpu.peakCores}   load ${r.loadBefore[0]} / ${r.loadPeak}`,
    );
  }
  console.log(`Raw results appended to ${path.relative(process.cwd(), file)}`);
  if (records.some((r) => r.error)) process.exitCode = 1;
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});

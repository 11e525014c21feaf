/**
 * `npm run bench -- scale`: training cost against dataset size. ml-latest-small (MOVIELENS_DIR, the real
 * 100k) and MovieLens-shaped synthetic sets of 1M, 5M and 32M ratings (src/data/synthetic.ts, written to a
 * temporary dir first; generation is timed separately). Each size trains in a fresh child process
 * (bench/scale-child.ts), so its peak RSS is its own. Reports wall time per step, peak RSS, and the growth
 * exponent of time and memory in the number of ratings from 1M up; every size's result is also appended to
 * bench/results/scale-runs.jsonl, which `npx tsx bench/scale-chart.ts` turns into the chart in BENCHMARKS.md.
 *
 * BENCH_SCALE_SIZES=100k,1m,5m,32m chooses sizes; BENCH_SCALE_MODE=pipeline|steps|data|epoch (default
 * pipeline) runs trainVersion end to end, the steps without the DNMF top tables, only the steps before the
 * DNMF, or the steps with one DNMF epoch (see scale-child.ts); a size may name its own mode, e.g.
 * BENCH_SCALE_SIZES=1m,5m,32m:epoch.
 */
import { spawn } from 'node:child_process';
import { appendFile, mkdir } from 'node:fs/promises';
import { loadavg } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { movieLensShape, writeSyntheticDataset } from '../src/data/synthetic.ts';
import type { Benchmark } from './lib/benchmark.ts';
import { REPO_ROOT } from './lib/child.ts';
import { benchTempDir } from './lib/models.ts';
import type { Row } from './lib/report.ts';
import { RESULTS_DIR } from './lib/results.ts';
import type { ScaleChildResult } from './scale-child.ts';

export const SCALE_RUNS_FILE = path.join(RESULTS_DIR, 'scale-runs.jsonl');

/** Targets of issue 9 (2-core machine, no tfjs-node): end-to-end seconds per size. */
const TIME_TARGETS: Record<string, number> = { '100k': 10, '1m': 60, '5m': 300, '32m': 2700 };
const RSS_TARGET_MB = 8 * 1024;
const SIZES: Record<string, number> = { '1m': 1_000_000, '5m': 5_000_000, '32m': 32_000_204 };

export interface ScaleRunRecord extends ScaleChildResult {
  size: string;
  finishedAt: string;
  wallMs: number;
  generateMs?: number;
  loadAverage: number[];
}

/** Runs the child with tsx, nice'd as a retrain is, and parses its one JSON line. */
function runChild(
  datasetDir: string,
  modelsDir: string,
  mode: string,
): Promise<{ result: ScaleChildResult; wallMs: number }> {
  const started = performance.now();
  const tsx = fileURLToPath(new URL('../node_modules/.bin/tsx', import.meta.url));
  const child = spawn(tsx, [path.join(REPO_ROOT, 'bench', 'scale-child.ts'), datasetDir, modelsDir, mode], {
    cwd: REPO_ROOT,
    env: { ...process.env, LOG_LEVEL: 'warn' },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const out: Buffer[] = [];
  child.stdout.on('data', (chunk: Buffer) => out.push(chunk));
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (code) => {
      const wallMs = performance.now() - started;
      const line = Buffer.concat(out).toString('utf8').trim().split('\n').at(-1) ?? '';
      if (code !== 0) return reject(new Error(`scale child for ${datasetDir} exited with ${code}`));
      try {
        resolve({ result: JSON.parse(line) as ScaleChildResult, wallMs });
      } catch {
        reject(new Error(`scale child printed no result: ${line}`));
      }
    });
  });
}

/** Least-squares slope of log(y) on log(x): y ∝ x^slope. */
export function growthExponent(points: Array<[number, number]>): number {
  if (points.length < 2) return Number.NaN;
  const xs = points.map(([x]) => Math.log(x));
  const ys = points.map(([, y]) => Math.log(y));
  const mx = xs.reduce((a, b) => a + b, 0) / xs.length;
  const my = ys.reduce((a, b) => a + b, 0) / ys.length;
  let num = 0;
  let den = 0;
  xs.forEach((x, i) => {
    num += (x - mx) * (ys[i] - my);
    den += (x - mx) ** 2;
  });
  return num / den;
}

export const scale: Benchmark = {
  name: 'scale',
  description: 'training time per step and peak RSS at 100k (real), 1M, 5M and 32M-shaped synthetic ratings',
  async run(context) {
    const defaultMode = process.env.BENCH_SCALE_MODE ?? 'pipeline';
    const runs = (process.env.BENCH_SCALE_SIZES ?? '100k,1m,5m,32m').split(',').map((entry) => {
      const [size, mode = defaultMode] = entry.trim().toLowerCase().split(':');
      if (size !== '100k' && !(size in SIZES))
        throw new Error(`unknown scale size ${size} (use 100k, 1m, 5m, 32m)`);
      if (!['pipeline', 'steps', 'data', 'epoch'].includes(mode)) {
        throw new Error(`scale mode must be pipeline, steps, data or epoch, got ${mode}`);
      }
      return { size, mode };
    });
    await mkdir(RESULTS_DIR, { recursive: true });
    const records: ScaleRunRecord[] = [];
    for (const { size, mode } of runs) {
      let datasetDir = context.datasetDir;
      let generateMs: number | undefined;
      if (size !== '100k') {
        datasetDir = path.join(await benchTempDir(`scale-${size}`), 'dataset');
        const started = performance.now();
        writeSyntheticDataset(datasetDir, movieLensShape(SIZES[size], 1));
        generateMs = performance.now() - started;
        context.log(`scale: generated ${size} in ${(generateMs / 1000).toFixed(1)} s`);
      }
      const modelsDir = await benchTempDir(`scale-models-${size}`);
      context.log(`scale: training ${size} (${mode})`);
      const { result, wallMs } = await runChild(datasetDir, modelsDir, mode);
      const record: ScaleRunRecord = {
        ...result,
        size,
        finishedAt: new Date().toISOString(),
        wallMs,
        generateMs,
        loadAverage: loadavg(),
      };
      records.push(record);
      await appendFile(SCALE_RUNS_FILE, `${JSON.stringify(record)}\n`);
      context.log(
        `scale: ${size} took ${(wallMs / 1000).toFixed(1)} s (CPU ${(result.totalCpuMs / 1000).toFixed(1)} s), peak RSS ${result.peakRssMb.toFixed(0)} MB` +
          (result.dnmf ? `, DNMF ${Math.round(result.dnmf.fitRatingsPerSecond)} ratings/s` : ''),
      );
    }
    const rows: Row[] = [];
    for (const r of records) {
      const steps = (times: Record<string, number>) =>
        Object.entries(times)
          .filter(([step]) => step !== 'total')
          .map(([step, ms]) => `${step} ${(ms / 1000).toFixed(1)}`)
          .join(', ');
      rows.push({
        metric: `${r.size}: ${r.ratings.toLocaleString('en')} ratings, wall time (${r.mode})`,
        unit: 's',
        measured: r.wallMs / 1000,
        target: r.mode === 'data' || r.mode === 'epoch' ? undefined : TIME_TARGETS[r.size],
        note: steps(r.stepsMs),
      });
      rows.push({
        metric: `${r.size}: CPU time (user + system)`,
        unit: 's',
        measured: r.totalCpuMs / 1000,
        note: steps(r.cpuMs),
      });
      rows.push({ metric: `${r.size}: peak RSS`, unit: 'MB', measured: r.peakRssMb, target: RSS_TARGET_MB });
      if (r.dnmf) {
        rows.push({
          metric: `${r.size}: DNMF training ratings per second`,
          unit: 'count',
          measured: r.dnmf.fitRatingsPerSecond,
          note: `${r.dnmf.epochs} epochs, validation RMSE ${r.dnmf.validationRmse.toFixed(4)}`,
        });
      }
      if (r.knnFile) {
        rows.push({
          metric: `${r.size}: kNN lists file load (${r.knnFile.movies} movies, ${(r.knnFile.bytes / 1e6).toFixed(1)} MB)`,
          unit: 'ms',
          measured: r.knnFile.loadMs,
        });
      }
    }
    const large = records.filter((r) => r.ratings >= 900_000 && r.mode === records.at(-1)?.mode);
    if (large.length >= 2) {
      rows.push({
        metric: 'growth exponent of wall time in ratings (1M up)',
        unit: '×',
        measured: growthExponent(large.map((r) => [r.ratings, r.wallMs])),
        target: 1.1,
      });
      rows.push({
        metric: 'growth exponent of peak RSS in ratings (1M up)',
        unit: '×',
        measured: growthExponent(large.map((r) => [r.ratings, r.peakRssMb])),
      });
    }
    return { rows, raw: { records } };
  },
};

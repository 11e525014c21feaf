/** What a benchmark module exports, and what the runner gives it. */
import type { BenchmarkOutcome } from './report.ts';

export interface BenchContext {
  /** MovieLens ml-latest-small (MOVIELENS_DIR). */
  datasetDir: string;
  /** --runs N, when given: how many times the per-process benchmarks (train, startup) repeat. */
  runs?: number;
  /** A models dir holding one trained version of the dataset: --models, the train benchmark's, or trained once. */
  models(): Promise<string>;
  /** Lets the train benchmark hand its freshly trained models to the benchmarks after it. */
  offerModels(dir: string): void;
  log(message: string): void;
}

export interface Benchmark {
  name: string;
  /** One line for --help and BENCHMARKS.md. */
  description: string;
  run(context: BenchContext): Promise<BenchmarkOutcome>;
}

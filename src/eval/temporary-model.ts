/** The production pipeline into a throw-away model repository (never models/), for evaluation runs. */
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { Logger } from 'pino';
import { ModelRepository } from '../artifacts/repository.ts';
import type { Artifacts } from '../artifacts/types.ts';
import type { Movie, RatingTable } from '../data/types.ts';
import type { DnmfOptions } from '../train/dnmf/index.ts';
import type { WatchModelOptions } from '../train/watch-model.ts';
import type { ExposurePriceOptions } from '../train/watch-prices.ts';
import { trainVersion, type TrainOptions } from '../train/pipeline.ts';

export interface TemporaryModelOptions {
  movies: Map<number, Movie>;
  ratings: RatingTable;
  checksums?: Record<string, string>;
  dnmf?: Partial<DnmfOptions>;
  watch?: Partial<WatchModelOptions>;
  watchPrices?: Partial<ExposurePriceOptions>;
  logger?: Logger;
}

/** Trains, loads the published version into memory, and deletes the repository again. */
export async function trainTemporaryModel(options: TemporaryModelOptions): Promise<Artifacts> {
  const root = await mkdtemp(path.join(os.tmpdir(), 'flickpick-eval-'));
  try {
    const train: TrainOptions = {
      datasetDir: '(evaluation: train rows)',
      repository: new ModelRepository(root),
      logger: options.logger,
      dnmf: options.dnmf,
      watch: options.watch,
      watchPrices: options.watchPrices,
      dataset: {
        movies: options.movies,
        ratings: options.ratings,
        checksums: options.checksums ?? {},
        skipped: {},
      },
    };
    const result = await trainVersion(train);
    if (!result.published) {
      throw new Error(`the evaluation model failed verification: ${result.problems.join('; ')}`);
    }
    return result.artifacts;
  } finally {
    await rm(root, { recursive: true, force: true });
  }
}

import type { Logger } from 'pino';
import { writeVersion } from '../artifacts/format.ts';
import { loadArtifacts } from '../artifacts/loader.ts';
import type { ModelRepository } from '../artifacts/repository.ts';
import type { Artifacts, Manifest, MovieInfo } from '../artifacts/types.ts';
import { verifyArtifacts } from '../artifacts/verify.ts';
import { DEFAULT_MIN_CANDIDATE_RATINGS, gemBand, inGemBand } from '../artifacts/gem-band.ts';
import { loadDataset } from '../data/movielens.ts';
import type { Dataset, RatingTable } from '../data/types.ts';
import { trainDnmf, type DnmfOptions } from './dnmf/index.ts';
import { buildSparseRatings, DEFAULT_KNN, nearestNeighbours, sampledRecall } from './knn.ts';
import { trainWatchModelInWorker, type WatchModelOptions } from './watch-model.ts';
import type { ExposurePriceOptions } from './watch-prices.ts';
import { countDistribution, neighbourMovieIds } from './count-distribution.ts';
import { buildPopularity, DEFAULT_POPULARITY, movieStats } from './popularity.ts';
import { scorePredictor } from './evaluate.ts';
import { HOLDOUT_RULE, splitHoldout } from './holdout.ts';
import {
  dataFingerprint,
  membersFingerprint,
  NO_MEMBER_RATINGS,
  withMemberRatings,
  type MemberTrainingRatings,
} from './training-data.ts';

export type TrainStep = 'load' | 'popularity' | 'knn' | 'watch' | 'dnmf' | 'write' | 'verify';

export interface TrainProgress {
  step: TrainStep;
  /** Set during DNMF training. */
  epoch?: number;
  maxEpochs?: number;
  validationRmse?: number;
}

export interface TrainOptions {
  datasetDir: string;
  repository: ModelRepository;
  logger?: Logger;
  onProgress?: (progress: TrainProgress) => void;
  dnmf?: Partial<DnmfOptions>;
  /** The watch model's options (train/watch-model.ts); /recommend's hidden gems are ranked by it. */
  watch?: Partial<WatchModelOptions>;
  /** The gem band's exposure prices (train/watch-prices.ts). */
  watchPrices?: Partial<ExposurePriceOptions>;
  /** A movie needs this many ratings to be a hidden-gem candidate (see README). */
  minCandidateRatings?: number;
  /**
   * Extra publication checks (the retrain job scores the serving version on the same hold-out);
   * `holdout` is the fixed MovieLens hold-out no version trains on (see holdout.ts).
   */
  accept?: (manifest: Manifest, evidence: { holdout: RatingTable }) => string[] | Promise<string[]>;
  /**
   * Called right before publishing; throwing refuses publication (the version is rejected with
   * the error). The retrain job and the CLI confirm here that they still hold the version lock.
   */
  beforePublish?: () => Promise<void>;
  /** Members' ratings, trained on as extra users with pseudonymous ids (training-data.ts). */
  memberRatings?: MemberTrainingRatings;
  /** Load the dataset already in memory instead of reading datasetDir again. */
  dataset?: Dataset;
}

export type TrainResult =
  | { published: true; version: string; manifest: Manifest; artifacts: Artifacts }
  | { published: false; version: string; manifest?: Manifest; problems: string[]; rejectedDir: string };

/**
 * Steps 1–3 of the method, end to end: popularity catalog, kNN index, DNMF model and its tables,
 * written as a new version under models/.staging, verified, and only then published as current.
 * A version that fails verification is kept aside in models/.rejected and the current one stays.
 */
export async function trainVersion(options: TrainOptions): Promise<TrainResult> {
  const { repository, logger } = options;
  const progress = options.onProgress ?? (() => {});
  const timings: Record<string, number> = {};
  const time = async <T>(step: TrainStep, run: () => T | Promise<T>): Promise<T> => {
    progress({ step });
    const started = performance.now();
    const result = await run();
    timings[step] = Math.round(performance.now() - started);
    logger?.info({ step, ms: timings[step] }, `training step ${step} done`);
    return result;
  };
  const started = performance.now();

  const dataset =
    options.dataset ??
    (await time('load', () =>
      loadDataset(options.datasetDir, (reason, file, line, detail) =>
        logger?.warn({ reason, file, line }, `skipped rating: ${detail}`),
      ),
    ));
  const { movies } = dataset;
  // The catalog and the kNN (the method's steps 1–2) use every MovieLens rating plus the members';
  // the DNMF, which the retrain gate scores, trains on MovieLens minus the fixed hold-out plus the
  // members' ratings, so the gate scores every version on ratings none of them trained on.
  const { train: movielensTrain, holdout } = splitHoldout(dataset.ratings);
  const memberRatings = options.memberRatings ?? NO_MEMBER_RATINGS;
  const { ratings, members } = withMemberRatings(dataset.ratings, memberRatings, movies);
  const { ratings: dnmfRatings } = withMemberRatings(movielensTrain, memberRatings, movies);
  if (members.skipped > 0)
    logger?.warn({ skipped: members.skipped }, 'member ratings of movies not in the dataset were left out');

  const stats = movieStats(ratings);
  const popularity = await time('popularity', () => buildPopularity(stats, DEFAULT_POPULARITY));

  const knnOptions = DEFAULT_KNN;
  const knn = await time('knn', () => {
    const sparse = buildSparseRatings(ratings, stats, knnOptions.minRatings);
    const neighbours = nearestNeighbours(sparse, knnOptions.listLength);
    // An independent exact computation on a sample must agree; recall@10 is recorded in the manifest.
    const recall = sampledRecall(sparse, neighbours, 10, knnOptions.recallSample, knnOptions.seed);
    return { movies: sparse.movieIds.length, dimensions: sparse.dimensions, neighbours, recall };
  });

  // Like the catalog and the kNN, the watch model learns from every rating: it serves rankings, and the
  // RMSE gate that needs the hold-out scores the DNMF only. It trains on a worker thread while the DNMF
  // trains here: two cores, and neither step waits for the other.
  // The gem band (artifacts/gem-band.ts) as serving will see it: its exposure prices are computed with the
  // watch model, on the same thread.
  const minCandidateRatings = options.minCandidateRatings ?? DEFAULT_MIN_CANDIDATE_RATINGS;
  const band = gemBand({ dnmf: { minCandidateRatings }, knn: { minRatings: knnOptions.minRatings } });
  const gemCandidates = [...stats].filter(([, s]) => inGemBand(band, s.count)).map(([movieId]) => movieId);
  progress({ step: 'watch' });
  const watchStarted = performance.now();
  const watchTraining = trainWatchModelInWorker(
    ratings,
    { minRatings: minCandidateRatings, ...options.watch },
    (error) => logger?.warn({ err: error }, 'watch-model worker failed to start; training it on this thread'),
    {
      catalogIds: popularity.catalog.map((entry) => entry.movieId),
      bandMovieIds: gemCandidates,
      options: options.watchPrices,
    },
  ).then((model) => {
    timings.watch = Math.round(performance.now() - watchStarted);
    logger?.info({ step: 'watch', ms: timings.watch }, 'training step watch done');
    return model;
  });
  // Settled either way, so a DNMF failure does not leave an unhandled rejection behind.
  watchTraining.catch(() => {});

  const { model, report } = await time('dnmf', () =>
    trainDnmf(dnmfRatings, options.dnmf, (p) =>
      progress({ step: 'dnmf', epoch: p.epoch, maxEpochs: p.maxEpochs, validationRmse: p.validationRmse }),
    ),
  );
  const watch = await watchTraining;
  const holdoutRmse = holdout.ratings.length > 0 ? scorePredictor(model, holdout).rmse : undefined;

  const movieInfos: MovieInfo[] = [...movies.values()].map((m) => ({
    ...m,
    count: stats.get(m.movieId)?.count ?? 0,
    mean: stats.get(m.movieId)?.mean ?? 0,
  }));
  const staging = await repository.createStaging();
  const manifestBody: Omit<Manifest, 'files'> = {
    version: staging.version,
    createdAt: new Date().toISOString(),
    dataset: {
      dir: options.datasetDir,
      checksums: dataset.checksums,
      rows: {
        ratings: dataset.ratings.ratings.length,
        movies: movies.size,
        users: new Set(ratings.userIds).size,
        holdout: holdout.ratings.length,
        memberRatings: members.ratings,
      },
      skipped: dataset.skipped,
    },
    popularity: { ...DEFAULT_POPULARITY, m: popularity.m, C: popularity.C, eligible: popularity.eligible },
    knn: {
      minRatings: knnOptions.minRatings,
      k: knnOptions.k,
      listLength: knnOptions.listLength,
      movies: knn.movies,
      dimensions: knn.dimensions,
      recallAt10: knn.recall,
      recallSample: knnOptions.recallSample,
    },
    dnmf: {
      hyperparameters: { ...report.options },
      metrics: {
        validationRmse: report.validationRmse,
        bestEpoch: report.bestEpoch,
        epochs: report.epochs,
        trainRmse: report.trainRmse,
        holdoutRmse,
      },
      minCandidateRatings,
    },
    ratingCounts: {
      // What the engine serves gems from.
      hiddenGems: countDistribution(gemCandidates, stats),
      knnNeighbours: countDistribution(
        neighbourMovieIds(
          new Map([...knn.neighbours].map(([id, list]) => [id, list.slice(0, knnOptions.k)])),
        ),
        stats,
      ),
    },
    runtime: {
      node: process.version,
      tfjs: report.tfjsVersion,
      backend: report.backend,
    },
    timingsMs: timings,
    data: {
      fingerprint: dataFingerprint(dataset.checksums, membersFingerprint(memberRatings)),
      members: {
        fingerprint: membersFingerprint(memberRatings),
        users: members.users,
        ratings: members.ratings,
      },
    },
    watch: {
      hyperparameters: { ...watch.options },
      movies: watch.movieIds.length,
      ...(watch.priceOptions ? { prices: { ...watch.priceOptions } } : {}),
    },
    holdout: { rule: HOLDOUT_RULE, ratings: holdout.ratings.length },
  };
  const manifest = await time('write', () =>
    writeVersion(staging.dir, {
      manifest: manifestBody,
      catalog: popularity.catalog,
      movies: movieInfos,
      neighbours: knn.neighbours,
      dnmf: model.serialize(),
      watch: {
        dim: watch.dim,
        movieIds: watch.movieIds,
        vectors: watch.vectors,
        prices: watch.prices,
        foldIn: {
          norms: watch.norms,
          gramian: watch.gramian,
          lambda: watch.options.lambda,
          alpha: watch.options.alpha,
        },
      },
    }),
  );

  const verified = await time('verify', async () => {
    try {
      const artifacts = await loadArtifacts(staging.dir);
      const problems = verifyArtifacts(artifacts);
      if (problems.length === 0 && options.accept)
        problems.push(...(await options.accept(manifest, { holdout })));
      if (problems.length === 0 && options.beforePublish) {
        await options.beforePublish().catch((error: unknown) => {
          problems.push(`not published: ${(error as Error).message}`);
        });
      }
      return { artifacts, problems };
    } catch (error) {
      return { artifacts: undefined, problems: [(error as Error).message] };
    }
  });
  manifest.timingsMs.total = Math.round(performance.now() - started);
  if (verified.problems.length > 0 || !verified.artifacts) {
    const rejectedDir = await repository.reject(staging.version, verified.problems.join('\n'));
    logger?.error(
      { version: staging.version, problems: verified.problems, rejectedDir },
      'new version rejected',
    );
    return { published: false, version: staging.version, manifest, problems: verified.problems, rejectedDir };
  }
  await repository.publish(staging.version);
  logger?.info({ version: staging.version, ms: manifest.timingsMs.total }, 'new version published');
  return { published: true, version: staging.version, manifest, artifacts: verified.artifacts };
}

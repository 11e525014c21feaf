import { downloadDataset } from '../../data/download.ts';
import { ensureDataset } from '../../data/ensure.ts';
import type { Logger } from 'pino';
import type { ModelRepository } from '../../artifacts/repository.ts';
import type { Config } from '../../config.ts';
import type { CountDistribution } from '../../train/count-distribution.ts';
import type { DnmfOptions } from '../../train/dnmf/index.ts';
import { trainVersion, type TrainResult } from '../../train/pipeline.ts';
import type { CliContext } from '../context.ts';
import { downloadProgress, terminalProgress } from '../progress.ts';
import { withCliVersionLock } from '../version-lock.ts';
import { MemberRatings } from '../../store/member-ratings.ts';

export async function downloadCommand(context: CliContext): Promise<void> {
  await downloadDataset({ targetDir: context.config.movielensDir, onProgress: downloadProgress() });
  process.stderr.write('\n');
  console.log(`MovieLens ml-latest-small is in ${context.config.movielensDir} (checksums verified).`);
}

/**
 * Training runs in this process and may keep the event loop busy for long stretches, so the CLI's
 * lease is long: a renewal late by minutes must not lose it. A crashed CLI run blocks retrains for
 * at most this long.
 */
const CLI_TRAIN_LEASE_MS = 15 * 60_000;

/**
 * Fetches the dataset if it is missing and trains a version, with progress on the terminal. Shared
 * by `npm run train` and by `npm start` on a machine that has no model yet. Holds the version lock
 * (the bot's retrain lease) throughout, so it refuses to run while a retrain runs, and confirms the
 * lock right before publishing.
 */
export async function trainWithProgress(
  config: Config,
  repository: ModelRepository,
  logger: Logger,
  dnmf?: Partial<DnmfOptions>,
): Promise<TrainResult> {
  if ((await ensureDataset(config.movielensDir, downloadProgress())) === 'downloaded') {
    process.stderr.write('\n');
    logger.info({ dir: config.movielensDir }, 'dataset downloaded');
  }
  const result = await withCliVersionLock(
    { config, repository, logger },
    'training a new version',
    async (lease, store) => {
      await repository.cleanStaging();
      // The same training data as the bot's retrain: MovieLens plus the members' ratings.
      const memberRatings = await new MemberRatings(store).trainingRatings();
      return trainVersion({
        datasetDir: config.movielensDir,
        repository,
        logger,
        onProgress: terminalProgress(),
        dnmf,
        beforePublish: () => lease.confirm(),
        memberRatings,
      });
    },
    CLI_TRAIN_LEASE_MS,
  );
  process.stderr.write('\n');
  return result;
}

export async function trainCommand(context: CliContext, options: { epochs?: number }): Promise<void> {
  const { config, repository, logger } = context;
  const result = await trainWithProgress(
    config,
    repository,
    logger,
    options.epochs ? { epochs: options.epochs } : undefined,
  );
  if (!result.published) {
    console.error(`Version ${result.version} failed verification and was kept in ${result.rejectedDir}:`);
    for (const problem of result.problems) console.error(`  - ${problem}`);
    process.exitCode = 1;
    return;
  }
  const { manifest } = result;
  console.log(
    `Published version ${result.version}: ${manifest.dataset.rows.ratings} ratings, ` +
      `DNMF validation RMSE ${manifest.dnmf.metrics.validationRmse.toFixed(4)} (best epoch ${manifest.dnmf.metrics.bestEpoch}), ` +
      `kNN recall@10 ${manifest.knn.recallAt10.toFixed(4)}, ${(manifest.timingsMs.total / 1000).toFixed(1)} s.`,
  );
  const row = (name: string, d: CountDistribution) =>
    `  ${name.padEnd(16)} ${String(d.movies).padStart(6)} ${[d.min, d.p10, d.median, d.p90, d.max].map((n) => String(n).padStart(6)).join(' ')}`;
  console.log('Ratings per recommended movie:   movies    min    p10 median    p90    max');
  console.log(row('kNN neighbours', manifest.ratingCounts.knnNeighbours));
  console.log(row('hidden gems', manifest.ratingCounts.hiddenGems));
}

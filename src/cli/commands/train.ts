import { downloadDataset, type DownloadResult } from '../../data/download.ts';
import { downloadAnnouncement, ensureDataset } from '../../data/ensure.ts';
import type { Logger } from 'pino';
import type { ModelRepository } from '../../artifacts/repository.ts';
import type { Config } from '../../config.ts';
import type { CountDistribution } from '../../train/count-distribution.ts';
import type { DnmfOptions } from '../../train/dnmf/index.ts';
import { trainVersion, type TrainResult } from '../../train/pipeline.ts';
import type { CliContext } from '../context.ts';
import { downloadProgress, terminalProgress } from '../progress.ts';

export async function downloadCommand(context: CliContext): Promise<void> {
  const { movielensDataset: dataset = 'ml-latest-small', movielensDir: dir } = context.config;
  process.stderr.write(`${downloadAnnouncement(dataset, dir)}\n`);
  const result = await downloadDataset({ targetDir: dir, dataset, onProgress: downloadProgress() });
  process.stderr.write('\n');
  console.log(
    `MovieLens ${dataset} (${(result.zipBytes / 1e6).toFixed(1)} MB zip) is in ${dir} (${verifiedText(result)}).`,
  );
}

function verifiedText(result: DownloadResult): string {
  if (result.verified.length === 0) return 'GroupLens publishes no checksum for it; not verified';
  return result.verified
    .map((v) => (v === 'md5' ? "zip MD5 matches GroupLens'" : 'file SHA-256s verified'))
    .join(', ');
}

/**
 * Fetches the dataset if it is missing and trains a version, with progress on the terminal. Shared
 * by `npm run train` and by `npm start` on a machine that has no model yet.
 */
export async function trainWithProgress(
  config: Config,
  repository: ModelRepository,
  logger: Logger,
  dnmf?: Partial<DnmfOptions>,
): Promise<TrainResult> {
  const announce = (message: string) => process.stderr.write(`${message}\n`);
  if (
    (await ensureDataset(config.movielensDir, downloadProgress(), config.movielensDataset, announce)) !==
    'present'
  ) {
    process.stderr.write('\n');
    logger.info({ dir: config.movielensDir }, 'dataset downloaded');
  }
  await repository.cleanStaging();
  const result = await trainVersion({
    datasetDir: config.movielensDir,
    repository,
    logger,
    onProgress: terminalProgress(),
    dnmf,
  });
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

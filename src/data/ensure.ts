import { access } from 'node:fs/promises';
import path from 'node:path';
import { DATASETS, downloadDataset, type DatasetName, type DownloadResult } from './download.ts';

/** True when the directory holds the three CSVs training needs. */
export async function hasDataset(dir: string): Promise<boolean> {
  try {
    await Promise.all(['ratings.csv', 'movies.csv', 'links.csv'].map((f) => access(path.join(dir, f))));
    return true;
  } catch {
    return false;
  }
}

/** Downloads the chosen MovieLens (default ml-latest-small) into `dir` unless a dataset is already there. */
export async function ensureDataset(
  dir: string,
  onProgress?: (received: number, total: number | undefined) => void,
  dataset: DatasetName = 'ml-latest-small',
  onStart?: (message: string) => void,
): Promise<'present' | DownloadResult> {
  if (await hasDataset(dir)) return 'present';
  onStart?.(downloadAnnouncement(dataset, dir));
  return downloadDataset({ targetDir: dir, onProgress, dataset });
}

/** "Downloading ml-32m (about 239 MB; 32,000,204 ratings …) into …": said before a long download starts. */
export function downloadAnnouncement(dataset: DatasetName, dir: string): string {
  const variant = DATASETS[dataset];
  return `Downloading MovieLens ${variant.name} (about ${variant.approximateZipMb} MB; ${variant.summary}) into ${dir}.`;
}

import { access } from 'node:fs/promises';
import path from 'node:path';
import { downloadDataset } from './download.ts';

/** True when the directory holds the three CSVs training needs. */
export async function hasDataset(dir: string): Promise<boolean> {
  try {
    await Promise.all(['ratings.csv', 'movies.csv', 'links.csv'].map((f) => access(path.join(dir, f))));
    return true;
  } catch {
    return false;
  }
}

/** Downloads ml-latest-small into `dir` unless a dataset is already there. */
export async function ensureDataset(
  dir: string,
  onProgress?: (received: number, total: number | undefined) => void,
): Promise<'present' | 'downloaded'> {
  if (await hasDataset(dir)) return 'present';
  await downloadDataset({ targetDir: dir, onProgress });
  return 'downloaded';
}

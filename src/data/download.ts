import { createWriteStream } from 'node:fs';
import { mkdir, rename, rm } from 'node:fs/promises';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { Readable, Transform } from 'node:stream';
import yauzl from 'yauzl';
import { sha256File } from './movielens.ts';

export const ML_LATEST_SMALL_URL = 'https://files.grouplens.org/datasets/movielens/ml-latest-small.zip';

/** SHA-256 of the files inside GroupLens' ml-latest-small.zip (they also match ../shared copies). */
export const ML_LATEST_SMALL_SHA256: Record<string, string> = {
  'ratings.csv': 'aa289ca83157595d0df6aea1be6a4ded676ddc4385472e8313a8ed9805352646',
  'movies.csv': '5a5f32dd9bb3797b8e728a1b98958789d2b13f294a69fdfbc5727f8a9611aa07',
  'links.csv': '97ad18e4e56a09363c65676b6cb3482ce3e2cea2372a24620c1599c843325f31',
  'tags.csv': '92a9f8bb7916dceef6151209845788c3643f794dfa79d1feaec7121b5960399d',
};

export class DownloadError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DownloadError';
  }
}

export interface DownloadOptions {
  /** Where the CSVs end up (MOVIELENS_DIR). */
  targetDir: string;
  url?: string;
  /** Expected SHA-256 per extracted file; defaults to ml-latest-small's. */
  checksums?: Record<string, string>;
  onProgress?: (received: number, total: number | undefined) => void;
  timeoutMs?: number;
}

const offlineHint = (targetDir: string) =>
  `If you have a copy of ml-latest-small, point MOVIELENS_DIR at the folder holding ratings.csv, movies.csv and links.csv (now: ${targetDir}), or unpack ml-latest-small.zip there.`;

/**
 * Fetches the MovieLens zip, unpacks the CSVs next to the target and checks every file's SHA-256
 * before moving them into place, so a broken download never looks like a dataset.
 */
export async function downloadDataset(options: DownloadOptions): Promise<void> {
  const url = options.url ?? ML_LATEST_SMALL_URL;
  const checksums = options.checksums ?? ML_LATEST_SMALL_SHA256;
  const parent = path.dirname(path.resolve(options.targetDir));
  await mkdir(parent, { recursive: true });
  const work = path.join(parent, `.download-${process.pid}`);
  await rm(work, { recursive: true, force: true });
  await mkdir(work, { recursive: true });
  try {
    const zipFile = path.join(work, 'dataset.zip');
    await fetchToFile(url, zipFile, options);
    const extracted = path.join(work, 'files');
    await unzipFlat(zipFile, extracted, Object.keys(checksums));
    for (const [name, expected] of Object.entries(checksums)) {
      const actual = await sha256File(path.join(extracted, name)).catch(() => undefined);
      if (actual === undefined) throw new DownloadError(`${url} does not contain ${name}`);
      if (actual !== expected) {
        throw new DownloadError(`${name} from ${url} has SHA-256 ${actual}, expected ${expected}: the download is corrupt`);
      }
    }
    await rm(options.targetDir, { recursive: true, force: true });
    await rename(extracted, options.targetDir);
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}

async function fetchToFile(url: string, file: string, options: DownloadOptions): Promise<void> {
  let response: Response;
  try {
    response = await fetch(url, { signal: AbortSignal.timeout(options.timeoutMs ?? 120_000) });
  } catch (error) {
    const cause = (error as { cause?: { code?: string; message?: string } }).cause;
    throw new DownloadError(
      `Could not download ${url} (${cause?.code ?? cause?.message ?? (error as Error).message}). ${offlineHint(options.targetDir)}`,
    );
  }
  if (!response.ok || !response.body) {
    throw new DownloadError(`Could not download ${url}: HTTP ${response.status}. ${offlineHint(options.targetDir)}`);
  }
  const total = Number(response.headers.get('content-length')) || undefined;
  let received = 0;
  const counter = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      received += chunk.length;
      options.onProgress?.(received, total);
      done(null, chunk);
    },
  });
  await pipeline(Readable.fromWeb(response.body as import('node:stream/web').ReadableStream), counter, createWriteStream(file));
}

/** Extracts the wanted files from the zip into `dir`, ignoring the zip's folder structure. */
function unzipFlat(zipFile: string, dir: string, wanted: string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    yauzl.open(zipFile, { lazyEntries: true }, (openError, zip) => {
      if (openError || !zip) return reject(new DownloadError(`not a valid zip file: ${openError?.message}`));
      mkdir(dir, { recursive: true }).then(() => zip.readEntry(), reject);
      zip.on('entry', (entry: yauzl.Entry) => {
        const name = path.basename(entry.fileName);
        if (entry.fileName.endsWith('/') || !wanted.includes(name)) return zip.readEntry();
        zip.openReadStream(entry, (streamError, stream) => {
          if (streamError || !stream) return reject(streamError);
          pipeline(stream, createWriteStream(path.join(dir, name))).then(() => zip.readEntry(), reject);
        });
      });
      zip.on('end', () => resolve());
      zip.on('error', reject);
    });
  });
}

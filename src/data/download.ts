import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, mkdtemp, rename, rm, rmdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { Readable, Transform } from 'node:stream';
import yauzl from 'yauzl';
import { sha256File } from './movielens.ts';

const GROUPLENS = 'https://files.grouplens.org/datasets/movielens';

export const ML_LATEST_SMALL_URL = `${GROUPLENS}/ml-latest-small.zip`;

/** SHA-256 of the files inside GroupLens' ml-latest-small.zip (they also match ../shared copies). */
export const ML_LATEST_SMALL_SHA256: Record<string, string> = {
  'ratings.csv': 'aa289ca83157595d0df6aea1be6a4ded676ddc4385472e8313a8ed9805352646',
  'movies.csv': '5a5f32dd9bb3797b8e728a1b98958789d2b13f294a69fdfbc5727f8a9611aa07',
  'links.csv': '97ad18e4e56a09363c65676b6cb3482ce3e2cea2372a24620c1599c843325f31',
  'tags.csv': '92a9f8bb7916dceef6151209845788c3643f794dfa79d1feaec7121b5960399d',
};

export const DATASET_NAMES = ['ml-latest-small', 'ml-32m', 'ml-latest'] as const;
export type DatasetName = (typeof DATASET_NAMES)[number];

/** One MovieLens variant GroupLens publishes in the same CSV format. */
export interface DatasetVariant {
  name: DatasetName;
  url: string;
  /** The zip's size as GroupLens lists it, shown before the download starts. */
  approximateZipMb: number;
  /** What it holds, for the message before the download (GroupLens' README figures). */
  summary: string;
  /** SHA-256 per extracted file, where we know them. */
  fileSha256?: Record<string, string>;
  /** GroupLens publishes an MD5 of some zips next to them (<zip>.md5). */
  md5Url?: string;
}

export const DATASETS: Record<DatasetName, DatasetVariant> = {
  'ml-latest-small': {
    name: 'ml-latest-small',
    url: ML_LATEST_SMALL_URL,
    approximateZipMb: 1,
    summary: '100,836 ratings by 610 users on 9,742 movies, up to September 2018',
    fileSha256: ML_LATEST_SMALL_SHA256,
  },
  'ml-32m': {
    name: 'ml-32m',
    url: `${GROUPLENS}/ml-32m.zip`,
    approximateZipMb: 239,
    summary: '32,000,204 ratings by 200,948 users on 87,585 movies, up to October 2023',
    md5Url: `${GROUPLENS}/ml-32m.zip.md5`,
  },
  'ml-latest': {
    name: 'ml-latest',
    url: `${GROUPLENS}/ml-latest.zip`,
    approximateZipMb: 335,
    summary: 'about 33.8 million ratings on about 86,000 movies (GroupLens updates it in place, so it changes)',
    md5Url: `${GROUPLENS}/ml-latest.zip.md5`,
  },
};

/** The variant named by MOVIELENS_DATASET; a clear error lists the valid names. */
export function datasetVariant(name: string): DatasetVariant {
  if (!(DATASET_NAMES as readonly string[]).includes(name)) {
    throw new Error(`unknown MovieLens dataset "${name}": use one of ${DATASET_NAMES.join(', ')}`);
  }
  return DATASETS[name as DatasetName];
}

/** The files training needs from any variant (tags, genome scores and READMEs are left in the zip). */
const NEEDED_FILES = ['ratings.csv', 'movies.csv', 'links.csv'];

export class DownloadError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DownloadError';
  }
}

export interface DownloadOptions {
  /** Where the CSVs end up (MOVIELENS_DIR). */
  targetDir: string;
  /** Which MovieLens (MOVIELENS_DATASET); default ml-latest-small. */
  dataset?: DatasetName;
  /** Overrides the variant's zip URL (tests serve one from loopback). */
  url?: string;
  /** Expected SHA-256 per extracted file; defaults to the variant's (ml-latest-small's are known). */
  checksums?: Record<string, string>;
  /** Overrides the variant's MD5 URL; null: do not look for one. */
  md5Url?: string | null;
  onProgress?: (received: number, total: number | undefined) => void;
  timeoutMs?: number;
}

const offlineHint = (targetDir: string) =>
  `If you have a copy of the dataset, point MOVIELENS_DIR at the folder holding ratings.csv, movies.csv and links.csv (now: ${targetDir}), or unpack the zip there.`;

/** What was checked, for the message after the download. */
export interface DownloadResult {
  variant: DatasetVariant;
  zipBytes: number;
  /** 'md5' when the zip matched GroupLens' published MD5, 'sha256' when every file matched a known SHA-256. */
  verified: Array<'md5' | 'sha256'>;
}

/**
 * Fetches the MovieLens zip, checks it against GroupLens' published MD5 where there is one, unpacks the
 * CSVs and checks each file's SHA-256 where we know it before moving them into place, so a broken
 * download never looks like a dataset.
 *
 * Nothing FlickPick did not write is ever deleted or overwritten: the zip is fetched and unpacked in a
 * fresh folder of its own inside the target (`.flickpick-download-XXXXXX`, the only thing removed
 * afterwards), and only the dataset's own files (ratings.csv, movies.csv, links.csv and the checksummed
 * ones such as tags.csv) are moved in. MOVIELENS_DIR may be a folder holding other things: they stay.
 * If a file of that name is already there with other content, nothing is moved and the error names the
 * folder and the files; one with the same content (a download interrupted mid-move) is kept as it is.
 */
export async function downloadDataset(options: DownloadOptions): Promise<DownloadResult> {
  const variant = DATASETS[options.dataset ?? 'ml-latest-small'];
  const url = options.url ?? variant.url;
  const checksums = options.checksums ?? variant.fileSha256 ?? {};
  const md5Url = options.md5Url === undefined ? variant.md5Url : (options.md5Url ?? undefined);
  const targetDir = path.resolve(options.targetDir);
  const createdTarget = (await mkdir(targetDir, { recursive: true })) !== undefined;
  const work = await mkdtemp(path.join(targetDir, '.flickpick-download-'));
  const verified: DownloadResult['verified'] = [];
  let moved = false;
  try {
    const expectedMd5 = md5Url ? await fetchPublishedMd5(md5Url, options) : undefined;
    const zipFile = path.join(work, 'dataset.zip');
    await fetchToFile(url, zipFile, options);
    if (expectedMd5) {
      const actual = await digestFile(zipFile, 'md5');
      if (actual !== expectedMd5) {
        throw new DownloadError(`${url} has MD5 ${actual}, GroupLens publishes ${expectedMd5}: the download is corrupt`);
      }
      verified.push('md5');
    }
    const extracted = path.join(work, 'files');
    const wanted = [...new Set([...NEEDED_FILES, ...Object.keys(checksums)])];
    await unzipFlat(zipFile, extracted, wanted);
    const files: Array<{ name: string; sha256: string }> = [];
    for (const name of wanted) {
      const actual = await sha256File(path.join(extracted, name)).catch(() => undefined);
      if (actual === undefined) {
        if (NEEDED_FILES.includes(name) || name in checksums) throw new DownloadError(`${url} does not contain ${name}`);
        continue;
      }
      const expected = checksums[name];
      if (expected !== undefined && actual !== expected) {
        throw new DownloadError(`${name} from ${url} has SHA-256 ${actual}, expected ${expected}: the download is corrupt`);
      }
      files.push({ name, sha256: actual });
    }
    if (Object.keys(checksums).length > 0) verified.push('sha256');
    const zipBytes = (await stat(zipFile)).size;
    await moveIn(extracted, targetDir, files);
    moved = true;
    return { variant, zipBytes, verified };
  } finally {
    await rm(work, { recursive: true, force: true });
    // A folder this call created and left empty goes too (rmdir never removes a non-empty one).
    if (createdTarget && !moved) await rmdir(targetDir).catch(() => {});
  }
}

/**
 * Moves the checked files from `from` into `targetDir`, all or none: first every name is checked
 * against what the folder holds, then they are renamed in (same filesystem: the work folder is inside).
 */
async function moveIn(from: string, targetDir: string, files: Array<{ name: string; sha256: string }>): Promise<void> {
  const clashes: string[] = [];
  const identical = new Set<string>();
  for (const { name, sha256 } of files) {
    const existing = path.join(targetDir, name);
    if (!(await stat(existing).catch(() => undefined))) continue;
    if ((await sha256File(existing).catch(() => undefined)) === sha256) identical.add(name);
    else clashes.push(name);
  }
  if (clashes.length > 0) {
    throw new DownloadError(
      `${targetDir} already holds ${clashes.join(', ')}, which the downloaded dataset would overwrite; nothing was changed. ` +
        'FlickPick never overwrites files it did not write: move them elsewhere, or point MOVIELENS_DIR at another folder.',
    );
  }
  for (const { name } of files) {
    if (!identical.has(name)) await rename(path.join(from, name), path.join(targetDir, name));
  }
}

/** GroupLens' "<md5>  <file>" text; a missing one (404) means no published checksum, not an error. */
async function fetchPublishedMd5(url: string, options: DownloadOptions): Promise<string | undefined> {
  const response = await fetchOrExplain(url, options);
  if (response.status === 404) return undefined;
  if (!response.ok) {
    throw new DownloadError(`Could not download ${url}: HTTP ${response.status}. ${offlineHint(options.targetDir)}`);
  }
  const text = (await response.text()).trim();
  const md5 = /^[0-9a-f]{32}\b/i.exec(text)?.[0].toLowerCase();
  if (!md5) throw new DownloadError(`${url} does not hold an MD5 checksum (starts "${text.slice(0, 40)}")`);
  return md5;
}

async function digestFile(file: string, algorithm: string): Promise<string> {
  const hash = createHash(algorithm);
  for await (const chunk of createReadStream(file)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

async function fetchOrExplain(url: string, options: DownloadOptions): Promise<Response> {
  try {
    // The timeout covers the whole body: a 239 MB zip on a slow line needs far more than the small one.
    return await fetch(url, { signal: AbortSignal.timeout(options.timeoutMs ?? 30 * 60_000) });
  } catch (error) {
    const cause = (error as { cause?: { code?: string; message?: string } }).cause;
    throw new DownloadError(
      `Could not download ${url} (${cause?.code ?? cause?.message ?? (error as Error).message}). ${offlineHint(options.targetDir)}`,
    );
  }
}

async function fetchToFile(url: string, file: string, options: DownloadOptions): Promise<void> {
  const response = await fetchOrExplain(url, options);
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

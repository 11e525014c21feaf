import { createHash } from 'node:crypto';
import { once } from 'node:events';
import { access, mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { datasetVariant, DownloadError, downloadDataset } from '../../src/data/download.ts';
import { downloadAnnouncement, ensureDataset } from '../../src/data/ensure.ts';
import { tempDir, writeDatasetFiles } from '../support/dataset.ts';
import { storedZip } from '../support/zip.ts';

const FILES = {
  'ml-latest-small/ratings.csv': 'userId,movieId,rating,timestamp\r\n1,1,4.0,964982703\r\n',
  'ml-latest-small/movies.csv': 'movieId,title,genres\r\n1,Toy Story (1995),Animation\r\n',
  'ml-latest-small/links.csv': 'movieId,imdbId,tmdbId\r\n1,0114709,862\r\n',
  'ml-latest-small/README.txt': 'not needed',
};
const sha = (text: string) => createHash('sha256').update(text).digest('hex');
const CHECKSUMS = {
  'ratings.csv': sha(FILES['ml-latest-small/ratings.csv']),
  'movies.csv': sha(FILES['ml-latest-small/movies.csv']),
  'links.csv': sha(FILES['ml-latest-small/links.csv']),
};

let server: Server | undefined;
afterEach(async () => {
  server?.close();
  server = undefined;
});

async function serve(status: number, body: Buffer): Promise<string> {
  server = createServer((_request, response) => {
    response.writeHead(status, { 'content-type': 'application/zip', 'content-length': body.length });
    response.end(body);
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}/ml-latest-small.zip`;
}

describe('downloadDataset', () => {
  it('fetches, unpacks and checks the files, reporting progress', async () => {
    const zip = storedZip(FILES);
    const url = await serve(200, zip);
    const targetDir = path.join(await tempDir(), 'data', 'ml-latest-small');
    const progress: [number, number | undefined][] = [];
    await downloadDataset({ targetDir, url, checksums: CHECKSUMS, onProgress: (r, t) => progress.push([r, t]) });
    expect(await readFile(path.join(targetDir, 'ratings.csv'), 'utf8')).toBe(FILES['ml-latest-small/ratings.csv']);
    expect(await readFile(path.join(targetDir, 'links.csv'), 'utf8')).toContain('862');
    expect(progress.at(-1)).toEqual([zip.length, zip.length]);
  });

  it('refuses a download whose files do not match their checksums, leaving nothing behind', async () => {
    const url = await serve(200, storedZip(FILES));
    const targetDir = path.join(await tempDir(), 'ml-latest-small');
    const error = await downloadDataset({ targetDir, url, checksums: { ...CHECKSUMS, 'movies.csv': sha('other') } }).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(DownloadError);
    expect((error as Error).message).toContain('movies.csv from');
    expect((error as Error).message).toContain('the download is corrupt');
    await expect(access(targetDir)).rejects.toThrow();
  });

  it('moves only the dataset files into a folder holding other things, which all survive', async () => {
    const url = await serve(200, storedZip(FILES));
    const root = await tempDir();
    const targetDir = path.join(root, 'datasets');
    await mkdir(path.join(targetDir, 'other-project', 'src'), { recursive: true });
    await writeFile(path.join(targetDir, 'notes.txt'), 'my notes');
    await writeFile(path.join(targetDir, 'other-project', 'src', 'main.py'), 'print(1)');
    await writeFile(path.join(targetDir, 'README.txt'), 'my own readme');
    await downloadDataset({ targetDir, url, checksums: CHECKSUMS });
    expect((await readdir(targetDir)).sort()).toEqual(
      ['README.txt', 'links.csv', 'movies.csv', 'notes.txt', 'other-project', 'ratings.csv'].sort(),
    );
    expect(await readFile(path.join(targetDir, 'notes.txt'), 'utf8')).toBe('my notes');
    expect(await readFile(path.join(targetDir, 'README.txt'), 'utf8')).toBe('my own readme');
    expect(await readFile(path.join(targetDir, 'other-project', 'src', 'main.py'), 'utf8')).toBe('print(1)');
    expect(await readFile(path.join(targetDir, 'ratings.csv'), 'utf8')).toBe(FILES['ml-latest-small/ratings.csv']);
    await rm(root, { recursive: true, force: true });
  });

  it('refuses, naming the folder and the files, rather than overwrite a file it did not write', async () => {
    const url = await serve(200, storedZip(FILES));
    const root = await tempDir();
    const targetDir = path.join(root, 'datasets');
    await mkdir(targetDir);
    await writeFile(path.join(targetDir, 'notes.txt'), 'my notes');
    await writeFile(path.join(targetDir, 'ratings.csv'), 'my own ratings');
    const error = await downloadDataset({ targetDir, url, checksums: CHECKSUMS }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DownloadError);
    expect((error as Error).message).toBe(
      `${targetDir} already holds ratings.csv, which the downloaded dataset would overwrite; nothing was changed. ` +
        'FlickPick never overwrites files it did not write: move them elsewhere, or point MOVIELENS_DIR at another folder.',
    );
    // Nothing moved in, nothing changed, no work folder left.
    expect((await readdir(targetDir)).sort()).toEqual(['notes.txt', 'ratings.csv']);
    expect(await readFile(path.join(targetDir, 'ratings.csv'), 'utf8')).toBe('my own ratings');
    await rm(root, { recursive: true, force: true });
  });

  it('finishes a download interrupted mid-move: identical files are kept as they are', async () => {
    const url = await serve(200, storedZip(FILES));
    const root = await tempDir();
    const targetDir = path.join(root, 'ml-latest-small');
    await mkdir(targetDir);
    await writeFile(path.join(targetDir, 'ratings.csv'), FILES['ml-latest-small/ratings.csv']);
    await downloadDataset({ targetDir, url, checksums: CHECKSUMS });
    expect((await readdir(targetDir)).sort()).toEqual(['links.csv', 'movies.csv', 'ratings.csv']);
    await rm(root, { recursive: true, force: true });
  });

  it('says how to use a local copy when offline', async () => {
    const targetDir = path.join(await tempDir(), 'ml-latest-small');
    // A port that was just free and is closed again: the connection is refused, as offline.
    const closed = createServer().listen(0, '127.0.0.1');
    await once(closed, 'listening');
    const port = (closed.address() as AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    const url = `http://127.0.0.1:${port}/ml-latest-small.zip`;
    const error = await downloadDataset({ targetDir, url }).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(DownloadError);
    expect((error as Error).message).toContain(`Could not download ${url} (ECONNREFUSED)`);
    expect((error as Error).message).toContain('point MOVIELENS_DIR at the folder');
  });

  it('reports an HTTP error status', async () => {
    const url = await serve(404, Buffer.from('not here'));
    await expect(downloadDataset({ targetDir: path.join(await tempDir(), 'x'), url })).rejects.toThrow(
      `Could not download ${url}: HTTP 404.`,
    );
  });

  it('refuses a file that is not a zip', async () => {
    const url = await serve(200, Buffer.from('<html>captive portal</html>'));
    await expect(downloadDataset({ targetDir: path.join(await tempDir(), 'x'), url })).rejects.toThrow(
      'not a valid zip file',
    );
  });
});

describe('dataset choice', () => {
  const big = {
    'ml-32m/ratings.csv': 'userId,movieId,rating,timestamp\n1,1,4.0,1\n',
    'ml-32m/movies.csv': 'movieId,title,genres\n1,Toy Story (1995),Animation\n',
    'ml-32m/links.csv': 'movieId,imdbId,tmdbId\n1,0114709,862\n',
    'ml-32m/tags.csv': 'userId,movieId,tag,timestamp\n',
  };
  const md5 = (data: Buffer) => createHash('md5').update(data).digest('hex');

  /** Serves the zip at /ml-32m.zip and, when given, its MD5 text at /ml-32m.zip.md5 (404 otherwise). */
  async function serveZipAndMd5(zip: Buffer, md5Text?: string): Promise<{ url: string; md5Url: string }> {
    server = createServer((request, response) => {
      if (request.url === '/ml-32m.zip') {
        response.writeHead(200, { 'content-length': zip.length });
        return response.end(zip);
      }
      if (request.url === '/ml-32m.zip.md5' && md5Text !== undefined) return response.end(md5Text);
      response.writeHead(404);
      response.end('not found');
    });
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    return { url: `${base}/ml-32m.zip`, md5Url: `${base}/ml-32m.zip.md5` };
  }

  it('knows the three GroupLens variants and refuses an unknown name', () => {
    expect(datasetVariant('ml-32m').url).toBe('https://files.grouplens.org/datasets/movielens/ml-32m.zip');
    expect(datasetVariant('ml-latest').md5Url).toBe('https://files.grouplens.org/datasets/movielens/ml-latest.zip.md5');
    expect(datasetVariant('ml-latest-small').fileSha256).toBeDefined();
    expect(() => datasetVariant('ml-100k')).toThrow('use one of ml-latest-small, ml-32m, ml-latest');
    expect(downloadAnnouncement('ml-32m', '/data/ml-32m')).toBe(
      'Downloading MovieLens ml-32m (about 239 MB; 32,000,204 ratings by 200,948 users on 87,585 movies, up to October 2023) into /data/ml-32m.',
    );
  });

  it('checks the zip against the MD5 GroupLens publishes and keeps only the files training needs', async () => {
    const zip = storedZip(big);
    const { url, md5Url } = await serveZipAndMd5(zip, `${md5(zip)}  ml-32m.zip\n`);
    const targetDir = path.join(await tempDir(), 'ml-32m');
    const result = await downloadDataset({ targetDir, dataset: 'ml-32m', url, md5Url });
    expect(result.verified).toEqual(['md5']);
    expect(result.zipBytes).toBe(zip.length);
    expect(await readFile(path.join(targetDir, 'movies.csv'), 'utf8')).toContain('Toy Story');
    await expect(access(path.join(targetDir, 'tags.csv'))).rejects.toThrow();
  });

  it('refuses a zip whose MD5 does not match, leaving nothing behind', async () => {
    const { url, md5Url } = await serveZipAndMd5(storedZip(big), `${'0'.repeat(32)}  ml-32m.zip\n`);
    const targetDir = path.join(await tempDir(), 'ml-32m');
    await expect(downloadDataset({ targetDir, dataset: 'ml-32m', url, md5Url })).rejects.toThrow(
      `GroupLens publishes ${'0'.repeat(32)}: the download is corrupt`,
    );
    await expect(access(targetDir)).rejects.toThrow();
  });

  it('goes on without a checksum when none is published, and says so', async () => {
    const { url, md5Url } = await serveZipAndMd5(storedZip(big));
    const targetDir = path.join(await tempDir(), 'ml-32m');
    const result = await downloadDataset({ targetDir, dataset: 'ml-32m', url, md5Url });
    expect(result.verified).toEqual([]);
    expect(await readFile(path.join(targetDir, 'ratings.csv'), 'utf8')).toContain('1,1,4.0');
  });

  it('refuses a zip that lacks a file training needs', async () => {
    const { 'ml-32m/links.csv': _links, ...withoutLinks } = big;
    const { url } = await serveZipAndMd5(storedZip(withoutLinks));
    const targetDir = path.join(await tempDir(), 'ml-32m');
    await expect(downloadDataset({ targetDir, dataset: 'ml-32m', url, md5Url: null })).rejects.toThrow(
      `${url} does not contain links.csv`,
    );
  });

  it('does not download when the folder already holds a dataset, whichever variant is chosen', async () => {
    const dir = path.join(await tempDir(), 'ml-32m');
    // ensureDataset would use the variant's real URL: a present dataset must never reach the network.
    await writeDatasetFiles(dir, { ratings: big['ml-32m/ratings.csv'], movies: big['ml-32m/movies.csv'], links: big['ml-32m/links.csv'] });
    const announced: string[] = [];
    expect(await ensureDataset(dir, undefined, 'ml-32m', (m) => announced.push(m))).toBe('present');
    expect(announced).toEqual([]);
  });
});

import { createHash } from 'node:crypto';
import { once } from 'node:events';
import { access, readFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { DownloadError, downloadDataset } from '../../src/data/download.ts';
import { tempDir } from '../support/dataset.ts';
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

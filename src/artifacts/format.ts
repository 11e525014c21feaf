import { mkdir, open } from 'node:fs/promises';
import path from 'node:path';
import { fileDigest, syncDir, writeDurable } from './files.ts';
import { packNeighbourLists } from './knn-index.ts';
import { encodeTypedArrays } from './typed-arrays.ts';
import type { SerializedModel } from '../model/serving-dnmf.ts';
import type { CatalogEntry, Manifest, MovieInfo, Neighbour, ScoredId, WatchVectors } from './types.ts';
import { encodeWatchVectors } from './watch-vectors.ts';

export type { SerializedModel } from '../model/serving-dnmf.ts';

/** The files of one artifact version; manifest.json is written last and lists the others. */
export const FILES = {
  manifest: 'manifest.json',
  catalog: 'catalog.json',
  movies: 'movies.json',
  /** The kNN lists, binary (see knn-index.ts and typed-arrays.ts). */
  neighbours: 'knn-neighbours.bin',
  tables: 'dnmf-tables.json',
  dnmfModel: 'dnmf-model.json',
  dnmfWeights: 'dnmf-weights.bin',
  /** The watch model's movie vectors, binary (watch-vectors.ts); absent in versions from before it. */
  watch: 'watch-model.bin',
} as const;

/** A DNMF table row on disk: [key, ids, scores] keeps 100k entries compact and quick to parse. */
export type TableRow = [number, number[], number[]];

export function tableToRows(table: Map<number, ScoredId[]>): TableRow[] {
  return [...table].map(([key, list]) => [
    key,
    list.map((s) => s.id),
    list.map((s) => Math.round(s.score * 1e4) / 1e4),
  ]);
}

export function rowsToTable(rows: TableRow[]): Map<number, ScoredId[]> {
  return new Map(rows.map(([key, ids, scores]) => [key, ids.map((id, i) => ({ id, score: scores[i] }))]));
}

export interface VersionContent {
  manifest: Omit<Manifest, 'files'>;
  catalog: CatalogEntry[];
  movies: MovieInfo[];
  /** Exact neighbour lists of every kNN movie, nearest first. */
  neighbours: Map<number, Neighbour[]>;
  /** Legacy all-pairs tables, written only when given (the legacyTables training option). */
  tables?: { usersPerMovie: Map<number, ScoredId[]>; moviesPerUser: Map<number, ScoredId[]> };
  dnmf: SerializedModel;
  /** The watch model's unit movie vectors (hidden gems for /recommend). */
  watch?: WatchVectors;
}

/** Packs the model's named buffers into one binary file, with their offsets in the JSON. */
function packBuffers(buffers: Record<string, Float32Array>): {
  layout: Record<string, [number, number]>;
  bytes: Uint8Array;
} {
  const layout: Record<string, [number, number]> = {};
  let total = 0;
  for (const [name, b] of Object.entries(buffers)) {
    layout[name] = [total, b.length];
    total += b.length;
  }
  const all = new Float32Array(total);
  for (const [name, b] of Object.entries(buffers)) all.set(b, layout[name][0]);
  return { layout, bytes: new Uint8Array(all.buffer) };
}

export function unpackBuffers(
  layout: Record<string, [number, number]>,
  bytes: Uint8Array,
): Record<string, Float32Array> {
  // Views, not copies: the weights were copied twice on load (84 MB each on ml-32m; the bot's resident
  // size after loading did not change measurably, the copies were freed). Only a misaligned (pooled) Buffer
  // is copied.
  const floats = bytes.byteLength >> 2;
  const aligned =
    bytes.byteOffset % 4 === 0
      ? new Float32Array(bytes.buffer, bytes.byteOffset, floats)
      : new Float32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + floats * 4));
  return Object.fromEntries(
    Object.entries(layout).map(([name, [offset, length]]) => {
      if (offset < 0 || length < 0 || offset + length > floats)
        throw new Error(
          `buffer ${name} [${offset}, +${length}] lies outside the ${floats} floats of the weights`,
        );
      return [name, aligned.subarray(offset, offset + length)];
    }),
  );
}

/**
 * The named buffers of a weights file read one by one from disk, each into its own array: a serving bot
 * that drops the trained users reads the movie side only, and never holds the whole file (on ml-32m the
 * user GMF table is 51 of its 84 MB, and the whole-file buffer kept the bot's RSS ~110 MB higher at ready).
 */
export async function readBuffers(
  file: string,
  layout: Record<string, [number, number]>,
): Promise<Record<string, Float32Array>> {
  const handle = await open(file, 'r');
  try {
    const floats = (await handle.stat()).size >> 2;
    const buffers: Record<string, Float32Array> = {};
    for (const [name, [offset, length]] of Object.entries(layout)) {
      if (offset < 0 || length < 0 || offset + length > floats)
        throw new Error(
          `buffer ${name} [${offset}, +${length}] lies outside the ${floats} floats of the weights`,
        );
      const buffer = new Float32Array(length);
      const bytes = new Uint8Array(buffer.buffer);
      let done = 0;
      while (done < bytes.length) {
        const { bytesRead } = await handle.read(bytes, done, bytes.length - done, offset * 4 + done);
        if (bytesRead === 0) throw new Error(`the weights file ended inside buffer ${name}`);
        done += bytesRead;
      }
      buffers[name] = buffer;
    }
    return buffers;
  } finally {
    await handle.close();
  }
}

/** Writes every file of a version into `dir` durably, manifest last, and returns the manifest. */
export async function writeVersion(dir: string, content: VersionContent): Promise<Manifest> {
  await mkdir(dir, { recursive: true });
  const json = (value: unknown) => JSON.stringify(value);
  const { layout, bytes } = packBuffers(content.dnmf.buffers);
  await writeDurable(path.join(dir, FILES.catalog), json(content.catalog));
  await writeDurable(path.join(dir, FILES.movies), json(content.movies));
  const lists = packNeighbourLists(content.neighbours);
  await writeDurable(
    path.join(dir, FILES.neighbours),
    encodeTypedArrays({ kind: 'knn-neighbours' }, { ...lists }),
  );
  if (content.tables) {
    await writeDurable(
      path.join(dir, FILES.tables),
      json({
        usersPerMovie: tableToRows(content.tables.usersPerMovie),
        moviesPerUser: tableToRows(content.tables.moviesPerUser),
      }),
    );
  }
  await writeDurable(path.join(dir, FILES.dnmfModel), json({ meta: content.dnmf.meta, layout }));
  await writeDurable(path.join(dir, FILES.dnmfWeights), bytes);
  if (content.watch) await writeDurable(path.join(dir, FILES.watch), encodeWatchVectors(content.watch));
  const files: Manifest['files'] = {};
  for (const name of Object.values(FILES)) {
    if (name === FILES.manifest) continue;
    if ((name === FILES.tables && !content.tables) || (name === FILES.watch && !content.watch)) continue;
    files[name] = await fileDigest(path.join(dir, name));
  }
  const manifest: Manifest = { ...content.manifest, files };
  await writeDurable(path.join(dir, FILES.manifest), JSON.stringify(manifest, null, 2));
  await syncDir(dir);
  return manifest;
}

import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import type { SerializedModel } from '../model/serving-dnmf.ts';
import { fileDigest, syncDir, writeDurable } from './files.ts';
import { packNeighbourLists } from './knn-index.ts';
import { encodeTasteModel, TASTE_MODEL_FILE } from './taste-model.ts';
import { encodeTypedArrays } from './typed-arrays.ts';
import type { CatalogEntry, Manifest, MovieInfo, Neighbour, ScoredId, WatchVectors } from './types.ts';

export type { SerializedModel } from '../model/serving-dnmf.ts';

/** The files of one artifact version; manifest.json is written last and lists the others. */
export const FILES = {
  manifest: 'manifest.json',
  catalog: 'catalog.json',
  movies: 'movies.json',
  /** The kNN lists, binary (see knn-index.ts and typed-arrays.ts). */
  neighbours: 'knn-neighbours.bin',
  tables: 'dnmf-tables.json',
  /**
   * The taste model, both paths in one binary file (taste-model.ts). Versions written before it hold
   * dnmf-model.json, dnmf-weights.bin and watch-model.bin instead (legacy-taste-files.ts reads them).
   */
  tasteModel: TASTE_MODEL_FILE,
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
  /** The taste model's stars path, the DNMF (DnmfModel.serialize()). */
  dnmf: SerializedModel;
  /** The taste model's MF path: the watch model's movie vectors, prices and fold-in. */
  watch: WatchVectors;
}

/** Writes every file of a version into `dir` durably, manifest last, and returns the manifest. */
export async function writeVersion(dir: string, content: VersionContent): Promise<Manifest> {
  await mkdir(dir, { recursive: true });
  const json = (value: unknown) => JSON.stringify(value);
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
  await writeDurable(
    path.join(dir, FILES.tasteModel),
    encodeTasteModel({ dnmf: content.dnmf, mf: content.watch }),
  );
  const files: Manifest['files'] = {};
  for (const name of Object.values(FILES)) {
    if (name === FILES.manifest) continue;
    if (name === FILES.tables && !content.tables) continue;
    files[name] = await fileDigest(path.join(dir, name));
  }
  const manifest: Manifest = { ...content.manifest, files };
  await writeDurable(path.join(dir, FILES.manifest), JSON.stringify(manifest, null, 2));
  await syncDir(dir);
  return manifest;
}

import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import type { SerializedModel } from '../model/serving-dnmf.ts';
import { fileDigest, syncDir, writeDurable } from './files.ts';
import { packNeighbourLists } from './knn-index.ts';
import { encodeTasteModel, TASTE_MODEL_FILE } from './taste-model.ts';
import { encodeTypedArrays } from './typed-arrays.ts';
import type { CatalogEntry, Manifest, MovieInfo, Neighbour, WatchVectors } from './types.ts';

/** The files of one artifact version; manifest.json is written last and lists the others. */
export const FILES = {
  manifest: 'manifest.json',
  catalog: 'catalog.json',
  movies: 'movies.json',
  /** The kNN lists, binary (see knn-index.ts and typed-arrays.ts). */
  neighbours: 'knn-neighbours.bin',
  /**
   * The taste model, both paths in one binary file (taste-model.ts). Versions written before it hold
   * dnmf-model.json, dnmf-weights.bin and watch-model.bin instead (legacy-taste-files.ts reads them).
   */
  tasteModel: TASTE_MODEL_FILE,
} as const;

export interface VersionContent {
  manifest: Omit<Manifest, 'files'>;
  catalog: CatalogEntry[];
  movies: MovieInfo[];
  /** Exact neighbour lists of every kNN movie, nearest first. */
  neighbours: Map<number, Neighbour[]>;
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
  await writeDurable(
    path.join(dir, FILES.tasteModel),
    encodeTasteModel({ dnmf: content.dnmf, mf: content.watch }),
  );
  const files: Manifest['files'] = {};
  for (const name of Object.values(FILES)) {
    if (name === FILES.manifest) continue;
    files[name] = await fileDigest(path.join(dir, name));
  }
  const manifest: Manifest = { ...content.manifest, files };
  await writeDurable(path.join(dir, FILES.manifest), JSON.stringify(manifest, null, 2));
  await syncDir(dir);
  return manifest;
}

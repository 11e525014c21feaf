import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileDigest } from './files.ts';
import { FILES, rowsToTable, unpackBuffers, type SerializedModel, type TableRow } from './format.ts';
import { ListNeighbourIndex, neighbourListsFrom } from './knn-index.ts';
import { readTypedArrays } from './typed-arrays.ts';
import { servingDnmf, type ServingDnmf } from './serving-dnmf.ts';
import type { Artifacts, CatalogEntry, Manifest, MovieInfo } from './types.ts';

/** An artifact version that cannot be served: a file is missing, altered or inconsistent. */
export class ArtifactError extends Error {
  constructor(
    message: string,
    readonly dir: string,
  ) {
    super(`${dir}: ${message}`);
    this.name = 'ArtifactError';
  }
}

async function readJson<T>(dir: string, name: string): Promise<T> {
  try {
    return JSON.parse(await readFile(path.join(dir, name), 'utf8')) as T;
  } catch (error) {
    throw new ArtifactError(`cannot read ${name}: ${(error as Error).message}`, dir);
  }
}

/**
 * Loads one version for serving. Every file is checked against the manifest's size and SHA-256
 * first (a few milliseconds), so a truncated or hand-edited file never reaches the bot.
 */
export async function loadArtifacts(dir: string): Promise<Artifacts> {
  const manifest = await readJson<Manifest>(dir, FILES.manifest);
  for (const [name, expected] of Object.entries(manifest.files ?? {})) {
    let actual: { bytes: number; sha256: string };
    try {
      actual = await fileDigest(path.join(dir, name));
    } catch {
      throw new ArtifactError(`${name} is missing`, dir);
    }
    if (actual.bytes !== expected.bytes || actual.sha256 !== expected.sha256) {
      throw new ArtifactError(`${name} does not match its checksum in ${FILES.manifest}`, dir);
    }
  }
  // The legacy tables exist only in versions trained with legacyTables (listed in the manifest then).
  const hasTables = manifest.files !== undefined && FILES.tables in manifest.files;
  const [catalog, movieList, tables, serialized] = await Promise.all([
    readJson<CatalogEntry[]>(dir, FILES.catalog),
    readJson<MovieInfo[]>(dir, FILES.movies),
    hasTables
      ? readJson<{ usersPerMovie: TableRow[]; moviesPerUser: TableRow[] }>(dir, FILES.tables)
      : { usersPerMovie: [], moviesPerUser: [] },
    loadDnmfModel(dir),
  ]);
  let dnmf: ServingDnmf;
  try {
    dnmf = servingDnmf(serialized);
  } catch (error) {
    throw new ArtifactError(`cannot read the DNMF model: ${(error as Error).message}`, dir);
  }
  let knn: ListNeighbourIndex;
  try {
    knn = new ListNeighbourIndex(
      neighbourListsFrom((await readTypedArrays(path.join(dir, FILES.neighbours))).arrays),
    );
  } catch (error) {
    throw new ArtifactError(`cannot read ${FILES.neighbours}: ${(error as Error).message}`, dir);
  }
  return {
    manifest,
    catalog,
    movies: new Map(movieList.map((m) => [m.movieId, m])),
    knn,
    dnmf,
    usersPerMovie: rowsToTable(tables.usersPerMovie),
    moviesPerUser: rowsToTable(tables.moviesPerUser),
  };
}

/** The trained DNMF weights of a version (serving scores with them; evaluation and training read them too). */
export async function loadDnmfModel(dir: string): Promise<SerializedModel> {
  const { meta, layout } = await readJson<{ meta: object; layout: Record<string, [number, number]> }>(
    dir,
    FILES.dnmfModel,
  );
  const bytes = await readFile(path.join(dir, FILES.dnmfWeights));
  return { meta, buffers: unpackBuffers(layout, bytes) };
}

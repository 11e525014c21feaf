import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileDigest } from './files.ts';
import {
  checkCatalog,
  checkDnmfModelFile,
  checkManifest,
  checkMovies,
  checkTables,
} from './manifest-schema.ts';
import { parseJson, type Check } from './schema.ts';
import { FILES, readBuffers, rowsToTable, unpackBuffers, type SerializedModel } from './format.ts';
import { ListNeighbourIndex, neighbourListsFrom } from './knn-index.ts';
import { readTypedArrays } from './typed-arrays.ts';
import {
  servingDnmf,
  TRAINED_USER_GMF,
  type ServingDnmf,
  type ServingDnmfOptions,
} from '../model/serving-dnmf.ts';
import type { Artifacts, WatchVectors } from './types.ts';
import { decodeWatchVectors } from './watch-vectors.ts';

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

/** Reads and validates one JSON file of a version (never a bare cast: see manifest-schema.ts). */
async function readJson<T>(dir: string, name: string, check: Check<T>): Promise<T> {
  try {
    return parseJson(await readFile(path.join(dir, name), 'utf8'), check, name);
  } catch (error) {
    throw new ArtifactError(`cannot read ${name}: ${(error as Error).message}`, dir);
  }
}

/**
 * Loads one version for serving. Every file is checked against the manifest's size and SHA-256
 * first (a few milliseconds), so a truncated or hand-edited file never reaches the bot. A serving bot
 * passes FOR_SERVING (no trained-user embeddings, servable.ts); training and evaluation keep them.
 */
export async function loadArtifacts(dir: string, options: ServingDnmfOptions = {}): Promise<Artifacts> {
  const manifest = await readJson(dir, FILES.manifest, checkManifest);
  for (const [name, expected] of Object.entries(manifest.files)) {
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
  const hasTables = FILES.tables in manifest.files;
  const [catalog, movieList, tables, serialized] = await Promise.all([
    readJson(dir, FILES.catalog, checkCatalog),
    readJson(dir, FILES.movies, checkMovies),
    hasTables ? readJson(dir, FILES.tables, checkTables) : { usersPerMovie: [], moviesPerUser: [] },
    loadDnmfModel(dir, { trainedUsers: options.trainedUsers }),
  ]);
  let dnmf: ServingDnmf;
  try {
    dnmf = servingDnmf(serialized, options);
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
  let watch: WatchVectors | undefined;
  if (FILES.watch in manifest.files) {
    try {
      watch = decodeWatchVectors(await readFile(path.join(dir, FILES.watch)));
    } catch (error) {
      throw new ArtifactError(`cannot read ${FILES.watch}: ${(error as Error).message}`, dir);
    }
  }
  return {
    manifest,
    catalog,
    movies: new Map(movieList.map((m) => [m.movieId, m])),
    knn,
    dnmf,
    ...(watch ? { watch } : {}),
    usersPerMovie: rowsToTable(tables.usersPerMovie),
    moviesPerUser: rowsToTable(tables.moviesPerUser),
  };
}

/**
 * The trained DNMF weights of a version (serving scores with them; evaluation and training read them too).
 * With `trainedUsers: false` the trained users' GMF table is not read (servingDnmf drops it anyway).
 */
export async function loadDnmfModel(
  dir: string,
  options: { trainedUsers?: boolean } = {},
): Promise<SerializedModel> {
  const { meta, layout } = await readJson(dir, FILES.dnmfModel, checkDnmfModelFile);
  const file = path.join(dir, FILES.dnmfWeights);
  if (options.trainedUsers !== false) return { meta, buffers: unpackBuffers(layout, await readFile(file)) };
  const wanted = Object.entries(layout).filter(([name]) => name !== TRAINED_USER_GMF);
  return { meta, buffers: await readBuffers(file, Object.fromEntries(wanted)) };
}

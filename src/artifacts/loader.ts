import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { servingDnmf, type ServingDnmf, type ServingDnmfOptions } from '../model/serving-dnmf.ts';
import { fileDigest } from './files.ts';
import { FILES } from './format.ts';
import { ListNeighbourIndex, neighbourListsFrom } from './knn-index.ts';
import { checkCatalog, checkManifest, checkMovies } from './manifest-schema.ts';
import { parseJson, type Check } from './schema.ts';
import { loadTasteModel } from './taste-model.ts';
import { readTypedArrays } from './typed-arrays.ts';
import type { Artifacts } from './types.ts';

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
  const [catalog, movieList, taste] = await Promise.all([
    readJson(dir, FILES.catalog, checkCatalog),
    readJson(dir, FILES.movies, checkMovies),
    loadTasteModel(dir, manifest.files, { trainedUsers: options.trainedUsers }).catch((error: unknown) => {
      throw new ArtifactError(`cannot read the taste model: ${(error as Error).message}`, dir);
    }),
  ]);
  let dnmf: ServingDnmf;
  try {
    dnmf = servingDnmf(taste.dnmf, options);
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
  const watch = taste.mf;
  return {
    manifest,
    catalog,
    movies: new Map(movieList.map((m) => [m.movieId, m])),
    knn,
    dnmf,
    ...(watch ? { watch } : {}),
  };
}

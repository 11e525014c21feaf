/**
 * The shapes of a version's JSON files, checked when they are read (loader, repository): a manifest
 * without `files`, or listing fewer files than a version has, is refused, because the checksums in
 * `files` are what proves the other files are the ones that were verified at publication.
 */
import { FILES } from './format.ts';
import { LEGACY_TASTE_FILES } from './legacy-taste-files.ts';
import {
  arrayOf,
  boolean,
  integer,
  number,
  object,
  oneOf,
  optional,
  recordOf,
  SchemaError,
  string,
  type Check,
} from './schema.ts';
import type { CatalogEntry, Manifest, MovieInfo } from './types.ts';

const SHA256 = /^[0-9a-f]{64}$/;

const fileEntry = object({
  bytes: integer,
  sha256: (value, path) => {
    const text = string(value, path);
    if (!SHA256.test(text)) throw new SchemaError(path, 'must be a hex SHA-256');
    return text;
  },
});

/** Every file of a version but the manifest itself, each a plain name in the version folder. */
const fileList: Check<Manifest['files']> = (value, path) => {
  const files = recordOf(fileEntry)(value, path);
  for (const name of Object.keys(files)) {
    if (name.includes('/') || name.includes('\\') || name.startsWith('.'))
      throw new SchemaError(`${path}.${name}`, 'must name a file inside the version folder');
  }
  // The taste model is taste-model.bin, or in a version written before it the DNMF's two files. (Older
  // versions may also list dnmf-tables.json, all-pairs tables no code reads any more: its checksum is
  // checked all the same.)
  const optionalFiles = new Set<string>([FILES.manifest, FILES.tasteModel]);
  const { dnmfModel, dnmfWeights } = LEGACY_TASTE_FILES;
  const twoFileLayout = dnmfModel in files || dnmfWeights in files;
  const missing = [
    ...Object.values(FILES).filter((name) => !optionalFiles.has(name) && !(name in files)),
    ...(twoFileLayout ? [dnmfModel, dnmfWeights] : [FILES.tasteModel]).filter((name) => !(name in files)),
  ];
  if (missing.length > 0) throw new SchemaError(path, `must list ${missing.join(', ')}`);
  if (twoFileLayout && FILES.tasteModel in files)
    throw new SchemaError(path, `must list ${FILES.tasteModel} or ${dnmfModel} and ${dnmfWeights}, not both`);
  return files;
};

const countDistribution = object({
  movies: integer,
  min: number,
  p10: number,
  median: number,
  p90: number,
  max: number,
});

const hyperparameter = oneOf(
  'a number, string, boolean or list of numbers',
  number,
  string,
  boolean,
  arrayOf(number),
);

const manifestCheck: Check<Manifest> = object({
  version: string,
  createdAt: string,
  dataset: object({
    dir: string,
    checksums: recordOf(string),
    rows: recordOf(integer),
    skipped: recordOf(integer),
  }),
  popularity: object({ minRatings: number, size: integer, m: number, C: number, eligible: integer }),
  knn: object({
    minRatings: number,
    k: integer,
    listLength: integer,
    movies: integer,
    dimensions: integer,
    recallAt10: number,
    recallSample: integer,
  }),
  dnmf: object({
    hyperparameters: recordOf(hyperparameter),
    metrics: object({
      validationRmse: number,
      bestEpoch: integer,
      epochs: integer,
      trainRmse: optional(number),
      holdoutRmse: optional(number),
    }),
    minCandidateRatings: integer,
  }),
  ratingCounts: object({ hiddenGems: countDistribution, knnNeighbours: countDistribution }),
  runtime: object({ node: string, tfjs: string, backend: string }),
  timingsMs: recordOf(number),
  files: fileList,
  data: optional(
    object({
      fingerprint: string,
      members: object({ fingerprint: string, users: integer, ratings: integer }),
    }),
  ),
  watch: optional(
    object({ hyperparameters: recordOf(number), movies: integer, prices: optional(recordOf(number)) }),
  ),
  holdout: optional(object({ rule: string, ratings: integer })),
});

export const checkManifest: Check<Manifest> = (value, path) => {
  const manifest = manifestCheck(value, path);
  // The watch model is the taste model's MF path: in taste-model.bin, or alone in an older version.
  const { watch } = LEGACY_TASTE_FILES;
  if (manifest.watch && !(FILES.tasteModel in manifest.files) && !(watch in manifest.files))
    throw new SchemaError(`${path}.files`, `must list ${watch} (the manifest describes a watch model)`);
  return manifest;
};

export const checkCatalog: Check<CatalogEntry[]> = arrayOf(
  object({ movieId: integer, rank: integer, count: integer, mean: number, wr: number }),
);

export const checkMovies: Check<MovieInfo[]> = arrayOf(
  object({
    movieId: integer,
    title: string,
    genres: arrayOf(string),
    imdbId: optional(string),
    tmdbId: optional(integer),
    count: integer,
    mean: number,
  }),
);

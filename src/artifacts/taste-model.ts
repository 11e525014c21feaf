/**
 * taste-model.bin: a version's one taste model, both of the DNMF's paths in one typed-array file
 * (typed-arrays.ts), and loadTasteModel, the one loader that serving, the retrain gate, the CLI and the
 * evaluation read it through.
 *
 * - `mf.*`, the MF path (train/watch-model.ts, alternating least squares on who rated what): unit movie
 *   vectors, the gem band's exposure prices and what folding a member in needs (each factor's norm, YᵀY, λ, α).
 *   Every gem list ranks with it.
 * - `dnmf.*`, the stars path (train/dnmf/): the DNMF's weights, with its user and movie ids and its options in
 *   the header. The RMSE, the dislike guard and "you'd rate it about 4.2" come from it.
 *
 * Checked on load (lengths, ascending ids, finite values), so a damaged file is refused with a reason. A
 * serving bot reads it without the trained users' GMF table (the bulk of the user side; see servingDnmf), array
 * by array, never holding the whole file. Versions written before this file (dnmf-model.json,
 * dnmf-weights.bin and watch-model.bin) are read by the same loader (legacy-taste-files.ts), so a rollback
 * or a bot started on one keeps serving it.
 */
import path from 'node:path';
import { TRAINED_USER_GMF, type SerializedModel } from '../model/serving-dnmf.ts';
import { readLegacyTasteModel } from './legacy-taste-files.ts';
import { encodeTypedArrays, readTypedArrays, readTypedArraysPart, type TypedArray } from './typed-arrays.ts';
import type { Manifest, WatchVectors } from './types.ts';
import {
  checkAscending,
  checkFinite,
  checkWatchVectors,
  watchArrays,
  type WatchMeta,
} from './watch-vectors.ts';

/** Both paths of a version's taste model. `mf` is absent only in versions from before the watch model. */
export interface TasteModel {
  /** The stars path as DnmfModel.serialize() gives it (servingDnmf and DnmfModel.deserialize read it). */
  dnmf: SerializedModel;
  mf?: WatchVectors;
}

export interface TasteModelReadOptions {
  /** Read the trained users' GMF table (default true); a serving bot folds members in and leaves it out. */
  trainedUsers?: boolean;
}

export const TASTE_MODEL_FILE = 'taste-model.bin';

const KIND = 'flickpick-taste-model';
const FORMAT_VERSION = 1;

/** The DNMF's metadata without its id lists (those are the `dnmf.userIds` and `dnmf.movieIds` arrays). */
type StarsMeta = Record<string, unknown> & { shape?: { users?: unknown; movies?: unknown } };

interface Header {
  kind: typeof KIND;
  formatVersion: number;
  dnmf: StarsMeta;
  mf: WatchMeta;
}

const STARS = 'dnmf.';
const MF = 'mf.';
const IDS = new Set(['userIds', 'movieIds']);

/** The file's bytes: the header (both paths' metadata) and every array of both paths. */
export function encodeTasteModel(model: { dnmf: SerializedModel; mf: WatchVectors }): Uint8Array {
  const { userIds, movieIds, ...starsMeta } = model.dnmf.meta as StarsMeta & {
    userIds: ArrayLike<number>;
    movieIds: ArrayLike<number>;
  };
  const mf = watchArrays(model.mf);
  const header: Header = { kind: KIND, formatVersion: FORMAT_VERSION, dnmf: starsMeta, mf: mf.meta };
  const arrays: Record<string, TypedArray> = {
    [`${STARS}userIds`]: Int32Array.from(userIds),
    [`${STARS}movieIds`]: Int32Array.from(movieIds),
  };
  for (const [name, buffer] of Object.entries(model.dnmf.buffers)) arrays[STARS + name] = buffer;
  for (const [name, array] of Object.entries(mf.arrays)) arrays[MF + name] = array;
  return encodeTypedArrays(header, arrays);
}

/** Both paths from a decoded file, every array checked; `what` names the file in errors. */
export function decodeTasteModel(
  header: Header | undefined,
  arrays: Record<string, TypedArray>,
  what: string = TASTE_MODEL_FILE,
): Required<TasteModel> {
  if (header?.kind !== KIND || header.formatVersion !== FORMAT_VERSION)
    throw new Error(`${what} is not a ${KIND} v${FORMAT_VERSION} file`);
  const section = (prefix: string): Record<string, TypedArray> =>
    Object.fromEntries(
      Object.entries(arrays)
        .filter(([name]) => name.startsWith(prefix))
        .map(([name, array]) => [name.slice(prefix.length), array]),
    );
  return {
    dnmf: checkStars(header.dnmf, section(STARS), what),
    mf: checkWatchVectors(header.mf, section(MF), `${what} (MF path)`),
  };
}

/** The stars path: ids that fit the shape and rise, weights that are all finite Float32Arrays. */
function checkStars(meta: StarsMeta, arrays: Record<string, TypedArray>, what: string): SerializedModel {
  const where = `${what} (stars path)`;
  const shape = meta?.shape;
  if (typeof meta !== 'object' || !shape || !Number.isInteger(shape.users) || !Number.isInteger(shape.movies))
    throw new Error(`${where} has no valid header (integer shape.users and shape.movies)`);
  const ids = (name: string, count: unknown): Int32Array => {
    const list = arrays[name];
    if (!(list instanceof Int32Array) || list.length !== count)
      throw new Error(`${where} ${name} must be an Int32Array of ${String(count)} ids`);
    checkAscending(list, `${where} ${name}`);
    return list;
  };
  const userIds = ids('userIds', shape.users);
  const movieIds = ids('movieIds', shape.movies);
  const buffers: Record<string, Float32Array> = {};
  for (const [name, buffer] of Object.entries(arrays)) {
    if (IDS.has(name)) continue;
    if (!(buffer instanceof Float32Array)) throw new Error(`${where} ${name} must be a Float32Array`);
    checkFinite(buffer, `${where} ${name}`);
    buffers[name] = buffer;
  }
  // Shapes of the weights are checked against `shape` by servingDnmf and DnmfModel.deserialize.
  return { meta: { ...meta, userIds, movieIds }, buffers };
}

/** Reads taste-model.bin; without trained users, the trained users' GMF table is never read. */
export async function readTasteModel(
  file: string,
  options: TasteModelReadOptions = {},
): Promise<Required<TasteModel>> {
  const what = path.basename(file);
  const { meta, arrays } =
    options.trainedUsers === false
      ? await readTypedArraysPart<Header>(file, (name) => name !== STARS + TRAINED_USER_GMF, what)
      : await readTypedArrays<Header>(file, what);
  return decodeTasteModel(meta, arrays, what);
}

/**
 * The taste model of the version in `dir` whose manifest lists `files` (checksums are the caller's:
 * loadArtifacts checks every file first). Reads taste-model.bin, or the two-file layout of older versions.
 * Errors name the file they concern.
 */
export async function loadTasteModel(
  dir: string,
  files: Manifest['files'],
  options: TasteModelReadOptions = {},
): Promise<TasteModel> {
  if (TASTE_MODEL_FILE in files) return readTasteModel(path.join(dir, TASTE_MODEL_FILE), options);
  return readLegacyTasteModel(dir, files, options);
}

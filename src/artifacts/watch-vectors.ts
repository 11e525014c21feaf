/**
 * The taste model's MF path as arrays: the watch model's unit movie vectors, the gem band's exposure prices and
 * what the exact fold-in needs (each factor's norm, YᵀY, λ, α), checked on load so a damaged file is refused
 * with a reason instead of serving nonsense similarities. taste-model.bin holds them as its `mf.` arrays;
 * versions written before it hold them alone in watch-model.bin (decodeWatchVectors reads that file).
 */
import { decodeTypedArrays, encodeTypedArrays, type TypedArray } from './typed-arrays.ts';
import type { WatchFoldIn, WatchVectors } from './types.ts';

/** The MF path's header: its dimension, and the fold-in's λ and α (absent in versions without a fold-in). */
export interface WatchMeta {
  dim: number;
  lambda?: number;
  alpha?: number;
}

/** The MF path's header and arrays, as both files store them. */
export function watchArrays(watch: WatchVectors): { meta: WatchMeta; arrays: Record<string, TypedArray> } {
  const foldIn = watch.foldIn;
  return {
    meta: { dim: watch.dim, ...(foldIn ? { lambda: foldIn.lambda, alpha: foldIn.alpha } : {}) },
    arrays: {
      movieIds: watch.movieIds,
      vectors: watch.vectors,
      ...(watch.prices ? { prices: watch.prices } : {}),
      ...(foldIn ? { norms: foldIn.norms, gramian: foldIn.gramian } : {}),
    },
  };
}

/** watch-model.bin, the layout of versions written before taste-model.bin (decodeWatchVectors' inverse). */
export function encodeWatchVectors(watch: WatchVectors): Uint8Array {
  const { meta, arrays } = watchArrays(watch);
  return encodeTypedArrays({ kind: 'watch-model', ...meta }, arrays);
}

export function decodeWatchVectors(bytes: Uint8Array): WatchVectors {
  const what = 'watch-model.bin';
  const { meta, arrays } = decodeTypedArrays<WatchMeta & { kind?: string }>(bytes, what);
  if (meta?.kind !== 'watch-model') throw new Error(`${what} has no valid header (kind watch-model)`);
  return checkWatchVectors(meta, arrays, what);
}

/** The MF path from its header and arrays, every length and value checked; `what` names it in errors. */
export function checkWatchVectors(
  meta: WatchMeta | undefined,
  arrays: Record<string, TypedArray | undefined>,
  what: string,
): WatchVectors {
  const { movieIds, vectors, prices, norms, gramian } = arrays;
  if (!meta || !Number.isInteger(meta.dim) || meta.dim < 1)
    throw new Error(`${what} has no valid MF-path header (integer dim)`);
  if (!(movieIds instanceof Int32Array) || !(vectors instanceof Float32Array))
    throw new Error(`${what} must hold movieIds (Int32Array) and vectors (Float32Array)`);
  if (vectors.length !== movieIds.length * meta.dim)
    throw new Error(`${what} has ${vectors.length} floats for ${movieIds.length} movies of ${meta.dim}`);
  checkAscending(movieIds, `${what} movieIds`);
  checkFinite(vectors, `${what} vectors`);
  const decoded: WatchVectors = { dim: meta.dim, movieIds, vectors };
  if (prices !== undefined) {
    if (!(prices instanceof Float32Array) || prices.length !== movieIds.length)
      throw new Error(`${what} prices must be a Float32Array of one price per movie (${movieIds.length})`);
    for (const x of prices)
      if (!(Number.isFinite(x) && x >= 0))
        throw new Error(`${what} holds a price that is not finite and ≥ 0`);
    decoded.prices = prices;
  }
  if (norms === undefined && gramian === undefined) return decoded;
  decoded.foldIn = checkFoldIn(meta, movieIds.length, norms, gramian, what);
  return decoded;
}

/** Ids must rise strictly: a row lookup by binary search, and one row per id. */
export function checkAscending(ids: Int32Array, what: string): void {
  for (let i = 1; i < ids.length; i++)
    if (!(ids[i] > ids[i - 1])) throw new Error(`${what} must be ascending (at index ${i})`);
}

export function checkFinite(values: Float32Array | Float64Array, what: string): void {
  for (let i = 0; i < values.length; i++)
    if (!Number.isFinite(values[i])) throw new Error(`${what} holds a non-finite value (at index ${i})`);
}

/** The fold-in's parts must come together and fit the vectors; a Gramian must be symmetric. */
function checkFoldIn(
  meta: WatchMeta,
  movies: number,
  norms: unknown,
  gramian: unknown,
  what: string,
): WatchFoldIn {
  const d = meta.dim;
  if (!(norms instanceof Float32Array) || norms.length !== movies)
    throw new Error(`${what} norms must be a Float32Array of one norm per movie (${movies})`);
  if (!(gramian instanceof Float64Array) || gramian.length !== d * d)
    throw new Error(`${what} gramian must be a Float64Array of ${d}×${d}`);
  const { lambda, alpha } = meta;
  if (!(typeof lambda === 'number' && lambda > 0 && typeof alpha === 'number' && alpha > 0))
    throw new Error(`${what} has a fold-in without positive lambda and alpha in its header`);
  for (const x of norms)
    if (!(Number.isFinite(x) && x >= 0)) throw new Error(`${what} holds a norm that is not finite and ≥ 0`);
  for (let a = 0; a < d; a++)
    for (let b = 0; b < a; b++)
      if (!Number.isFinite(gramian[a * d + b]) || gramian[a * d + b] !== gramian[b * d + a])
        throw new Error(`${what} gramian is not finite and symmetric`);
  return { norms, gramian, lambda, alpha };
}

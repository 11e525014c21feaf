/**
 * watch-model.bin: the watch model's unit movie vectors (and the gem band's exposure prices) as one typed-array file (typed-arrays.ts), checked on
 * load so a damaged file is refused with a reason instead of serving nonsense similarities.
 */
import { decodeTypedArrays, encodeTypedArrays } from './typed-arrays.ts';
import type { WatchFoldIn, WatchVectors } from './types.ts';

interface WatchMeta {
  kind: 'watch-model';
  dim: number;
  /** The fold-in's λ and α, with the norms and Gramian arrays (absent in older files). */
  lambda?: number;
  alpha?: number;
}

export function encodeWatchVectors(watch: WatchVectors): Uint8Array {
  const foldIn = watch.foldIn;
  const meta: WatchMeta = {
    kind: 'watch-model',
    dim: watch.dim,
    ...(foldIn ? { lambda: foldIn.lambda, alpha: foldIn.alpha } : {}),
  };
  return encodeTypedArrays(meta, {
    movieIds: watch.movieIds,
    vectors: watch.vectors,
    ...(watch.prices ? { prices: watch.prices } : {}),
    ...(foldIn ? { norms: foldIn.norms, gramian: foldIn.gramian } : {}),
  });
}

export function decodeWatchVectors(bytes: Uint8Array): WatchVectors {
  const { meta, arrays } = decodeTypedArrays<WatchMeta>(bytes, 'watch-model.bin');
  const { movieIds, vectors, prices, norms, gramian } = arrays;
  if (meta?.kind !== 'watch-model' || !Number.isInteger(meta.dim) || meta.dim < 1)
    throw new Error('watch-model.bin has no valid header (kind watch-model, integer dim)');
  if (!(movieIds instanceof Int32Array) || !(vectors instanceof Float32Array))
    throw new Error('watch-model.bin must hold movieIds (Int32Array) and vectors (Float32Array)');
  if (vectors.length !== movieIds.length * meta.dim)
    throw new Error(
      `watch-model.bin has ${vectors.length} floats for ${movieIds.length} movies of ${meta.dim}`,
    );
  for (let i = 1; i < movieIds.length; i++)
    if (!(movieIds[i] > movieIds[i - 1])) throw new Error('watch-model.bin movieIds must be ascending');
  for (const x of vectors)
    if (!Number.isFinite(x)) throw new Error('watch-model.bin holds a non-finite value');
  const decoded: WatchVectors = { dim: meta.dim, movieIds, vectors };
  if (prices !== undefined) {
    if (!(prices instanceof Float32Array) || prices.length !== movieIds.length)
      throw new Error(
        `watch-model.bin prices must be a Float32Array of one price per movie (${movieIds.length})`,
      );
    for (const x of prices)
      if (!(Number.isFinite(x) && x >= 0))
        throw new Error('watch-model.bin holds a price that is not finite and ≥ 0');
    decoded.prices = prices;
  }
  if (norms === undefined && gramian === undefined) return decoded;
  decoded.foldIn = checkFoldIn(meta, movieIds.length, norms, gramian);
  return decoded;
}

/** The fold-in's parts must come together and fit the vectors; a Gramian must be symmetric. */
function checkFoldIn(meta: WatchMeta, movies: number, norms: unknown, gramian: unknown): WatchFoldIn {
  const d = meta.dim;
  if (!(norms instanceof Float32Array) || norms.length !== movies)
    throw new Error(`watch-model.bin norms must be a Float32Array of one norm per movie (${movies})`);
  if (!(gramian instanceof Float64Array) || gramian.length !== d * d)
    throw new Error(`watch-model.bin gramian must be a Float64Array of ${d}×${d}`);
  const { lambda, alpha } = meta;
  if (!(typeof lambda === 'number' && lambda > 0 && typeof alpha === 'number' && alpha > 0))
    throw new Error('watch-model.bin has a fold-in without positive lambda and alpha in its header');
  for (const x of norms)
    if (!(Number.isFinite(x) && x >= 0))
      throw new Error('watch-model.bin holds a norm that is not finite and ≥ 0');
  for (let a = 0; a < d; a++)
    for (let b = 0; b < a; b++)
      if (!Number.isFinite(gramian[a * d + b]) || gramian[a * d + b] !== gramian[b * d + a])
        throw new Error('watch-model.bin gramian is not finite and symmetric');
  return { norms, gramian, lambda, alpha };
}

/**
 * watch-model.bin: the watch model's unit movie vectors (and the gem band's exposure prices) as one typed-array file (typed-arrays.ts), checked on
 * load so a damaged file is refused with a reason instead of serving nonsense similarities.
 */
import { decodeTypedArrays, encodeTypedArrays } from './typed-arrays.ts';
import type { WatchVectors } from './types.ts';

interface WatchMeta {
  kind: 'watch-model';
  dim: number;
}

export function encodeWatchVectors(watch: WatchVectors): Uint8Array {
  const meta: WatchMeta = { kind: 'watch-model', dim: watch.dim };
  return encodeTypedArrays(meta, {
    movieIds: watch.movieIds,
    vectors: watch.vectors,
    ...(watch.prices ? { prices: watch.prices } : {}),
  });
}

export function decodeWatchVectors(bytes: Uint8Array): WatchVectors {
  const { meta, arrays } = decodeTypedArrays<WatchMeta>(bytes, 'watch-model.bin');
  const { movieIds, vectors, prices } = arrays;
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
  if (prices === undefined) return { dim: meta.dim, movieIds, vectors };
  if (!(prices instanceof Float32Array) || prices.length !== movieIds.length)
    throw new Error(
      `watch-model.bin prices must be a Float32Array of one price per movie (${movieIds.length})`,
    );
  for (const x of prices)
    if (!(Number.isFinite(x) && x >= 0))
      throw new Error('watch-model.bin holds a price that is not finite and ≥ 0');
  return { dim: meta.dim, movieIds, vectors, prices };
}

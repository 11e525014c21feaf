/**
 * The fixed hold-out of MovieLens ratings that no version trains on, so the retrain gate can score
 * the candidate and the serving model on the same ratings. Membership depends only on the
 * (user, movie) pair, through a hash, so it is the same in every run and for every dataset
 * version: a pair held out once is held out always, and a serving model trained on an older
 * dataset never saw any pair of today's hold-out either. Members' ratings are never held out (they
 * are added after the split, see training-data.ts).
 */
import type { RatingTable } from '../data/types.ts';

/** Recorded in the manifest; a version whose rule differs was trained on a different split. */
export const HOLDOUT_RULE = 'fnv1a32(userId,movieId) % 1000 < 40';
const BUCKETS = 1000;
const HELD_BUCKETS = 40;

/** FNV-1a over the two ids' 32-bit little-endian bytes, then a final avalanche (murmur3 fmix32). */
function pairHash(userId: number, movieId: number): number {
  let h = 0x811c9dc5;
  for (const value of [userId, movieId]) {
    for (let shift = 0; shift < 32; shift += 8) {
      h ^= (value >>> shift) & 0xff;
      h = Math.imul(h, 0x01000193);
    }
  }
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

export function isHeldOut(userId: number, movieId: number): boolean {
  return pairHash(userId, movieId) % BUCKETS < HELD_BUCKETS;
}

function select(table: RatingTable, keep: (i: number) => boolean): RatingTable {
  const rows: number[] = [];
  for (let i = 0; i < table.ratings.length; i++) if (keep(i)) rows.push(i);
  return {
    userIds: Int32Array.from(rows, (i) => table.userIds[i]),
    movieIds: Int32Array.from(rows, (i) => table.movieIds[i]),
    ratings: Float32Array.from(rows, (i) => table.ratings[i]),
  };
}

/** About 4 % of the ratings go to `holdout`, the rest to `train`; row order is kept. */
export function splitHoldout(ratings: RatingTable): { train: RatingTable; holdout: RatingTable } {
  const held = Uint8Array.from(ratings.userIds, (u, i) => (isHeldOut(u, ratings.movieIds[i]) ? 1 : 0));
  return { train: select(ratings, (i) => held[i] === 0), holdout: select(ratings, (i) => held[i] === 1) };
}

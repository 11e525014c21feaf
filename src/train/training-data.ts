/**
 * What a version trains on: MovieLens (minus the fixed hold-out) plus the members' ratings as extra
 * users. Members arrive with pseudonymous training ids (MemberRatings.trainingRatings() in
 * src/store/member-ratings.ts: ≥ MEMBER_USER_ID_BASE, never a Discord id), so nothing here, and
 * nothing written from here, can name a member.
 */
import { createHash } from 'node:crypto';
import path from 'node:path';
import { DATASET_FILES, sha256File } from '../data/movielens.ts';
import type { Movie, RatingTable } from '../data/types.ts';
import { HOLDOUT_RULE } from './holdout.ts';

/** Pseudonymous training ids start here (far above MovieLens's user ids). */
export const MEMBER_USER_ID_BASE = 1_000_000_000;

/** Members' star ratings as the store hands them to training, with a fingerprint of exactly them. */
export interface MemberTrainingRatings extends RatingTable {
  fingerprint: string;
}

export const NO_MEMBER_RATINGS: MemberTrainingRatings = {
  userIds: new Int32Array(0),
  movieIds: new Int32Array(0),
  ratings: new Float32Array(0),
  fingerprint: 'none',
};

/**
 * `movielens` followed by the members' ratings. A member rating of a movie the dataset does not
 * have, or outside ½–5, is left out and counted (the dataset may have changed under an old
 * rating); an id below MEMBER_USER_ID_BASE is refused, since it could collide with a MovieLens user.
 */
export function withMemberRatings(
  movielens: RatingTable,
  members: MemberTrainingRatings,
  movies: ReadonlyMap<number, Movie>,
): { ratings: RatingTable; members: { users: number; ratings: number; skipped: number } } {
  const n = members.ratings.length;
  if (members.userIds.length !== n || members.movieIds.length !== n)
    throw new Error('member ratings: userIds, movieIds and ratings differ in length');
  const keep: number[] = [];
  for (let i = 0; i < n; i++) {
    if (members.userIds[i] < MEMBER_USER_ID_BASE)
      throw new Error(`member ratings: training id ${members.userIds[i]} is below ${MEMBER_USER_ID_BASE}`);
    const stars = members.ratings[i];
    if (movies.has(members.movieIds[i]) && stars >= 0.5 && stars <= 5) keep.push(i);
  }
  const total = movielens.ratings.length + keep.length;
  const ratings: RatingTable = {
    userIds: new Int32Array(total),
    movieIds: new Int32Array(total),
    ratings: new Float32Array(total),
  };
  ratings.userIds.set(movielens.userIds);
  ratings.movieIds.set(movielens.movieIds);
  ratings.ratings.set(movielens.ratings);
  keep.forEach((row, j) => {
    const at = movielens.ratings.length + j;
    ratings.userIds[at] = members.userIds[row];
    ratings.movieIds[at] = members.movieIds[row];
    ratings.ratings[at] = members.ratings[row];
  });
  const users = new Set(keep.map((row) => members.userIds[row])).size;
  return { ratings, members: { users, ratings: keep.length, skipped: n - keep.length } };
}

/** SHA-256 of each dataset file, as loadDataset records them, without loading the data. */
export async function datasetChecksums(dir: string): Promise<Record<string, string>> {
  const checksums: Record<string, string> = {};
  for (const name of DATASET_FILES) checksums[name] = await sha256File(path.join(dir, name));
  return checksums;
}

/** The members' part of the data fingerprint: none at all is 'none', however it was read. */
export function membersFingerprint(members: MemberTrainingRatings): string {
  return members.ratings.length === 0 ? NO_MEMBER_RATINGS.fingerprint : members.fingerprint;
}

/**
 * One hash over everything a version's training data depends on: the dataset files, the members'
 * ratings and the hold-out rule. Equal fingerprints mean a retrain would learn nothing new.
 */
export function dataFingerprint(
  datasetChecksums: Record<string, string>,
  membersFingerprint: string,
): string {
  const files = Object.keys(datasetChecksums)
    .sort()
    .map((name) => `${name}=${datasetChecksums[name]}`);
  return createHash('sha256')
    .update(JSON.stringify({ files, members: membersFingerprint, holdout: HOLDOUT_RULE }))
    .digest('hex');
}

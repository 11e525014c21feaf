/**
 * Who the new-member protocol (issue 14, README "New members") asks, and what they tell the bot.
 *
 * New members are users held out of training entirely: a seeded choice among the users with enough
 * ratings (so that even after telling the most, some liked movies are left to find). Each member tells the
 * bot N of their ratings, a seeded sample that grows with N (the 5 told are among the 10, the 10 among the
 * 25), so the N's differ only in how much the bot knows. Relevant: their other ratings ≥ 4. Groups for
 * /movienight are the members dealt, seeded, into threes.
 */
import type { RatingTable } from '../data/types.ts';
import type { MemberRating } from '../serve/recommendation.ts';
import { createRng, shuffleInPlace } from '../random.ts';

export interface NewMemberProtocol {
  /** Members held out (the 150; fewer when not enough users qualify). */
  members: number;
  /** How many ratings each member tells, ascending (the 5, 10, 25). */
  told: readonly number[];
  /** A rating this high is liked (relevant when untold). */
  likedThreshold: number;
  /** Ratings a user needs beyond the largest N to qualify. */
  spareRatings: number;
  /** Liked ratings a user needs in total to qualify. */
  minLiked: number;
  /** Members per /movienight group. */
  groupSize: number;
}

export const DEFAULT_NEW_MEMBERS: NewMemberProtocol = {
  members: 150,
  told: [5, 10, 25],
  likedThreshold: 4,
  spareRatings: 10,
  minLiked: 10,
  groupSize: 3,
};

export interface NewMember {
  userId: number;
  /** Every rating of the member, in the seeded order the bot is told them: the first N are told at N. */
  ratings: MemberRating[];
}

export interface ToldMember {
  userId: number;
  told: MemberRating[];
  toldMovies: Set<number>;
  /** Untold ratings ≥ the liked threshold. */
  relevant: Set<number>;
}

/** Groups rows by user, in row order. */
export function ratingsByUser(table: RatingTable): Map<number, MemberRating[]> {
  const byUser = new Map<number, MemberRating[]>();
  for (let i = 0; i < table.userIds.length; i++) {
    let rows = byUser.get(table.userIds[i]);
    if (!rows) byUser.set(table.userIds[i], (rows = []));
    rows.push({ movieId: table.movieIds[i], rating: table.ratings[i] });
  }
  return byUser;
}

/**
 * The seeded choice of new members among the users of `ratings` who qualify, in user-id order, each with
 * their ratings in told order.
 */
export function chooseNewMembers(
  ratings: RatingTable,
  seed: number,
  protocol: NewMemberProtocol = DEFAULT_NEW_MEMBERS,
): NewMember[] {
  checkProtocol(protocol);
  const most = Math.max(...protocol.told);
  const byUser = ratingsByUser(ratings);
  const qualifying = [...byUser.keys()]
    .filter((userId) => {
      const rows = byUser.get(userId)!;
      const liked = rows.filter((r) => r.rating >= protocol.likedThreshold).length;
      return rows.length >= most + protocol.spareRatings && liked >= protocol.minLiked;
    })
    .sort((a, b) => a - b);
  const rng = createRng(seed);
  const chosen = shuffleInPlace([...qualifying], rng)
    .slice(0, protocol.members)
    .sort((a, b) => a - b);
  return chosen.map((userId) => ({
    userId,
    // Sorted by movie first, so the order told does not depend on the file's row order.
    ratings: shuffleInPlace(
      [...byUser.get(userId)!].sort((a, b) => a.movieId - b.movieId),
      createRng(seed * 1_000_003 + userId),
    ),
  }));
}

/** What a member has told the bot at N, and what is left to find. */
export function tell(member: NewMember, n: number, likedThreshold: number): ToldMember {
  const told = member.ratings.slice(0, n);
  return {
    userId: member.userId,
    told,
    toldMovies: new Set(told.map((r) => r.movieId)),
    relevant: new Set(
      member.ratings
        .slice(n)
        .filter((r) => r.rating >= likedThreshold)
        .map((r) => r.movieId),
    ),
  };
}

/** The members dealt into seeded groups of `size` (a remainder smaller than `size` is left out). */
export function dealGroups<T>(members: readonly T[], size: number, seed: number): T[][] {
  const order = shuffleInPlace(
    members.map((_, i) => i),
    createRng(seed),
  );
  const groups: T[][] = [];
  for (let start = 0; start + size <= order.length; start += size)
    groups.push(order.slice(start, start + size).map((i) => members[i]));
  return groups;
}

function checkProtocol(protocol: NewMemberProtocol): void {
  if (protocol.told.length === 0 || protocol.told.some((n) => !Number.isInteger(n) || n < 1))
    throw new RangeError(`told must be positive integers, got ${protocol.told.join(', ')}`);
  if (!Number.isInteger(protocol.members) || protocol.members < 1)
    throw new RangeError(`members must be a positive integer, got ${protocol.members}`);
  if (!Number.isInteger(protocol.groupSize) || protocol.groupSize < 1)
    throw new RangeError(`groupSize must be a positive integer, got ${protocol.groupSize}`);
}

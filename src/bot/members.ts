/** The bot's one MemberRatings per store (each write is its own store transaction; see member-ratings.ts). */
import type { Keyv } from 'keyv';
import { MemberRatings } from '../store/member-ratings.ts';
import { MIN_PERSONAL_RATINGS, type MemberRating } from '../serve/engine.ts';
import type { ServingSnapshot } from '../serve/serving-models.ts';
import type { BotContext } from './context.ts';

const byStore = new WeakMap<Keyv, MemberRatings>();

export function memberRatings(context: Pick<BotContext, 'store'>): MemberRatings {
  let members = byStore.get(context.store);
  if (!members) byStore.set(context.store, (members = new MemberRatings(context.store)));
  return members;
}

export function ratingsStillNeeded(ratings: number): number {
  return Math.max(0, MIN_PERSONAL_RATINGS - ratings);
}

/** How many of these ratings the serving model can use (movies its DNMF knows), as the engine counts them. */
export function usableRatingCount(snapshot: ServingSnapshot, ratings: readonly MemberRating[]): number {
  return ratings.filter((rating) => snapshot.artifacts.dnmf.movieRows.has(rating.movieId)).length;
}

/** A member's star ratings and everything never to recommend to them, from one read of the store. */
export async function memberProfile(
  members: MemberRatings,
  discordUserId: string,
): Promise<{ ratings: MemberRating[]; excluded: Set<number> }> {
  const entries = await members.list(discordUserId);
  return {
    ratings: entries.flatMap((e) => (e.kind === 'rating' ? [{ movieId: e.movieId, rating: e.stars }] : [])),
    excluded: new Set(entries.map((e) => e.movieId)),
  };
}

/** What a member can do after a rating: how many more /foryou needs (of movies the model knows), or use it. */
export async function nextStepAfterRating(
  context: Pick<BotContext, 'store' | 'models'>,
  userId: string,
): Promise<string> {
  const ratings = await memberRatings(context).ratings(userId);
  const missing = ratingsStillNeeded(usableRatingCount(context.models.current, ratings));
  return missing > 0
    ? `Rate ${missing} more movie${missing === 1 ? '' : 's'} and /foryou can pick for you.`
    : '/foryou picks from your ratings; /ratings lists them (and removes any).';
}

/** The bot's one MemberRatings per store, so that all of a process's writes of a member queue behind each other. */
import type { Keyv } from 'keyv';
import { MemberRatings } from '../store/member-ratings.ts';
import type { BotContext } from './context.ts';

const byStore = new WeakMap<Keyv, MemberRatings>();

export function memberRatings(context: Pick<BotContext, 'store'>): MemberRatings {
  let members = byStore.get(context.store);
  if (!members) byStore.set(context.store, (members = new MemberRatings(context.store)));
  return members;
}

/** Ratings /foryou needs before it can pick (the engine's MIN_PERSONAL_RATINGS). */
export const MIN_PERSONAL_RATINGS = 3;

export function ratingsStillNeeded(ratings: number): number {
  return Math.max(0, MIN_PERSONAL_RATINGS - ratings);
}

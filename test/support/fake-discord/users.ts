// Accounts other than ordinary members: bots a test names in user options or puts in voice. The fake's own
// bot user counts as a bot too.
import type { APIUser } from 'discord-api-types/v10';
import { botUser, humanUser } from './payloads.ts';
import type { FakeState } from './state.ts';

const bots = new WeakMap<FakeState, Map<string, APIUser>>();

function botsOf(state: FakeState): Map<string, APIUser> {
  let known = bots.get(state);
  if (!known) bots.set(state, (known = new Map()));
  return known;
}

export function registerBot(state: FakeState, userId: string, username = `bot${userId.slice(-4)}`): APIUser {
  const user: APIUser = { ...humanUser(userId, username), global_name: null, bot: true };
  botsOf(state).set(userId, user);
  return user;
}

/** The user object Discord would resolve for this id: a registered bot, the app's bot, or a member. */
export function userFor(state: FakeState, userId: string): APIUser {
  if (userId === state.config.botUserId) return botUser(state.config);
  return botsOf(state).get(userId) ?? humanUser(userId);
}

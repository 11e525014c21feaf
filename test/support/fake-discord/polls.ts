// Message polls as Discord runs them: a message body's `poll` (question ≤ 300, 1–10 answers of ≤ 55
// characters, duration in hours up to 32 days) becomes the message's poll with answer ids 1…n and an
// `expiry`; members vote (MESSAGE_POLL_VOTE_ADD/REMOVE to sessions with GuildMessagePolls), the
// message's `results.answer_counts` follow; when it ends (its time passes, or the author calls
// POST /channels/{c}/polls/{m}/expire) `results.is_finalized` turns true and Discord sends
// MESSAGE_UPDATE (to sessions with GuildMessages). GET …/polls/{m}/answers/{a} lists voters.
import {
  GatewayDispatchEvents,
  GatewayIntentBits,
  MessageFlags,
  PollLayoutType,
  RESTJSONErrorCodes,
  type APIPoll,
  type APIUser,
  type RESTAPIPoll,
} from 'discord-api-types/v10';
import { FormErrors, HttpError } from './errors.ts';
import type { Gateway } from './gateway.ts';
import { humanUser } from './payloads.ts';
import type { FakeState, StoredMessage } from './state.ts';

export const POLL_VOTE_INTENT = BigInt(GatewayIntentBits.GuildMessagePolls);
export const GUILD_MESSAGES_INTENT = BigInt(GatewayIntentBits.GuildMessages);

/** Discord's documented limits for a poll create request. */
export const POLL_LIMITS = { question: 300, answers: 10, answerText: 55, maxHours: 32 * 24 } as const;

interface PollState {
  /** message id → (user id → the answers they chose, with the user as the voter list shows them). */
  votes: Map<string, Map<string, { user: APIUser; answers: Set<number> }>>;
  gateway?: Gateway;
  /** message id → guild id, for dispatches (a channel message's guild). */
  guildOf: Map<string, string>;
}

const polls = new WeakMap<FakeState, PollState>();

function pollState(state: FakeState): PollState {
  let s = polls.get(state);
  if (!s) polls.set(state, (s = { votes: new Map(), guildOf: new Map() }));
  return s;
}

/** The gateway that poll events go out on (set once by the REST handler). */
export function attachPollGateway(state: FakeState, gateway: Gateway): void {
  pollState(state).gateway = gateway;
}

const pollError = (status: number, code: number, message: string) => new HttpError(status, { code, message });

/** 50035 field errors for a poll create request, under `path` (e.g. ['poll'] or ['data', 'poll']). */
export function validatePoll(
  poll: RESTAPIPoll | null | undefined,
  flags: number,
  path: readonly (string | number)[],
  errors: FormErrors,
): void {
  if (!poll) return;
  if (flags & MessageFlags.IsComponentsV2) {
    errors.add(
      path,
      'MESSAGE_CANNOT_USE_LEGACY_FIELDS_WITH_COMPONENTS_V2',
      'The poll field cannot be used when using MessageFlags.IS_COMPONENTS_V2',
    );
  }
  errors.lengthBetween([...path, 'question', 'text'], poll.question?.text, 1, POLL_LIMITS.question);
  const answers = poll.answers ?? [];
  if (answers.length < 1 || answers.length > POLL_LIMITS.answers) {
    errors.add(
      [...path, 'answers'],
      'BASE_TYPE_BAD_LENGTH',
      `Must be between 1 and ${POLL_LIMITS.answers} in length.`,
    );
  }
  answers.forEach((answer, i) =>
    errors.lengthBetween(
      [...path, 'answers', i, 'poll_media', 'text'],
      answer.poll_media?.text,
      1,
      POLL_LIMITS.answerText,
    ),
  );
  const duration = poll.duration ?? 24;
  if (!Number.isInteger(duration) || duration < 1 || duration > POLL_LIMITS.maxHours) {
    errors.add(
      [...path, 'duration'],
      'NUMBER_TYPE_MAX',
      `int value should be between 1 and ${POLL_LIMITS.maxHours}.`,
    );
  }
  if (poll.layout_type !== undefined && poll.layout_type !== PollLayoutType.Default) {
    errors.add([...path, 'layout_type'], 'BASE_TYPE_CHOICES', 'Value must be one of {1}.');
  }
}

/** The poll a created message carries: answer ids from 1, the expiry from the duration. */
export function createdPoll(poll: RESTAPIPoll, now = Date.now()): APIPoll {
  return {
    question: { text: poll.question.text },
    answers: poll.answers.map((answer, i) => ({
      answer_id: i + 1,
      poll_media: {
        text: answer.poll_media.text,
        ...(answer.poll_media.emoji ? { emoji: answer.poll_media.emoji } : {}),
      },
    })),
    expiry: new Date(now + (poll.duration ?? 24) * 3_600_000).toISOString(),
    allow_multiselect: poll.allow_multiselect ?? false,
    layout_type: PollLayoutType.Default,
    results: { is_finalized: false, answer_counts: [] },
  } as APIPoll;
}

/** Registers a new poll message: its guild (for dispatches) and, when short enough, its natural end. */
export function trackPoll(state: FakeState, message: StoredMessage, guildId: string): void {
  if (!message.poll) return;
  pollState(state).guildOf.set(message.id, guildId);
  pollState(state).votes.set(message.id, new Map());
  const left = Date.parse(message.poll.expiry!) - Date.now();
  // setTimeout overflows past 2^31 - 1 ms (24.8 days) and would fire at once; tests end polls explicitly.
  if (left < 2 ** 31 - 1) state.timer(Math.max(0, left), () => finalizePoll(state, message.id));
}

function pollMessage(state: FakeState, messageId: string): StoredMessage & { poll: APIPoll } {
  const message = state.messages.get(messageId);
  if (!message?.poll)
    throw pollError(400, RESTJSONErrorCodes.CannotExpireANonPollMessage, 'Cannot expire a non-poll message');
  return message as StoredMessage & { poll: APIPoll };
}

const isFinal = (message: StoredMessage & { poll: APIPoll }) =>
  message.poll.results?.is_finalized === true || Date.parse(message.poll.expiry!) <= Date.now();

function recount(state: FakeState, message: StoredMessage & { poll: APIPoll }, finalized: boolean): void {
  const counts = new Map<number, number>();
  for (const { answers } of pollState(state).votes.get(message.id)?.values() ?? [])
    for (const id of answers) counts.set(id, (counts.get(id) ?? 0) + 1);
  message.poll.results = {
    is_finalized: finalized,
    // Only answers someone voted for are listed (bots cannot vote, so me_voted is always false).
    answer_counts: message.poll.answers
      .filter((a) => counts.has(a.answer_id))
      .map((a) => ({ id: a.answer_id, count: counts.get(a.answer_id)!, me_voted: false })),
  };
}

/** A member votes: `answerIds` replace their earlier choice (REMOVE for dropped ones, ADD for new ones). */
export function vote(
  state: FakeState,
  messageId: string,
  userId: string,
  answerIds: readonly number[],
): void {
  const message = pollMessage(state, messageId);
  if (isFinal(message))
    throw new Error(`The poll on message ${messageId} has ended; Discord refuses votes (520001)`);
  const valid = new Set(message.poll.answers.map((a) => a.answer_id));
  if (answerIds.some((id) => !valid.has(id)) || new Set(answerIds).size !== answerIds.length)
    throw new Error(
      `Poll ${messageId} has answers ${[...valid].join(', ')}; cannot vote ${answerIds.join(', ')}`,
    );
  if (answerIds.length > 1 && !message.poll.allow_multiselect)
    throw new Error(`Poll ${messageId} is single-choice; cannot vote for ${answerIds.length} answers`);
  const s = pollState(state);
  const voters = s.votes.get(messageId)!;
  const before = voters.get(userId)?.answers ?? new Set<number>();
  const after = new Set(answerIds);
  if (after.size === 0) voters.delete(userId);
  else voters.set(userId, { user: voters.get(userId)?.user ?? humanUser(userId), answers: after });
  recount(state, message, false);
  const base = {
    user_id: userId,
    channel_id: message.channel_id,
    message_id: messageId,
    guild_id: s.guildOf.get(messageId),
  };
  for (const id of before)
    if (!after.has(id))
      s.gateway?.dispatchWithIntent(POLL_VOTE_INTENT, GatewayDispatchEvents.MessagePollVoteRemove, {
        ...base,
        answer_id: id,
      });
  for (const id of after)
    if (!before.has(id))
      s.gateway?.dispatchWithIntent(POLL_VOTE_INTENT, GatewayDispatchEvents.MessagePollVoteAdd, {
        ...base,
        answer_id: id,
      });
  state.changed();
}

/**
 * The poll ends: exact counts, `is_finalized`, and MESSAGE_UPDATE with the whole message (to sessions
 * with GuildMessages). Ending an ended poll is a no-op here; the REST route refuses it with 520001.
 */
export function finalizePoll(state: FakeState, messageId: string): StoredMessage {
  const message = pollMessage(state, messageId);
  if (message.poll.results?.is_finalized) return message;
  if (Date.parse(message.poll.expiry!) > Date.now()) message.poll.expiry = new Date().toISOString();
  recount(state, message, true);
  const s = pollState(state);
  s.gateway?.dispatchWithIntent(GUILD_MESSAGES_INTENT, GatewayDispatchEvents.MessageUpdate, {
    ...structuredClone(message),
    guild_id: s.guildOf.get(messageId),
  } as never);
  state.changed();
  return message;
}

/** POST /channels/{c}/polls/{m}/expire by `botUserId`: only the poll's author may end it, once. */
export function expireByAuthor(
  state: FakeState,
  channelId: string,
  messageId: string,
  botUserId: string,
): StoredMessage {
  const message = state.messages.get(messageId);
  if (!message || message.channel_id !== channelId)
    throw pollError(404, RESTJSONErrorCodes.UnknownMessage, 'Unknown Message');
  const poll = pollMessage(state, messageId);
  if (message.author.id !== botUserId)
    throw pollError(403, RESTJSONErrorCodes.MissingPermissions, 'Missing Permissions');
  if (isFinal(poll)) throw pollError(400, RESTJSONErrorCodes.PollExpired, 'Poll expired');
  return finalizePoll(state, messageId);
}

/** GET /channels/{c}/polls/{m}/answers/{a}?after&limit: the voters of one answer, by user id. */
export function answerVoters(
  state: FakeState,
  channelId: string,
  messageId: string,
  answerId: number,
  query: URLSearchParams,
): { users: APIUser[] } {
  const message = state.messages.get(messageId);
  if (!message?.poll || message.channel_id !== channelId)
    throw pollError(404, RESTJSONErrorCodes.UnknownMessage, 'Unknown Message');
  if (!message.poll.answers.some((a) => a.answer_id === answerId))
    throw pollError(404, RESTJSONErrorCodes.UnknownMessage, 'Unknown Message');
  const limit = Number(query.get('limit') ?? 25);
  if (!Number.isInteger(limit) || limit < 1 || limit > 100) {
    const errors = new FormErrors();
    errors.add(['limit'], 'NUMBER_TYPE_MAX', 'int value should be between 1 and 100.');
    errors.throwIfAny();
  }
  const after = BigInt(query.get('after') ?? '0');
  const users = [...(pollState(state).votes.get(messageId)?.values() ?? [])]
    .filter((v) => v.answers.has(answerId) && BigInt(v.user.id) > after)
    .map((v) => v.user)
    .sort((a, b) => (BigInt(a.id) < BigInt(b.id) ? -1 : 1))
    .slice(0, limit);
  return { users };
}

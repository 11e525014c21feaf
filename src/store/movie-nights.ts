/**
 * Movie nights put to a vote, in the shared store so a poll outlives restarts and is the same on every shard.
 *
 * Layout (the 'flickpick' namespace):
 * - `night:<answerMessageId>` → the answer's movies (card order) with the group's predicted score of each, its
 *   server, channel and caller; written once with a 7-day expiry (a poll can be started that long). No
 *   member's ratings and no other member's id: the scores were computed when the answer was made.
 * - `night:<answerMessageId>:vote` → whether this answer was put to a vote (posting, or the poll's message
 *   id): the one record that makes a second press post nothing.
 * - `poll:<pollMessageId>` → an open poll: what the bot needs to announce it (answers in order, scores,
 *   caller, when it ends). Deleted once the result is announced.
 * - `polls:open` → the open polls' message ids, so a starting bot finds the ones that ended while it was down.
 * - `poll:<pollMessageId>:event` → the scheduled event made for a poll's winner ("Schedule it"): being
 *   created, or its event id and start. The one record that makes a second press create nothing; no member id.
 */
import type { Keyv } from 'keyv';
import { storeTransaction } from './transaction.ts';

/** How long an answer can still be put to a vote (and then how long a poll can run, at most). */
export const NIGHT_RECORD_TTL_MS = 7 * 24 * 3_600_000;
/** A press that started posting and then died (crash) frees the answer again after this. */
const POSTING_STALE_MS = 60_000;
/** An announcement that started and never finished (crash) may be taken over after this. */
const ANNOUNCING_STALE_MS = 120_000;

export interface NightMovie {
  movieId: number;
  /** The group's predicted score (engine.groupScores), null when the model could not predict it. */
  score: number | null;
  /** The mean predicted stars, for the tie-break sentence. */
  meanPredicted: number | null;
}

export interface MovieNightRecord {
  guildId: string;
  channelId: string;
  callerId: string;
  movies: NightMovie[];
  createdAt: number;
}

type VoteClaim = { state: 'posting'; at: number } | { state: 'open' | 'done'; pollMessageId: string };

export interface OpenPoll {
  messageId: string;
  guildId: string;
  channelId: string;
  answerMessageId: string;
  callerId: string;
  /** In answer order: answer id i + 1 is movies[i]. */
  movies: NightMovie[];
  endsAt: number;
  announcing?: number;
}

const nightKey = (answerMessageId: string) => `night:${answerMessageId}`;
const claimKey = (answerMessageId: string) => `night:${answerMessageId}:vote`;
const pollKey = (messageId: string) => `poll:${messageId}`;
const OPEN_KEY = 'polls:open';
const eventKey = (pollMessageId: string) => `poll:${pollMessageId}:event`;
/** A scheduled event's movie, so its completion can mark the movie watched on the server's list. */
const eventMovieKey = (eventId: string) => `event:${eventId}:movie`;

/** Which server's night a scheduled event shows, and which movie. */
export interface EventMovie {
  guildId: string;
  movieId: number;
}

type EventClaim = { state: 'creating'; at: number } | { state: 'created'; eventId: string; startsAt: number };
export type EventClaimResult = { claimed: true } | { claimed: false; eventId?: string; startsAt?: number };

export type VoteClaimResult = { claimed: true } | { claimed: false; pollMessageId?: string };

export class MovieNights {
  constructor(private readonly store: Keyv) {}

  async saveNight(answerMessageId: string, record: MovieNightRecord): Promise<void> {
    await this.store.set(nightKey(answerMessageId), record, NIGHT_RECORD_TTL_MS);
  }

  async night(answerMessageId: string): Promise<MovieNightRecord | undefined> {
    return this.store.get<MovieNightRecord>(nightKey(answerMessageId));
  }

  /** The first press on an answer claims it; later ones learn the poll it already has (if posted). */
  async claimVote(answerMessageId: string, now = Date.now()): Promise<VoteClaimResult> {
    return storeTransaction(this.store, [claimKey(answerMessageId)], (tx) => {
      const claim = tx.get<VoteClaim>(claimKey(answerMessageId));
      if (claim && !(claim.state === 'posting' && now - claim.at > POSTING_STALE_MS)) {
        return {
          claimed: false,
          ...(claim.state !== 'posting' ? { pollMessageId: claim.pollMessageId } : {}),
        };
      }
      tx.set(claimKey(answerMessageId), { state: 'posting', at: now } satisfies VoteClaim);
      return { claimed: true };
    });
  }

  /** Posting failed: the answer can be put to a vote again. */
  async releaseVote(answerMessageId: string): Promise<void> {
    await this.store.delete(claimKey(answerMessageId));
  }

  /** The poll is posted: record it as open (one transaction with the claim and the index). */
  async openPoll(poll: OpenPoll): Promise<void> {
    const keys = [pollKey(poll.messageId), OPEN_KEY, claimKey(poll.answerMessageId)];
    await storeTransaction(this.store, keys, (tx) => {
      tx.set(pollKey(poll.messageId), poll);
      const open = tx.get<string[]>(OPEN_KEY) ?? [];
      if (!open.includes(poll.messageId)) tx.set(OPEN_KEY, [...open, poll.messageId]);
      tx.set(claimKey(poll.answerMessageId), {
        state: 'open',
        pollMessageId: poll.messageId,
      } satisfies VoteClaim);
    });
  }

  async poll(messageId: string): Promise<OpenPoll | undefined> {
    return this.store.get<OpenPoll>(pollKey(messageId));
  }

  /** Every open poll (those of every shard). */
  async openPolls(): Promise<OpenPoll[]> {
    const ids = (await this.store.get<string[]>(OPEN_KEY)) ?? [];
    if (ids.length === 0) return [];
    const polls = await this.store.getMany<OpenPoll>(ids.map(pollKey));
    return polls.filter((p): p is OpenPoll => p !== undefined);
  }

  /**
   * Takes the announcement of a poll: true for exactly one caller (across processes) unless an earlier
   * one stalled; false when it is announced already, being announced, or unknown.
   */
  async claimAnnouncement(messageId: string, now = Date.now()): Promise<OpenPoll | undefined> {
    return storeTransaction(this.store, [pollKey(messageId)], (tx) => {
      const poll = tx.get<OpenPoll>(pollKey(messageId));
      if (!poll) return undefined;
      if (poll.announcing !== undefined && now - poll.announcing < ANNOUNCING_STALE_MS) return undefined;
      tx.set(pollKey(messageId), { ...poll, announcing: now });
      return poll;
    });
  }

  /** Gives an unfinished announcement back (posting failed), so a later check retries it. */
  async abandonAnnouncement(messageId: string): Promise<void> {
    await storeTransaction(this.store, [pollKey(messageId)], (tx) => {
      const poll = tx.get<OpenPoll>(pollKey(messageId));
      if (poll) tx.set(pollKey(messageId), { ...poll, announcing: undefined });
    });
  }

  /** The result is out: the poll is no longer open (its answer's claim stays, as done). */
  async closePoll(poll: OpenPoll): Promise<void> {
    const keys = [pollKey(poll.messageId), OPEN_KEY, claimKey(poll.answerMessageId)];
    await storeTransaction(this.store, keys, (tx) => {
      tx.delete(pollKey(poll.messageId));
      const open = tx.get<string[]>(OPEN_KEY) ?? [];
      tx.set(
        OPEN_KEY,
        open.filter((id) => id !== poll.messageId),
      );
      tx.set(claimKey(poll.answerMessageId), {
        state: 'done',
        pollMessageId: poll.messageId,
      } satisfies VoteClaim);
    });
  }

  /** The first "Schedule it" for a poll's winner claims it; later ones learn the event it already has. */
  async claimEvent(pollMessageId: string, now = Date.now()): Promise<EventClaimResult> {
    return storeTransaction(this.store, [eventKey(pollMessageId)], (tx) => {
      const claim = tx.get<EventClaim>(eventKey(pollMessageId));
      if (claim && !(claim.state === 'creating' && now - claim.at > POSTING_STALE_MS)) {
        return claim.state === 'created'
          ? { claimed: false, eventId: claim.eventId, startsAt: claim.startsAt }
          : { claimed: false };
      }
      tx.set(eventKey(pollMessageId), { state: 'creating', at: now } satisfies EventClaim);
      return { claimed: true };
    });
  }

  /** What was scheduled for a poll's winner, if anything yet. */
  async scheduledEvent(pollMessageId: string): Promise<{ eventId: string; startsAt: number } | undefined> {
    const claim = await this.store.get<EventClaim>(eventKey(pollMessageId));
    return claim?.state === 'created' ? { eventId: claim.eventId, startsAt: claim.startsAt } : undefined;
  }

  /** Creating the event failed: "Schedule it" may be used again. */
  async releaseEvent(pollMessageId: string): Promise<void> {
    await this.store.delete(eventKey(pollMessageId));
  }

  /**
   * Remembers the movie of a scheduled event until a week after its start (Discord ends an event a few
   * minutes after its channel empties), so its completion marks the movie watched.
   */
  async rememberEventMovie(
    eventId: string,
    movie: EventMovie,
    startsAt: number,
    now = Date.now(),
  ): Promise<void> {
    await this.store.set(eventMovieKey(eventId), movie, Math.max(0, startsAt - now) + NIGHT_RECORD_TTL_MS);
  }

  /** The movie of a scheduled event, taken once (a second completion update finds nothing). */
  async takeEventMovie(eventId: string): Promise<EventMovie | undefined> {
    return storeTransaction(this.store, [eventMovieKey(eventId)], (tx) => {
      const movie = tx.get<EventMovie>(eventMovieKey(eventId));
      if (movie) tx.delete(eventMovieKey(eventId));
      return movie;
    });
  }

  /** The event exists: later presses point to it. */
  async eventCreated(pollMessageId: string, eventId: string, startsAt: number): Promise<void> {
    await storeTransaction(this.store, [eventKey(pollMessageId)], (tx) => {
      tx.set(eventKey(pollMessageId), { state: 'created', eventId, startsAt } satisfies EventClaim);
    });
  }
}

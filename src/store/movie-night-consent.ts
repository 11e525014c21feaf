/**
 * Consent for movie nights (PRIVACY.md, "Group picks"): nobody's ratings go into a group pick unless they
 * agreed. Two things are kept in the shared keyv store, so they survive restarts and are the same on every
 * shard:
 *
 * - `movienight:always:<discordUserId>` → the servers in which the member said "always count me in" (a
 *   standing consent, revocable with /settings and deleted by /forget-me), with when they said it.
 * - `movienight:request:<id>` → one open "count me in?" question: who asked, whom it asks, who answered what.
 *   The buttons under the question carry only its id. Requests expire (REQUEST_LIFETIME_MS) and the store
 *   drops them a day later.
 *
 * Concurrency: a request is read, changed and written back by the button handlers. The buttons of one
 * message all reach the shard that owns its server (Discord routes a guild's interactions to one shard),
 * so a per-process queue per request is enough. A member's standing consents are one store transaction per
 * change (updateDocument), as every member write is: it can come from any shard (a DM goes to shard 0).
 */
import type { Keyv } from 'keyv';
import { updateDocument } from './transaction.ts';

/** How long the members named have to answer before the question expires. */
export const REQUEST_LIFETIME_MS = 30 * 60 * 1000;
/** How long an answered or expired request stays in the store (for "this was already picked" answers). */
const REQUEST_STORE_TTL_MS = 24 * 60 * 60 * 1000;

export type ConsentAnswer = 'in' | 'out';

export interface MovieNightRequest {
  /** The /movienight interaction's id (a snowflake): unique, and short enough for custom ids. */
  id: string;
  guildId: string;
  /** The member who ran /movienight; always in. */
  callerId: string;
  /** Everyone in the group besides the caller, in the order they were named. */
  memberIds: string[];
  /** Who has answered what; members with a standing consent count as 'in' from the start. */
  answers: Record<string, ConsentAnswer>;
  createdAt: number;
  /** /movienight pick from: where the ten come from (absent: fresh picks). */
  from?: 'fresh' | 'list' | 'mix';
  /** 'open' until the pick is made (or nobody joined). */
  status: 'open' | 'picked' | 'nobody';
}

interface StandingDocument {
  /** Guild id → when the member said "always count me in" there (ms since the epoch). */
  guilds: Record<string, number>;
}

const standingKey = (userId: string) => `movienight:always:${userId}`;
const requestKey = (id: string) => `movienight:request:${id}`;

export class MovieNightConsents {
  private readonly queues = new Map<string, Promise<unknown>>();

  constructor(private readonly store: Keyv) {}

  /** Whether the member has a standing "always count me in" for movie nights in this server. */
  async alwaysIn(userId: string, guildId: string): Promise<boolean> {
    const doc = await this.store.get<StandingDocument>(standingKey(userId));
    return doc?.guilds[guildId] !== undefined;
  }

  /** The servers where the member is always counted in, with when they said so. */
  async standing(userId: string): Promise<{ guildId: string; at: number }[]> {
    const doc = await this.store.get<StandingDocument>(standingKey(userId));
    return Object.entries(doc?.guilds ?? {}).map(([guildId, at]) => ({ guildId, at }));
  }

  /** Gives (on = true) or withdraws the standing consent for one server. */
  async setAlwaysIn(userId: string, guildId: string, on: boolean): Promise<void> {
    await updateDocument<StandingDocument>(this.store, standingKey(userId), (current) => {
      const doc: StandingDocument = { guilds: { ...current?.guilds } };
      if (on) doc.guilds[guildId] = Date.now();
      else delete doc.guilds[guildId];
      return Object.keys(doc.guilds).length === 0 ? undefined : doc;
    });
  }

  /** Deletes every standing consent of the member (/forget-me). */
  async forget(userId: string): Promise<void> {
    await updateDocument(this.store, standingKey(userId), () => undefined);
  }

  async createRequest(request: MovieNightRequest): Promise<void> {
    await this.store.set(requestKey(request.id), request, REQUEST_STORE_TTL_MS);
  }

  async request(id: string): Promise<MovieNightRequest | undefined> {
    return this.store.get<MovieNightRequest>(requestKey(id));
  }

  /**
   * Read-change-write of one request, queued per request in this process. `change` returns what the caller
   * needs (e.g. whether this click completed the group); the request is written back only when it returns
   * `write: true`.
   */
  async updateRequest<T>(
    id: string,
    change: (request: MovieNightRequest | undefined) => { write: boolean; result: T },
  ): Promise<{ request: MovieNightRequest | undefined; result: T }> {
    return this.queued(requestKey(id), async () => {
      const request = await this.request(id);
      const { write, result } = change(request);
      if (write && request) await this.store.set(requestKey(id), request, REQUEST_STORE_TTL_MS);
      return { request, result };
    });
  }

  private queued<T>(key: string, task: () => Promise<T>): Promise<T> {
    const previous = this.queues.get(key) ?? Promise.resolve();
    const run = previous.then(task, task);
    const tail = run.catch(() => {});
    this.queues.set(key, tail);
    void tail.then(() => {
      if (this.queues.get(key) === tail) this.queues.delete(key);
    });
    return run;
  }
}

/** Whether the request can still be answered at `now`. */
export function isExpired(request: MovieNightRequest, now = Date.now()): boolean {
  return now - request.createdAt > REQUEST_LIFETIME_MS;
}

/** Everyone counted in: the caller and the members who said yes (or always). */
export function membersIn(request: MovieNightRequest): string[] {
  return [request.callerId, ...request.memberIds.filter((id) => request.answers[id] === 'in')];
}

export function membersWaiting(request: MovieNightRequest): string[] {
  return request.memberIds.filter((id) => request.answers[id] === undefined);
}

export function membersOut(request: MovieNightRequest): string[] {
  return request.memberIds.filter((id) => request.answers[id] === 'out');
}

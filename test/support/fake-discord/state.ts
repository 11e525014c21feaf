// Everything the fake remembers, shared by the REST and gateway halves, plus a tiny "wait until" helper:
// every mutation calls `changed()`, and waiters re-check their condition, so tests never sleep.
import { EventEmitter } from 'node:events';
import type { APIAllowedMentions, APIApplicationCommand, APIMessage } from 'discord-api-types/v10';
import type { StoredAttachment } from './attachments.ts';
import type { HttpError } from './errors.ts';
import type { InteractionRecord } from './interactions.ts';
import type { FakeGuild } from './sharding.ts';

export interface FakeConfig {
  applicationId: string;
  botUserId: string;
  guildId: string;
  channelId: string;
  token: string;
  heartbeatIntervalMs: number;
  heartbeatSlackMs: number;
  /** Discord rejects the initial interaction response after 3 s. */
  ackWindowMs: number;
  /** How long an interaction token works as a webhook (edits, follow-ups): 15 min on Discord. */
  interactionTokenLifeMs: number;
  /** Base URL of this server, e.g. http://127.0.0.1:1234 (set once listening). */
  origin: string;
  /** Every guild the bot is in, the primary one (guildId, channelId) first. */
  guilds: FakeGuild[];
  /** What GET /gateway/bot recommends; IDENTIFY with fewer shards is closed with 4011. */
  shardCount: number;
  /** session_start_limit.max_concurrency of GET /gateway/bot. */
  maxConcurrency: number;
  /** The bot's permissions in every channel (`app_permissions`; checked for polls and events). */
  botPermissions: bigint;
}

/** A message as stored by the fake. `allowed_mentions` is kept (Discord doesn't echo it) so tests can assert it. */
export type StoredMessage = APIMessage & { allowed_mentions?: APIAllowedMentions };

export interface RecordedRequest {
  method: string;
  /** Path below the versioned API root, e.g. `/interactions/123/abc/callback`. */
  path: string;
  query: string;
  body: unknown;
  status: number;
  /** Response body for errors (Discord error JSON), to make failures easy to diagnose. */
  error?: unknown;
}

/** A scripted failure: the next `times` requests matching method and path answer with `error`. */
export interface InjectedFailure {
  method?: string;
  /** Tested against the path below /api/v10, e.g. /webhooks/{app}/{token}/messages/@original. */
  path: RegExp;
  error: () => HttpError;
  times: number;
}

export interface FakeStats {
  heartbeats: number;
  missedHeartbeats: number;
  identifies: number;
  resumes: number;
  connections: number;
}

const DISCORD_EPOCH = 1420070400000n;
let increment = 0n;

/** Real-looking snowflakes: @discordjs/rest only buckets rate limits correctly for 17–19 digit ids. */
export function snowflake(): string {
  increment = (increment + 1n) % 4096n;
  return (((BigInt(Date.now()) - DISCORD_EPOCH) << 22n) | increment).toString();
}

export class FakeState {
  readonly messages = new Map<string, StoredMessage>();
  /** Every message as it was created and after each edit, in order (deleted ones included). */
  readonly history: StoredMessage[] = [];
  /** Messages created with POST /channels/{id}/messages, per channel, in order. */
  readonly channelPosts = new Map<string, string[]>();
  /** Registered commands by scope: 'global' or a guild id. */
  readonly commands = new Map<string, APIApplicationCommand[]>();
  readonly interactions = new Map<string, InteractionRecord>();
  /** Files uploaded for ATTACHMENT options, by attachment id (see attachments.ts). */
  readonly attachments = new Map<string, StoredAttachment & { announcedSize?: number }>();
  readonly requests: RecordedRequest[] = [];
  /** Failures scripted with fake.failNext(), consumed in order. */
  readonly failures: InjectedFailure[] = [];
  readonly stats: FakeStats = {
    heartbeats: 0,
    missedHeartbeats: 0,
    identifies: 0,
    resumes: 0,
    connections: 0,
  };
  private readonly emitter = new EventEmitter().setMaxListeners(0);
  private closed = false;
  private readonly timers = new Set<NodeJS.Timeout>();

  constructor(readonly config: FakeConfig) {}

  changed(): void {
    this.emitter.emit('changed');
  }

  close(): void {
    this.closed = true;
    for (const t of this.timers) clearTimeout(t);
    this.emitter.emit('closed');
  }

  /** setTimeout that is cleared on close, so a closed fake never keeps the process alive. */
  timer(ms: number, fn: () => void): NodeJS.Timeout {
    const t = setTimeout(() => {
      this.timers.delete(t);
      fn();
    }, ms);
    this.timers.add(t);
    return t;
  }

  clearTimer(t: NodeJS.Timeout | undefined): void {
    if (t) {
      clearTimeout(t);
      this.timers.delete(t);
    }
  }

  /**
   * Resolves with the first non-undefined result of `check`, re-evaluated after every change.
   * `check` may throw to fail fast (e.g. the interaction expired). Rejects after `timeoutMs`.
   */
  waitUntil<T>(check: () => T | undefined, timeoutMs: number, describe: () => string): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const finish = (fn: () => void) => {
        clearTimeout(timeout);
        this.emitter.off('changed', onChange);
        this.emitter.off('closed', onClosed);
        fn();
      };
      const onChange = () => {
        try {
          const value = check();
          if (value !== undefined) finish(() => resolve(value));
        } catch (error) {
          finish(() => reject(error));
        }
      };
      const onClosed = () =>
        finish(() => reject(new Error(`Fake Discord closed while waiting: ${describe()}`)));
      const timeout = setTimeout(
        () => finish(() => reject(new Error(`Timed out after ${timeoutMs} ms waiting: ${describe()}`))),
        timeoutMs,
      );
      this.emitter.on('changed', onChange);
      this.emitter.on('closed', onClosed);
      if (this.closed) onClosed();
      else onChange();
    });
  }
}

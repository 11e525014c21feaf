/**
 * What members told the bot about movies: star ratings (½–5) and marks ("seen", "not interested"), kept in the
 * shared keyv store (SQLite by default, Redis across shards), keyed by Discord user id.
 *
 * Layout in the store (the 'flickpick' namespace):
 * - `member:<discordUserId>` → one document per member: their pseudonymous training id and one entry per movie.
 *   One entry per movie because the latest opinion is the one that counts: rating a dismissed movie replaces
 *   the dismissal, dismissing a rated movie replaces the rating; marking a rated movie "seen" keeps the rating
 *   (a rating already says it was seen).
 * - `members:index` → the Discord ids that have a document, so the retrain can read every member without
 *   scanning the namespace (other state lives there too).
 * - `members:next-pseudonym` → the next training id to hand out. Ids only grow, so a member who asked to be
 *   forgotten and rates again is a new, unrelated training user.
 *
 * Concurrency: every write is one store transaction (storeTransaction: SQLite BEGIN IMMEDIATE, Redis
 * compare-and-set), no lease: it reads the member's document, changes it and writes it back atomically, so two
 * writers of the same member (two shards, two clicks) never lose each other's change. A member's first entry
 * and forget also change the index and the pseudonym counter, in the same transaction.
 *
 * Durability: every method resolves only after the store committed the write. On SQLite that is a committed
 * WAL transaction (journal_mode=WAL, synchronous=NORMAL), which survives kill -9 of the process: the commit is
 * in the WAL file before the call returns; only a power cut could lose the last commits. On Redis it is as
 * durable as the server's persistence settings (appendonly).
 *
 * Privacy: Discord ids never leave this module towards training; `trainingRatings` speaks pseudonyms only, and
 * the mapping between the two lives only here, in the store.
 */
import { createHash } from 'node:crypto';
import type { Keyv } from 'keyv';
import { storeTransaction, type TransactionView } from './transaction.ts';

export type Mark = 'seen' | 'not-interested';

/** One thing a member said about one movie, with when they said it (ms since the epoch). */
export type MemberEntry =
  | { movieId: number; kind: 'rating'; stars: number; at: number }
  | { movieId: number; kind: Mark; at: number };

/** Training user ids for members start here, far above MovieLens's (ml-32m has ~200k users). */
export const MEMBER_USER_ID_BASE = 1_000_000_000;

export interface TrainingRatings {
  userIds: Int32Array;
  movieIds: Int32Array;
  ratings: Float32Array;
  /** SHA-256 (hex) of exactly these triples in this order; equal content gives an equal fingerprint. */
  fingerprint: string;
}

interface StoredEntry {
  /** Stars for a rating; absent for a mark. */
  s?: number;
  /** The mark; absent for a rating. */
  m?: Mark;
  at: number;
}

interface MemberDocument {
  pseudonym: number;
  /** The latest entry time; each new entry gets a later one, so "newest first" is exact even within a millisecond. */
  lastAt?: number;
  /** Keyed by movie id (as a string: JSON object keys). */
  entries: Record<string, StoredEntry>;
}

const INDEX_KEY = 'members:index';
const PSEUDONYM_KEY = 'members:next-pseudonym';
const memberKey = (discordUserId: string) => `member:${discordUserId}`;

export class MemberRatings {
  constructor(private readonly store: Keyv) {}

  /** Records `stars` (0.5–5 in halves) for the movie, replacing any earlier rating or mark of it. */
  async rate(discordUserId: string, movieId: number, stars: number): Promise<void> {
    assertMember(discordUserId);
    assertMovieId(movieId);
    assertStars(stars);
    await this.change(discordUserId, (entries, now) => {
      entries[String(movieId)] = { s: stars, at: now };
    });
  }

  /** Marks the movie; "seen" keeps an existing rating, "not interested" replaces it. */
  async mark(discordUserId: string, movieId: number, mark: Mark): Promise<void> {
    assertMember(discordUserId);
    assertMovieId(movieId);
    if (mark !== 'seen' && mark !== 'not-interested') throw new RangeError(`unknown mark ${String(mark)}`);
    await this.change(discordUserId, (entries, now) => {
      const existing = entries[String(movieId)];
      if (mark === 'seen' && existing?.s !== undefined) return;
      entries[String(movieId)] = { m: mark, at: now };
    });
  }

  /** Removes the member's rating or mark of the movie, if any. */
  async remove(discordUserId: string, movieId: number): Promise<void> {
    assertMember(discordUserId);
    assertMovieId(movieId);
    await this.change(
      discordUserId,
      (entries) => {
        delete entries[String(movieId)];
      },
      { register: false },
    );
  }

  /** The member's ratings and marks, newest first. */
  async list(discordUserId: string): Promise<MemberEntry[]> {
    assertMember(discordUserId);
    const document = await this.read(discordUserId);
    return document ? entriesOf(document) : [];
  }

  /** Every movie never to recommend to the member: rated, seen or not interested. */
  async excluded(discordUserId: string): Promise<Set<number>> {
    assertMember(discordUserId);
    const document = await this.read(discordUserId);
    return new Set(document ? Object.keys(document.entries).map(Number) : []);
  }

  /** The member's star ratings as the engine takes them (marks are not ratings). */
  async ratings(discordUserId: string): Promise<{ movieId: number; rating: number }[]> {
    return (await this.list(discordUserId)).flatMap((entry) =>
      entry.kind === 'rating' ? [{ movieId: entry.movieId, rating: entry.stars }] : [],
    );
  }

  /** Deletes all of the member's ratings and marks and their pseudonym, in one store transaction. */
  async forget(discordUserId: string): Promise<void> {
    assertMember(discordUserId);
    await storeTransaction(this.store, [memberKey(discordUserId), INDEX_KEY], (tx) => {
      tx.delete(memberKey(discordUserId));
      const index = tx.get<string[]>(INDEX_KEY) ?? [];
      if (index.includes(discordUserId))
        tx.set(
          INDEX_KEY,
          index.filter((id) => id !== discordUserId),
        );
    });
  }

  /**
   * Every member's star ratings under pseudonymous training ids (≥ MEMBER_USER_ID_BASE), ordered by
   * training id then movie id, with a fingerprint of exactly that content. Marks are not training data.
   */
  async trainingRatings(): Promise<TrainingRatings> {
    const index = await this.readIndex();
    const documents =
      index.length === 0 ? [] : await this.store.getMany<MemberDocument>(index.map(memberKey));
    const rows: { userId: number; movieId: number; rating: number }[] = [];
    for (const document of documents) {
      if (!document) continue;
      for (const [movieId, entry] of Object.entries(document.entries)) {
        if (entry.s !== undefined)
          rows.push({ userId: document.pseudonym, movieId: Number(movieId), rating: entry.s });
      }
    }
    rows.sort((a, b) => a.userId - b.userId || a.movieId - b.movieId);
    const userIds = Int32Array.from(rows, (row) => row.userId);
    const movieIds = Int32Array.from(rows, (row) => row.movieId);
    const ratings = Float32Array.from(rows, (row) => row.rating);
    const hash = createHash('sha256').update('flickpick-member-ratings-v1\n');
    hash.update(new Uint8Array(userIds.buffer)).update(new Uint8Array(movieIds.buffer));
    hash.update(new Uint8Array(ratings.buffer));
    return { userIds, movieIds, ratings, fingerprint: hash.digest('hex') };
  }

  private async read(discordUserId: string): Promise<MemberDocument | undefined> {
    return this.store.get<MemberDocument>(memberKey(discordUserId));
  }

  private async readIndex(): Promise<string[]> {
    return (await this.store.get<string[]>(INDEX_KEY)) ?? [];
  }

  /**
   * One member's read-change-write as one transaction. Most writes need only the member's own document; a
   * member without one also needs the registry (index, pseudonym counter), so that case runs again over those
   * keys too, keeping the registry out of every other write (on Redis, every key read is a key that can conflict).
   */
  private async change(
    discordUserId: string,
    edit: (entries: Record<string, StoredEntry>, now: number) => void,
    options: { register: boolean } = { register: true },
  ): Promise<void> {
    const key = memberKey(discordUserId);
    let keys = [key];
    for (;;) {
      const written = await storeTransaction(this.store, keys, (tx) => {
        let document = tx.get<MemberDocument>(key);
        if (!document) {
          if (!options.register) return true;
          if (keys.length === 1) return false;
          document = { pseudonym: register(tx, discordUserId), entries: {} };
        }
        const now = Math.max(Date.now(), (document.lastAt ?? 0) + 1);
        edit(document.entries, now);
        document.lastAt = now;
        tx.set(key, document);
        return true;
      });
      if (written) return;
      keys = [key, INDEX_KEY, PSEUDONYM_KEY];
    }
  }
}

/** A new pseudonym for a member without a document, and their place in the index (inside a transaction). */
function register(tx: TransactionView, discordUserId: string): number {
  const pseudonym = tx.get<number>(PSEUDONYM_KEY) ?? MEMBER_USER_ID_BASE;
  if (pseudonym > 0x7fffffff) throw new Error('member pseudonyms exhausted (beyond int32)');
  tx.set(PSEUDONYM_KEY, pseudonym + 1);
  const index = tx.get<string[]>(INDEX_KEY) ?? [];
  if (!index.includes(discordUserId)) tx.set(INDEX_KEY, [...index, discordUserId]);
  return pseudonym;
}

function entriesOf(document: MemberDocument): MemberEntry[] {
  const entries = Object.entries(document.entries).map(([id, entry]): MemberEntry => {
    const movieId = Number(id);
    return entry.s !== undefined
      ? { movieId, kind: 'rating', stars: entry.s, at: entry.at }
      : { movieId, kind: entry.m ?? 'seen', at: entry.at };
  });
  // Newest first; equal times (same millisecond) fall back to movie id so the order is stable.
  return entries.sort((a, b) => b.at - a.at || a.movieId - b.movieId);
}

/** Half stars from ½ to 5, as Discord's /rate and the card buttons offer. */
export function isValidStars(stars: number): boolean {
  return Number.isFinite(stars) && stars >= 0.5 && stars <= 5 && Number.isInteger(stars * 2);
}

function assertStars(stars: number): void {
  if (!isValidStars(stars)) throw new RangeError(`stars must be 0.5–5 in halves, got ${stars}`);
}

function assertMovieId(movieId: number): void {
  if (!(Number.isInteger(movieId) && movieId > 0))
    throw new RangeError(`movieId must be a positive integer, got ${movieId}`);
}

function assertMember(discordUserId: string): void {
  if (!/^\d{1,20}$/.test(discordUserId))
    throw new RangeError('discordUserId must be a Discord snowflake (digits)');
}

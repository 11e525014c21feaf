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
import { memberSettingsKey } from './member-settings.ts';
import { storeTransaction, type TransactionView } from './transaction.ts';

export type Mark = 'seen' | 'not-interested';

/**
 * Where an entry came from: absent for what the member did in Discord (/rate, card buttons), else the export
 * it was imported from. A newer import may update its own entries, never the member's.
 */
export type EntrySource = 'letterboxd' | 'imdb';

/** One thing a member said about one movie, with when they said it (ms since the epoch). */
export type MemberEntry =
  | { movieId: number; kind: 'rating'; stars: number; at: number; source?: EntrySource }
  | { movieId: number; kind: Mark; at: number; source?: EntrySource };

/** A movie on the member's personal watchlist ("Save for later" or an imported Letterboxd watchlist). */
export interface WatchlistEntry {
  movieId: number;
  at: number;
  source?: EntrySource;
}

/** What one import writes: ratings (with stars), "seen" marks, or watchlist entries, all from one source. */
export interface ImportBatch {
  target: 'ratings' | 'seen' | 'watchlist';
  source: EntrySource;
  entries: readonly { movieId: number; stars?: number }[];
}

/** What an import did, movie by movie, counted. */
export interface ImportOutcome {
  added: number;
  /** Entries an earlier import wrote that now say something else (a changed rating). */
  updated: number;
  /** Already there as the export says (re-importing the same file changes nothing). */
  unchanged: number;
  /** Movies the member rated or marked in Discord: their word stands over any export. */
  keptYours: number;
}

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
  /** The mark, or 'watchlist' for a saved movie (one entry per movie: rating it replaces the save); absent for a rating. */
  m?: Mark | 'watchlist';
  at: number;
  /** The import it came from (see EntrySource); absent for the member's own. */
  src?: EntrySource;
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

  /** Every movie never to recommend to the member: rated, seen or not interested (saved ones stay, marked). */
  async excluded(discordUserId: string): Promise<Set<number>> {
    return new Set((await this.list(discordUserId)).map((entry) => entry.movieId));
  }

  /** The member's saved movies, newest first. */
  async watchlist(discordUserId: string): Promise<WatchlistEntry[]> {
    assertMember(discordUserId);
    const document = await this.read(discordUserId);
    if (!document) return [];
    return Object.entries(document.entries)
      .flatMap(([id, entry]) =>
        entry.m === 'watchlist'
          ? [{ movieId: Number(id), at: entry.at, ...(entry.src ? { source: entry.src } : {}) }]
          : [],
      )
      .sort((a, b) => b.at - a.at || a.movieId - b.movieId);
  }

  /** Saves the movie for later; a movie already rated or marked stays as it is (false then). */
  async saveForLater(discordUserId: string, movieId: number): Promise<boolean> {
    assertMember(discordUserId);
    assertMovieId(movieId);
    let saved = false;
    // The edit may run more than once (a Redis retry, a first write that registers): it sets, never accumulates.
    await this.change(discordUserId, (entries, now) => {
      saved = false;
      const existing = entries[String(movieId)];
      if (existing && existing.m !== 'watchlist') return false;
      saved = true;
      if (existing) return false;
      entries[String(movieId)] = { m: 'watchlist', at: now };
    });
    return saved;
  }

  /** Takes the movie off the member's watchlist (ratings and marks are left alone); false when it was not on it. */
  async removeFromWatchlist(discordUserId: string, movieId: number): Promise<boolean> {
    assertMember(discordUserId);
    assertMovieId(movieId);
    let removed = false;
    await this.change(discordUserId, (entries) => {
      removed = false;
      if (entries[String(movieId)]?.m !== 'watchlist') return false;
      delete entries[String(movieId)];
      removed = true;
    });
    return removed;
  }

  /** What importEntries would do now, without writing (the import preview's counts). */
  async previewImport(discordUserId: string, batch: ImportBatch): Promise<ImportOutcome> {
    assertMember(discordUserId);
    const entries = structuredClone((await this.read(discordUserId))?.entries ?? {});
    const outcome: ImportOutcome = { added: 0, updated: 0, unchanged: 0, keptYours: 0 };
    for (const entry of batch.entries)
      outcome[importInto(entries, String(entry.movieId), batch, entry.stars, 0)]++;
    return outcome;
  }

  /**
   * Writes a whole import as one store transaction over the member's document (all of it or none of it
   * survives a crash). The member's own entries are never replaced; an import's own earlier entries are
   * updated; nothing is written when nothing changes.
   */
  async importEntries(discordUserId: string, batch: ImportBatch): Promise<ImportOutcome> {
    assertMember(discordUserId);
    for (const entry of batch.entries) {
      assertMovieId(entry.movieId);
      if (batch.target === 'ratings') assertStars(entry.stars ?? Number.NaN);
    }
    let outcome: ImportOutcome = { added: 0, updated: 0, unchanged: 0, keptYours: 0 };
    await this.change(discordUserId, (entries, now) => {
      outcome = { added: 0, updated: 0, unchanged: 0, keptYours: 0 };
      let at = now;
      for (const entry of batch.entries) {
        const key = String(entry.movieId);
        const result = importInto(entries, key, batch, entry.stars, at);
        outcome[result]++;
        if (result === 'added' || result === 'updated') at++;
      }
      // Later entry times than `now` were handed out; the document's clock must move past them.
      return at === now ? false : at - 1;
    });
    return outcome;
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
    const settings = memberSettingsKey(discordUserId);
    await storeTransaction(this.store, [memberKey(discordUserId), INDEX_KEY, settings], (tx) => {
      tx.delete(memberKey(discordUserId));
      tx.delete(settings);
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
    /** Returns false when it changed nothing (no write then), or the latest entry time it used if past `now`. */
    edit: (entries: Record<string, StoredEntry>, now: number) => void | false | number,
    options: { register: boolean } = { register: true },
  ): Promise<void> {
    const key = memberKey(discordUserId);
    let keys = [key];
    for (;;) {
      const written = await storeTransaction(this.store, keys, (tx) => {
        const existing = tx.get<MemberDocument>(key);
        const now = Math.max(Date.now(), (existing?.lastAt ?? 0) + 1);
        const entries = existing?.entries ?? {};
        const result = edit(entries, now);
        // Nothing changed (a re-import, a save of a saved movie): no write, and no registration either.
        if (result === false) return true;
        let document = existing;
        if (!document) {
          if (!options.register) return true;
          if (keys.length === 1) return false;
          document = { pseudonym: register(tx, discordUserId), entries };
        }
        document.lastAt = typeof result === 'number' ? Math.max(now, result) : now;
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

/**
 * One movie of an import into the member's entries: 'added', 'updated' (an earlier import's entry), 'unchanged'
 * or 'keptYours' (the member's own word stands).
 */
function importInto(
  entries: Record<string, StoredEntry>,
  key: string,
  batch: ImportBatch,
  stars: number | undefined,
  at: number,
): keyof ImportOutcome {
  const existing = entries[key];
  const fresh: StoredEntry =
    batch.target === 'ratings'
      ? { s: stars, at, src: batch.source }
      : { m: batch.target === 'seen' ? 'seen' : 'watchlist', at, src: batch.source };
  if (!existing) {
    entries[key] = fresh;
    return 'added';
  }
  const saved = existing.m === 'watchlist';
  if (batch.target === 'watchlist') return existing.src || saved ? 'unchanged' : 'keptYours';
  if (batch.target === 'seen') {
    // Having seen it takes it off the watchlist; a rating or a mark already says more.
    if (saved) {
      entries[key] = fresh;
      return 'updated';
    }
    return existing.src ? 'unchanged' : 'keptYours';
  }
  if (!existing.src && !saved) return 'keptYours';
  if (existing.s === stars) return 'unchanged';
  entries[key] = fresh;
  return existing.s === undefined && saved && !existing.src ? 'added' : 'updated';
}

function entriesOf(document: MemberDocument): MemberEntry[] {
  const entries = Object.entries(document.entries).flatMap(([id, entry]): MemberEntry[] => {
    const movieId = Number(id);
    const source = entry.src ? { source: entry.src } : {};
    if (entry.s !== undefined) return [{ movieId, kind: 'rating', stars: entry.s, at: entry.at, ...source }];
    // Saved movies are not ratings or marks: watchlist() lists them.
    if (entry.m === 'watchlist') return [];
    return [{ movieId, kind: entry.m ?? 'seen', at: entry.at, ...source }];
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

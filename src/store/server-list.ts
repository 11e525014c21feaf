/**
 * A server's movie list ("our list"): movies its members want to watch together, and the ones the
 * server already watched (which movie nights here then never propose again, unless someone re-adds
 * them). One document per server, `server:<guildId>:list`; no member ids: the list is the server's.
 */
import type { Keyv } from 'keyv';
import { updateDocument } from './guarded-document.ts';

/** A list this long still pages quickly and ranks in well under a millisecond. */
export const MAX_SERVER_LIST = 500;

interface ServerListDocument {
  /** Movie id → when it was added (ms); insertion order is the list's order. */
  movies: Record<string, number>;
  /** Movie id → when it was watched (ms). */
  watched: Record<string, number>;
}

export interface ServerListEntry {
  movieId: number;
  addedAt: number;
}

export type AddResult = 'added' | 'already' | 'full';

const listKey = (guildId: string) => `server:${guildId}:list`;
const empty = (): ServerListDocument => ({ movies: {}, watched: {} });

export class ServerList {
  constructor(
    private readonly store: Keyv,
    private readonly guildId: string,
  ) {}

  /** The list, oldest addition first. */
  async entries(): Promise<ServerListEntry[]> {
    const doc = await this.read();
    return Object.entries(doc.movies)
      .map(([movieId, addedAt]) => ({ movieId: Number(movieId), addedAt }))
      .sort((a, b) => a.addedAt - b.addedAt || a.movieId - b.movieId);
  }

  /** Movies this server watched and did not add back: left out of its movie nights. */
  async watched(): Promise<Set<number>> {
    return new Set(Object.keys((await this.read()).watched).map(Number));
  }

  /** Adds a movie (re-adding a watched one makes it eligible again). */
  async add(movieId: number, now = Date.now()): Promise<AddResult> {
    let result: AddResult = 'added';
    await this.change((doc) => {
      const key = String(movieId);
      if (key in doc.movies) result = 'already';
      else if (Object.keys(doc.movies).length >= MAX_SERVER_LIST) result = 'full';
      else {
        result = 'added';
        doc.movies[key] = Math.max(now, ...Object.values(doc.movies).map((at) => at + 1));
        delete doc.watched[key];
      }
    });
    return result;
  }

  /** Takes a movie off the list; false if it was not on it. */
  async remove(movieId: number): Promise<boolean> {
    let removed = false;
    await this.change((doc) => {
      removed = String(movieId) in doc.movies;
      delete doc.movies[String(movieId)];
    });
    return removed;
  }

  /** The server watched it: off the list, and not proposed here again. True if it was on the list. */
  async markWatched(movieId: number, now = Date.now()): Promise<boolean> {
    let wasListed = false;
    await this.change((doc) => {
      wasListed = String(movieId) in doc.movies;
      delete doc.movies[String(movieId)];
      doc.watched[String(movieId)] = now;
    });
    return wasListed;
  }

  private async read(): Promise<ServerListDocument> {
    return (await this.store.get<ServerListDocument>(listKey(this.guildId))) ?? empty();
  }

  private async change(edit: (doc: ServerListDocument) => void): Promise<void> {
    await updateDocument<ServerListDocument>(this.store, listKey(this.guildId), (current) => {
      const doc = current ?? empty();
      edit(doc);
      return doc;
    });
  }
}

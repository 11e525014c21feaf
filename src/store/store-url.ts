/** Turns STORE_URL (or its absence) into a decision about which backend keeps the bot's state. */
import { isAbsolute, join, resolve } from 'node:path';

export type StoreTarget = { kind: 'sqlite'; path: string } | { kind: 'redis'; url: string };

export const DEFAULT_SQLITE_FILE = 'flickpick.sqlite';

const ACCEPTED_FORMS =
  'redis://[user:password@]host:port[/db], rediss://… (TLS), sqlite:///absolute/path.sqlite, ' +
  'sqlite://relative/path.sqlite, or unset for <dataDir>/flickpick.sqlite';

/**
 * `url` undefined or empty → the SQLite file under `dataDir`. `sqlite://` paths are taken literally after the
 * scheme (so `sqlite:///var/x.sqlite` is absolute and `sqlite://data/x.sqlite` is relative to the working
 * directory); a URL parser would read the first segment of a relative path as a host name.
 */
export function resolveStoreTarget(url: string | undefined, dataDir: string): StoreTarget {
  const trimmed = url?.trim() ?? '';
  if (trimmed === '') return { kind: 'sqlite', path: join(dataDir, DEFAULT_SQLITE_FILE) };

  const scheme = /^([a-z][a-z0-9+.-]*):\/\//i.exec(trimmed)?.[1]?.toLowerCase();
  if (scheme === 'redis' || scheme === 'rediss') {
    assertParsableRedisUrl(trimmed);
    return { kind: 'redis', url: trimmed };
  }
  if (scheme === 'sqlite') {
    const path = trimmed.slice('sqlite://'.length);
    if (path === '')
      throw new Error(`STORE_URL "sqlite://" names no file. Accepted forms: ${ACCEPTED_FORMS}.`);
    return { kind: 'sqlite', path: path === ':memory:' || isAbsolute(path) ? path : resolve(path) };
  }
  // Only the scheme is echoed: the rest of an unknown URL may hold a password.
  const shown = scheme === undefined ? 'a value without a scheme' : `a ${scheme}:// URL`;
  throw new Error(`Unsupported STORE_URL (${shown}). Accepted forms: ${ACCEPTED_FORMS}.`);
}

function assertParsableRedisUrl(url: string): void {
  try {
    new URL(url);
  } catch {
    throw new Error(`STORE_URL is not a valid redis URL. Accepted forms: ${ACCEPTED_FORMS}.`);
  }
}

/** For log lines and error messages: the URL without its password. */
export function redactStoreUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return url.replace(/\/\/[^@/]*@/, '//***@');
  }
}

import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createStore, redactStoreUrl, resolveStoreTarget } from '../../src/store/index.ts';

describe('resolveStoreTarget', () => {
  it('falls back to the SQLite file in the data folder when unset or blank', () => {
    expect(resolveStoreTarget(undefined, '/srv/data')).toEqual({
      kind: 'sqlite',
      path: join('/srv/data', 'flickpick.sqlite'),
    });
    expect(resolveStoreTarget('  ', '/srv/data').kind).toBe('sqlite');
  });

  it('reads sqlite:// paths literally, absolute or relative to the working directory', () => {
    expect(resolveStoreTarget('sqlite:///var/lib/flickpick.sqlite', '/d')).toEqual({
      kind: 'sqlite',
      path: '/var/lib/flickpick.sqlite',
    });
    expect(resolveStoreTarget('sqlite://state/bot.sqlite', '/d')).toEqual({
      kind: 'sqlite',
      path: resolve('state/bot.sqlite'),
    });
  });

  it('passes redis and rediss URLs through', () => {
    expect(resolveStoreTarget('redis://127.0.0.1:6379/2', '/d')).toEqual({
      kind: 'redis',
      url: 'redis://127.0.0.1:6379/2',
    });
    expect(resolveStoreTarget('rediss://cache.internal:6380', '/d').kind).toBe('redis');
  });

  it('names STORE_URL and the accepted forms, without echoing secrets, for anything else', () => {
    const attempt = () => resolveStoreTarget('postgres://bot:hunter2@db/flickpick', '/d');
    expect(attempt).toThrow(/STORE_URL/);
    expect(attempt).toThrow(/redis:\/\/.*sqlite:\/\//);
    expect(attempt).toThrow(/postgres:\/\//);
    expect(attempt).not.toThrow(/hunter2/);
    expect(() => resolveStoreTarget('flickpick.sqlite', '/d')).toThrow(/STORE_URL/);
    expect(() => resolveStoreTarget('sqlite://', '/d')).toThrow(/STORE_URL/);
  });

  it('makes createStore refuse an unsupported URL before opening anything', () => {
    expect(() => createStore({ url: 'memcached://localhost', namespace: 'x' })).toThrow(/STORE_URL/);
  });
});

describe('redactStoreUrl', () => {
  it('hides the password of a redis URL', () => {
    expect(redactStoreUrl('redis://user:hunter2@host:6379/0')).toBe('redis://user:***@host:6379/0');
    expect(redactStoreUrl('redis://host:6379')).toBe('redis://host:6379');
  });
});

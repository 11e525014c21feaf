import { describe, expect, it } from 'vitest';
import { requireSharedStore, respawnDelayMs } from '../../src/bot/shard-manager.ts';
import { ConfigError, loadConfig } from '../../src/config.ts';

describe('shard manager rules', () => {
  it('respawns after 1 s, doubling with each exit in the window, at most a minute', () => {
    expect([1, 2, 3, 4, 6, 7, 20].map(respawnDelayMs)).toEqual([
      1_000, 2_000, 4_000, 8_000, 32_000, 60_000, 60_000,
    ]);
  });

  it('needs Redis for more than one shard', () => {
    expect(() => requireSharedStore(loadConfig({ SHARD_COUNT: '3' }), 3)).toThrow(ConfigError);
    expect(() =>
      requireSharedStore(loadConfig({ SHARD_COUNT: '3', STORE_URL: 'sqlite:///tmp/x.sqlite' }), 3),
    ).toThrow('SHARD_COUNT=3 means 3 shard processes');
    expect(() =>
      requireSharedStore(loadConfig({ SHARD_COUNT: 'auto', STORE_URL: 'redis://127.0.0.1:6379' }), 4),
    ).not.toThrow();
  });
});

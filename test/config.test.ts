import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig, requireDiscordToken } from '../src/config.ts';

describe('loadConfig', () => {
  it('has working defaults with an empty environment', () => {
    const config = loadConfig({});
    expect(config.movielensDir).toBe(path.resolve('data/ml-latest-small'));
    expect(config.modelsDir).toBe(path.resolve('models'));
    expect(config.retrain).toEqual({
      cron: '0 3 * * *',
      timezone: undefined,
      channelId: undefined,
      maxRmseIncrease: 0.01,
    });
    expect(config.storeUrl).toBeUndefined();
    expect(config.adminUserIds).toEqual([]);
    expect(config.shardCount).toBe(1);
    expect(config.health).toEqual({ port: undefined, host: '127.0.0.1' });
  });

  it('reads the runtime settings', () => {
    expect(loadConfig({ SHARD_COUNT: 'auto' }).shardCount).toBe('auto');
    expect(loadConfig({ SHARD_COUNT: '4' }).shardCount).toBe(4);
    expect(loadConfig({ HEALTH_PORT: '8081', HEALTH_HOST: '0.0.0.0' }).health).toEqual({
      port: 8081,
      host: '0.0.0.0',
    });
    expect(loadConfig({ HEALTH_PORT: '0' }).health?.port).toBe(0);
  });

  it('chooses the MovieLens variant, its default folder, and refuses an unknown one', () => {
    expect(loadConfig({}).movielensDataset).toBe('ml-latest-small');
    const big = loadConfig({ MOVIELENS_DATASET: 'ml-32m' });
    expect(big.movielensDataset).toBe('ml-32m');
    expect(big.movielensDir).toBe(path.resolve('data/ml-32m'));
    expect(loadConfig({ MOVIELENS_DATASET: 'ml-latest', MOVIELENS_DIR: '/d' }).movielensDir).toBe('/d');
    expect(() => loadConfig({ MOVIELENS_DATASET: 'ml-1m' })).toThrow(
      'MOVIELENS_DATASET must be one of ml-latest-small, ml-32m, ml-latest, got "ml-1m"',
    );
  });

  it('reads every setting', () => {
    const config = loadConfig({
      DISCORD_TOKEN: 'abc.def',
      DISCORD_GUILD_ID: '123456789012345678',
      DISCORD_API_URL: 'http://127.0.0.1:8080/api/',
      STORE_URL: 'redis://localhost:6379',
      RETRAIN_CRON: '30 4 * * 1',
      RETRAIN_TZ: 'Europe/Paris',
      RETRAIN_MAX_RMSE_INCREASE: '0.02',
      STORE_BUSY_TIMEOUT_MS: '2500',
      ADMIN_USER_IDS: '123456789012345678, 223456789012345678',
    });
    expect(config.discord).toEqual({
      token: 'abc.def',
      clientId: undefined,
      guildId: '123456789012345678',
      apiUrl: 'http://127.0.0.1:8080/api',
    });
    expect(config.storeUrl).toBe('redis://localhost:6379');
    expect(config.storeBusyTimeoutMs).toBe(2500);
    expect(config.retrain).toEqual({
      cron: '30 4 * * 1',
      timezone: 'Europe/Paris',
      channelId: undefined,
      maxRmseIncrease: 0.02,
    });
    expect(config.adminUserIds).toEqual(['123456789012345678', '223456789012345678']);
  });

  it.each([
    [{ DISCORD_GUILD_ID: '12' }, 'DISCORD_GUILD_ID must be a Discord id'],
    [{ DISCORD_API_URL: 'not a url' }, 'DISCORD_API_URL must be a URL'],
    [{ STORE_URL: 'mysql://x' }, 'STORE_URL must start with redis:// or rediss:// or sqlite://'],
    [{ LOG_LEVEL: 'loud' }, 'LOG_LEVEL must be one of'],
    [{ RETRAIN_CRON: 'every night' }, 'RETRAIN_CRON must be a cron expression'],
    [{ RETRAIN_TZ: 'Mars/Olympus' }, 'RETRAIN_TZ must be an IANA time zone'],
    [{ RETRAIN_MAX_RMSE_INCREASE: '-1' }, 'RETRAIN_MAX_RMSE_INCREASE must be a number ≥ 0'],
    [
      { ADMIN_USER_IDS: '123456789012345678,bob' },
      'ADMIN_USER_IDS must be comma-separated Discord user ids, got "bob"',
    ],
    [{ DISCORD_TOKEN: 'two words' }, 'DISCORD_TOKEN contains whitespace'],
    [{ SHARD_COUNT: '0' }, 'SHARD_COUNT must be "auto" or a whole number ≥ 1'],
    [{ SHARD_COUNT: 'two' }, 'SHARD_COUNT must be "auto" or a whole number ≥ 1 (e.g. 2), got "two"'],
    [{ HEALTH_PORT: '70000' }, 'HEALTH_PORT must be a TCP port'],
    [{ STORE_BUSY_TIMEOUT_MS: '0' }, 'STORE_BUSY_TIMEOUT_MS must be a whole number of milliseconds > 0'],
  ])('names the malformed setting in %j', (env, message) => {
    expect(() => loadConfig(env)).toThrow(ConfigError);
    expect(() => loadConfig(env)).toThrow(message);
  });

  it('explains how to get a token when the bot has none', () => {
    expect(() => requireDiscordToken(loadConfig({}))).toThrow(
      /DISCORD_TOKEN is not set[\s\S]*npm run cli -- recommend/,
    );
  });
});

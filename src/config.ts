import path from 'node:path';
import cron from 'node-cron';
import { DATASET_NAMES, type DatasetName } from './data/download.ts';

/** A setting is missing or malformed; the message says which one and what to set. */
export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConfigError';
  }
}

export interface Config {
  /** Which MovieLens to download when movielensDir has none (MOVIELENS_DATASET; default ml-latest-small). */
  movielensDataset?: DatasetName;
  movielensDir: string;
  modelsDir: string;
  /** Where the SQLite store and other local state live. */
  dataDir: string;
  logLevel: string;
  /** keyv backend: undefined = SQLite file under dataDir; redis://… or sqlite://… otherwise. */
  storeUrl?: string;
  /**
   * STORE_BUSY_TIMEOUT_MS: how long a write waits for another process's SQLite write before it fails (the
   * member is told it did not go through). Default 10,000.
   */
  storeBusyTimeoutMs?: number;
  discord: {
    token?: string;
    clientId?: string;
    guildId?: string;
    apiUrl?: string;
    /** How long an interaction token can edit its reply: Discord's 15 min unless set (tests shorten it). */
    interactionTokenLifeMs?: number;
  };
  tmdb: { apiKey?: string; readToken?: string; baseUrl?: string };
  retrain: { cron: string; timezone?: string; channelId?: string; maxRmseIncrease: number };
  adminUserIds: string[];
  // Optional so that configs built by hand (tests) need not name them; loadConfig always sets them.
  /** SHARD_COUNT: gateway shards, one process each; 'auto' asks Discord (GET /gateway/bot). Default 1. */
  shardCount?: number | 'auto';
  /** HEALTH_PORT (shard n listens on port + n) and HEALTH_HOST; no port = no endpoint. */
  health?: { port?: number; host: string };
  /** COMMAND_COOLDOWN_SECONDS: per member, between two runs of /recommend, /foryou or /movienight. Default 10. */
  commandCooldownSeconds?: number;
}

/** Long enough that one member cannot keep a shard busy with heavy picks; short enough not to be noticed. */
export const DEFAULT_COOLDOWN_SECONDS = 10;

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];
const SNOWFLAKE = /^\d{17,20}$/;

function optional(env: NodeJS.ProcessEnv, name: string): string | undefined {
  const value = env[name]?.trim();
  return value === '' ? undefined : value;
}

function snowflake(env: NodeJS.ProcessEnv, name: string): string | undefined {
  const value = optional(env, name);
  if (value !== undefined && !SNOWFLAKE.test(value)) {
    throw new ConfigError(
      `${name} must be a Discord id (17–20 digits; right-click → Copy ID), got "${value}"`,
    );
  }
  return value;
}

function url(env: NodeJS.ProcessEnv, name: string, protocols: string[]): string | undefined {
  const value = optional(env, name);
  if (value === undefined) return undefined;
  let parsed: URL;
  try {
    parsed = new URL(value);
  } catch {
    throw new ConfigError(`${name} must be a URL (${protocols.join(' or ')}), got "${value}"`);
  }
  if (!protocols.includes(parsed.protocol.replace(/:$/, ''))) {
    throw new ConfigError(
      `${name} must start with ${protocols.map((p) => `${p}://`).join(' or ')}, got "${value}"`,
    );
  }
  return value.replace(/\/+$/, '');
}

function shardCount(env: NodeJS.ProcessEnv): number | 'auto' {
  const value = optional(env, 'SHARD_COUNT') ?? '1';
  if (value === 'auto') return 'auto';
  const count = Number(value);
  if (!/^\d+$/.test(value) || count < 1) {
    throw new ConfigError(`SHARD_COUNT must be "auto" or a whole number ≥ 1 (e.g. 2), got "${value}"`);
  }
  return count;
}

function port(env: NodeJS.ProcessEnv, name: string): number | undefined {
  const value = optional(env, name);
  if (value === undefined) return undefined;
  const number = Number(value);
  if (!/^\d+$/.test(value) || number > 65535) {
    throw new ConfigError(`${name} must be a TCP port (0–65535; 0 picks a free one), got "${value}"`);
  }
  return number;
}

/**
 * Reads every setting from the environment (.env is loaded by the entry points) and fails fast,
 * naming the setting, when one is malformed. Nothing here requires a Discord token: the CLI works
 * without one; the bot checks for it itself (see requireDiscordToken).
 */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const logLevel = optional(env, 'LOG_LEVEL') ?? 'info';
  if (!LOG_LEVELS.includes(logLevel)) {
    throw new ConfigError(`LOG_LEVEL must be one of ${LOG_LEVELS.join(', ')}, got "${logLevel}"`);
  }
  const timezone = optional(env, 'RETRAIN_TZ');
  if (timezone !== undefined) {
    try {
      new Intl.DateTimeFormat('en', { timeZone: timezone });
    } catch {
      throw new ConfigError(`RETRAIN_TZ must be an IANA time zone such as Europe/Paris, got "${timezone}"`);
    }
  }
  const schedule = optional(env, 'RETRAIN_CRON') ?? '0 3 * * *';
  if (!cron.validate(schedule)) {
    throw new ConfigError(
      `RETRAIN_CRON must be a cron expression such as "0 3 * * *" (03:00 daily), got "${schedule}"`,
    );
  }
  const margin = optional(env, 'RETRAIN_MAX_RMSE_INCREASE') ?? '0.01';
  const maxRmseIncrease = Number(margin);
  if (!Number.isFinite(maxRmseIncrease) || maxRmseIncrease < 0) {
    throw new ConfigError(`RETRAIN_MAX_RMSE_INCREASE must be a number ≥ 0 (e.g. 0.01), got "${margin}"`);
  }
  const admins = (optional(env, 'ADMIN_USER_IDS') ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  const badAdmin = admins.find((id) => !SNOWFLAKE.test(id));
  if (badAdmin)
    throw new ConfigError(`ADMIN_USER_IDS must be comma-separated Discord user ids, got "${badAdmin}"`);
  const token = optional(env, 'DISCORD_TOKEN');
  if (token !== undefined && /\s/.test(token)) {
    throw new ConfigError(
      'DISCORD_TOKEN contains whitespace: copy the token again from the Developer Portal',
    );
  }
  const cooldownText = optional(env, 'COMMAND_COOLDOWN_SECONDS') ?? String(DEFAULT_COOLDOWN_SECONDS);
  const commandCooldownSeconds = Number(cooldownText);
  if (!/^\d+$/.test(cooldownText) || commandCooldownSeconds > 3600) {
    throw new ConfigError(
      `COMMAND_COOLDOWN_SECONDS must be a whole number of seconds from 0 (no cooldown) to 3600, got "${cooldownText}"`,
    );
  }
  const dataDir = path.resolve(optional(env, 'DATA_DIR') ?? 'data');
  const busyTimeout = optional(env, 'STORE_BUSY_TIMEOUT_MS');
  const storeBusyTimeoutMs = busyTimeout === undefined ? undefined : Number(busyTimeout);
  if (storeBusyTimeoutMs !== undefined && !(Number.isInteger(storeBusyTimeoutMs) && storeBusyTimeoutMs > 0)) {
    throw new ConfigError(
      `STORE_BUSY_TIMEOUT_MS must be a whole number of milliseconds > 0, got "${busyTimeout}"`,
    );
  }
  const movielensDataset = (optional(env, 'MOVIELENS_DATASET') ?? 'ml-latest-small') as DatasetName;
  if (!DATASET_NAMES.includes(movielensDataset)) {
    throw new ConfigError(
      `MOVIELENS_DATASET must be one of ${DATASET_NAMES.join(', ')}, got "${movielensDataset}"`,
    );
  }
  return {
    movielensDataset,
    movielensDir: path.resolve(optional(env, 'MOVIELENS_DIR') ?? path.join('data', movielensDataset)),
    modelsDir: path.resolve(optional(env, 'MODELS_DIR') ?? 'models'),
    dataDir,
    logLevel,
    storeUrl: url(env, 'STORE_URL', ['redis', 'rediss', 'sqlite']),
    ...(storeBusyTimeoutMs === undefined ? {} : { storeBusyTimeoutMs }),
    discord: {
      token,
      clientId: snowflake(env, 'DISCORD_CLIENT_ID'),
      guildId: snowflake(env, 'DISCORD_GUILD_ID'),
      apiUrl: url(env, 'DISCORD_API_URL', ['http', 'https']),
    },
    tmdb: {
      apiKey: optional(env, 'TMDB_API_KEY'),
      readToken: optional(env, 'TMDB_READ_TOKEN'),
      baseUrl: url(env, 'TMDB_API_URL', ['http', 'https']),
    },
    retrain: {
      cron: schedule,
      timezone,
      channelId: snowflake(env, 'RETRAIN_CHANNEL_ID'),
      maxRmseIncrease,
    },
    adminUserIds: admins,
    shardCount: shardCount(env),
    health: { port: port(env, 'HEALTH_PORT'), host: optional(env, 'HEALTH_HOST') ?? '127.0.0.1' },
    commandCooldownSeconds,
  };
}

export const MISSING_TOKEN_HELP = `DISCORD_TOKEN is not set.
  1. Create an application at https://discord.com/developers/applications, open "Bot" and
     "Reset Token"; put it in .env as DISCORD_TOKEN=… (see .env.example).
  2. Invite the bot with the "bot" and "applications.commands" scopes.
To try the recommender without Discord:
  npm run train && npm run cli -- recommend "The Matrix" "Toy Story" "Fight Club"`;

export function requireDiscordToken(config: Config): string {
  if (!config.discord.token) throw new ConfigError(MISSING_TOKEN_HELP);
  return config.discord.token;
}

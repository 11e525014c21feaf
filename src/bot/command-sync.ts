/**
 * Slash commands are registered only when they changed: a PUT replaces the whole set (and global
 * commands take a while to reach every client), so a restart or a second shard should not send it
 * again. The hash of what was last registered sits in the shared store, per target (API, application,
 * guild or global); a short lease keeps two processes starting together from both sending it.
 * `npm run deploy-commands` forces a registration and records the hash too.
 */
import { createHash } from 'node:crypto';
import type { Keyv } from 'keyv';
import type { Logger } from 'pino';
import type { Config } from '../config.ts';
import { acquireLock, processLockOwner, releaseLock } from '../store/index.ts';
import {
  commandBodies,
  deployCommands,
  discordRest,
  resolveClientId,
  type Deployed,
} from './commands-rest.ts';

const SYNC_LOCK = 'commands-sync';
const SYNC_LOCK_TTL_MS = 30_000;

export type CommandSync =
  | (Deployed & { registered: true })
  | { registered: false; reason: 'unchanged' | 'another process is registering them'; count: number };

/** sha256 of the command definitions exactly as they would be sent. */
export function commandSetHash(): string {
  return createHash('sha256').update(JSON.stringify(commandBodies())).digest('hex');
}

async function hashKey(config: Config): Promise<string> {
  const clientId = await resolveClientId(discordRest(config), config);
  const api = config.discord.apiUrl ?? 'discord';
  return `commands:${api}:${clientId}:${config.discord.guildId ?? 'global'}`;
}

/** Remembers that the current command set is registered at this config's target. */
export async function recordRegistered(config: Config, store: Keyv): Promise<void> {
  await store.set(await hashKey(config), commandSetHash());
}

/** Registers the commands unless the store says this exact set is already registered there. */
export async function syncCommands(config: Config, store: Keyv, logger: Logger): Promise<CommandSync> {
  const count = commandBodies().length;
  const owner = processLockOwner();
  if (!(await acquireLock(store, SYNC_LOCK, SYNC_LOCK_TTL_MS, owner))) {
    return { registered: false, reason: 'another process is registering them', count };
  }
  try {
    const key = await hashKey(config);
    if ((await store.get<string>(key)) === commandSetHash())
      return { registered: false, reason: 'unchanged', count };
    const deployed = await deployCommands(config);
    await store.set(key, commandSetHash());
    return { ...deployed, registered: true };
  } finally {
    await releaseLock(store, SYNC_LOCK, owner).catch((error: unknown) =>
      logger.warn({ err: error }, 'could not release the command registration lock (it expires by itself)'),
    );
  }
}

/**
 * A server's own settings, one document per server (`server:<guildId>:settings`). Only what a server's
 * admins chose: the time zone movie nights are scheduled in (more settings join this document).
 */
import type { Keyv } from 'keyv';
import { updateDocument } from './guarded-document.ts';

export interface ServerSettings {
  /** An IANA zone name, e.g. "Europe/Berlin"; absent means UTC. */
  timezone?: string;
  /** ISO 3166-1 alpha-2: whose streaming services cards show to members without their own region. */
  region?: string;
}

const settingsKey = (guildId: string) => `server:${guildId}:settings`;

export async function serverSettings(store: Keyv, guildId: string): Promise<ServerSettings> {
  return (await store.get<ServerSettings>(settingsKey(guildId))) ?? {};
}

/** Merges `patch` into the server's settings (a key set to undefined is removed). */
export async function updateServerSettings(
  store: Keyv,
  guildId: string,
  patch: Partial<ServerSettings>,
): Promise<ServerSettings> {
  const next = await updateDocument<ServerSettings>(store, settingsKey(guildId), (current) => {
    const merged: Record<string, unknown> = { ...current, ...patch };
    for (const [name, value] of Object.entries(merged)) if (value === undefined) delete merged[name];
    return merged as ServerSettings;
  });
  return next ?? {};
}

/** Forgets everything the server set (e.g. when the bot leaves it). */
export async function forgetServerSettings(store: Keyv, guildId: string): Promise<void> {
  await store.delete(settingsKey(guildId));
}

/**
 * A member's own settings (`member:<discordUserId>:settings`): for now the country whose streaming services
 * cards show. Deleted with everything else by MemberRatings.forget (/forget-me).
 */
import type { Keyv } from 'keyv';
import { updateDocument } from './guarded-document.ts';

export interface MemberSettings {
  /** ISO 3166-1 alpha-2 ("US", "DE"); absent: the server's region, else none. */
  region?: string;
}

export const memberSettingsKey = (discordUserId: string) => `member:${discordUserId}:settings`;

export async function memberSettings(store: Keyv, discordUserId: string): Promise<MemberSettings> {
  return (await store.get<MemberSettings>(memberSettingsKey(discordUserId))) ?? {};
}

/** Sets or (with undefined) clears the member's region; the document goes when it holds nothing. */
export async function setMemberRegion(
  store: Keyv,
  discordUserId: string,
  region: string | undefined,
): Promise<void> {
  await updateDocument<MemberSettings>(store, memberSettingsKey(discordUserId), (current) => {
    const next: MemberSettings = { ...current };
    if (region === undefined) delete next.region;
    else next.region = region;
    return Object.keys(next).length > 0 ? next : undefined;
  });
}

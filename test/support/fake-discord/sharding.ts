// Several guilds and gateway shards, as Discord routes them: a guild belongs to shard
// (guild_id >> 22) % shard_count; IDENTIFY names its shard as [shard_id, shard_count]; READY lists
// and GUILD_CREATE sends only that shard's guilds; a dispatch about a guild goes to the session of
// the shard that owns it, and one without a guild (DMs) to shard 0.
import { GatewayCloseCodes } from 'discord-api-types/v10';

export interface FakeGuild {
  id: string;
  /** Its one text channel. */
  channelId: string;
}

/** [shard_id, shard_count], as in IDENTIFY and READY. */
export type ShardPair = [number, number];

export function shardOf(guildId: string, shardCount: number): number {
  return Number((BigInt(guildId) >> 22n) % BigInt(shardCount));
}

export function guildsOfShard(guilds: readonly FakeGuild[], [id, count]: ShardPair): FakeGuild[] {
  return guilds.filter((guild) => shardOf(guild.id, count) === id);
}

/** Whether a session on `shard` receives a dispatch about `guildId` (undefined: not about a guild). */
export function shardReceives([id, count]: ShardPair, guildId: string | undefined): boolean {
  return guildId === undefined ? id === 0 : shardOf(guildId, count) === id;
}

/** The guild a dispatch is about, when it is about one (interactions, guild and channel events). */
export function guildOfDispatch(t: string, d: unknown): string | undefined {
  if (typeof d !== 'object' || d === null) return undefined;
  if (t.startsWith('GUILD_') && t !== 'GUILD_AUDIT_LOG_ENTRY_CREATE' && 'id' in d && !('guild_id' in d)) {
    return String(d.id); // GUILD_CREATE/UPDATE carry the guild itself
  }
  return 'guild_id' in d && typeof d.guild_id === 'string' ? d.guild_id : undefined;
}

/** Discord's answer to an IDENTIFY's shard field: undefined to accept, else the close code and reason. */
export function checkIdentifyShard(
  shard: ShardPair,
  requiredCount: number,
): { code: GatewayCloseCodes; reason: string } | undefined {
  const [id, count] = shard;
  if (!Number.isInteger(id) || !Number.isInteger(count) || count < 1 || id < 0 || id >= count) {
    return { code: GatewayCloseCodes.InvalidShard, reason: 'Invalid shard.' };
  }
  if (count < requiredCount)
    return { code: GatewayCloseCodes.ShardingRequired, reason: 'Sharding required.' };
  return undefined;
}

/**
 * The guilds of a fake: the primary one first, then `count - 1` more with real-looking snowflakes,
 * guild i owned by shard (primary's shard + i) % shardCount (its timestamp bits are chosen so), so
 * with as many guilds as shards every shard has exactly one.
 */
export function fakeGuilds(primary: FakeGuild, count: number, shardCount: number): FakeGuild[] {
  const n = BigInt(shardCount);
  const first = BigInt(primary.id) >> 22n;
  const firstShard = first % n;
  return [
    primary,
    ...Array.from({ length: Math.max(0, count - 1) }, (_, index) => {
      const i = BigInt(index + 1);
      const want = (firstShard + i) % n;
      let timestamp = first + i * n;
      timestamp += (want - (timestamp % n) + n) % n;
      return {
        id: ((timestamp << 22n) | (100n + i)).toString(),
        channelId: ((timestamp << 22n) | (200n + i)).toString(),
      };
    }),
  ];
}

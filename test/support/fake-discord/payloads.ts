// Builders for the fixed world the fake simulates: one bot, one guild with one text channel.
// Shapes follow discord-api-types so a field discord.js relies on can't silently go missing.
import {
  ApplicationFlags,
  ChannelType,
  type ChannelFlags,
  type GuildMemberFlags,
  type RoleFlags,
  GuildDefaultMessageNotifications,
  GuildExplicitContentFilter,
  GuildMFALevel,
  GuildNSFWLevel,
  GuildPremiumTier,
  GuildSystemChannelFlags,
  GuildVerificationLevel,
  Locale,
  PermissionFlagsBits,
  type APIApplication,
  type APIGuildTextChannel,
  type APIInteractionGuildMember,
  type APIUser,
  type GatewayGuildCreateDispatchData,
  type GatewayReadyDispatchData,
} from 'discord-api-types/v10';
import type { FakeGuild, ShardPair } from './sharding.ts';
import type { FakeConfig } from './state.ts';

/** What an ordinary member may do in the channel; tests override it per interaction (e.g. ManageGuild). */
export const DEFAULT_MEMBER_PERMISSIONS =
  PermissionFlagsBits.ViewChannel |
  PermissionFlagsBits.SendMessages |
  PermissionFlagsBits.ReadMessageHistory |
  PermissionFlagsBits.EmbedLinks |
  PermissionFlagsBits.AttachFiles |
  PermissionFlagsBits.AddReactions |
  PermissionFlagsBits.UseApplicationCommands;

/**
 * The bot's own permissions in the channel by default (`app_permissions` on interactions): what its
 * invite asks for, polls and events included. Tests take some away with `fake.setBotPermissions`.
 */
export const BOT_PERMISSIONS =
  DEFAULT_MEMBER_PERMISSIONS |
  PermissionFlagsBits.UseExternalEmojis |
  PermissionFlagsBits.SendPolls |
  PermissionFlagsBits.CreateEvents |
  PermissionFlagsBits.ManageEvents |
  PermissionFlagsBits.Connect;

const JOINED_AT = '2024-01-01T00:00:00.000Z';

export function botUser(c: FakeConfig): APIUser {
  return {
    id: c.botUserId,
    username: 'FlickPick',
    discriminator: '0',
    global_name: null,
    avatar: null,
    bot: true,
  };
}

export function humanUser(id: string, username = `user${id.slice(-4)}`): APIUser {
  return { id, username, discriminator: '0', global_name: username, avatar: null };
}

export function application(c: FakeConfig): APIApplication {
  return {
    id: c.applicationId,
    name: 'FlickPick',
    icon: null,
    description: '',
    bot_public: false,
    bot_require_code_grant: false,
    bot: botUser(c),
    summary: '',
    verify_key: '0'.repeat(64),
    team: null,
    flags: ApplicationFlags.GatewayGuildMembersLimited,
    flags_new: String(ApplicationFlags.GatewayGuildMembersLimited),
  };
}

/** The primary guild, for the one-guild world most tests use. */
export function primaryGuild(c: FakeConfig): FakeGuild {
  return { id: c.guildId, channelId: c.channelId };
}

/** The guild a channel id belongs to. */
export function guildOfChannel(c: FakeConfig, channelId: string): FakeGuild | undefined {
  return c.guilds.find((guild) => guild.channelId === channelId);
}

export function textChannel(
  c: FakeConfig,
  id = c.channelId,
  guildId = guildOfChannel(c, id)?.id ?? c.guildId,
): APIGuildTextChannel<ChannelType.GuildText> {
  return {
    id,
    type: ChannelType.GuildText,
    guild_id: guildId,
    name: 'movies',
    position: 0,
    permission_overwrites: [],
    parent_id: null,
    nsfw: false,
    topic: null,
    last_message_id: null,
    rate_limit_per_user: 0,
    flags: 0 as ChannelFlags,
  };
}

export function interactionMember(user: APIUser, permissions: bigint): APIInteractionGuildMember {
  return {
    user,
    roles: [],
    joined_at: JOINED_AT,
    deaf: false,
    mute: false,
    flags: 0 as GuildMemberFlags,
    permissions: permissions.toString(),
  };
}

export function readyPayload(
  c: FakeConfig,
  sessionId: string,
  resumeUrl: string,
  shard: ShardPair = [0, 1],
  guilds: FakeGuild[] = [primaryGuild(c)],
): GatewayReadyDispatchData {
  const app = application(c);
  return {
    v: 10,
    user: botUser(c),
    // Guilds arrive unavailable in READY and become available with GUILD_CREATE; discord.js only emits
    // clientReady once every guild listed here has had its GUILD_CREATE (or after waitGuildTimeout).
    guilds: guilds.map((guild) => ({ id: guild.id, unavailable: true })),
    session_id: sessionId,
    resume_gateway_url: resumeUrl,
    shard,
    application: { id: app.id, flags: app.flags, flags_new: app.flags_new },
  };
}

export function guildCreatePayload(
  c: FakeConfig,
  guild: FakeGuild = primaryGuild(c),
): GatewayGuildCreateDispatchData {
  return {
    id: guild.id,
    name: 'FlickPick Test Server',
    icon: null,
    splash: null,
    discovery_splash: null,
    banner: null,
    description: null,
    owner_id: '1',
    region: 'us-west',
    afk_channel_id: null,
    afk_timeout: 300,
    verification_level: GuildVerificationLevel.None,
    default_message_notifications: GuildDefaultMessageNotifications.OnlyMentions,
    explicit_content_filter: GuildExplicitContentFilter.Disabled,
    roles: [
      {
        // The @everyone role shares the guild's id.
        id: guild.id,
        name: '@everyone',
        color: 0,
        colors: { primary_color: 0, secondary_color: null, tertiary_color: null },
        hoist: false,
        position: 0,
        permissions: DEFAULT_MEMBER_PERMISSIONS.toString(),
        managed: false,
        mentionable: false,
        flags: 0 as RoleFlags,
      },
    ],
    emojis: [],
    stickers: [],
    features: [],
    mfa_level: GuildMFALevel.None,
    application_id: null,
    system_channel_id: null,
    system_channel_flags: GuildSystemChannelFlags.SuppressJoinNotifications,
    rules_channel_id: null,
    vanity_url_code: null,
    premium_tier: GuildPremiumTier.None,
    premium_subscription_count: 0,
    preferred_locale: Locale.EnglishUS,
    public_updates_channel_id: null,
    nsfw_level: GuildNSFWLevel.Default,
    premium_progress_bar_enabled: false,
    hub_type: null,
    safety_alerts_channel_id: null,
    incidents_data: null,
    joined_at: JOINED_AT,
    large: false,
    unavailable: false,
    member_count: 2,
    voice_states: [],
    members: [
      {
        user: botUser(c),
        roles: [],
        joined_at: JOINED_AT,
        deaf: false,
        mute: false,
        flags: 0 as GuildMemberFlags,
      },
    ],
    channels: [textChannel(c, guild.channelId, guild.id)],
    threads: [],
    presences: [],
    stage_instances: [],
    guild_scheduled_events: [],
    soundboard_sounds: [],
  };
}

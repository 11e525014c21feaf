// Voice channels for tests that depend on who is in a voice channel (e.g. /movienight without names). The guild
// has one voice channel; `fake.joinVoice(user)` puts someone in it and dispatches VOICE_STATE_UPDATE, and
// GUILD_CREATE carries the current voice states and members — both only to sessions that identified with the
// GuildVoiceStates intent, as on Discord.
import {
  ChannelType,
  GatewayIntentBits,
  type APIGuildVoiceChannel,
  type APIUser,
  type GatewayGuildCreateDispatchData,
  type GatewayVoiceState,
  type GuildMemberFlags,
  type ChannelFlags,
} from 'discord-api-types/v10';
import type { FakeConfig, FakeState } from './state.ts';

export const VOICE_INTENT = BigInt(GatewayIntentBits.GuildVoiceStates);

interface InVoice {
  user: APIUser;
  channelId: string;
}

const rooms = new WeakMap<FakeState, Map<string, InVoice>>();

/** Who is in a voice channel now, by user id. */
export function voiceRoom(state: FakeState): Map<string, InVoice> {
  let room = rooms.get(state);
  if (!room) rooms.set(state, (room = new Map()));
  return room;
}

/** The guild's voice channel id: derived from the text channel's so it is stable and distinct. */
export function voiceChannelId(c: FakeConfig): string {
  return (BigInt(c.channelId) + 1n).toString();
}

export function voiceChannel(c: FakeConfig): APIGuildVoiceChannel {
  return {
    id: voiceChannelId(c),
    type: ChannelType.GuildVoice,
    guild_id: c.guildId,
    name: 'Movie night',
    position: 1,
    permission_overwrites: [],
    parent_id: null,
    nsfw: false,
    bitrate: 64000,
    user_limit: 0,
    rtc_region: null,
    video_quality_mode: 1,
    rate_limit_per_user: 0,
    last_message_id: null,
    flags: 0 as ChannelFlags,
  } as APIGuildVoiceChannel;
}

function member(user: APIUser) {
  return {
    user,
    roles: [],
    joined_at: '2024-01-01T00:00:00.000Z',
    deaf: false,
    mute: false,
    flags: 0 as GuildMemberFlags,
  };
}

/** A VOICE_STATE_UPDATE for `user`: in `channelId`, or out of voice when it is null. */
export function voiceStatePayload(c: FakeConfig, user: APIUser, channelId: string | null): GatewayVoiceState {
  return {
    guild_id: c.guildId,
    channel_id: channelId,
    user_id: user.id,
    member: member(user),
    session_id: `voice-${user.id}`,
    deaf: false,
    mute: false,
    self_deaf: false,
    self_mute: false,
    self_video: false,
    suppress: false,
    request_to_speak_timestamp: null,
  };
}

/** GUILD_CREATE with the voice channel, and, for sessions with the intent, who is in voice (and as members). */
export function withVoice(
  payload: GatewayGuildCreateDispatchData,
  state: FakeState,
  intents: bigint,
): GatewayGuildCreateDispatchData {
  const c = state.config;
  const inVoice = [...voiceRoom(state).values()];
  const seesVoice = (intents & VOICE_INTENT) !== 0n;
  return {
    ...payload,
    channels: [...payload.channels, voiceChannel(c)],
    voice_states: seesVoice
      ? inVoice.map(({ user, channelId }) => {
          const { guild_id: _guild, member: _member, ...voiceState } = voiceStatePayload(c, user, channelId);
          return voiceState;
        })
      : [],
    members: [...payload.members, ...(seesVoice ? inVoice.map(({ user }) => member(user)) : [])],
    member_count: payload.member_count + inVoice.length,
  };
}

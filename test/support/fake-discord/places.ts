// Where an interaction happens and through which install, as Discord decides it: a server that installed the
// app (guild install), a member who installed it to their account (user install), in a server channel, the
// bot's DM or a group DM. Discord only offers a command where its definition allows it:
// - guild-scoped commands: only in that guild, through the guild install (Discord ignores their
//   integration_types and contexts; both fields are for global commands);
// - global commands: where `integration_types` (default [0]) holds the install and `contexts`
//   (default: every context) holds the place.
// A test that asks for a command somewhere Discord would not show it gets an error, as for impossible options.
import {
  ApplicationIntegrationType,
  ChannelType,
  InteractionContextType,
  type APIApplicationCommand,
  type APIUser,
} from 'discord-api-types/v10';
import { BOT_PERMISSIONS, interactionMember, textChannel } from './payloads.ts';
import { snowflake, type FakeConfig, type FakeState } from './state.ts';

export type Place = 'guild' | 'dm' | 'group-dm';
export type Install = 'guild' | 'user';

export interface Where {
  place: Place;
  install: Install;
}

export const IN_GUILD: Where = { place: 'guild', install: 'guild' };

const CONTEXT: Record<Place, InteractionContextType> = {
  guild: InteractionContextType.Guild,
  dm: InteractionContextType.BotDM,
  'group-dm': InteractionContextType.PrivateChannel,
};
const INTEGRATION: Record<Install, ApplicationIntegrationType> = {
  guild: ApplicationIntegrationType.GuildInstall,
  user: ApplicationIntegrationType.UserInstall,
};

/** Channels the fake made for DMs and group DMs, per fake, so clicks on messages there happen there too. */
const privateChannels = new WeakMap<FakeState, Map<string, { where: Where; userId: string }>>();

function channelsOf(state: FakeState) {
  let channels = privateChannels.get(state);
  if (!channels) privateChannels.set(state, (channels = new Map()));
  return channels;
}

/**
 * Throws, like a Discord client that does not offer the command, when no registered definition of `name`
 * (guild-scoped or global) can be used there. Unregistered names are left to the option builder.
 */
export function assertCommandUsable(state: FakeState, name: string, where: Where): void {
  const isMatch = (command: APIApplicationCommand) => command.name === name && (command.type ?? 1) === 1;
  const candidates = [
    ...(state.commands.get(state.config.guildId) ?? []).filter(isMatch),
    ...(state.commands.get('global') ?? []).filter(isMatch),
  ];
  if (candidates.length === 0) return;
  const problems: string[] = [];
  for (const command of candidates) {
    try {
      assertDefinitionUsable(command, where);
      return;
    } catch (error) {
      problems.push((error as Error).message);
    }
  }
  throw new Error(problems.join('; '));
}

function assertDefinitionUsable(command: APIApplicationCommand, where: Where): void {
  const label = `/${command.name}`;
  const guildScoped = command.guild_id !== undefined;
  if (guildScoped) {
    if (where.place !== 'guild' || where.install !== 'guild') {
      throw new Error(
        `${label} is registered in guild ${command.guild_id} only: Discord offers it nowhere else (${describe(where)})`,
      );
    }
    return;
  }
  const installs = command.integration_types ?? [ApplicationIntegrationType.GuildInstall];
  const contexts = command.contexts ?? Object.values(CONTEXT);
  if (!installs.includes(INTEGRATION[where.install]))
    throw new Error(
      `${label} has integration_types ${JSON.stringify(installs)}: not available to a ${where.install} install`,
    );
  if (!contexts.includes(CONTEXT[where.place]))
    throw new Error(`${label} has contexts ${JSON.stringify(contexts)}: not available in ${describe(where)}`);
  if (where.place === 'group-dm' && where.install !== 'user')
    throw new Error(`${label}: group DMs only see user-installed apps`);
}

function describe(where: Where): string {
  return `${where.place} via ${where.install} install`;
}

/** The private channel a user talks to the bot in (one per user and place), created on first use. */
export function privateChannelId(state: FakeState, userId: string, where: Where): string {
  for (const [id, channel] of channelsOf(state)) {
    if (
      channel.userId === userId &&
      channel.where.place === where.place &&
      channel.where.install === where.install
    )
      return id;
  }
  const id = snowflake();
  channelsOf(state).set(id, { where, userId });
  return id;
}

/** Where a message's channel is: the text channel of the guild, or a DM the fake made. */
export function whereOfChannel(state: FakeState, channelId: string): Where {
  return channelsOf(state).get(channelId)?.where ?? IN_GUILD;
}

/**
 * The fields of an interaction payload that depend on the place: guild and member in a server; `user` and a
 * DM channel elsewhere; `context` and `authorizing_integration_owners` always.
 */
export function placeFields(
  state: FakeState,
  user: APIUser,
  permissions: bigint,
  where: Where,
): { channelId: string; fields: Record<string, unknown> } {
  const c: FakeConfig = state.config;
  // For a guild install the owner is the guild ("0" in the bot's DM); for a user install, the user.
  const owners =
    where.install === 'user'
      ? { [ApplicationIntegrationType.UserInstall]: user.id }
      : { [ApplicationIntegrationType.GuildInstall]: where.place === 'guild' ? c.guildId : '0' };
  if (where.place === 'guild') {
    return {
      channelId: c.channelId,
      fields: {
        guild_id: c.guildId,
        guild: { id: c.guildId, locale: 'en-US', features: [] },
        channel: textChannel(c),
        channel_id: c.channelId,
        member: interactionMember(user, permissions),
        context: InteractionContextType.Guild,
        authorizing_integration_owners: owners,
        app_permissions: BOT_PERMISSIONS.toString(),
      },
    };
  }
  const channelId = privateChannelId(state, user.id, where);
  const channel =
    where.place === 'dm'
      ? { id: channelId, type: ChannelType.DM, recipients: [user], last_message_id: null, flags: 0 }
      : {
          id: channelId,
          type: ChannelType.GroupDM,
          recipients: [user],
          name: null,
          icon: null,
          owner_id: user.id,
          flags: 0,
          last_message_id: null,
        };
  return {
    channelId,
    fields: {
      guild_id: undefined,
      guild: undefined,
      member: undefined,
      user,
      channel,
      channel_id: channelId,
      context: CONTEXT[where.place],
      authorizing_integration_owners: owners,
      app_permissions: BOT_PERMISSIONS.toString(),
    },
  };
}

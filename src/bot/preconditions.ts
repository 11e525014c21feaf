import { ApplicationIntegrationType, PermissionFlagsBits } from 'discord.js';
import type { ComponentPrecondition, Precondition } from './command.ts';

/**
 * Admin gate, written once. Commands that use it are also registered with Administrator as their
 * default member permission; this check repeats it at run time because server admins can change
 * command permissions, and adds the optional ADMIN_USER_IDS allowlist.
 */
export const adminOnly: Precondition = (interaction, context) => {
  const isAdmin = interaction.memberPermissions?.has(PermissionFlagsBits.Administrator) ?? false;
  if (!isAdmin) return 'Only server administrators can use this command.';
  const allowlist = context.config.adminUserIds;
  if (allowlist.length > 0 && !allowlist.includes(interaction.user.id)) {
    return 'You are an administrator, but not on this bot’s ADMIN_USER_IDS list.';
  }
  return null;
};

/** Commands that need a guild (member permissions make no sense in DMs). */
export const guildOnly: Precondition = (interaction) =>
  interaction.inGuild() ? null : 'This command only works in a server.';

/**
 * A server's own data (its list, its settings) only where the server added FlickPick: a command a member
 * runs through their own install in someone else's server is in a guild, but that server never chose the
 * bot. Discord names the installs that authorised the interaction; a guild install there is this guild's.
 */
export const installedServer: Precondition = (interaction) => {
  if (!interaction.inGuild())
    return `That part of /${interaction.commandName} belongs to a server: use it in one.`;
  const owners = interaction.authorizingIntegrationOwners;
  if (owners && owners[ApplicationIntegrationType.GuildInstall] !== interaction.guildId)
    return `That part of /${interaction.commandName} belongs to a server that has added FlickPick; this one has not (you are using your own install).`;
  return null;
};

/**
 * Server settings (time zone, …) belong to whoever may manage the server: Manage Server, as Discord
 * itself asks for changing a server's settings (Administrator includes it).
 */
export const serverManager: Precondition = (interaction) =>
  (interaction.memberPermissions?.has(PermissionFlagsBits.ManageGuild) ?? false)
    ? null
    : 'Only members with the **Manage Server** permission can change this server’s settings.';

/**
 * "Only the person who asked may press this", written once for every owner-checked button and menu: the
 * custom id carries the owner's id (state.ownerId); anyone else gets `refusal`, privately, and nothing changes.
 */
export function onlyWhoAsked<State extends { ownerId: string }>(
  refusal: string,
): ComponentPrecondition<State> {
  return (interaction, state) => (interaction.user.id === state.ownerId ? null : refusal);
}

/**
 * `/settings region [country] [server]`: the country whose streaming services cards show. A member's own
 * choice wins; without one, the server's (set with `server: True`, Manage Server only, in a server that
 * added FlickPick); without that, none (cards then show the trailer but no services). A member's own region
 * is theirs everywhere (stored by their id alone), so it can be set in DMs too.
 */
import { MessageFlags, PermissionFlagsBits, type ChatInputCommandInteraction } from 'discord.js';
import { memberSettings, setMemberRegion } from '../store/member-settings.ts';
import { serverSettings, updateServerSettings } from '../store/server-settings.ts';
import { UserFacingError } from './command.ts';
import { installedServer } from './preconditions.ts';
import type { SubcommandPart } from './command-parts.ts';
import type { BotContext } from './context.ts';

const regionNames = new Intl.DisplayNames(['en'], { type: 'region' });

/** "de" → "DE" when it is a country Intl knows; "none" → null (clear); anything else → undefined. */
export function parseRegion(typed: string): string | null | undefined {
  const text = typed.trim();
  if (/^(none|off|clear)$/i.test(text)) return null;
  if (!/^[A-Za-z]{2}$/.test(text)) return undefined;
  const code = text.toUpperCase();
  const name = regionNames.of(code);
  return name && name !== code ? code : undefined;
}

export const regionName = (code: string) => `${regionNames.of(code) ?? code} (${code})`;

/** The region cards use for this member here: theirs, else the server's, else none. */
export async function regionFor(
  context: Pick<BotContext, 'store'>,
  userId: string,
  guildId: string | null,
): Promise<string | undefined> {
  const own = (await memberSettings(context.store, userId)).region;
  if (own) return own;
  return serverRegion(context, guildId);
}

/** The server's default region (none in DMs): what public answers use, whoever asked. */
export async function serverRegion(
  context: Pick<BotContext, 'store'>,
  guildId: string | null,
): Promise<string | undefined> {
  return guildId ? (await serverSettings(context.store, guildId)).region : undefined;
}

export const regionSetting: SubcommandPart = {
  name: 'region',
  build: (sub) =>
    sub
      .setDescription('Your country for “where to watch” on cards (or the server’s default).')
      .addStringOption((option) =>
        option
          .setName('country')
          .setDescription('Two letters, e.g. US, DE, FR; "none" to clear (leave empty to see it)')
          .setMinLength(2)
          .setMaxLength(5),
      )
      .addBooleanOption((option) =>
        option.setName('server').setDescription('Set this server’s default instead of yours (Manage Server)'),
      ),
  async execute(interaction: ChatInputCommandInteraction, context: BotContext): Promise<void> {
    const typed = interaction.options.getString('country');
    const forServer = interaction.options.getBoolean('server') ?? false;
    const guildId = interaction.guildId;
    const notServer = forServer ? await installedServer(interaction, context) : null;
    if (notServer !== null) throw new UserFacingError(notServer);
    if (forServer && !(interaction.memberPermissions?.has(PermissionFlagsBits.ManageGuild) ?? false)) {
      throw new UserFacingError(
        'Only members with the **Manage Server** permission can set the server’s region.',
      );
    }
    const region = typed === null ? undefined : parseRegion(typed);
    if (typed !== null && region === undefined) {
      throw new UserFacingError(
        `**country**: “${typed.slice(0, 5)}” is not a country code. Use two letters such as US, GB, DE or FR, or "none".`,
      );
    }
    await interaction.deferReply({ flags: MessageFlags.Ephemeral });
    if (typed === null) {
      const own = (await memberSettings(context.store, interaction.user.id)).region;
      const server = guildId ? (await serverSettings(context.store, guildId)).region : undefined;
      const content = own
        ? `Cards show where to watch in **${regionName(own)}** (your choice).`
        : server
          ? `Cards show where to watch in **${regionName(server)}** (this server’s default; set yours with \`/settings region country:\`).`
          : 'No region is set, so cards show no streaming services. Set one with `/settings region country:`.';
      await interaction.editReply(content);
      return;
    }
    const code = region ?? undefined;
    if (forServer) {
      await updateServerSettings(context.store, guildId!, { region: code });
      await interaction.editReply(
        code
          ? `This server’s default region is now **${regionName(code)}**.`
          : 'This server has no default region any more.',
      );
      return;
    }
    await setMemberRegion(context.store, interaction.user.id, code);
    await interaction.editReply(
      code
        ? `Cards now show where to watch in **${regionName(code)}** for you. Streaming data by JustWatch.`
        : guildId
          ? 'Your region is cleared; cards use this server’s default, if it has one.'
          : 'Your region is cleared; in a server, cards use its default, if it has one.',
    );
  },
};

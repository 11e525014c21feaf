/** `/settings timezone`: the zone a server's movie nights are scheduled in (Manage Server only). */
import type { AutocompleteInteraction, ChatInputCommandInteraction } from 'discord.js';
import { MessageFlags } from 'discord.js';
import { serverSettings, updateServerSettings } from '../store/server-settings.ts';
import { UserFacingError } from './command.ts';
import type { SubcommandPart } from './command-parts.ts';
import type { BotContext } from './context.ts';
import { installedServer, serverManager } from './preconditions.ts';
import { canonicalTimeZone, discordTimestamp, suggestTimeZones } from './time-zones.ts';

export const timezoneSetting: SubcommandPart = {
  name: 'timezone',
  build: (sub) =>
    sub
      .setDescription('The time zone movie nights are scheduled in (Manage Server).')
      .addStringOption((option) =>
        option
          .setName('zone')
          .setDescription('An IANA zone such as Europe/Berlin or America/New_York (leave empty to see it)')
          .setAutocomplete(true)
          .setMaxLength(64),
      ),
  preconditions: [installedServer, serverManager],
  async autocomplete(interaction: AutocompleteInteraction): Promise<void> {
    const typed = String(interaction.options.getFocused());
    await interaction.respond(suggestTimeZones(typed).map((zone) => ({ name: zone, value: zone })));
  },
  async execute(interaction: ChatInputCommandInteraction, context: BotContext): Promise<void> {
    const guildId = interaction.guildId!;
    const typed = interaction.options.getString('zone');
    await interaction.deferReply({ flags: MessageFlags.Ephemeral });
    if (typed === null) {
      const zone = (await serverSettings(context.store, guildId)).timezone ?? 'UTC';
      await interaction.editReply(
        `Movie nights here are scheduled in **${zone}**. Change it with \`/settings timezone zone:\`.`,
      );
      return;
    }
    const zone = canonicalTimeZone(typed);
    if (!zone) {
      throw new UserFacingError(
        `**zone**: “${typed.slice(0, 64)}” is not a time zone. Pick an IANA name from the list, e.g. Europe/Berlin.`,
      );
    }
    await updateServerSettings(context.store, guildId, { timezone: zone });
    const now = new Date();
    const clock = new Intl.DateTimeFormat('en-GB', {
      timeZone: zone,
      timeStyle: 'short',
      dateStyle: 'medium',
    });
    await interaction.editReply(
      `Movie nights here are now scheduled in **${zone}** (there it is ${clock.format(now)}; ` +
        `for you ${discordTimestamp(now, 'f')}).`,
    );
  },
};

/**
 * `/settings movienight [count-me-in]`: a member's own standing consent to movie nights on this server
 * (PRIVACY.md, "Group picks"). Anyone may set theirs; the answer is private.
 */
import { MessageFlags, type ChatInputCommandInteraction } from 'discord.js';
import type { SubcommandPart } from './command-parts.ts';
import type { BotContext } from './context.ts';
import { movieNightConsents } from './movie-night-consent.ts';
import { installedServer } from './preconditions.ts';

export const movieNightSetting: SubcommandPart = {
  name: 'movienight',
  build: (sub) =>
    sub
      .setDescription('Whether movie nights here count you in without asking (shows it when left empty).')
      .addBooleanOption((option) =>
        option
          .setName('count-me-in')
          .setDescription('True: count me in without asking on this server. False: ask me each time.'),
      ),
  preconditions: [installedServer],
  async execute(interaction: ChatInputCommandInteraction, context: BotContext): Promise<void> {
    // Deferred first: the store may be busy, and the member must hear back within Discord's 3 s.
    await interaction.deferReply({ flags: MessageFlags.Ephemeral });
    const consents = movieNightConsents(context);
    const guildId = interaction.guildId!;
    const wanted = interaction.options.getBoolean('count-me-in');
    if (wanted !== null) await consents.setAlwaysIn(interaction.user.id, guildId, wanted);
    const on = wanted ?? (await consents.alwaysIn(interaction.user.id, guildId));
    const now = wanted === null ? 'Now' : 'Saved';
    await interaction.editReply(
      on
        ? `${now}: movie nights on this server count you in without asking; your ratings shape their picks, ` +
            'and the picks never show them. `/settings movienight count-me-in:False` withdraws it.'
        : `${now}: when someone names you in /movienight on this server (or you are in their voice channel), ` +
            'you are asked first, and nothing of yours is used unless you press **Count me in**.',
    );
  },
};

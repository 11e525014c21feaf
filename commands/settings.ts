import { MessageFlags, SlashCommandBuilder, type ChatInputCommandInteraction } from 'discord.js';
import type { Command } from '../src/bot/command.ts';
import type { BotContext } from '../src/bot/context.ts';
import { SERVER_ONLY } from '../src/bot/install-contexts.ts';
import { movieNightConsents } from '../src/bot/movie-night-consent.ts';
import { guildOnly } from '../src/bot/preconditions.ts';

/** A member's own settings on this server; every answer is private. */
export const data = new SlashCommandBuilder()
  .setName('settings')
  .setDescription('Your FlickPick settings on this server.')
  .setIntegrationTypes(...SERVER_ONLY.integrationTypes)
  .setContexts(...SERVER_ONLY.contexts)
  .addSubcommand((sub) =>
    sub
      .setName('movienight')
      .setDescription(
        'Whether movie nights on this server count you in without asking (shows it when left empty).',
      )
      .addBooleanOption((option) =>
        option
          .setName('count-me-in')
          .setDescription('True: count me in without asking on this server. False: ask me each time.'),
      ),
  );

export const preconditions = [guildOnly];

export async function execute(interaction: ChatInputCommandInteraction, context: BotContext): Promise<void> {
  const consents = movieNightConsents(context);
  const guildId = interaction.guildId!;
  const wanted = interaction.options.getBoolean('count-me-in');
  if (wanted !== null) await consents.setAlwaysIn(interaction.user.id, guildId, wanted);
  const on = wanted ?? (await consents.alwaysIn(interaction.user.id, guildId));
  const now = wanted === null ? 'Now' : 'Saved';
  await interaction.reply({
    content: on
      ? `${now}: movie nights on this server count you in without asking; your ratings shape their picks, ` +
        'and the picks never show them. `/settings movienight count-me-in:False` withdraws it.'
      : `${now}: when someone names you in /movienight on this server (or you are in their voice channel), ` +
        'you are asked first, and nothing of yours is used unless you press **Count me in**.',
    flags: MessageFlags.Ephemeral,
  });
}

export default { data, execute, preconditions } satisfies Command;

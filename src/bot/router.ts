import { randomUUID } from 'node:crypto';
import { MessageFlags, type Interaction, type RepliableInteraction } from 'discord.js';
import type { ButtonHandler, Command, ComponentHandler, SelectHandler } from './command.ts';
import { UserFacingError } from './command.ts';
import type { BotContext } from './context.ts';
import { StoreBusyError } from '../store/store-busy.ts';

/** Sends an ephemeral message whatever state the interaction is in (fresh, deferred or replied). */
export async function replyEphemeral(interaction: RepliableInteraction, content: string): Promise<void> {
  const message = { content, allowedMentions: { parse: [] } };
  if (interaction.deferred && !interaction.replied) await interaction.editReply(message);
  else if (interaction.replied || interaction.deferred)
    await interaction.followUp({ ...message, flags: MessageFlags.Ephemeral });
  else await interaction.reply({ ...message, flags: MessageFlags.Ephemeral });
}

/**
 * The one listener on `interactionCreate` (as in the discord.js guide): slash commands (after
 * their preconditions), autocomplete, buttons and select menus each go to their handler. A user mistake comes
 * back as an ephemeral message; anything else is logged with an id the user can quote.
 */
export function createRouter(
  commands: readonly Command[],
  components: readonly ComponentHandler[],
  context: BotContext,
) {
  const byName = new Map(commands.map((c) => [c.data.name, c]));
  const buttons = components.filter((h): h is ButtonHandler => h.component !== 'select');
  const selects = components.filter((h): h is SelectHandler => h.component === 'select');
  const { logger } = context;

  return async function route(interaction: Interaction): Promise<void> {
    // No Discord user id in any log line (issue 10, PRIVACY.md): the interaction id is enough to trace.
    const log = logger.child({ interaction: interaction.id });
    try {
      if (interaction.isAutocomplete()) {
        const command = byName.get(interaction.commandName);
        // An autocomplete that fails must still answer (with nothing), or the client spins.
        if (!command?.autocomplete) return await interaction.respond([]);
        return await command.autocomplete(interaction, context);
      }
      if (interaction.isChatInputCommand()) {
        const command = byName.get(interaction.commandName);
        if (!command)
          return await replyEphemeral(interaction, 'This command is not known to this bot version.');
        for (const precondition of command.preconditions ?? []) {
          const refusal = await precondition(interaction, context);
          if (refusal !== null) {
            log.info({ command: interaction.commandName, refusal }, 'precondition refused');
            return await replyEphemeral(interaction, refusal);
          }
        }
        log.debug({ command: interaction.commandName }, 'command');
        return await command.execute(interaction, context);
      }
      if (interaction.isButton()) {
        for (const handler of buttons) {
          const state = handler.parse(interaction.customId);
          if (state !== null) return await handler.run(interaction, state, context);
        }
        return await replyEphemeral(
          interaction,
          'This button no longer does anything. Run the command again.',
        );
      }
      if (interaction.isStringSelectMenu()) {
        for (const handler of selects) {
          const state = handler.parse(interaction.customId);
          if (state !== null) return await handler.run(interaction, state, context);
        }
        return await replyEphemeral(interaction, 'This menu no longer does anything. Run the command again.');
      }
    } catch (error) {
      if (!interaction.isRepliable()) {
        log.error({ err: error }, 'autocomplete failed');
        if (interaction.isAutocomplete() && !interaction.responded)
          await interaction.respond([]).catch(() => {});
        return;
      }
      let message: string;
      if (error instanceof UserFacingError) {
        log.info({ reason: error.message }, 'user error');
        message = error.message;
      } else if (error instanceof StoreBusyError) {
        // Nothing was written: say so, so the member knows to try again rather than believe it saved.
        log.warn({ err: error }, 'store busy');
        message = 'FlickPick’s storage stayed busy, so this was **not saved**. Please try again in a moment.';
      } else {
        const incident = randomUUID().slice(0, 8);
        log.error({ err: error, incident }, 'interaction failed');
        message = `Something went wrong on our side (incident ${incident}). Please try again in a moment.`;
      }
      await replyEphemeral(interaction, message).catch((e: unknown) =>
        log.warn({ err: e }, 'could not tell the user about the failure'),
      );
    }
  };
}

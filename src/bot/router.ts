import { randomUUID } from 'node:crypto';
import {
  MessageFlags,
  type ButtonInteraction,
  type Interaction,
  type RepliableInteraction,
  type StringSelectMenuInteraction,
} from 'discord.js';
import type { ButtonHandler, Command, ComponentHandler, ModalHandler, SelectHandler } from './command.ts';
import { UserFacingError } from './command.ts';
import type { BotContext } from './context.ts';
import { cooldownsOf } from './cooldown.ts';
import { StoreBusyError } from '../store/store-busy.ts';

/**
 * Sends a message only the member sees, whatever state the interaction is in. A private deferred reply
 * ("thinking…" only they see) is edited into it. A public one cannot become private: its placeholder is
 * deleted and the message goes out as an ephemeral follow-up (once the placeholder is gone, Discord posts
 * the follow-up as a message of its own, with its own flags). A click acknowledged with deferUpdate, or
 * anything already answered, gets an ephemeral follow-up.
 */
export async function replyEphemeral(interaction: RepliableInteraction, content: string): Promise<void> {
  const message = { content, allowedMentions: { parse: [] } };
  const ephemeral = { ...message, flags: MessageFlags.Ephemeral } as const;
  if (!interaction.deferred && !interaction.replied) return void (await interaction.reply(ephemeral));
  const placeholder = interaction.deferred && !interaction.replied;
  // discord.js sets `ephemeral` on deferReply (true or false) and leaves it null on deferUpdate.
  if (placeholder && interaction.ephemeral === true) return void (await interaction.editReply(message));
  if (placeholder && interaction.ephemeral === false) await interaction.deleteReply();
  await interaction.followUp(ephemeral);
}

/** Runs a component handler's preconditions; true when one refused (and the member was told why). */
async function refusedComponent(
  interaction: ButtonInteraction | StringSelectMenuInteraction,
  handler: ButtonHandler | SelectHandler,
  state: unknown,
  context: BotContext,
): Promise<boolean> {
  for (const precondition of handler.preconditions ?? []) {
    const refusal = await precondition(interaction, state, context);
    if (refusal !== null) {
      await replyEphemeral(interaction, refusal);
      return true;
    }
  }
  return false;
}

/**
 * The one listener on `interactionCreate` (as in the discord.js guide): slash commands (after
 * their preconditions), autocomplete, buttons, select menus and modals each go to their handler. A user mistake comes
 * back as an ephemeral message; anything else is logged with an id the user can quote.
 */
export function createRouter(
  commands: readonly Command[],
  components: readonly ComponentHandler[],
  context: BotContext,
) {
  const byName = new Map(commands.map((c) => [c.data.name, c]));
  const buttons = components.filter(
    (h): h is ButtonHandler => h.component === undefined || h.component === 'button',
  );
  const modals = components.filter((h): h is ModalHandler => h.component === 'modal');
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
        try {
          return await command.execute(interaction, context);
        } catch (error) {
          // A refused input costs no cooldown: the member should be able to correct it at once.
          if (error instanceof UserFacingError)
            cooldownsOf(context).release(interaction.commandName, interaction.user.id);
          throw error;
        }
      }
      if (interaction.isButton()) {
        for (const handler of buttons) {
          const state = handler.parse(interaction.customId);
          if (state === null) continue;
          if (await refusedComponent(interaction, handler, state, context)) return;
          return await handler.run(interaction, state, context);
        }
        return await replyEphemeral(
          interaction,
          'This button no longer does anything. Run the command again.',
        );
      }
      if (interaction.isStringSelectMenu()) {
        for (const handler of selects) {
          const state = handler.parse(interaction.customId);
          if (state === null) continue;
          if (await refusedComponent(interaction, handler, state, context)) return;
          return await handler.run(interaction, state, context);
        }
        return await replyEphemeral(interaction, 'This menu no longer does anything. Run the command again.');
      }
      if (interaction.isModalSubmit()) {
        for (const handler of modals) {
          const state = handler.parse(interaction.customId);
          if (state !== null) return await handler.run(interaction, state, context);
        }
        return await replyEphemeral(interaction, 'This form no longer does anything. Run the command again.');
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
        message =
          'FlickPick’s storage stayed busy, so this did **not** go through. Please try again in a moment.';
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

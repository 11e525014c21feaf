import type {
  AutocompleteInteraction,
  ButtonInteraction,
  ChatInputCommandInteraction,
  SharedSlashCommand,
} from 'discord.js';
import type { BotContext } from './context.ts';

/**
 * A check that runs before a command (Sapphire's "precondition"): written once, declared per
 * command. It returns null to let the command run, or the ephemeral message to send instead.
 */
export type Precondition = (
  interaction: ChatInputCommandInteraction,
  context: BotContext,
) => string | null | Promise<string | null>;

/** A slash command module in commands/: its builder, its handler, and optional extras. */
export interface Command {
  data: SharedSlashCommand;
  preconditions?: Precondition[];
  execute(interaction: ChatInputCommandInteraction, context: BotContext): Promise<void>;
  autocomplete?(interaction: AutocompleteInteraction, context: BotContext): Promise<void>;
}

/**
 * A button handler (Sapphire's interaction handler): `parse` decides from the custom id whether
 * the button is its own and extracts its state (null = not mine); `run` acts on it.
 */
export interface ButtonHandler<State = unknown> {
  parse(customId: string): State | null;
  run(interaction: ButtonInteraction, state: State, context: BotContext): Promise<void>;
}

/** A problem the user can fix: shown to them (ephemeral) as is, logged at info, not as an error. */
export class UserFacingError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UserFacingError';
  }
}

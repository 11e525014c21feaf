import type {
  AutocompleteInteraction,
  ButtonInteraction,
  ChatInputCommandInteraction,
  MessageComponentInteraction,
  ModalSubmitInteraction,
  SharedSlashCommand,
  StringSelectMenuInteraction,
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
 * The same for a button or menu, with the state its custom id carried: null lets the handler run, a
 * string is the ephemeral message to send instead (e.g. "only the person who asked may press this").
 */
export type ComponentPrecondition<State> = (
  interaction: MessageComponentInteraction,
  state: State,
  context: BotContext,
) => string | null | Promise<string | null>;

/**
 * A button handler (Sapphire's interaction handler): `parse` decides from the custom id whether
 * the button is its own and extracts its state (null = not mine); `run` acts on it.
 */
export interface ButtonHandler<State = unknown> {
  component?: 'button';
  parse(customId: string): State | null;
  preconditions?: ComponentPrecondition<State>[];
  run(interaction: ButtonInteraction, state: State, context: BotContext): Promise<void>;
}

/** The same for a string select menu: `run` gets the chosen values on the interaction. */
export interface SelectHandler<State = unknown> {
  component: 'select';
  parse(customId: string): State | null;
  preconditions?: ComponentPrecondition<State>[];
  run(interaction: StringSelectMenuInteraction, state: State, context: BotContext): Promise<void>;
}

/** The same for a modal the bot showed: its custom id carries the state, so it outlives a restart. */
export interface ModalHandler<State = unknown> {
  component: 'modal';
  parse(customId: string): State | null;
  run(interaction: ModalSubmitInteraction, state: State, context: BotContext): Promise<void>;
}

/** Whatever handles a message component (a button or a select menu) or a submitted modal. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- each handler's state type is its own
export type ComponentHandler = ButtonHandler<any> | SelectHandler<any> | ModalHandler<any>;

/** A problem the user can fix: shown to them (ephemeral) as is, logged at info, not as an error. */
export class UserFacingError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UserFacingError';
  }
}

/**
 * Commands assembled from parts owned by different modules: /settings from one subcommand per setting,
 * /watchlist from one subcommand group per list. A part brings its builder, its own preconditions and
 * its handler, so adding one (e.g. a member's own list) is one import in the command file.
 */
import type {
  AutocompleteInteraction,
  ChatInputCommandInteraction,
  SlashCommandBuilder,
  SlashCommandSubcommandBuilder,
  SlashCommandSubcommandGroupBuilder,
} from 'discord.js';
import { UserFacingError, type Precondition } from './command.ts';
import type { BotContext } from './context.ts';

interface PartHandlers {
  /** Checked before `execute`, like a command's preconditions, for this part only. */
  preconditions?: Precondition[];
  execute(interaction: ChatInputCommandInteraction, context: BotContext): Promise<void>;
  autocomplete?(interaction: AutocompleteInteraction, context: BotContext): Promise<void>;
}

export interface SubcommandPart extends PartHandlers {
  name: string;
  build(subcommand: SlashCommandSubcommandBuilder): SlashCommandSubcommandBuilder;
}

export interface SubcommandGroupPart extends PartHandlers {
  name: string;
  build(group: SlashCommandSubcommandGroupBuilder): SlashCommandSubcommandGroupBuilder;
}

export function addSubcommands(data: SlashCommandBuilder, parts: readonly SubcommandPart[]): void {
  for (const part of parts) data.addSubcommand((sub) => part.build(sub.setName(part.name)));
}

export function addSubcommandGroups(data: SlashCommandBuilder, parts: readonly SubcommandGroupPart[]): void {
  for (const part of parts) data.addSubcommandGroup((group) => part.build(group.setName(part.name)));
}

/** The part an interaction is for: its subcommand group when `byGroup`, else its subcommand. */
function partOf<P extends { name: string }>(
  interaction: ChatInputCommandInteraction | AutocompleteInteraction,
  parts: readonly P[],
  byGroup: boolean,
): P {
  const name = byGroup
    ? interaction.options.getSubcommandGroup(true)
    : interaction.options.getSubcommand(true);
  const part = parts.find((p) => p.name === name);
  if (!part) throw new Error(`/${interaction.commandName} has no part ${name}`);
  return part;
}

/** `execute` and `autocomplete` of a command made of parts; preconditions of the part run first. */
export function partsHandler(parts: readonly (SubcommandPart | SubcommandGroupPart)[], byGroup: boolean) {
  return {
    async execute(interaction: ChatInputCommandInteraction, context: BotContext): Promise<void> {
      const part = partOf(interaction, parts, byGroup);
      for (const precondition of part.preconditions ?? []) {
        const refusal = await precondition(interaction, context);
        if (refusal !== null) {
          throw new UserFacingError(refusal);
        }
      }
      await part.execute(interaction, context);
    },
    async autocomplete(interaction: AutocompleteInteraction, context: BotContext): Promise<void> {
      const part = partOf(interaction, parts, byGroup);
      if (part.autocomplete) await part.autocomplete(interaction, context);
      else await interaction.respond([]);
    },
  };
}

// Builds the `data` of a chat-input interaction from a test's terse input, e.g.
//   command('rate', { movie: 'Heat', stars: 4 })  or  command('list add', { title: 'Heat' })
// When the command is registered, option types come from its definition and the input is checked the
// way the Discord client would (unknown/missing options, choices, ranges): a test can't send a payload
// that no real user could produce. Raw option arrays are passed through untouched.
import {
  ApplicationCommandOptionType,
  ApplicationCommandType,
  type APIApplicationCommand,
  type APIApplicationCommandBasicOption,
  type APIApplicationCommandInteractionDataOption,
  type APIApplicationCommandOption,
  type APIChatInputApplicationCommandInteractionData,
  type APIInteractionDataResolved,
} from 'discord-api-types/v10';
import { resolvedAttachment } from './attachments.ts';
import { interactionMember } from './payloads.ts';
import { snowflake, type FakeState } from './state.ts';
import { userFor } from './users.ts';

export type OptionValue = string | number | boolean;
export type OptionsInput = APIApplicationCommandInteractionDataOption[] | Record<string, OptionValue>;

export function findCommand(state: FakeState, name: string): APIApplicationCommand | undefined {
  const isMatch = (c: APIApplicationCommand) =>
    c.name === name && c.type === ApplicationCommandType.ChatInput;
  return (
    state.commands.get(state.config.guildId)?.find(isMatch) ?? state.commands.get('global')?.find(isMatch)
  );
}

/** `path` is what a user types: the command name, then optional subcommand group and subcommand. */
export function buildCommandData(
  state: FakeState,
  path: string,
  input: OptionsInput,
  focused?: string,
): APIChatInputApplicationCommandInteractionData {
  const [root, ...subs] = path.trim().split(/\s+/);
  const command = findCommand(state, root);
  const anyRegistered = [...state.commands.values()].some((list) => list.length > 0);
  if (!command && anyRegistered) {
    const names = [...state.commands.values()].flat().map((c) => c.name);
    throw new Error(`/${root} is not a registered command (registered: ${names.join(', ') || 'none'})`);
  }

  // Walk down subcommand groups/subcommands, keeping the definitions at each level when known.
  let defs: APIApplicationCommandOption[] | undefined = command?.options;
  const chain: { name: string; type: ApplicationCommandOptionType }[] = [];
  for (const sub of subs) {
    const def = defs?.find((d) => d.name === sub);
    if (command && (!def || !isContainer(def.type))) throw new Error(`/${root} has no subcommand "${sub}"`);
    const type =
      def?.type ??
      (sub === subs.at(-1)
        ? ApplicationCommandOptionType.Subcommand
        : ApplicationCommandOptionType.SubcommandGroup);
    chain.push({ name: sub, type });
    defs = def && 'options' in def ? (def.options as APIApplicationCommandOption[] | undefined) : undefined;
  }

  const resolved: APIInteractionDataResolved = {};
  let options: APIApplicationCommandInteractionDataOption[] = Array.isArray(input)
    ? input
    : leafOptions(state, path, input, command ? (defs ?? []) : undefined, focused, resolved);
  for (const link of chain.reverse()) {
    options = [{ name: link.name, type: link.type, options } as APIApplicationCommandInteractionDataOption];
  }

  return {
    id: command?.id ?? snowflake(),
    name: root,
    type: ApplicationCommandType.ChatInput,
    options,
    ...(command?.guild_id ? { guild_id: command.guild_id } : {}),
    ...(Object.keys(resolved).length ? { resolved } : {}),
  };
}

function isContainer(type: ApplicationCommandOptionType): boolean {
  return (
    type === ApplicationCommandOptionType.Subcommand || type === ApplicationCommandOptionType.SubcommandGroup
  );
}

function inferType(value: OptionValue): ApplicationCommandOptionType {
  if (typeof value === 'string') return ApplicationCommandOptionType.String;
  if (typeof value === 'boolean') return ApplicationCommandOptionType.Boolean;
  return Number.isInteger(value) ? ApplicationCommandOptionType.Integer : ApplicationCommandOptionType.Number;
}

function leafOptions(
  state: FakeState,
  path: string,
  input: Record<string, OptionValue>,
  defs: APIApplicationCommandOption[] | undefined,
  focused: string | undefined,
  resolved: APIInteractionDataResolved,
): APIApplicationCommandInteractionDataOption[] {
  const where = `/${path}`;
  const out = Object.entries(input).map(([name, value]) => {
    const def = defs?.find((d) => d.name === name) as APIApplicationCommandBasicOption | undefined;
    if (defs && !def)
      throw new Error(`${where} has no option "${name}" (has: ${defs.map((d) => d.name).join(', ')})`);
    const type = def?.type ?? inferType(value);
    // While typing, the focused option carries the partial text and need not be valid yet.
    if (name === focused) return { name, type, value, focused: true };
    if (def) checkValue(where, def, value);
    if (type === ApplicationCommandOptionType.Attachment) {
      // The value is what fake.upload() returned: Discord sends the attachment id and resolves it.
      const attachment = state.attachments.get(String(value));
      if (!attachment) throw new Error(`${where} option "${name}": upload the file with fake.upload() first`);
      (resolved.attachments ??= {})[attachment.id] = resolvedAttachment(state, attachment);
      return { name, type, value: attachment.id };
    }
    if (type === ApplicationCommandOptionType.User) {
      const user = userFor(state, String(value));
      (resolved.users ??= {})[user.id] = user;
      const { user: _user, ...member } = interactionMember(user, 0n);
      (resolved.members ??= {})[user.id] = member;
    }
    return { name, type, value };
  });
  if (defs && focused === undefined) {
    for (const def of defs) {
      if ('required' in def && def.required && !(def.name in input)) {
        throw new Error(`${where} requires option "${def.name}"`);
      }
    }
  }
  return out as APIApplicationCommandInteractionDataOption[];
}

function checkValue(where: string, def: APIApplicationCommandBasicOption, value: OptionValue): void {
  const fail = (why: string) => {
    throw new Error(`${where} option "${def.name}": ${JSON.stringify(value)} ${why}`);
  };
  const T = ApplicationCommandOptionType;
  if (def.type === T.String && typeof value !== 'string') fail('is not a string');
  if (def.type === T.Attachment && typeof value !== 'string') fail('is not an uploaded attachment id');
  if (def.type === T.Boolean && typeof value !== 'boolean') fail('is not a boolean');
  if (def.type === T.Integer && !Number.isInteger(value)) fail('is not an integer');
  if (def.type === T.Number && typeof value !== 'number') fail('is not a number');
  if ('choices' in def && def.choices?.length && !def.choices.some((c) => c.value === value)) {
    fail(`is not one of the choices ${def.choices.map((c) => JSON.stringify(c.value)).join(', ')}`);
  }
  if (typeof value === 'number' && (def.type === T.Integer || def.type === T.Number)) {
    if (def.min_value !== undefined && value < def.min_value) fail(`is below min_value ${def.min_value}`);
    if (def.max_value !== undefined && value > def.max_value) fail(`is above max_value ${def.max_value}`);
  }
  if (typeof value === 'string' && def.type === T.String) {
    if (def.min_length !== undefined && value.length < def.min_length)
      fail(`is shorter than ${def.min_length}`);
    if (def.max_length !== undefined && value.length > def.max_length)
      fail(`is longer than ${def.max_length}`);
  }
}

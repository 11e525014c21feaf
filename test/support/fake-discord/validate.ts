// The subset of Discord's server-side validation that is cheap to mirror and catches real bot bugs:
// over-long content, too many/too large embeds, malformed component rows, oversized autocomplete
// results and command definitions Discord would refuse. Limits are Discord's documented ones.
import {
  ApplicationCommandOptionType,
  ApplicationCommandType,
  ButtonStyle,
  ComponentType,
  MessageFlags,
  type APIAllowedMentions,
  type APIApplicationCommandOption,
  type APIApplicationCommandOptionChoice,
  type APIEmbed,
  type APIMessageTopLevelComponent,
  type RESTAPIPoll,
  type RESTPostAPIApplicationCommandsJSONBody,
} from 'discord-api-types/v10';
import { FormErrors } from './errors.ts';
import { validatePoll } from './polls.ts';

/** What every message-creating or -editing body has in common (channel post, callback data, webhook). */
export interface MessageBody {
  content?: string | null;
  embeds?: APIEmbed[] | null;
  components?: APIMessageTopLevelComponent[] | null;
  flags?: number | null;
  allowed_mentions?: APIAllowedMentions | null;
  attachments?: { id: string | number; filename?: string; description?: string }[] | null;
  tts?: boolean;
  /** A poll create request (only on create: polls cannot be edited). */
  poll?: RESTAPIPoll | null;
  /** A reply: the message it answers (kept on the created message as Discord does). */
  message_reference?: { message_id?: string; channel_id?: string; fail_if_not_exists?: boolean } | null;
}

type Path = readonly (string | number)[];

/** Components are walked structurally so legacy rows and Components V2 containers are both covered. */
export interface LooseComponent {
  type: number;
  custom_id?: string;
  label?: string;
  style?: number;
  url?: string;
  disabled?: boolean;
  options?: unknown[];
  components?: LooseComponent[];
  accessory?: LooseComponent;
}

export function* walkComponents(
  components: readonly unknown[] | null | undefined,
): Generator<LooseComponent> {
  for (const raw of components ?? []) {
    const c = raw as LooseComponent;
    yield c;
    if (c.components) yield* walkComponents(c.components);
    if (c.accessory) yield* walkComponents([c.accessory]);
  }
}

export function validateMessageBody(body: MessageBody, prefix: Path = []): void {
  const errors = new FormErrors();
  errors.maxLength([...prefix, 'content'], body.content, 2000);
  if ((body.flags ?? 0) & MessageFlags.IsComponentsV2) {
    for (const field of ['content', 'embeds'] as const) {
      if (body[field]?.length) {
        errors.add(
          [...prefix, field],
          'MESSAGE_CANNOT_USE_LEGACY_FIELDS_WITH_COMPONENTS_V2',
          `The '${field}' field cannot be used when using MessageFlags.IS_COMPONENTS_V2`,
        );
      }
    }
  }
  validateEmbeds(body.embeds ?? [], [...prefix, 'embeds'], errors);
  validatePoll(body.poll, body.flags ?? 0, [...prefix, 'poll'], errors);
  validateComponents(body.components ?? [], body.flags ?? 0, [...prefix, 'components'], errors);
  errors.throwIfAny();
}

function validateEmbeds(embeds: readonly APIEmbed[], path: Path, errors: FormErrors): void {
  errors.maxLength(path, embeds, 10);
  let total = 0;
  embeds.forEach((embed, i) => {
    const at = (...rest: (string | number)[]) => [...path, i, ...rest];
    errors.maxLength(at('title'), embed.title, 256);
    errors.maxLength(at('description'), embed.description, 4096);
    errors.maxLength(at('fields'), embed.fields, 25);
    errors.maxLength(at('footer', 'text'), embed.footer?.text, 2048);
    errors.maxLength(at('author', 'name'), embed.author?.name, 256);
    (embed.fields ?? []).forEach((field, j) => {
      errors.lengthBetween(at('fields', j, 'name'), field.name, 1, 256);
      errors.lengthBetween(at('fields', j, 'value'), field.value, 1, 1024);
      total += (field.name?.length ?? 0) + (field.value?.length ?? 0);
    });
    total += (embed.title?.length ?? 0) + (embed.description?.length ?? 0);
    total += (embed.footer?.text?.length ?? 0) + (embed.author?.name?.length ?? 0);
  });
  // The 6000 limit is over all embeds of a message together, which is easy to miss with 10 embeds.
  if (total > 6000) errors.add(path, 'MAX_EMBED_SIZE_EXCEEDED', 'Embed size exceeds maximum size of 6000');
}

function validateComponents(components: readonly unknown[], flags: number, path: Path, errors: FormErrors) {
  const seen = new Set<string>();
  for (const c of walkComponents(components)) {
    if (c.custom_id === undefined) continue;
    if (c.custom_id.length > 100)
      errors.add(path, 'BASE_TYPE_MAX_LENGTH', 'custom_id: Must be 100 or fewer in length.');
    if (seen.has(c.custom_id)) {
      errors.add(path, 'COMPONENT_CUSTOM_ID_DUPLICATED', 'Component custom id cannot be duplicated');
    }
    seen.add(c.custom_id);
  }
  // Components V2 layouts have different (larger) limits; only the classic action-row rules are checked.
  if (flags & MessageFlags.IsComponentsV2) return;
  errors.maxLength(path, components, 5);
  (components as LooseComponent[]).forEach((row, i) => {
    if (row.type !== ComponentType.ActionRow) {
      errors.add([...path, i, 'type'], 'UNION_TYPE_CHOICES', 'Top-level components must be action rows.');
      return;
    }
    const children = row.components ?? [];
    const buttons = children.filter((c) => c.type === ComponentType.Button);
    if (
      children.length === 0 ||
      children.length > 5 ||
      (buttons.length !== children.length && children.length > 1)
    ) {
      errors.add(
        [...path, i, 'components'],
        'BASE_TYPE_BAD_LENGTH',
        'An action row holds 1 to 5 buttons or exactly one select menu.',
      );
    }
    children.forEach((c, j) => {
      const at = [...path, i, 'components', j];
      if (c.type === ComponentType.Button) {
        errors.maxLength([...at, 'label'], c.label, 80);
        const isLink = c.style === ButtonStyle.Link;
        if (
          isLink
            ? !c.url || c.custom_id !== undefined
            : c.custom_id === undefined && c.style !== ButtonStyle.Premium
        ) {
          errors.add(
            at,
            'BUTTON_COMPONENT_INVALID',
            'Link buttons need a url and no custom_id; others need a custom_id.',
          );
        }
      } else if (c.type === ComponentType.StringSelect) {
        validateStringSelect(c as unknown as StringSelect, at, errors);
      } else {
        errors.maxLength([...at, 'options'], c.options, 25);
      }
    });
  });
}

interface StringSelect {
  custom_id?: string;
  placeholder?: string;
  min_values?: number;
  max_values?: number;
  options?: { label?: string; value?: string; description?: string; default?: boolean }[];
}

/** Discord's string select rules: 1–25 options with unique values, documented lengths, sane min/max. */
function validateStringSelect(select: StringSelect, at: Path, errors: FormErrors): void {
  const options = select.options ?? [];
  if (options.length < 1 || options.length > 25)
    errors.add([...at, 'options'], 'BASE_TYPE_BAD_LENGTH', 'Must be between 1 and 25 in length.');
  errors.maxLength([...at, 'placeholder'], select.placeholder, 150);
  const values = new Set<string>();
  options.forEach((option, k) => {
    const where = [...at, 'options', k];
    errors.lengthBetween([...where, 'label'], option.label, 1, 100);
    errors.lengthBetween([...where, 'value'], option.value, 1, 100);
    errors.maxLength([...where, 'description'], option.description, 100);
    if (option.value !== undefined && values.has(option.value)) {
      errors.add(
        [...where, 'value'],
        'SELECT_COMPONENT_OPTION_VALUE_DUPLICATED',
        'Select option values must be unique',
      );
    }
    if (option.value !== undefined) values.add(option.value);
  });
  const min = select.min_values ?? 1;
  const max = select.max_values ?? 1;
  if (min < 0 || min > 25 || max < 1 || max > 25 || min > max || max > options.length) {
    errors.add(at, 'BASE_TYPE_BAD_LENGTH', 'min_values/max_values out of range for the options given');
  }
  if (options.filter((option) => option.default).length > max) {
    errors.add(
      [...at, 'options'],
      'SELECT_COMPONENT_TOO_MANY_DEFAULTS',
      'More default options than max_values',
    );
  }
}

/** Discord refuses an empty message; checked on the message as it would stand after the request. */
export function isEmptyMessage(m: MessageBody): boolean {
  return !m.content && !m.embeds?.length && !m.components?.length && !m.attachments?.length && !m.poll;
}

export function validateAutocompleteChoices(
  choices: readonly APIApplicationCommandOptionChoice[] | undefined,
) {
  const errors = new FormErrors();
  const path = ['data', 'choices'];
  errors.maxLength(path, choices, 25);
  (choices ?? []).forEach((choice, i) => {
    errors.lengthBetween([...path, i, 'name'], choice.name, 1, 100);
    if (typeof choice.value === 'string') errors.maxLength([...path, i, 'value'], choice.value, 100);
  });
  errors.throwIfAny();
}

// Discord's documented name rule for commands and options (lowercase enforced for chat-input commands).
const NAME = /^[-_'\p{L}\p{N}\p{sc=Deva}\p{sc=Thai}]{1,32}$/u;

export function validateCommands(commands: readonly RESTPostAPIApplicationCommandsJSONBody[]): void {
  const errors = new FormErrors();
  const seen = new Set<string>();
  commands.forEach((cmd, i) => {
    const type = cmd.type ?? ApplicationCommandType.ChatInput;
    const key = `${type}:${cmd.name}`;
    if (seen.has(key))
      errors.add(
        [i, 'name'],
        'APPLICATION_COMMANDS_DUPLICATE_NAME',
        `Application command names must be unique`,
      );
    seen.add(key);
    if (type === ApplicationCommandType.ChatInput) {
      if (!NAME.test(cmd.name) || cmd.name !== cmd.name.toLowerCase()) {
        errors.add([i, 'name'], 'APPLICATION_COMMAND_INVALID_NAME', 'Command name is invalid');
      }
      errors.lengthBetween([i, 'description'], 'description' in cmd ? cmd.description : undefined, 1, 100);
      validateInstallFields(cmd, i, errors);
      validateOptions('options' in cmd ? cmd.options : undefined, [i, 'options'], errors);
    } else {
      errors.lengthBetween([i, 'name'], cmd.name, 1, 32);
    }
  });
  if (commands.filter((c) => (c.type ?? 1) === ApplicationCommandType.ChatInput).length > 100) {
    errors.add([], 'BASE_TYPE_MAX_LENGTH', 'Must be 100 or fewer in length.');
  }
  errors.throwIfAny();
}

/** integration_types ⊆ {0 guild, 1 user} and contexts ⊆ {0 guild, 1 bot DM, 2 group DM}, non-empty, no repeats. */
function validateInstallFields(
  cmd: RESTPostAPIApplicationCommandsJSONBody,
  i: number,
  errors: FormErrors,
): void {
  const fields: [string, readonly number[] | null | undefined, readonly number[]][] = [
    ['integration_types', cmd.integration_types as readonly number[] | undefined, [0, 1]],
    ['contexts', cmd.contexts as readonly number[] | null | undefined, [0, 1, 2]],
  ];
  for (const [name, values, allowed] of fields) {
    if (values === undefined || values === null) continue;
    if (!Array.isArray(values) || values.length === 0 || new Set(values).size !== values.length) {
      errors.add([i, name], 'BASE_TYPE_BAD_LENGTH', `${name} must be a non-empty list without repeats`);
      continue;
    }
    values.forEach((value: number, j: number) => {
      if (!allowed.includes(value))
        errors.add([i, name, j], 'BASE_TYPE_CHOICES', `Value must be one of {${allowed.join(', ')}}.`);
    });
  }
}

function validateOptions(
  options: readonly APIApplicationCommandOption[] | undefined,
  path: Path,
  errors: FormErrors,
) {
  if (!options) return;
  errors.maxLength(path, options, 25);
  const names = new Set<string>();
  let sawOptional = false;
  options.forEach((opt, i) => {
    const at = [...path, i];
    if (!NAME.test(opt.name) || opt.name !== opt.name.toLowerCase()) {
      errors.add([...at, 'name'], 'APPLICATION_COMMAND_INVALID_NAME', 'Command name is invalid');
    }
    if (names.has(opt.name))
      errors.add(
        [...at, 'name'],
        'APPLICATION_COMMAND_OPTIONS_NAME_ALREADY_EXISTS',
        'Option names must be unique',
      );
    names.add(opt.name);
    errors.lengthBetween([...at, 'description'], opt.description, 1, 100);
    const required = 'required' in opt && opt.required === true;
    if (required && sawOptional) {
      errors.add(
        [...at, 'required'],
        'APPLICATION_COMMAND_OPTIONS_REQUIRED_INVALID',
        'Required options must be placed before non-required options',
      );
    }
    if (!required) sawOptional = true;
    if ('choices' in opt && opt.choices) {
      errors.maxLength([...at, 'choices'], opt.choices, 25);
      if ('autocomplete' in opt && opt.autocomplete) {
        errors.add(
          [...at, 'autocomplete'],
          'APPLICATION_COMMAND_OPTION_AUTOCOMPLETE_CHOICES',
          'Autocomplete cannot be set with choices',
        );
      }
    }
    if (
      opt.type === ApplicationCommandOptionType.Subcommand ||
      opt.type === ApplicationCommandOptionType.SubcommandGroup
    ) {
      validateOptions(opt.options, [...at, 'options'], errors);
    }
  });
}

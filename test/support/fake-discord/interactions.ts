// Interaction lifecycle as Discord enforces it: one initial callback within the ack window, then the
// token works as a webhook (edit/delete @original, follow-ups) for 15 minutes (interactionTokenLifeMs),
// then answers 401 "Invalid Webhook Token" (50027). Every step is recorded
// on the interaction so tests can assert on what the user would have seen.
import { randomBytes } from 'node:crypto';
import {
  InteractionContextType,
  InteractionResponseType,
  InteractionType,
  Locale,
  MessageFlags,
  MessageType,
  type APIApplicationCommandOptionChoice,
  type APIInteraction,
  type APIInteractionResponse,
  type APIMessageInteractionMetadata,
  type APIUser,
  type RESTPostAPIInteractionCallbackWithResponseResult,
} from 'discord-api-types/v10';
import { Errors, FormErrors } from './errors.ts';
import { createMessage, editMessage, type UploadedFile } from './messages.ts';
import { botUser, interactionMember, primaryGuild, textChannel } from './payloads.ts';
import { IN_GUILD, placeFields, type Where } from './places.ts';
import type { FakeGuild } from './sharding.ts';
import { snowflake, type FakeState, type StoredMessage } from './state.ts';
import { validateAutocompleteChoices, validateMessageBody, type MessageBody } from './validate.ts';

/** One thing the bot did with an interaction, in order. Messages are snapshots taken at that moment. */
export type RecordedEvent =
  | {
      kind: 'callback';
      type: InteractionResponseType;
      /** When the callback arrived (ms since the epoch), to compare with the record's `createdAt`. */
      at: number;
      response: APIInteractionResponse;
      message?: StoredMessage;
    }
  | { kind: 'edit'; messageId: string; original: boolean; body: MessageBody; message: StoredMessage }
  | { kind: 'followup'; body: MessageBody; message: StoredMessage }
  | { kind: 'delete'; messageId: string; original: boolean };

export interface InteractionRecord {
  id: string;
  token: string;
  type: InteractionType;
  /** Human-readable, for error messages: "/recommend", "button fav:1". */
  label: string;
  createdAt: number;
  user: APIUser;
  acknowledged?: InteractionResponseType;
  /** Set when the ack window passed without an initial response ("This interaction failed"). */
  expired: boolean;
  /** The message `@original` refers to: the reply, or for components the message the component is on. */
  originalMessageId?: string;
  sourceMessageId?: string;
  /** Where replies and follow-ups go: the guild's text channel, or the DM the interaction came from. */
  channelId?: string;
  followupIds: string[];
  events: RecordedEvent[];
}

export interface InteractionSpec {
  type: InteractionType;
  label: string;
  data: unknown;
  user: APIUser;
  permissions: bigint;
  locale: Locale;
  sourceMessage?: StoredMessage;
  /** Server channel via the guild install unless set (see places.ts). */
  where?: Where;
  /** Where it happens; default the primary guild. */
  guild?: FakeGuild;
}

export function createInteraction(
  state: FakeState,
  spec: InteractionSpec,
): { record: InteractionRecord; payload: APIInteraction } {
  const c = state.config;
  const guild = spec.guild ?? primaryGuild(c);
  const record: InteractionRecord = {
    id: snowflake(),
    token: `aW50ZXJhY3Rpb246${randomBytes(48).toString('base64url')}`,
    type: spec.type,
    label: spec.label,
    createdAt: Date.now(),
    user: spec.user,
    expired: false,
    sourceMessageId: spec.sourceMessage?.id,
    // Replies land in the channel the interaction came from (each guild has its own).
    channelId: guild.channelId,
    followupIds: [],
    events: [],
  };
  const payload = {
    id: record.id,
    application_id: c.applicationId,
    type: spec.type,
    data: spec.data,
    guild_id: guild.id,
    guild: { id: guild.id, locale: Locale.EnglishUS, features: [] },
    channel: textChannel(c, guild.channelId, guild.id),
    channel_id: guild.channelId,
    member: interactionMember(spec.user, spec.permissions),
    token: record.token,
    version: 1,
    app_permissions: c.botPermissions.toString(),
    locale: spec.locale,
    guild_locale: Locale.EnglishUS,
    entitlements: [],
    authorizing_integration_owners: { 0: guild.id },
    context: InteractionContextType.Guild,
    attachment_size_limit: 10 * 1024 * 1024,
    ...(spec.sourceMessage ? { message: spec.sourceMessage } : {}),
  } as APIInteraction;
  if (spec.where && (spec.where.place !== IN_GUILD.place || spec.where.install !== IN_GUILD.install)) {
    const place = placeFields(state, spec.user, spec.permissions, spec.where);
    Object.assign(payload, place.fields);
    for (const key of Object.keys(place.fields) as (keyof typeof place.fields)[])
      if (place.fields[key] === undefined) delete (payload as unknown as Record<string, unknown>)[key];
    record.channelId = place.channelId;
  }
  state.interactions.set(record.id, record);
  state.timer(c.ackWindowMs, () => {
    if (record.acknowledged === undefined) {
      record.expired = true;
      state.changed();
    }
  });
  return { record, payload };
}

// Which initial responses Discord accepts for which interaction type.
const ALLOWED_CALLBACKS: Record<number, InteractionResponseType[]> = {
  [InteractionType.ApplicationCommand]: [
    InteractionResponseType.ChannelMessageWithSource,
    InteractionResponseType.DeferredChannelMessageWithSource,
    InteractionResponseType.Modal,
  ],
  [InteractionType.MessageComponent]: [
    InteractionResponseType.ChannelMessageWithSource,
    InteractionResponseType.DeferredChannelMessageWithSource,
    InteractionResponseType.DeferredMessageUpdate,
    InteractionResponseType.UpdateMessage,
    InteractionResponseType.Modal,
  ],
  [InteractionType.ApplicationCommandAutocomplete]: [
    InteractionResponseType.ApplicationCommandAutocompleteResult,
  ],
  [InteractionType.ModalSubmit]: [
    InteractionResponseType.ChannelMessageWithSource,
    InteractionResponseType.DeferredChannelMessageWithSource,
    InteractionResponseType.DeferredMessageUpdate,
    InteractionResponseType.UpdateMessage,
  ],
};

export function handleCallback(
  state: FakeState,
  id: string,
  token: string,
  response: APIInteractionResponse,
  files: UploadedFile[],
  withResponse: boolean,
): RESTPostAPIInteractionCallbackWithResponseResult | undefined {
  const record = state.interactions.get(id);
  if (!record || record.token !== token) throw Errors.unknownInteraction();
  if (record.acknowledged !== undefined) throw Errors.alreadyAcknowledged();
  if (record.expired || Date.now() - record.createdAt > state.config.ackWindowMs)
    throw Errors.unknownInteraction();
  const allowed = ALLOWED_CALLBACKS[record.type] ?? [];
  if (!allowed.includes(response.type)) {
    const errors = new FormErrors();
    errors.add(['type'], 'BASE_TYPE_CHOICES', `Value must be one of {${allowed.join(', ')}}.`);
    errors.throwIfAny();
  }

  const data = ('data' in response ? response.data : undefined) as MessageBody | undefined;
  const T = InteractionResponseType;
  let message: StoredMessage | undefined;
  switch (response.type) {
    case T.ChannelMessageWithSource:
      validateMessageBody(data ?? {}, ['data']);
      message = replyMessage(state, record, data ?? {}, files, 0);
      break;
    case T.DeferredChannelMessageWithSource:
      // The user sees "FlickPick is thinking…" until the reply is edited; ephemerality is decided now.
      // EPHEMERAL is the only flag a deferred response may carry (Components V2 is chosen on the edit).
      message = replyMessage(
        state,
        record,
        { flags: (data?.flags ?? 0) & MessageFlags.Ephemeral },
        [],
        MessageFlags.Loading,
      );
      break;
    case T.DeferredMessageUpdate:
      record.originalMessageId = record.sourceMessageId;
      break;
    case T.UpdateMessage: {
      validateMessageBody(data ?? {}, ['data']);
      const source = record.sourceMessageId ? state.messages.get(record.sourceMessageId) : undefined;
      if (!source) throw Errors.unknownMessage();
      message = editMessage(state, source, data ?? {}, files);
      record.originalMessageId = source.id;
      break;
    }
    case T.Modal:
      validateModal(response.data as unknown as ShownModal);
      break;
    case T.ApplicationCommandAutocompleteResult:
      validateAutocompleteChoices(
        (data as { choices?: APIApplicationCommandOptionChoice[] } | undefined)?.choices,
      );
      break;
    default:
      break;
  }

  record.acknowledged = response.type;
  record.events.push({
    kind: 'callback',
    type: response.type,
    at: Date.now(),
    response,
    ...(message ? { message: structuredClone(message) } : {}),
  });
  state.changed();
  if (!withResponse) return undefined;
  return {
    interaction: {
      id: record.id,
      type: record.type,
      ...(message
        ? {
            response_message_id: message.id,
            response_message_loading: Boolean((message.flags ?? 0) & MessageFlags.Loading),
            response_message_ephemeral: Boolean((message.flags ?? 0) & MessageFlags.Ephemeral),
          }
        : {}),
    },
    // Discord includes the message resource only for types 4 and 7, not for a deferred placeholder.
    resource: {
      type: response.type,
      ...(message && response.type !== T.DeferredChannelMessageWithSource ? { message } : {}),
    },
  } as RESTPostAPIInteractionCallbackWithResponseResult;
}

/** A modal as the bot sent it (callback type 9): rows of text inputs. */
export interface ShownModal {
  custom_id: string;
  title: string;
  components: {
    type: number;
    components: {
      type: number;
      custom_id: string;
      label: string;
      placeholder?: string;
      required?: boolean;
      min_length?: number;
      max_length?: number;
    }[];
  }[];
}

/** Discord's limits for a modal of text inputs in action rows (title ≤ 45, 1–5 rows, labels ≤ 45). */
function validateModal(modal: ShownModal): void {
  const errors = new FormErrors();
  const length = (path: (string | number)[], text: unknown, min: number, max: number) => {
    if (typeof text !== 'string' || text.length < min || text.length > max)
      errors.add(path, 'BASE_TYPE_BAD_LENGTH', `Must be between ${min} and ${max} in length.`);
  };
  length(['data', 'custom_id'], modal.custom_id, 1, 100);
  length(['data', 'title'], modal.title, 1, 45);
  if (!Array.isArray(modal.components) || modal.components.length < 1 || modal.components.length > 5)
    errors.add(['data', 'components'], 'BASE_TYPE_BAD_LENGTH', 'Must be between 1 and 5 in length.');
  for (const [r, row] of (modal.components ?? []).entries()) {
    const input = row.components?.[0];
    if (row.type !== 1 || row.components?.length !== 1 || input?.type !== 4) {
      errors.add(
        ['data', 'components', r],
        'UNION_TYPE_CHOICES',
        'Value of field "type" must be one of (4,).',
      );
      continue;
    }
    const at = ['data', 'components', r, 'components', 0];
    length([...at, 'custom_id'], input.custom_id, 1, 100);
    length([...at, 'label'], input.label, 1, 45);
    if (input.placeholder !== undefined) length([...at, 'placeholder'], input.placeholder, 0, 100);
    if (input.max_length !== undefined && (input.max_length < 1 || input.max_length > 4000))
      errors.add([...at, 'max_length'], 'NUMBER_TYPE_MAX', 'int value should be between 1 and 4000.');
  }
  errors.throwIfAny();
}

function replyMessage(
  state: FakeState,
  record: InteractionRecord,
  body: MessageBody,
  files: UploadedFile[],
  serverFlags: number,
): StoredMessage {
  const c = state.config;
  const message = createMessage(state, {
    channelId: record.channelId ?? c.channelId,
    author: botUser(c),
    type:
      record.type === InteractionType.ApplicationCommand ? MessageType.ChatInputCommand : MessageType.Default,
    body,
    files,
    serverFlags,
    allowEmpty: serverFlags === MessageFlags.Loading,
    webhookId: c.applicationId,
    interactionMetadata: {
      id: record.id,
      type: record.type,
      user: record.user,
      authorizing_integration_owners: { 0: c.guildId },
      ...(record.sourceMessageId ? { interacted_message_id: record.sourceMessageId } : {}),
    } as APIMessageInteractionMetadata,
  });
  record.originalMessageId = message.id;
  return message;
}

/** The interaction behind a webhook URL; the token only works once the interaction was acknowledged. */
export function interactionForWebhook(
  state: FakeState,
  applicationId: string,
  token: string,
): InteractionRecord {
  const record = [...state.interactions.values()].find((r) => r.token === token);
  if (!record || applicationId !== state.config.applicationId || record.acknowledged === undefined) {
    throw Errors.unknownWebhook();
  }
  if (Date.now() - record.createdAt > state.config.interactionTokenLifeMs) throw Errors.invalidWebhookToken();
  return record;
}

function targetMessage(state: FakeState, record: InteractionRecord, target: string): StoredMessage {
  const id = target === '@original' ? record.originalMessageId : target;
  const ours = id !== undefined && (id === record.originalMessageId || record.followupIds.includes(id));
  const message = ours ? state.messages.get(id) : undefined;
  if (!message) throw Errors.unknownMessage();
  return message;
}

export function getWebhookMessage(
  state: FakeState,
  record: InteractionRecord,
  target: string,
): StoredMessage {
  return targetMessage(state, record, target);
}

export function editWebhookMessage(
  state: FakeState,
  record: InteractionRecord,
  target: string,
  body: MessageBody,
  files: UploadedFile[],
): StoredMessage {
  const existing = targetMessage(state, record, target);
  validateMessageBody(body);
  const message = editMessage(state, existing, body, files);
  record.events.push({
    kind: 'edit',
    messageId: message.id,
    original: message.id === record.originalMessageId,
    body,
    message: structuredClone(message),
  });
  state.changed();
  return message;
}

export function deleteWebhookMessage(state: FakeState, record: InteractionRecord, target: string): void {
  const message = targetMessage(state, record, target);
  state.messages.delete(message.id);
  record.events.push({
    kind: 'delete',
    messageId: message.id,
    original: message.id === record.originalMessageId,
  });
  state.changed();
}

export function createFollowup(
  state: FakeState,
  record: InteractionRecord,
  body: MessageBody,
  files: UploadedFile[],
): StoredMessage {
  validateMessageBody(body);
  const original = record.originalMessageId ? state.messages.get(record.originalMessageId) : undefined;
  let message: StoredMessage;
  if (original && (original.flags ?? 0) & MessageFlags.Loading) {
    // Discord resolves a still-"thinking" deferred reply with the first follow-up instead of posting a
    // new message; the deferred reply's ephemerality wins over the follow-up's flags.
    message = editMessage(state, original, { ...body, flags: undefined }, files);
  } else {
    message = createMessage(state, {
      channelId: record.channelId ?? state.config.channelId,
      author: botUser(state.config),
      type: MessageType.Default,
      body,
      files,
      webhookId: state.config.applicationId,
    });
    record.followupIds.push(message.id);
  }
  record.events.push({ kind: 'followup', body, message: structuredClone(message) });
  state.changed();
  return message;
}

const isLoading = (m: StoredMessage) => Boolean((m.flags ?? 0) & MessageFlags.Loading);

/** What a test holds after triggering an interaction: the recorded responses and ways to wait for more. */
export class InteractionHandle {
  constructor(
    private readonly state: FakeState,
    private readonly record: InteractionRecord,
  ) {}

  get id(): string {
    return this.record.id;
  }

  /** Every callback, edit, follow-up and delete, in the order the bot made them. */
  get events(): readonly RecordedEvent[] {
    return this.record.events;
  }

  /** The initial response type (4 reply, 5 deferred, 6 deferred update, 7 update, 8 autocomplete, 9 modal). */
  get responseType(): InteractionResponseType | undefined {
    return this.record.acknowledged;
  }

  /** The modal the bot opened in answer (callback type 9), if it did. */
  get modal(): ShownModal | undefined {
    const callback = this.record.events.find((e) => e.kind === 'callback');
    return callback?.kind === 'callback' && callback.type === InteractionResponseType.Modal
      ? (callback.response as { data: ShownModal }).data
      : undefined;
  }

  /** The message the interaction's component was on. */
  get sourceMessageId(): string | undefined {
    return this.record.sourceMessageId;
  }

  /** Milliseconds from sending the interaction to its initial response (Discord allows 3,000). */
  get acknowledgedAfterMs(): number | undefined {
    const callback = this.record.events.find((e) => e.kind === 'callback');
    return callback?.kind === 'callback' ? callback.at - this.record.createdAt : undefined;
  }

  /**
   * `@original` once the bot has answered for good: at once after a reply or update, after the edit that
   * replaces "thinking…" for a deferred reply, after the first edit of the message for a deferred update.
   */
  async settledMessage(timeoutMs = 5000): Promise<StoredMessage> {
    if (this.record.acknowledged === InteractionResponseType.DeferredMessageUpdate)
      await this.waitFor((e) => e.kind === 'edit' && e.original, timeoutMs);
    return this.waitForMessage(undefined, timeoutMs);
  }

  /** Resolves with the first recorded event matching `predicate` (including ones already recorded). */
  waitFor<E extends RecordedEvent>(predicate: (e: RecordedEvent) => e is E, timeoutMs?: number): Promise<E>;
  waitFor(predicate: (e: RecordedEvent) => boolean, timeoutMs?: number): Promise<RecordedEvent>;
  waitFor(predicate: (e: RecordedEvent) => boolean, timeoutMs = 5000): Promise<RecordedEvent> {
    return this.state.waitUntil(
      () => {
        const found = this.record.events.find(predicate);
        if (!found) this.failIfExpired();
        return found;
      },
      timeoutMs,
      () => `an event on ${this.describe()}`,
    );
  }

  /**
   * Resolves with `@original` once it satisfies `predicate` — by default once it is no longer a
   * "thinking…" placeholder, i.e. a deferred reply has been edited.
   */
  waitForMessage(
    predicate: (m: StoredMessage) => boolean = (m) => !isLoading(m),
    timeoutMs = 5000,
  ): Promise<StoredMessage> {
    return this.state.waitUntil(
      () => {
        const m = this.record.originalMessageId
          ? this.state.messages.get(this.record.originalMessageId)
          : undefined;
        if (m && predicate(m)) return structuredClone(m);
        this.failIfExpired();
        return undefined;
      },
      timeoutMs,
      () => `@original to match on ${this.describe()}`,
    );
  }

  /** `@original` as it stands now (content, embeds, components, flags, allowed_mentions). */
  finalMessage(): StoredMessage {
    const m = this.record.originalMessageId
      ? this.state.messages.get(this.record.originalMessageId)
      : undefined;
    if (!m) throw new Error(`${this.describe()} has no current @original message`);
    return structuredClone(m);
  }

  /** Follow-up messages that are still present, in order. */
  followups(): StoredMessage[] {
    return this.record.followupIds.flatMap((id) => {
      const m = this.state.messages.get(id);
      return m ? [structuredClone(m)] : [];
    });
  }

  private failIfExpired(): void {
    if (this.record.expired)
      throw new Error(`${this.describe()} was never acknowledged within ${this.state.config.ackWindowMs} ms`);
  }

  private describe(): string {
    const kinds = this.record.events.map((e) => (e.kind === 'callback' ? `callback:${e.type}` : e.kind));
    return `interaction ${this.record.label} (events so far: ${kinds.join(', ') || 'none'})`;
  }
}

// Turning request bodies into stored messages (create and edit), as Discord would echo them back.
import {
  EmbedType,
  MessageFlags,
  type APIAttachment,
  type APIMessageInteractionMetadata,
  type APIUser,
  type MessageType,
} from 'discord-api-types/v10';
import { Errors, HttpError } from './errors.ts';
import { guildOfChannel } from './payloads.ts';
import { createdPoll, trackPoll } from './polls.ts';
import { snowflake, type FakeState, type StoredMessage } from './state.ts';
import { isEmptyMessage, type MessageBody } from './validate.ts';

/** A file part of a multipart request (`files[n]`), as sent by discord.js for attachments. */
export interface UploadedFile {
  field: string;
  filename: string;
  contentType: string;
  data: Buffer;
}

// Flags a sender may set; Discord silently drops the rest (LOADING etc. are server-controlled).
const CREATE_FLAGS =
  MessageFlags.Ephemeral |
  MessageFlags.SuppressEmbeds |
  MessageFlags.SuppressNotifications |
  MessageFlags.IsComponentsV2;
const EDIT_FLAGS = MessageFlags.SuppressEmbeds | MessageFlags.IsComponentsV2;

export interface NewMessage {
  channelId: string;
  author: APIUser;
  type: MessageType;
  body: MessageBody;
  files: UploadedFile[];
  /** Extra server-set flags, e.g. LOADING for a deferred reply. */
  serverFlags?: number;
  webhookId?: string;
  interactionMetadata?: APIMessageInteractionMetadata;
  /** Deferred replies start empty; everything else must have something to show. */
  allowEmpty?: boolean;
}

export function createMessage(state: FakeState, m: NewMessage): StoredMessage {
  const message: StoredMessage = {
    id: snowflake(),
    channel_id: m.channelId,
    author: m.author,
    content: m.body.content ?? '',
    timestamp: new Date().toISOString(),
    edited_timestamp: null,
    tts: m.body.tts ?? false,
    mention_everyone: false,
    mentions: [],
    mention_roles: [],
    attachments: attachmentsFor(state, m.body, m.files, []),
    embeds: (m.body.embeds ?? []).map((e) => ({ type: EmbedType.Rich, ...e })),
    components: m.body.components ?? [],
    pinned: false,
    type: m.type,
    flags: ((m.body.flags ?? 0) & CREATE_FLAGS) | (m.serverFlags ?? 0),
    ...(m.body.allowed_mentions ? { allowed_mentions: m.body.allowed_mentions } : {}),
    ...(m.webhookId ? { webhook_id: m.webhookId, application_id: m.webhookId } : {}),
    ...(m.interactionMetadata ? { interaction_metadata: m.interactionMetadata } : {}),
    ...(m.body.poll ? { poll: createdPoll(m.body.poll) } : {}),
    ...replyTo(state, m),
  };
  if (!m.allowEmpty && isEmptyMessage(message)) throw Errors.emptyMessage();
  state.messages.set(message.id, message);
  state.history.push(structuredClone(message));
  const guild = guildOfChannel(state.config, m.channelId);
  if (message.poll && guild) trackPoll(state, message, guild.id);
  return message;
}

/** A reply keeps a reference to the message it answers; a missing one fails unless told not to (50035). */
function replyTo(state: FakeState, m: NewMessage): Pick<StoredMessage, 'message_reference'> {
  const ref = m.body.message_reference;
  if (!ref?.message_id) return {};
  const target = state.messages.get(ref.message_id);
  if (!target || target.channel_id !== (ref.channel_id ?? m.channelId)) {
    if (ref.fail_if_not_exists === false) return {};
    throw new HttpError(400, {
      code: 50035,
      message: 'Invalid Form Body',
      errors: {
        message_reference: { _errors: [{ code: 'REPLIES_UNKNOWN_MESSAGE', message: 'Unknown message' }] },
      },
    });
  }
  const guild = guildOfChannel(state.config, target.channel_id);
  return {
    message_reference: {
      type: 0,
      message_id: target.id,
      channel_id: target.channel_id,
      ...(guild ? { guild_id: guild.id } : {}),
    },
  };
}

/** PATCH semantics: fields present in the body replace the stored ones, absent ones stay. */
export function editMessage(
  state: FakeState,
  existing: StoredMessage,
  body: MessageBody,
  files: UploadedFile[],
): StoredMessage {
  if (body.poll) throw new HttpError(400, { code: 520003, message: 'Cannot edit a poll message' });
  const flags = existing.flags ?? 0;
  const updated: StoredMessage = {
    ...existing,
    ...(body.content !== undefined ? { content: body.content ?? '' } : {}),
    ...(body.embeds !== undefined
      ? { embeds: (body.embeds ?? []).map((e) => ({ type: EmbedType.Rich, ...e })) }
      : {}),
    ...(body.components !== undefined ? { components: body.components ?? [] } : {}),
    ...(body.allowed_mentions ? { allowed_mentions: body.allowed_mentions } : {}),
    attachments: attachmentsFor(state, body, files, existing.attachments),
    edited_timestamp: new Date().toISOString(),
    // Editing a deferred reply resolves its "is thinking…" state; ephemerality can't change after the fact.
    flags: (flags & ~EDIT_FLAGS & ~MessageFlags.Loading) | ((body.flags ?? flags) & EDIT_FLAGS),
  };
  if (isEmptyMessage(updated)) throw Errors.emptyMessage();
  state.messages.set(updated.id, updated);
  state.history.push(structuredClone(updated));
  return updated;
}

/**
 * discord.js sends `attachments: [{ id: index, ... }]` referencing `files[index]` parts; existing
 * attachments are kept only if listed (by id), as on Discord.
 */
function attachmentsFor(
  state: FakeState,
  body: MessageBody,
  files: UploadedFile[],
  existing: APIAttachment[],
): APIAttachment[] {
  const byField = new Map(files.map((f) => [f.field, f]));
  const toAttachment = (file: UploadedFile, description?: string): APIAttachment => {
    const id = snowflake();
    const url = `${state.config.origin}/attachments/${id}/${encodeURIComponent(file.filename)}`;
    return {
      id,
      filename: file.filename,
      size: file.data.length,
      url,
      proxy_url: url,
      content_type: file.contentType,
      ...(description ? { description } : {}),
    };
  };
  if (!body.attachments) return [...existing, ...files.map((f) => toAttachment(f))];
  const result: APIAttachment[] = [];
  for (const ref of body.attachments) {
    const kept = existing.find((a) => a.id === String(ref.id));
    const uploaded = byField.get(`files[${ref.id}]`);
    if (kept) result.push(kept);
    else if (uploaded) result.push(toAttachment(uploaded, ref.description));
  }
  return result;
}

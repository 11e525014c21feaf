// Guild scheduled events as Discord keeps them: POST /guilds/{g}/scheduled-events (fields checked
// like Discord: name 1–100, privacy GUILD_ONLY, a future start, a voice/stage channel of the guild or
// an external location with an end time, description ≤ 1000, image as a data URI), the bot's
// permissions (Create/Manage Events, and View Channel + Connect for a voice channel: 403 50013
// otherwise), ≤ 100 scheduled or active per guild, status changes, and GUILD_SCHEDULED_EVENT_CREATE /
// UPDATE / DELETE to sessions with the GuildScheduledEvents intent.
import { createHash } from 'node:crypto';
import {
  ChannelType,
  GatewayDispatchEvents,
  GatewayIntentBits,
  GuildScheduledEventEntityType,
  GuildScheduledEventPrivacyLevel,
  GuildScheduledEventStatus,
  PermissionFlagsBits,
  RESTJSONErrorCodes,
  type APIGuildScheduledEvent,
  type RESTPatchAPIGuildScheduledEventJSONBody,
  type RESTPostAPIGuildScheduledEventJSONBody,
} from 'discord-api-types/v10';
import { FormErrors, HttpError } from './errors.ts';
import type { Gateway } from './gateway.ts';
import { botUser } from './payloads.ts';
import { snowflake, type FakeState } from './state.ts';
import { voiceChannelId } from './voice.ts';

export const SCHEDULED_EVENTS_INTENT = BigInt(GatewayIntentBits.GuildScheduledEvents);
/** Scheduled or active events a guild may have at once. */
export const MAX_OPEN_EVENTS = 100;

const events = new WeakMap<FakeState, Map<string, APIGuildScheduledEvent>>();

/** Every scheduled event of the fake, by id (any guild). */
export function scheduledEvents(state: FakeState): Map<string, APIGuildScheduledEvent> {
  let map = events.get(state);
  if (!map) events.set(state, (map = new Map()));
  return map;
}

const missingPermissions = () =>
  new HttpError(403, { code: RESTJSONErrorCodes.MissingPermissions, message: 'Missing Permissions' });
const unknownEvent = () =>
  new HttpError(404, {
    code: RESTJSONErrorCodes.UnknownGuildScheduledEvent,
    message: 'Unknown Guild Scheduled Event',
  });

const has = (permissions: bigint, flag: bigint) => (permissions & flag) === flag;

/** Discord lets CREATE_EVENTS create events and MANAGE_EVENTS manage anyone's. */
function assertMayCreate(state: FakeState, body: RESTPostAPIGuildScheduledEventJSONBody): void {
  const p = state.config.botPermissions;
  if (!has(p, PermissionFlagsBits.CreateEvents) && !has(p, PermissionFlagsBits.ManageEvents))
    throw missingPermissions();
  if (
    body.entity_type !== GuildScheduledEventEntityType.External &&
    !(has(p, PermissionFlagsBits.ViewChannel) && has(p, PermissionFlagsBits.Connect))
  )
    throw missingPermissions();
}

// discord.js labels every Buffer image/jpg; Discord looks at the bytes, not the label.
const DATA_URI = /^data:image\/[a-z]+;base64,[A-Za-z0-9+/]+=*$/;

function validate(state: FakeState, guildId: string, body: RESTPostAPIGuildScheduledEventJSONBody): void {
  const errors = new FormErrors();
  errors.lengthBetween(['name'], body.name, 1, 100);
  errors.maxLength(['description'], body.description, 1000);
  if (body.privacy_level !== GuildScheduledEventPrivacyLevel.GuildOnly)
    errors.add(['privacy_level'], 'BASE_TYPE_CHOICES', 'Value must be one of {2}.');
  const start = Date.parse(body.scheduled_start_time ?? '');
  if (Number.isNaN(start)) errors.add(['scheduled_start_time'], 'DATE_TYPE_PARSE', 'Could not parse date.');
  else if (start < Date.now())
    errors.add(
      ['scheduled_start_time'],
      'GUILD_SCHEDULED_EVENT_SCHEDULE_PAST',
      'Cannot schedule event in the past.',
    );
  const end = body.scheduled_end_time ? Date.parse(body.scheduled_end_time) : undefined;
  if (end !== undefined && (Number.isNaN(end) || end <= start))
    errors.add(
      ['scheduled_end_time'],
      'GUILD_SCHEDULED_EVENT_END_BEFORE_START',
      'End time must be after start.',
    );
  const voice = state.config.guildId === guildId ? voiceChannelId(state.config) : undefined;
  switch (body.entity_type) {
    case GuildScheduledEventEntityType.Voice:
    case GuildScheduledEventEntityType.StageInstance:
      // The fake's guild has one voice channel (no stage): a stage event needs a stage channel.
      if (
        !body.channel_id ||
        body.channel_id !== voice ||
        body.entity_type === GuildScheduledEventEntityType.StageInstance
      )
        errors.add(
          ['channel_id'],
          'CHANNEL_TYPE_INVALID',
          `Channel must be a ${body.entity_type === GuildScheduledEventEntityType.Voice ? ChannelType[ChannelType.GuildVoice] : ChannelType[ChannelType.GuildStageVoice]} channel of this guild.`,
        );
      break;
    case GuildScheduledEventEntityType.External:
      if (body.channel_id)
        errors.add(['channel_id'], 'BASE_TYPE_INVALID', 'Must be null for external events.');
      errors.lengthBetween(['entity_metadata', 'location'], body.entity_metadata?.location, 1, 100);
      if (end === undefined)
        errors.add(['scheduled_end_time'], 'BASE_TYPE_REQUIRED', 'This field is required');
      break;
    default:
      errors.add(['entity_type'], 'BASE_TYPE_CHOICES', 'Value must be one of {1, 2, 3}.');
  }
  if (body.image != null && !DATA_URI.test(body.image))
    errors.add(['image'], 'IMAGE_INVALID', 'Invalid image data');
  errors.throwIfAny();
}

export class ScheduledEvents {
  constructor(
    private readonly state: FakeState,
    private readonly gateway: Gateway,
  ) {}

  private get all() {
    return scheduledEvents(this.state);
  }

  list(guildId: string): APIGuildScheduledEvent[] {
    return [...this.all.values()].filter((e) => e.guild_id === guildId);
  }

  get(guildId: string, id: string): APIGuildScheduledEvent {
    const event = this.all.get(id);
    if (!event || event.guild_id !== guildId) throw unknownEvent();
    return event;
  }

  create(guildId: string, body: RESTPostAPIGuildScheduledEventJSONBody): APIGuildScheduledEvent {
    assertMayCreate(this.state, body);
    validate(this.state, guildId, body);
    const open = this.list(guildId).filter(
      (e) =>
        e.status === GuildScheduledEventStatus.Scheduled || e.status === GuildScheduledEventStatus.Active,
    );
    if (open.length >= MAX_OPEN_EVENTS)
      throw new HttpError(400, {
        code: RESTJSONErrorCodes.MaximumNumberOfUncompletedGuildScheduledEventsReached,
        message: 'Maximum number of uncompleted guild scheduled events reached (100)',
      });
    const external = body.entity_type === GuildScheduledEventEntityType.External;
    const event = {
      id: snowflake(),
      guild_id: guildId,
      channel_id: external ? null : (body.channel_id ?? null),
      creator_id: this.state.config.botUserId,
      creator: botUser(this.state.config),
      name: body.name,
      description: body.description ?? null,
      scheduled_start_time: new Date(body.scheduled_start_time).toISOString(),
      scheduled_end_time: body.scheduled_end_time ? new Date(body.scheduled_end_time).toISOString() : null,
      privacy_level: body.privacy_level,
      status: GuildScheduledEventStatus.Scheduled,
      entity_type: body.entity_type,
      entity_id: null,
      entity_metadata: external ? { location: body.entity_metadata!.location } : null,
      user_count: 0,
      // Discord stores the upload and answers with its hash.
      image: body.image ? createHash('md5').update(body.image).digest('hex') : null,
      recurrence_rule: null,
    } as APIGuildScheduledEvent;
    this.all.set(event.id, event);
    this.dispatch(GatewayDispatchEvents.GuildScheduledEventCreate, event);
    return event;
  }

  /** PATCH by the bot (e.g. status), or a status change Discord makes (the event starts or ends). */
  update(
    guildId: string,
    id: string,
    patch: RESTPatchAPIGuildScheduledEventJSONBody,
    byBot = true,
  ): APIGuildScheduledEvent {
    const event = this.get(guildId, id);
    if (
      byBot &&
      !has(this.state.config.botPermissions, PermissionFlagsBits.ManageEvents) &&
      event.creator_id !== this.state.config.botUserId
    )
      throw missingPermissions();
    if (patch.status !== undefined && !allowedTransition(event.status, patch.status)) {
      const errors = new FormErrors();
      errors.add(['status'], 'GUILD_SCHEDULED_EVENT_INVALID_STATUS_TRANSITION', 'Invalid status transition.');
      errors.throwIfAny();
    }
    const updated = {
      ...event,
      ...(patch.name ? { name: patch.name } : {}),
      ...(patch.description !== undefined ? { description: patch.description } : {}),
      ...(patch.status !== undefined ? { status: patch.status } : {}),
    } as APIGuildScheduledEvent;
    this.all.set(id, updated);
    this.dispatch(GatewayDispatchEvents.GuildScheduledEventUpdate, updated);
    return updated;
  }

  delete(guildId: string, id: string): void {
    const event = this.get(guildId, id);
    this.all.delete(id);
    this.dispatch(GatewayDispatchEvents.GuildScheduledEventDelete, event);
  }

  private dispatch(t: GatewayDispatchEvents, event: APIGuildScheduledEvent): void {
    this.gateway.dispatchWithIntent(SCHEDULED_EVENTS_INTENT, t as never, structuredClone(event) as never);
    this.state.changed();
  }
}

/** Scheduled → Active or Canceled; Active → Completed; ended events stay ended. */
function allowedTransition(from: GuildScheduledEventStatus, to: GuildScheduledEventStatus): boolean {
  const S = GuildScheduledEventStatus;
  if (from === to) return true;
  if (from === S.Scheduled) return to === S.Active || to === S.Canceled;
  if (from === S.Active) return to === S.Completed;
  return false;
}

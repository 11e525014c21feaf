// A Discord-compatible server on loopback (REST + gateway) for end-to-end tests that run the real
// discord.js Client. Point the client at it with `rest: { api: fake.apiUrl }` and log in with
// `fake.token`; the gateway URL is discovered through GET /gateway/bot as with Discord.
import { once } from 'node:events';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  ComponentType,
  GatewayDispatchEvents,
  InteractionResponseType,
  InteractionType,
  Locale,
  type APIApplicationCommand,
  type APIApplicationCommandOptionChoice,
  type APIGuildScheduledEvent,
  type GuildScheduledEventStatus,
  type APIMessage,
  type GatewayInteractionCreateDispatch,
} from 'discord-api-types/v10';
import { storeUpload, type UploadOptions } from './attachments.ts';
import { Errors } from './errors.ts';
import { Gateway } from './gateway.ts';
import { createInteraction, InteractionHandle, type InteractionSpec } from './interactions.ts';
import { buildCommandData, type OptionsInput } from './options.ts';
import { BOT_PERMISSIONS, DEFAULT_MEMBER_PERMISSIONS, humanUser } from './payloads.ts';
import { finalizePoll, vote } from './polls.ts';
import { ScheduledEvents } from './scheduled-events.ts';
import {
  assertCommandUsable,
  IN_GUILD,
  whereOfChannel,
  type Install,
  type Place,
  type Where,
} from './places.ts';
import { registerBot } from './users.ts';
import { VOICE_INTENT, voiceChannelId, voiceRoom, voiceStatePayload } from './voice.ts';
import { createRestHandler } from './rest.ts';
import { fakeGuilds, shardOf, type FakeGuild, type ShardPair } from './sharding.ts';
import { FakeState, type FakeStats, type RecordedRequest, type StoredMessage } from './state.ts';
import { walkComponents, type LooseComponent } from './validate.ts';

export { InteractionHandle } from './interactions.ts';
export type { RecordedEvent } from './interactions.ts';
export type { OptionsInput, OptionValue } from './options.ts';
export type { UploadOptions } from './attachments.ts';
export type { FakeStats, RecordedRequest, StoredMessage } from './state.ts';
export { DEFAULT_MEMBER_PERMISSIONS } from './payloads.ts';
export type { Install, Place, Where } from './places.ts';
export { shardOf, type FakeGuild, type ShardPair } from './sharding.ts';

export interface FakeDiscordOptions {
  applicationId?: string;
  /** Defaults to the application id: for most bots the bot user shares the application's id. */
  botUserId?: string;
  guildId?: string;
  channelId?: string;
  /** Discord uses 41250 ms; use ~100–500 ms in tests that want to see heartbeats. */
  heartbeatIntervalMs?: number;
  /** How late a heartbeat may be before it counts as missed. Default: max(interval / 2, 1000 ms). */
  heartbeatSlackMs?: number;
  /** Window for the initial interaction response. Default 3000 ms, as on Discord. */
  ackWindowMs?: number;
  /**
   * How long an interaction token works for edits and follow-ups; after it, they answer 401
   * "Invalid Webhook Token" (50027). Default 15 min, as on Discord; tests of long runs shorten it.
   */
  interactionTokenLifeMs?: number;
  /** Shards GET /gateway/bot recommends (IDENTIFY with fewer is refused with 4011). Default 1. */
  shards?: number;
  /** How many guilds the bot is in (the primary `guildId` first), spread one per shard in turn. Default 1. */
  guilds?: number;
  /** session_start_limit.max_concurrency. Default 16 (a large bot's), so tests need not wait 5 s per shard. */
  maxConcurrency?: number;
  /** The bot's permissions in its channels. Default: what its invite asks for (polls and events included). */
  botPermissions?: bigint;
}

/** Who triggers an interaction. Defaults: user 1100000000000000300, ordinary member permissions. */
export interface ActAs {
  userId?: string;
  username?: string;
  /** Member permissions in the channel (e.g. PermissionFlagsBits.ManageGuild). */
  permissions?: bigint;
  locale?: Locale;
  /** The guild it happens in (one of `fake.guilds`). Default: the primary guild. */
  guildId?: string;
  /** Where: a server channel (default), the bot's DM, or a group DM. Clicks default to the message's place. */
  place?: Place;
  /** Through which install: the server's (default) or the user's own (user-installable apps). */
  install?: Install;
}

export const DEFAULT_USER_ID = '1100000000000000300';

export class FakeDiscord {
  /** Give this to discord.js as `rest.api` (it appends `/v10`). */
  readonly apiUrl: string;
  readonly token: string;
  readonly applicationId: string;
  readonly botUserId: string;
  readonly guildId: string;
  readonly channelId: string;
  /** Every guild the bot is in, the primary one first. */
  readonly guilds: readonly FakeGuild[];
  /** Which shards ([id, count]) each interaction was dispatched to, by interaction id. */
  private readonly deliveries = new Map<string, ShardPair[]>();

  constructor(
    private readonly state: FakeState,
    private readonly gateway: Gateway,
    private readonly closeServer: () => Promise<void>,
    private readonly events: ScheduledEvents,
  ) {
    const c = state.config;
    this.apiUrl = `${c.origin}/api`;
    this.token = c.token;
    this.applicationId = c.applicationId;
    this.botUserId = c.botUserId;
    this.guildId = c.guildId;
    this.channelId = c.channelId;
    this.guilds = c.guilds;
  }

  /** The shard that owns a guild under the recommended shard count. */
  shardOf(guildId: string): number {
    return shardOf(guildId, this.state.config.shardCount);
  }

  /** The shards ([id, count]) with a live or resumable gateway session, in IDENTIFY order. */
  sessions(): ShardPair[] {
    return this.gateway.shards();
  }

  /** The shards an interaction was dispatched to (exactly the owner of its guild, as Discord does). */
  deliveredTo(handle: InteractionHandle): ShardPair[] {
    return this.deliveries.get(handle.id) ?? [];
  }

  /** Live counters: heartbeats, missedHeartbeats, identifies, resumes, connections. */
  get stats(): Readonly<FakeStats> {
    return this.state.stats;
  }

  /**
   * A user attaches a file: returns the attachment id to pass as an ATTACHMENT option's value
   * (`fake.command('import', { file: fake.upload('ratings.csv', text) })`). The interaction then carries
   * `resolved.attachments` with a signed URL this server serves.
   */
  upload(filename: string, content: Uint8Array | string, options: UploadOptions = {}): string {
    return storeUpload(this.state, filename, content, options).id;
  }

  /** How many times the bot downloaded an uploaded file. */
  downloads(attachmentId: string): number {
    return this.state.attachments.get(attachmentId)?.downloads ?? 0;
  }

  /** Every REST request with its status (and Discord error body for 4xx/5xx), in order. */
  get requests(): readonly RecordedRequest[] {
    return this.state.requests;
  }

  /**
   * A user runs a slash command (`'recommend'`, or `'list add'` for subcommands). Resolves once the
   * bot sent its initial response; rejects if it didn't within the ack window, like Discord's
   * "This interaction failed". Later edits and follow-ups are on the handle.
   */
  async command(name: string, options: OptionsInput = {}, as: ActAs = {}): Promise<InteractionHandle> {
    const where = this.where(as);
    assertCommandUsable(this.state, name.trim().split(/\s+/)[0], where);
    const data = buildCommandData(this.state, name, options);
    return this.trigger({
      where,
      ...this.actor(as),
      type: InteractionType.ApplicationCommand,
      label: `/${name}`,
      data,
    });
  }

  /** A user types into an autocomplete option; resolves with the choices the bot returned (callback type 8). */
  async autocomplete(
    name: string,
    options: OptionsInput,
    focused?: string,
    as: ActAs = {},
  ): Promise<APIApplicationCommandOptionChoice[]> {
    const focusedName = focused ?? (Array.isArray(options) ? undefined : Object.keys(options).at(-1));
    const where = this.where(as);
    assertCommandUsable(this.state, name.trim().split(/\s+/)[0], where);
    const data = buildCommandData(this.state, name, options, focusedName);
    const handle = await this.trigger({
      where,
      ...this.actor(as),
      type: InteractionType.ApplicationCommandAutocomplete,
      label: `/${name} (autocomplete)`,
      data,
    });
    const event = handle.events[0];
    if (
      event?.kind !== 'callback' ||
      event.type !== InteractionResponseType.ApplicationCommandAutocompleteResult
    ) {
      throw new Error(`/${name} autocomplete was answered with ${JSON.stringify(event)}`);
    }
    const response = event.response as { data?: { choices?: APIApplicationCommandOptionChoice[] } };
    return response.data?.choices ?? [];
  }

  /**
   * A user clicks a button on a message the bot sent earlier (pass the message or its id). The button
   * must exist and be enabled on the message as it stands now — not as it was in an old snapshot.
   */
  async clickButton(
    message: APIMessage | string,
    customId: string,
    as: ActAs = {},
  ): Promise<InteractionHandle> {
    return this.useComponent(message, customId, ComponentType.Button, {}, as);
  }

  /** A user picks `values` in a string select menu on a bot message. */
  async selectMenu(
    message: APIMessage | string,
    customId: string,
    values: string[],
    as: ActAs = {},
  ): Promise<InteractionHandle> {
    return this.useComponent(message, customId, ComponentType.StringSelect, { values }, as);
  }

  /**
   * A user fills in and sends the modal the bot opened in answer to `opened` (values by text input custom
   * id). Like a Discord client: required inputs must be filled, lengths respected, and the payload has
   * the modal's rows of text inputs plus the message its button was on.
   */
  async submitModal(
    opened: InteractionHandle,
    values: Record<string, string>,
    as: ActAs = {},
  ): Promise<InteractionHandle> {
    const modal = opened.modal;
    if (!modal) throw new Error(`the bot opened no modal (response type ${opened.responseType})`);
    const inputs = modal.components.flatMap((row) => row.components);
    for (const id of Object.keys(values))
      if (!inputs.some((input) => input.custom_id === id))
        throw new Error(`modal "${modal.custom_id}" has no input "${id}"`);
    for (const input of inputs) {
      const value = values[input.custom_id] ?? '';
      if ((input.required ?? true) && value === '')
        throw new Error(`modal input "${input.custom_id}" is required`);
      if (
        value.length > (input.max_length ?? 4000) ||
        (value !== '' && value.length < (input.min_length ?? 0))
      )
        throw new Error(`modal input "${input.custom_id}" cannot hold ${value.length} characters`);
    }
    const source = opened.sourceMessageId ? this.state.messages.get(opened.sourceMessageId) : undefined;
    return this.trigger({
      ...this.actor(as),
      type: InteractionType.ModalSubmit,
      label: `modal ${modal.custom_id}`,
      data: {
        custom_id: modal.custom_id,
        components: modal.components.map((row) => ({
          type: ComponentType.ActionRow,
          components: row.components.map((input) => ({
            type: ComponentType.TextInput,
            custom_id: input.custom_id,
            value: values[input.custom_id] ?? '',
          })),
        })),
      },
      ...(source ? { sourceMessage: structuredClone(source) } : {}),
      where: as.place || as.install ? this.where(as) : undefined,
    });
  }

  /** The guild's voice channel. */
  get voiceChannelId(): string {
    return voiceChannelId(this.state.config);
  }

  /**
   * `userId` joins the guild's voice channel (or leaves voice with `null`): Discord dispatches
   * VOICE_STATE_UPDATE to sessions with the GuildVoiceStates intent. Sent at once; the client sees it on its next read.
   */
  setVoice(
    userId: string,
    channelId: string | null = this.voiceChannelId,
    as: { bot?: boolean; username?: string } = {},
  ): void {
    const user = as.bot ? registerBot(this.state, userId, as.username) : humanUser(userId, as.username);
    if (channelId === null) voiceRoom(this.state).delete(userId);
    else voiceRoom(this.state).set(userId, { user, channelId });
    this.gateway.dispatchWithIntent(
      VOICE_INTENT,
      GatewayDispatchEvents.VoiceStateUpdate,
      voiceStatePayload(this.state.config, user, channelId),
    );
    this.state.changed();
  }

  /** Makes `userId` a bot account (e.g. for user options naming a bot), as Discord would resolve it. */
  addBot(userId: string, username?: string): void {
    registerBot(this.state, userId, username);
  }

  /** The bot's permissions from now on (interactions' `app_permissions`, and checks on polls and events). */
  setBotPermissions(permissions: bigint): void {
    this.state.config.botPermissions = permissions;
  }

  /**
   * A member votes in a poll message: `answerIds` (1-based) replace their earlier choice, as in the
   * Discord client; MESSAGE_POLL_VOTE_ADD/REMOVE go to sessions with GuildMessagePolls.
   */
  votePoll(messageId: string, userId: string, answerIds: number[]): void {
    vote(this.state, messageId, userId, answerIds);
  }

  /** The poll's time is up (as if its duration passed): final counts and MESSAGE_UPDATE. */
  endPoll(messageId: string): StoredMessage {
    return structuredClone(finalizePoll(this.state, messageId));
  }

  /** A guild's scheduled events as Discord holds them now. */
  scheduledEvents(guildId: string = this.guildId): APIGuildScheduledEvent[] {
    return structuredClone(this.events.list(guildId));
  }

  /** Discord changes an event's status (it starts, or ends a while after the channel empties): UPDATE dispatched. */
  setScheduledEventStatus(eventId: string, status: GuildScheduledEventStatus, guildId = this.guildId): void {
    this.events.update(guildId, eventId, { status }, false);
  }

  /** Commands stored by PUT/POST (and returned by GET) for the guild, or global ones when no guild is given. */
  registeredCommands(guildId?: string): APIApplicationCommand[] {
    return structuredClone(this.state.commands.get(guildId ?? 'global') ?? []);
  }

  /**
   * Every message the bot ever sent, as created and after each edit (deleted ones included), oldest
   * first: what anyone could have seen at some moment. Ephemeral ones carry the EPHEMERAL flag.
   */
  messageHistory(): StoredMessage[] {
    return structuredClone(this.state.history);
  }

  /** Messages posted with POST /channels/{id}/messages (not interaction replies), oldest first. */
  channelMessages(channelId: string = this.channelId): StoredMessage[] {
    return (this.state.channelPosts.get(channelId) ?? []).flatMap((id) => {
      const m = this.state.messages.get(id);
      return m ? [structuredClone(m)] : [];
    });
  }

  /** Waits for a channel post matching `predicate` (already posted ones count). */
  waitForChannelMessage(
    predicate: (m: StoredMessage) => boolean = () => true,
    { channelId = this.channelId, timeoutMs = 5000 }: { channelId?: string; timeoutMs?: number } = {},
  ): Promise<StoredMessage> {
    return this.state.waitUntil(
      () => this.channelMessages(channelId).find(predicate),
      timeoutMs,
      () => `a message in channel ${channelId}`,
    );
  }

  /** Waits for a REST request matching `predicate` (already recorded ones count), e.g. a 4xx. */
  waitForRequest(predicate: (r: RecordedRequest) => boolean, timeoutMs = 5000): Promise<RecordedRequest> {
    return this.state.waitUntil(
      () => this.state.requests.find(predicate),
      timeoutMs,
      () => `a matching request (${this.state.requests.length} so far)`,
    );
  }

  /** Waits until `check(stats)` holds, e.g. `(s) => s.heartbeats >= 3`. */
  waitForStats(
    check: (stats: Readonly<FakeStats>) => boolean,
    timeoutMs = 5000,
  ): Promise<Readonly<FakeStats>> {
    return this.state.waitUntil(
      () => (check(this.state.stats) ? { ...this.state.stats } : undefined),
      timeoutMs,
      () => `stats to match (now ${JSON.stringify(this.state.stats)})`,
    );
  }

  /**
   * The next `times` REST requests matching `method` and `path` (below /api/v10, e.g.
   * `/^\/webhooks\/.+\/messages\/@original$/`) answer with one of Discord's errors instead,
   * as discord.js would see it from Discord (a DiscordAPIError carrying the request's url and body).
   */
  failNext(
    match: { method?: string; path: RegExp },
    error: keyof typeof Errors = 'unknownMessage',
    times = 1,
  ): void {
    this.state.failures.push({ ...match, error: Errors[error], times });
  }

  /** Drops gateway connections with `code` (default 4000: discord.js reconnects and RESUMEs). */
  disconnect(code?: number): void {
    this.gateway.disconnect(code);
  }

  /** Stops the server. Destroy discord.js clients first, or they will keep trying to reconnect. */
  async close(): Promise<void> {
    this.state.close();
    await this.gateway.close();
    await this.closeServer();
  }

  private where(as: ActAs): Where {
    const place = as.place ?? IN_GUILD.place;
    return { place, install: as.install ?? (place === 'group-dm' ? 'user' : IN_GUILD.install) };
  }

  private actor(as: ActAs): Pick<InteractionSpec, 'user' | 'permissions' | 'locale' | 'guild'> {
    const guild = this.guilds.find((g) => g.id === (as.guildId ?? this.guildId));
    if (!guild)
      throw new Error(
        `The bot is not in guild ${as.guildId} (fake guilds: ${this.guilds.map((g) => g.id).join(', ')})`,
      );
    return {
      guild,
      user: humanUser(as.userId ?? DEFAULT_USER_ID, as.username),
      permissions: as.permissions ?? DEFAULT_MEMBER_PERMISSIONS,
      locale: as.locale ?? Locale.EnglishUS,
    };
  }

  private async useComponent(
    messageOrId: APIMessage | string,
    customId: string,
    componentType: ComponentType.Button | ComponentType.StringSelect,
    extra: { values?: string[] },
    as: ActAs,
  ): Promise<InteractionHandle> {
    const id = typeof messageOrId === 'string' ? messageOrId : messageOrId.id;
    const message = this.state.messages.get(id);
    if (!message) throw new Error(`Message ${id} does not exist (deleted, or not sent through this fake)`);
    const component = [...walkComponents(message.components)].find((c) => c.custom_id === customId);
    if (!component || component.type !== componentType || component.disabled) {
      const ids = [...walkComponents(message.components)].flatMap((c) => (c.custom_id ? [c.custom_id] : []));
      throw new Error(
        `No enabled ${ComponentType[componentType]} "${customId}" on message ${id} (has: ${ids.join(', ') || 'none'})`,
      );
    }
    if (componentType === ComponentType.StringSelect) assertSelectable(component, extra.values ?? []);
    return this.trigger({
      ...this.actor(as),
      type: InteractionType.MessageComponent,
      label: `${ComponentType[componentType]} ${customId}`,
      data: { custom_id: customId, component_type: componentType, ...extra },
      sourceMessage: structuredClone(message),
      where: as.place || as.install ? this.where(as) : whereOfChannel(this.state, message.channel_id),
    });
  }

  private async trigger(spec: InteractionSpec): Promise<InteractionHandle> {
    // A DM (or group DM) belongs to no guild: Discord sends it to shard 0.
    const inGuild = (spec.where?.place ?? IN_GUILD.place) === 'guild';
    const guildId = inGuild ? (spec.guild?.id ?? this.guildId) : undefined;
    await this.state.waitUntil(
      () => (this.gateway.hasSessionReceiving(guildId) ? true : undefined),
      5000,
      () =>
        `a logged-in gateway session (of shard ${guildId ? this.shardOf(guildId) : 0}) to deliver the interaction to`,
    );
    const { record, payload } = createInteraction(this.state, spec);
    const shards = this.gateway.dispatch<GatewayInteractionCreateDispatch>(
      GatewayDispatchEvents.InteractionCreate,
      payload,
    );
    this.deliveries.set(record.id, shards);
    const handle = new InteractionHandle(this.state, record);
    await this.state.waitUntil(
      () => {
        if (record.acknowledged !== undefined) return true;
        if (record.expired) {
          throw new Error(
            `${spec.label} was not acknowledged within ${this.state.config.ackWindowMs} ms; ` +
              `Discord would show "This interaction failed"`,
          );
        }
        return undefined;
      },
      this.state.config.ackWindowMs + 5000,
      () => `the initial response to ${spec.label}`,
    );
    return handle;
  }
}

/** A Discord client only sends values the select offers, between min_values and max_values of them. */
function assertSelectable(select: LooseComponent, values: readonly string[]): void {
  const offered = (select.options ?? []).map((option) => (option as { value: string }).value);
  const { min_values: min = 1, max_values: max = 1 } = select as { min_values?: number; max_values?: number };
  const unknown = values.filter((value) => !offered.includes(value));
  if (
    unknown.length > 0 ||
    values.length < min ||
    values.length > max ||
    new Set(values).size !== values.length
  ) {
    throw new Error(
      `Select "${select.custom_id}" cannot send ${JSON.stringify(values)} (offers ${offered.length} values, ${min}–${max} at once)`,
    );
  }
}

export async function startFakeDiscord(opts: FakeDiscordOptions = {}): Promise<FakeDiscord> {
  const applicationId = opts.applicationId ?? '1100000000000000001';
  const heartbeatIntervalMs = opts.heartbeatIntervalMs ?? 41250;
  const primary = {
    id: opts.guildId ?? '1100000000000000100',
    channelId: opts.channelId ?? '1100000000000000200',
  };
  const shardCount = opts.shards ?? 1;
  const state = new FakeState({
    applicationId,
    botUserId: opts.botUserId ?? applicationId,
    guildId: primary.id,
    channelId: primary.channelId,
    guilds: fakeGuilds(primary, opts.guilds ?? 1, shardCount),
    shardCount,
    maxConcurrency: opts.maxConcurrency ?? 16,
    // Shaped like a real token (base64 user id . timestamp . hmac) since discord.js logs a censored form.
    token: `${Buffer.from(opts.botUserId ?? applicationId).toString('base64url')}.ZmFrZQ.${'x'.repeat(27)}`,
    heartbeatIntervalMs,
    heartbeatSlackMs: opts.heartbeatSlackMs ?? Math.max(heartbeatIntervalMs / 2, 1000),
    ackWindowMs: opts.ackWindowMs ?? 3000,
    interactionTokenLifeMs: opts.interactionTokenLifeMs ?? 15 * 60 * 1000,
    origin: '',
    botPermissions: opts.botPermissions ?? BOT_PERMISSIONS,
  });
  const gateway = new Gateway(state);
  const events = new ScheduledEvents(state, gateway);
  const rest = createRestHandler(state, gateway, events);
  const server = createServer((req, res) => void rest(req, res));
  server.on('upgrade', (req, socket, head) => gateway.handleUpgrade(req, socket, head));
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  state.config.origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const closeServer = async () => {
    server.closeAllConnections(); // undici keeps connections alive; don't wait for them to idle out
    await new Promise<void>((resolve, reject) => server.close((err) => (err ? reject(err) : resolve())));
  };
  return new FakeDiscord(state, gateway, closeServer, events);
}

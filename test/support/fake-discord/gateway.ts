// The gateway WebSocket: HELLO → IDENTIFY → READY + GUILD_CREATE, heartbeats with ACKs, sequenced
// dispatches, and RESUME (replaying what a dropped connection missed). Close codes are Discord's, so
// @discordjs/ws reacts exactly as in production (e.g. 4004 makes login fail instead of retrying).
import { randomBytes } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import zlib from 'node:zlib';
import {
  GatewayCloseCodes,
  GatewayDispatchEvents,
  GatewayIntentBits,
  GatewayOpcodes,
  type GatewayDispatchPayload,
  type GatewayReceivePayload,
  type GatewaySendPayload,
} from 'discord-api-types/v10';
import { WebSocketServer, type WebSocket } from 'ws';
import { guildCreatePayload, readyPayload } from './payloads.ts';
import {
  checkIdentifyShard,
  guildOfDispatch,
  guildsOfShard,
  shardReceives,
  type ShardPair,
} from './sharding.ts';
import { scheduledEvents } from './scheduled-events.ts';
import type { FakeState } from './state.ts';
import { withVoice } from './voice.ts';

interface Session {
  id: string;
  /** [shard_id, shard_count] from IDENTIFY. */
  shard: ShardPair;
  seq: number;
  /** Dispatches sent in this session, replayed on RESUME from the client's last seen sequence. */
  history: GatewayDispatchPayload[];
  connection?: Connection;
  /** The intents of its IDENTIFY: some dispatches (voice states) only go to sessions that asked. */
  intents: bigint;
}

interface Connection {
  ws: WebSocket;
  send(payload: GatewayReceivePayload): void;
  session?: Session;
  watchdog?: NodeJS.Timeout;
}

export class Gateway {
  private readonly wss = new WebSocketServer({ noServer: true });
  private readonly sessions = new Map<string, Session>();
  private readonly connections = new Set<Connection>();

  constructor(private readonly state: FakeState) {
    this.wss.on('connection', (ws: WebSocket, req: IncomingMessage) => this.onConnection(ws, req));
  }

  /** What GET /gateway/bot returns; discord.js appends `?v=10&encoding=json`. */
  get url(): string {
    return `${this.state.config.origin.replace(/^http/, 'ws')}/gateway`;
  }

  /** A distinct URL, so a resume that ignores `resume_gateway_url` would be noticed. */
  get resumeUrl(): string {
    return `${this.url}-resume`;
  }

  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    const { pathname } = new URL(req.url ?? '/', this.state.config.origin);
    if (pathname !== '/gateway' && pathname !== '/gateway-resume') {
      socket.destroy();
      return;
    }
    this.wss.handleUpgrade(req, socket, head, (ws) => this.wss.emit('connection', ws, req));
  }

  /**
   * True while some client session can still receive dispatches (connected, or resumable); with a
   * guild id, a session of the shard that owns that guild.
   */
  hasSession(guildId?: string): boolean {
    return [...this.sessions.values()].some((s) => guildId === undefined || shardReceives(s.shard, guildId));
  }

  /** Whether some session would get a dispatch about `guildId` (undefined: a DM, for shard 0). */
  hasSessionReceiving(guildId: string | undefined): boolean {
    return [...this.sessions.values()].some((s) => shardReceives(s.shard, guildId));
  }

  /** The shards ([id, count]) of the sessions alive now, in IDENTIFY order. */
  shards(): ShardPair[] {
    return [...this.sessions.values()].map((s) => [...s.shard] as ShardPair);
  }

  /**
   * Sends a dispatch to every session that should get it: about a guild, only the sessions of the
   * shard owning it (as Discord routes). Sessions without a live connection get it on RESUME.
   * Returns the shards it was sent to.
   */
  dispatch<T extends GatewayDispatchPayload>(t: T['t'], d: T['d']): ShardPair[] {
    const guildId = guildOfDispatch(t, d);
    const to = [...this.sessions.values()].filter((s) => shardReceives(s.shard, guildId));
    for (const session of to) this.send(session, t, d);
    return to.map((s) => [...s.shard] as ShardPair);
  }

  /** Like dispatch, but only to sessions that identified with `intent` (e.g. GuildVoiceStates). */
  dispatchWithIntent<T extends GatewayDispatchPayload>(intent: bigint, t: T['t'], d: T['d']): void {
    const guildId = guildOfDispatch(t, d);
    for (const session of this.sessions.values())
      if ((session.intents & intent) !== 0n && shardReceives(session.shard, guildId))
        this.send(session, t, d);
  }

  /** Drops every connection with `code` (4000 = unknown error → discord.js resumes). */
  disconnect(code: number = GatewayCloseCodes.UnknownError): void {
    for (const c of this.connections) c.ws.close(code, 'Disconnected by test');
  }

  async close(): Promise<void> {
    for (const c of this.connections) {
      this.state.clearTimer(c.watchdog);
      c.ws.terminate();
    }
    this.sessions.clear();
    await new Promise<void>((resolve) => this.wss.close(() => resolve()));
  }

  private send<T extends GatewayDispatchPayload>(session: Session, t: T['t'], d: T['d']): void {
    const payload = { op: GatewayOpcodes.Dispatch, t, s: ++session.seq, d } as GatewayDispatchPayload;
    session.history.push(payload);
    session.connection?.send(payload);
  }

  private onConnection(ws: WebSocket, req: IncomingMessage): void {
    this.state.stats.connections++;
    const query = new URL(req.url ?? '/', this.state.config.origin).searchParams;
    const connection: Connection = { ws, send: makeSender(ws, query.get('compress')) };
    this.connections.add(connection);
    ws.on('close', (code) => this.onClose(connection, code));
    ws.on('error', () => ws.terminate());
    if (query.get('v') !== '10') return ws.close(GatewayCloseCodes.InvalidAPIVersion, 'Invalid API version');
    if (query.get('encoding') !== 'json')
      return ws.close(GatewayCloseCodes.DecodeError, 'Only JSON encoding is supported');

    const interval = this.state.config.heartbeatIntervalMs;
    connection.send({
      op: GatewayOpcodes.Hello,
      d: { heartbeat_interval: interval },
      s: null,
      t: null,
    } as GatewayReceivePayload);
    this.armWatchdog(connection);
    ws.on('message', (raw: Buffer) => {
      let payload: GatewaySendPayload;
      try {
        payload = JSON.parse(raw.toString('utf8')) as GatewaySendPayload;
      } catch {
        return ws.close(GatewayCloseCodes.DecodeError, 'Error while decoding payload.');
      }
      this.onPayload(connection, payload);
    });
  }

  /**
   * Counts a missed heartbeat each time a full interval plus slack passes without one. The first beat
   * comes after a random fraction of the interval, so the same deadline works from HELLO on. Missed
   * beats usually mean the bot blocked its event loop (e.g. synchronous model work).
   */
  private armWatchdog(connection: Connection): void {
    this.state.clearTimer(connection.watchdog);
    const { heartbeatIntervalMs, heartbeatSlackMs } = this.state.config;
    connection.watchdog = this.state.timer(heartbeatIntervalMs + heartbeatSlackMs, () => {
      this.state.stats.missedHeartbeats++;
      this.state.changed();
      this.armWatchdog(connection);
    });
  }

  private onPayload(connection: Connection, payload: GatewaySendPayload): void {
    const { ws } = connection;
    const config = this.state.config;
    switch (payload.op) {
      case GatewayOpcodes.Heartbeat:
        this.state.stats.heartbeats++;
        this.armWatchdog(connection);
        connection.send({
          op: GatewayOpcodes.HeartbeatAck,
          d: null,
          s: null,
          t: null,
        } as unknown as GatewayReceivePayload);
        this.state.changed();
        return;
      case GatewayOpcodes.Identify: {
        if (connection.session)
          return ws.close(GatewayCloseCodes.AlreadyAuthenticated, 'Already authenticated.');
        if (payload.d.token !== config.token)
          return ws.close(GatewayCloseCodes.AuthenticationFailed, 'Authentication failed.');
        const shard: ShardPair = payload.d.shard ?? [0, 1];
        const refusal = checkIdentifyShard(shard, config.shardCount);
        if (refusal) return ws.close(refusal.code, refusal.reason);
        this.state.stats.identifies++;
        const session: Session = {
          id: randomBytes(16).toString('hex'),
          shard,
          seq: 0,
          history: [],
          connection,
          intents: BigInt(payload.d.intents),
        };
        connection.session = session;
        this.sessions.set(session.id, session);
        const guilds = guildsOfShard(config.guilds, shard);
        this.send(
          session,
          GatewayDispatchEvents.Ready,
          readyPayload(config, session.id, this.resumeUrl, shard, guilds),
        );
        // Without the Guilds intent Discord sends no GUILD_CREATE; discord.js then readies immediately.
        if ((BigInt(payload.d.intents) & BigInt(GatewayIntentBits.Guilds)) !== 0n) {
          for (const guild of guilds) {
            // Voice channels and states are the primary guild's (voice.ts); other guilds have none.
            const created = {
              ...guildCreatePayload(config, guild),
              guild_scheduled_events: [...scheduledEvents(this.state).values()].filter(
                (e) => e.guild_id === guild.id,
              ),
            };
            const payload =
              guild.id === config.guildId ? withVoice(created, this.state, session.intents) : created;
            this.send(session, GatewayDispatchEvents.GuildCreate, payload);
          }
        }
        this.state.changed();
        return;
      }
      case GatewayOpcodes.Resume: {
        if (payload.d.token !== config.token)
          return ws.close(GatewayCloseCodes.AuthenticationFailed, 'Authentication failed.');
        const session = this.sessions.get(payload.d.session_id);
        if (!session || payload.d.seq > session.seq) {
          // d: false tells the client to start over with a fresh IDENTIFY.
          connection.send({
            op: GatewayOpcodes.InvalidSession,
            d: false,
            s: null,
            t: null,
          } as GatewayReceivePayload);
          return;
        }
        session.connection?.ws.close(GatewayCloseCodes.SessionTimedOut, 'Session resumed elsewhere');
        session.connection = connection;
        connection.session = session;
        this.state.stats.resumes++;
        for (const missed of session.history.filter((p) => p.s > payload.d.seq)) connection.send(missed);
        this.send(session, GatewayDispatchEvents.Resumed, undefined);
        this.state.changed();
        return;
      }
      case GatewayOpcodes.PresenceUpdate:
      case GatewayOpcodes.VoiceStateUpdate:
      case GatewayOpcodes.RequestGuildMembers:
      case GatewayOpcodes.RequestSoundboardSounds:
        if (!connection.session) return ws.close(GatewayCloseCodes.NotAuthenticated, 'Not authenticated.');
        return; // Accepted and ignored: nothing in the fake depends on them.
      default:
        return ws.close(GatewayCloseCodes.UnknownOpcode, 'Unknown opcode.');
    }
  }

  private onClose(connection: Connection, code: number): void {
    this.state.clearTimer(connection.watchdog);
    this.connections.delete(connection);
    const session = connection.session;
    if (!session || session.connection !== connection) return;
    session.connection = undefined;
    // Like Discord: a clean close (1000/1001) ends the session; anything else leaves it resumable.
    if (code === 1000 || code === 1001) this.sessions.delete(session.id);
    this.state.changed();
  }
}

/**
 * Plain JSON text frames, or with `compress=zlib-stream` (only requested by discord.js when zlib-sync
 * is installed) one shared deflate stream whose sync-flushed chunks end in 00 00 ff ff, as Discord does.
 */
function makeSender(ws: WebSocket, compress: string | null): (payload: GatewayReceivePayload) => void {
  const open = () => ws.readyState === ws.OPEN;
  if (compress !== 'zlib-stream') {
    return (payload) => {
      if (open()) ws.send(JSON.stringify(payload));
    };
  }
  const deflate = zlib.createDeflate({ flush: zlib.constants.Z_SYNC_FLUSH });
  deflate.on('data', (chunk: Buffer) => {
    if (open()) ws.send(chunk);
  });
  ws.on('close', () => deflate.destroy());
  return (payload) => {
    if (open()) deflate.write(JSON.stringify(payload));
  };
}

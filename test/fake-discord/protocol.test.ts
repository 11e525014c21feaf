// Protocol details checked with a raw WebSocket/fetch client, where discord.js would hide them.
import zlib from 'node:zlib';
import {
  GatewayCloseCodes,
  GatewayDispatchEvents,
  GatewayIntentBits,
  GatewayOpcodes,
  InteractionResponseType,
  PresenceUpdateStatus,
  type GatewayDispatchPayload,
  type GatewayReceivePayload,
  type GatewaySendPayload,
} from 'discord-api-types/v10';
import { afterEach, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { startFakeDiscord, type FakeDiscord } from '../support/fake-discord/index.ts';

let fake: FakeDiscord | undefined;
const sockets: WebSocket[] = [];

afterEach(async () => {
  for (const ws of sockets.splice(0)) ws.terminate();
  await fake?.close();
  fake = undefined;
});

/** A raw gateway connection with an async queue of received payloads. */
function connect(url: string, onRaw?: (data: Buffer) => GatewayReceivePayload | undefined) {
  const ws = new WebSocket(url);
  sockets.push(ws);
  const queue: GatewayReceivePayload[] = [];
  const waiters: ((p: GatewayReceivePayload) => void)[] = [];
  ws.on('message', (data: Buffer) => {
    const payload = onRaw ? onRaw(data) : (JSON.parse(data.toString('utf8')) as GatewayReceivePayload);
    if (!payload) return;
    const waiter = waiters.shift();
    if (waiter) waiter(payload);
    else queue.push(payload);
  });
  const closed = new Promise<number>((resolve) => ws.on('close', (code) => resolve(code)));
  return {
    ws,
    closed,
    next: () =>
      new Promise<GatewayReceivePayload>((resolve) => {
        const queued = queue.shift();
        if (queued) resolve(queued);
        else waiters.push(resolve);
      }),
    send: (payload: GatewaySendPayload) => ws.send(JSON.stringify(payload)),
  };
}

async function gatewayUrl(f: FakeDiscord): Promise<string> {
  const res = await fetch(`${f.apiUrl}/v10/gateway/bot`, { headers: { Authorization: `Bot ${f.token}` } });
  return ((await res.json()) as { url: string }).url;
}

function identify(token: string): GatewaySendPayload {
  return {
    op: GatewayOpcodes.Identify,
    d: {
      token,
      intents: GatewayIntentBits.Guilds,
      properties: { os: 'linux', browser: 'test', device: 'test' },
      shard: [0, 1],
    },
  };
}

describe('gateway protocol', () => {
  it('says HELLO, then READY and GUILD_CREATE with sequence numbers, and acks heartbeats', async () => {
    fake = await startFakeDiscord();
    const gw = connect(`${await gatewayUrl(fake)}?v=10&encoding=json`);
    expect(await gw.next()).toMatchObject({ op: GatewayOpcodes.Hello, d: { heartbeat_interval: 41250 } });
    gw.send(identify(fake.token));
    const ready = (await gw.next()) as GatewayDispatchPayload;
    expect(ready).toMatchObject({ op: 0, t: GatewayDispatchEvents.Ready, s: 1 });
    expect(ready.d).toMatchObject({
      v: 10,
      user: { id: fake.botUserId, bot: true },
      application: { id: fake.applicationId },
      guilds: [{ id: fake.guildId, unavailable: true }],
      shard: [0, 1],
    });
    expect(await gw.next()).toMatchObject({
      t: GatewayDispatchEvents.GuildCreate,
      s: 2,
      d: { id: fake.guildId },
    });
    gw.send({ op: GatewayOpcodes.Heartbeat, d: 2 });
    expect(await gw.next()).toMatchObject({ op: GatewayOpcodes.HeartbeatAck });
    expect(fake.stats).toMatchObject({ heartbeats: 1, identifies: 1 });
  });

  it('closes with 4004 on a bad token and 4003 on commands before IDENTIFY', async () => {
    fake = await startFakeDiscord();
    const url = `${await gatewayUrl(fake)}?v=10&encoding=json`;
    const bad = connect(url);
    await bad.next();
    bad.send(identify('wrong'));
    expect(await bad.closed).toBe(GatewayCloseCodes.AuthenticationFailed);
    const early = connect(url);
    await early.next();
    early.send({
      op: GatewayOpcodes.PresenceUpdate,
      d: { since: null, activities: [], status: PresenceUpdateStatus.Online, afk: false },
    });
    expect(await early.closed).toBe(GatewayCloseCodes.NotAuthenticated);
  });

  it('refuses API versions other than 10', async () => {
    fake = await startFakeDiscord();
    const gw = connect(`${await gatewayUrl(fake)}?v=9&encoding=json`);
    expect(await gw.closed).toBe(GatewayCloseCodes.InvalidAPIVersion);
  });

  it('counts missed heartbeats', async () => {
    fake = await startFakeDiscord({ heartbeatIntervalMs: 50, heartbeatSlackMs: 50 });
    const gw = connect(`${await gatewayUrl(fake)}?v=10&encoding=json`);
    await gw.next();
    await fake.waitForStats((s) => s.missedHeartbeats >= 2);
  });

  it('replays dispatches missed while disconnected on RESUME, and refuses unknown sessions', async () => {
    fake = await startFakeDiscord();
    const first = connect(`${await gatewayUrl(fake)}?v=10&encoding=json`);
    await first.next();
    first.send(identify(fake.token));
    const ready = (await first.next()) as GatewayDispatchPayload & { t: GatewayDispatchEvents.Ready };
    await first.next(); // GUILD_CREATE, s = 2
    first.ws.close(4000);
    await first.closed;

    const pending = fake.command('recommend');
    const second = connect(`${ready.d.resume_gateway_url}?v=10&encoding=json`);
    await second.next();
    second.send({
      op: GatewayOpcodes.Resume,
      d: { token: fake.token, session_id: ready.d.session_id, seq: 2 },
    });
    const replayed = (await second.next()) as GatewayDispatchPayload & {
      t: GatewayDispatchEvents.InteractionCreate;
    };
    expect(replayed).toMatchObject({
      t: GatewayDispatchEvents.InteractionCreate,
      s: 3,
      d: { data: { name: 'recommend' } },
    });
    expect(await second.next()).toMatchObject({ t: GatewayDispatchEvents.Resumed, s: 4 });
    const { id, token } = replayed.d;
    const res = await fetch(`${fake.apiUrl}/v10/interactions/${id}/${token}/callback`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({
        type: InteractionResponseType.ChannelMessageWithSource,
        data: { content: 'resumed' },
      }),
    });
    expect(res.status).toBe(204);
    expect((await pending).finalMessage().content).toBe('resumed');

    const stranger = connect(`${await gatewayUrl(fake)}?v=10&encoding=json`);
    await stranger.next();
    stranger.send({ op: GatewayOpcodes.Resume, d: { token: fake.token, session_id: 'nope', seq: 1 } });
    expect(await stranger.next()).toEqual({ op: GatewayOpcodes.InvalidSession, d: false, s: null, t: null });
  });

  it('speaks zlib-stream when asked (what discord.js does if zlib-sync is installed)', async () => {
    fake = await startFakeDiscord();
    const inflate = zlib.createInflate();
    let text = '';
    const gw = connect(`${await gatewayUrl(fake)}?v=10&encoding=json&compress=zlib-stream`, (data) => {
      // Chunks are sync-flushed; a complete payload ends with 00 00 ff ff.
      inflate.write(data);
      return undefined;
    });
    inflate.on('data', (chunk: Buffer) => (text += chunk.toString('utf8')));
    await new Promise<void>((resolve) => inflate.once('data', () => setImmediate(resolve)));
    expect(JSON.parse(text)).toMatchObject({ op: GatewayOpcodes.Hello });
    gw.ws.close();
  });
});

describe('REST errors', () => {
  it('answers unknown routes, missing auth and unacknowledged webhooks like Discord', async () => {
    fake = await startFakeDiscord();
    const api = `${fake.apiUrl}/v10`;
    const unknown = await fetch(`${api}/guilds/1/bans`, { headers: { Authorization: `Bot ${fake.token}` } });
    expect(unknown.status).toBe(404);
    expect(await unknown.json()).toEqual({ code: 0, message: '404: Not Found' });
    const noAuth = await fetch(`${api}/users/@me`);
    expect(noAuth.status).toBe(401);
    expect(await noAuth.json()).toEqual({ code: 0, message: '401: Unauthorized' });
    const webhook = await fetch(`${api}/webhooks/${fake.applicationId}/unknown-token/messages/@original`);
    expect(webhook.status).toBe(404);
    expect(await webhook.json()).toMatchObject({ code: 10015 });
  });
});

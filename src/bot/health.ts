/**
 * GET /health for a supervisor or load balancer: is this process connected to the gateway, which
 * model version does it serve, and can it reach the shared store. 200 when all is well, 503
 * otherwise, with the same JSON body either way. Off unless HEALTH_PORT is set; loopback by default.
 */
import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Client } from 'discord.js';
import type { Keyv } from 'keyv';
import type { ServingModels } from '../serve/serving-models.ts';

const STORE_PROBE_TIMEOUT_MS = 1_000;

export interface HealthReport {
  ok: boolean;
  gateway: { ready: boolean; ping: number; shards: number[]; shardCount: number };
  serving: { version: string; loadedAt: string };
  store: { reachable: boolean; error?: string };
}

export interface HealthSources {
  client: Client;
  models: ServingModels;
  store: Keyv;
}

async function probeStore(store: Keyv): Promise<HealthReport['store']> {
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      store.get('health:probe'),
      new Promise((_, reject) => {
        timer = setTimeout(
          () => reject(new Error(`no answer within ${STORE_PROBE_TIMEOUT_MS} ms`)),
          STORE_PROBE_TIMEOUT_MS,
        );
      }),
    ]);
    return { reachable: true };
  } catch (error) {
    return { reachable: false, error: (error as Error).message };
  } finally {
    clearTimeout(timer);
  }
}

export async function healthReport({ client, models, store }: HealthSources): Promise<HealthReport> {
  const snapshot = models.current;
  const storeState = await probeStore(store);
  const ready = client.isReady();
  return {
    ok: ready && storeState.reachable,
    gateway: {
      ready,
      ping: client.ws.ping,
      shards: client.shard?.ids ?? [0],
      shardCount: client.shard?.count ?? 1,
    },
    serving: { version: snapshot.version, loadedAt: snapshot.loadedAt.toISOString() },
    store: storeState,
  };
}

export interface HealthServer {
  port: number;
  close(): Promise<void>;
}

export async function startHealthServer(
  sources: HealthSources,
  options: { port: number; host: string },
): Promise<HealthServer> {
  const server: Server = createServer((req, res) => {
    if (req.method !== 'GET' || (req.url ?? '/').split('?')[0] !== '/health') {
      res.writeHead(404, { 'content-type': 'application/json' }).end('{"error":"try GET /health"}');
      return;
    }
    healthReport(sources).then(
      (report) => {
        res.writeHead(report.ok ? 200 : 503, { 'content-type': 'application/json' });
        res.end(JSON.stringify(report));
      },
      (error: unknown) => {
        res.writeHead(500, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ ok: false, error: (error as Error).message }));
      },
    );
  });
  server.listen(options.port, options.host);
  await once(server, 'listening');
  return {
    port: (server.address() as AddressInfo).port,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

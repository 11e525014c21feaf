import { Client } from 'discord.js';
import { Keyv } from 'keyv';
import { afterEach, describe, expect, it } from 'vitest';
import { startHealthServer, type HealthServer } from '../../src/bot/health.ts';
import { ServingModels } from '../../src/serve/serving-models.ts';
import { handArtifacts, withWatchModel } from '../serve/fixtures.ts';

/** A store whose backend is down: every read fails (keyv passes the error on with throwOnErrors). */
function brokenStore(): Keyv {
  const failing = async () => {
    throw new Error('connect ECONNREFUSED 127.0.0.1:6390');
  };
  const adapter = { get: failing, set: failing, delete: failing, clear: failing, on: () => adapter };
  const store = new Keyv({ store: adapter, throwOnErrors: true });
  store.on('error', () => {});
  return store;
}

describe('health endpoint', () => {
  let server: HealthServer | undefined;
  const client = new Client({ intents: [] }); // never logged in: not ready
  afterEach(async () => {
    await server?.close();
    server = undefined;
  });

  it('answers 503 with the reasons when the gateway is not ready and the store does not answer', async () => {
    const models = new ServingModels(withWatchModel(handArtifacts()));
    server = await startHealthServer(
      { client, models, store: brokenStore() },
      { port: 0, host: '127.0.0.1' },
    );
    const response = await fetch(`http://127.0.0.1:${server.port}/health`);
    expect(response.status).toBe(503);
    expect(await response.json()).toMatchObject({
      ok: false,
      gateway: { ready: false, shards: [0], shardCount: 1 },
      serving: { version: 'test' },
      store: { reachable: false, error: expect.stringContaining('ECONNREFUSED') },
    });
  });

  it('counts a reachable store and says so, still 503 while the gateway is down', async () => {
    const models = new ServingModels(withWatchModel(handArtifacts()));
    server = await startHealthServer({ client, models, store: new Keyv() }, { port: 0, host: '127.0.0.1' });
    const response = await fetch(`http://127.0.0.1:${server.port}/health`);
    expect(response.status).toBe(503);
    expect(await response.json()).toMatchObject({ ok: false, store: { reachable: true } });
  });
});

/** Starts a throwaway redis-server on a free loopback port, if the binary is installed. */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { once } from 'node:events';
import { createClient } from '@keyv/redis';

export function findRedisServer(): string | undefined {
  try {
    return execFileSync('which', ['redis-server'], { encoding: 'utf8' }).trim() || undefined;
  } catch {
    return undefined;
  }
}

async function freeLoopbackPort(): Promise<number> {
  const probe = createServer();
  probe.listen(0, '127.0.0.1');
  await once(probe, 'listening');
  const address = probe.address();
  probe.close();
  await once(probe, 'close');
  if (address === null || typeof address === 'string') throw new Error('could not find a free port');
  return address.port;
}

export interface RunningRedis {
  url: string;
  stop(): Promise<void>;
}

export async function startRedisServer(binary: string): Promise<RunningRedis> {
  const port = await freeLoopbackPort();
  // No persistence: the server lives for one test file and its data with it.
  const child: ChildProcess = spawn(
    binary,
    ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let output = '';
  const ready = new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`redis-server did not start:\n${output}`)), 10_000);
    child.stdout?.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes('Ready to accept connections')) {
        clearTimeout(timer);
        resolve();
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`redis-server exited with ${code}:\n${output}`));
    });
  });
  await ready;
  return {
    url: `redis://127.0.0.1:${port}`,
    async stop() {
      if (child.exitCode !== null) return;
      child.kill('SIGTERM');
      await once(child, 'exit');
    },
  };
}

/**
 * For a describe block: one redis-server for the block, emptied before each test (as each SQLite test starts
 * from an empty file). Returns the URL getter; call inside describe.skipIf(binary === undefined).
 */
export function useFreshRedis(binary: string, hooks: FreshRedisHooks): () => string {
  let redis: RunningRedis | undefined;
  hooks.beforeAll(async () => {
    redis = await startRedisServer(binary);
  });
  hooks.afterAll(async () => {
    await redis?.stop();
  });
  hooks.beforeEach(async () => {
    const client = createClient({ url: redis!.url });
    await client.connect();
    await client.flushAll();
    await client.close();
  });
  return () => redis!.url;
}

export interface FreshRedisHooks {
  beforeAll(fn: () => Promise<void>): void;
  afterAll(fn: () => Promise<void>): void;
  beforeEach(fn: () => Promise<void>): void;
}

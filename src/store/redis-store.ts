/**
 * The Redis backend of createStore: keyv's adapter plus storeTransaction on Redis, optimistic compare-and-set. Read the keys (MGET), let the caller decide, then one
 * Lua script writes only if every key still holds exactly what was read; Redis runs a script atomically, so no
 * other write can land between its check and its writes. If something changed, read and decide again.
 *
 * Why not WATCH/MULTI: WATCH is state of one connection, shared here by every caller of the process, so it
 * would need a connection per transaction; the script works on a shared one.
 *
 * Transactions get a connection of their own: Redis answers a connection's commands in order, so a write that
 * waits (a server paused with CLIENT PAUSE WRITE, a long script elsewhere) holds up everything queued behind it
 * on that connection, and a member's read (their ratings, before the bot's first reply) must not wait for it.
 */
import KeyvRedis, { type KeyvRedisOptions } from '@keyv/redis';
import { sleep, StoreBusyError } from './store-busy.ts';
import type { RawWrite, TransactionalAdapter } from './transaction.ts';

export class RedisStore extends KeyvRedis<string> implements TransactionalAdapter {
  /** Only its client is used: keys are prefixed with this store's namespace, which keyv sets on this one. */
  private readonly writer: KeyvRedis<string>;

  constructor(url: string, options: KeyvRedisOptions) {
    super(url, options);
    this.writer = new KeyvRedis<string>(url, options);
    this.writer.on('error', (error: unknown) => this.emit('error', error));
  }

  transact(keys: readonly string[], decide: (current: readonly (string | undefined)[]) => RawWrite[]) {
    return redisTransact(this.writer, this, keys, decide);
  }

  override async disconnect(force?: boolean): Promise<void> {
    await Promise.all([super.disconnect(force), this.writer.disconnect(force)]);
  }
}

/** Per key i (1-based), ARGV holds 4 values from (i-1)*4+1: was it present, its value, the op (k/s/d), new value. */
const COMPARE_AND_WRITE = `
for i = 1, #KEYS do
  local at = (i - 1) * 4
  local current = redis.call('GET', KEYS[i])
  if ARGV[at + 1] == '1' then
    if current ~= ARGV[at + 2] then return 0 end
  elseif current then
    return 0
  end
end
for i = 1, #KEYS do
  local at = (i - 1) * 4
  if ARGV[at + 3] == 's' then
    redis.call('SET', KEYS[i], ARGV[at + 4])
  elseif ARGV[at + 3] == 'd' then
    redis.call('DEL', KEYS[i])
  end
end
return 1`;

/** A transaction that keeps losing the race this long gives up, with an error, never silently. */
const GIVE_UP_AFTER_MS = 10_000;

/** The two commands used; the adapter's client type is a union over client, cluster and sentinel. */
interface RedisTransactionCommands {
  mGet(keys: string[]): Promise<(string | null)[]>;
  eval(script: string, options: { keys: string[]; arguments: string[] }): Promise<unknown>;
}

/** Runs one transaction over `connection`'s client, on `keys` as `store` names them (its namespace prefix). */
export async function redisTransact(
  connection: KeyvRedis<unknown>,
  store: KeyvRedis<unknown>,
  keys: readonly string[],
  decide: (current: readonly (string | undefined)[]) => RawWrite[],
): Promise<void> {
  const redis = (await connection.getClient()) as unknown as RedisTransactionCommands;
  const prefixed = keys.map((key) => store.createKeyPrefix(key, store.namespace));
  const deadline = Date.now() + GIVE_UP_AFTER_MS;
  for (let attempt = 0; ; attempt++) {
    const current = (await redis.mGet(prefixed)).map((value) => value ?? undefined);
    const writes = decide(current);
    if (writes.every((write) => write === undefined)) return;
    const args = current.flatMap((value, i) => {
      const write = writes[i];
      const op = write === undefined ? 'k' : write === null ? 'd' : 's';
      return [value === undefined ? '0' : '1', value ?? '', op, write ?? ''];
    });
    const applied = await redis.eval(COMPARE_AND_WRITE, { keys: prefixed, arguments: args });
    if (Number(applied) === 1) return;
    if (Date.now() > deadline)
      throw new StoreBusyError(`a transaction on ${keys.length} key(s)`, GIVE_UP_AFTER_MS);
    // Another writer got there first; a random pause keeps two retrying writers from colliding again.
    await sleep(Math.random() * Math.min(2 ** attempt, 50));
  }
}

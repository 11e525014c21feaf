/**
 * storeTransaction on Redis: optimistic compare-and-set. Read the keys (MGET), let the caller decide, then one
 * Lua script writes only if every key still holds exactly what was read; Redis runs a script atomically, so no
 * other write can land between its check and its writes. If something changed, read and decide again.
 *
 * Why not WATCH/MULTI: WATCH is state of one connection, and keyv's client is shared by every caller of the
 * process, so it would need a connection per transaction; the script works on the shared client.
 */
import type KeyvRedis from '@keyv/redis';
import { sleep, StoreBusyError } from './store-busy.ts';
import type { RawWrite } from './transaction.ts';

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

export async function redisTransact(
  adapter: KeyvRedis<unknown>,
  keys: readonly string[],
  decide: (current: readonly (string | undefined)[]) => RawWrite[],
): Promise<void> {
  const redis = (await adapter.getClient()) as unknown as RedisTransactionCommands;
  const prefixed = keys.map((key) => adapter.createKeyPrefix(key, adapter.namespace));
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

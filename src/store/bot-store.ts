/** The bot's shared store, opened the same way by every process that must see the same locks. */
import type { Keyv } from 'keyv';
import type { Logger } from 'pino';
import type { Config } from '../config.ts';
import { createStore } from './create-store.ts';

/** The namespace of the bot's own state (locks, retrain records, members' ratings). */
export const BOT_STORE_NAMESPACE = 'flickpick';

/** The store the bot opens, for processes beside it (the CLI) that must share its locks. */
export function openBotStore(
  config: Pick<Config, 'storeUrl' | 'dataDir'>,
  logger?: Pick<Logger, 'warn'>,
): Keyv {
  return createStore({
    url: config.storeUrl,
    namespace: BOT_STORE_NAMESPACE,
    dataDir: config.dataDir,
    logger,
  });
}

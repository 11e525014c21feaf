import 'dotenv/config';
import { inspect } from 'node:util';
import { ConfigError, loadConfig } from '../config.ts';
import { scrubLogLine } from '../log-safety.ts';
import { createStore } from '../store/index.ts';
import { recordRegistered } from './command-sync.ts';
import { deployCommands } from './commands-rest.ts';

/** `npm run deploy-commands`: register now, whatever the store says, and remember it there. */
async function deployFromCommandLine(): Promise<void> {
  const config = loadConfig();
  const { scope, count } = await deployCommands(config);
  console.log(
    scope === 'guild'
      ? `Registered ${count} commands in guild ${config.discord.guildId}.`
      : `Registered ${count} global commands (they can take up to an hour to appear).`,
  );
  const store = createStore({ url: config.storeUrl, namespace: 'flickpick', dataDir: config.dataDir });
  try {
    await recordRegistered(config, store);
  } catch (error) {
    console.warn(`(could not record the registration in the store: ${(error as Error).message})`);
  } finally {
    await store.disconnect();
  }
}

deployFromCommandLine().catch((error: unknown) => {
  // Printed outside the logger, so scrubbed here: a DiscordAPIError carries its request URL.
  console.error(error instanceof ConfigError ? error.message : scrubLogLine(inspect(error)));
  process.exitCode = 1;
});

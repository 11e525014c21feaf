// Starts a real discord.js Client against a fake, configured like the production bot.
import { once } from 'node:events';
import { Client, Events, GatewayIntentBits, type Interaction } from 'discord.js';
import type { FakeDiscord } from '../support/fake-discord/index.ts';

export async function startBot(
  fake: FakeDiscord,
  clients: Client[],
  router: (interaction: Interaction) => unknown = () => undefined,
): Promise<Client<true>> {
  const client = new Client({
    intents: [GatewayIntentBits.Guilds],
    rest: { api: fake.apiUrl },
    allowedMentions: { parse: [] },
  });
  clients.push(client);
  // Handlers are async in real bots; surface their failures instead of leaving unhandled rejections.
  client.on(Events.InteractionCreate, (interaction) => {
    void Promise.resolve(router(interaction)).catch((error: unknown) => {
      console.error('interaction handler failed', error);
    });
  });
  const ready = once(client, Events.ClientReady);
  await client.login(fake.token);
  await ready;
  return client as Client<true>;
}

// The fake's shards with real discord.js clients, one per shard as the ShardingManager runs them.
import { once } from 'node:events';
import { Client, Events, GatewayIntentBits, MessageFlags, REST, Routes, type Interaction } from 'discord.js';
import type { RESTGetAPIGatewayBotResult } from 'discord-api-types/v10';
import { afterEach, describe, expect, it } from 'vitest';
import { startFakeDiscord, type FakeDiscord } from '../support/fake-discord/index.ts';
import { fakeGuilds, shardOf } from '../support/fake-discord/sharding.ts';

let fake: FakeDiscord | undefined;
const clients: Client[] = [];

afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.destroy()));
  await fake?.close();
  fake = undefined;
});

/** A client for one shard, answering every command with the shard it runs on. */
async function shardClient(f: FakeDiscord, shard: number, shardCount: number): Promise<Client<true>> {
  const client = new Client({
    intents: [GatewayIntentBits.Guilds],
    rest: { api: f.apiUrl },
    shards: [shard],
    shardCount,
  });
  clients.push(client);
  client.on(Events.InteractionCreate, (interaction: Interaction) => {
    if (interaction.isChatInputCommand())
      void interaction.reply({ content: `shard ${shard}`, flags: MessageFlags.Ephemeral });
  });
  const ready = once(client, Events.ClientReady);
  await client.login(f.token);
  await ready;
  return client as Client<true>;
}

describe('fake Discord with shards', () => {
  it('spreads its guilds over the shards by (guild_id >> 22) % shard_count', () => {
    const guilds = fakeGuilds({ id: '1100000000000000100', channelId: '1100000000000000200' }, 4, 2);
    expect(guilds[0].id).toBe('1100000000000000100');
    expect(new Set(guilds.map((g) => g.id)).size).toBe(4);
    const first = shardOf(guilds[0].id, 2);
    expect(guilds.map((g) => shardOf(g.id, 2))).toEqual([first, 1 - first, first, 1 - first]);
    // The rule itself, on a known id: 175928847299117063 >> 22 = 41944705796.
    expect(shardOf('175928847299117063', 2)).toBe(0);
    expect(shardOf('175928847299117063', 3)).toBe(41944705796 % 3);
  });

  it('recommends its shard count, gives each shard only its guilds, and routes interactions to the owner', async () => {
    fake = await startFakeDiscord({ shards: 2, guilds: 2 });
    const rest = new REST({ api: fake.apiUrl }).setToken(fake.token);
    const gateway = (await rest.get(Routes.gatewayBot())) as RESTGetAPIGatewayBotResult;
    expect(gateway.shards).toBe(2);

    const [zero, one] = [await shardClient(fake, 0, 2), await shardClient(fake, 1, 2)];
    const byShard = [zero, one];
    expect(fake.sessions()).toEqual([
      [0, 2],
      [1, 2],
    ]);
    for (const guild of fake.guilds) {
      const owner = fake.shardOf(guild.id);
      expect(byShard[owner].guilds.cache.has(guild.id)).toBe(true);
      expect(byShard[1 - owner].guilds.cache.has(guild.id)).toBe(false);
      expect(byShard[owner].channels.cache.get(guild.channelId)?.isTextBased()).toBe(true);
    }

    await rest.put(Routes.applicationCommands(fake.applicationId), {
      body: [{ name: 'which', description: 'd' }],
    });
    for (const guild of fake.guilds) {
      const handle = await fake.command('which', {}, { guildId: guild.id });
      expect(fake.deliveredTo(handle)).toEqual([[fake.shardOf(guild.id), 2]]);
      expect(handle.finalMessage().content).toBe(`shard ${fake.shardOf(guild.id)}`);
    }
  });

  it('refuses IDENTIFY with fewer shards than required (4011) or a shard id out of range (4010)', async () => {
    fake = await startFakeDiscord({ shards: 2, guilds: 2 });
    const tooFew = new Client({
      intents: [GatewayIntentBits.Guilds],
      rest: { api: fake.apiUrl },
      shardCount: 1,
    });
    clients.push(tooFew);
    await expect(tooFew.login(fake.token)).rejects.toThrow('Sharding is required');
    const outOfRange = new Client({
      intents: [GatewayIntentBits.Guilds],
      rest: { api: fake.apiUrl },
      shards: [2],
      shardCount: 2,
    });
    clients.push(outOfRange);
    await expect(outOfRange.login(fake.token)).rejects.toThrow('Invalid shard');
    expect(fake.stats.connections).toBe(2); // both were refused by the gateway, not by discord.js
    expect(fake.stats.identifies).toBe(0);
  });
});

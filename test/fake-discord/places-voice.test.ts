// The fake's DMs and user installs, voice states, bot users and select-menu rules, against the real discord.js
// client: what /rate, /foryou and /movienight rely on must behave as Discord does.
import {
  ApplicationIntegrationType,
  Client,
  Events,
  GatewayIntentBits,
  InteractionContextType,
  REST,
  Routes,
  SlashCommandBuilder,
  type Interaction,
} from 'discord.js';
import { once } from 'node:events';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startFakeDiscord, type FakeDiscord } from '../support/fake-discord/index.ts';
import { startBot } from './helpers.ts';

let fake: FakeDiscord;
let clients: Client[];

beforeEach(async () => {
  fake = await startFakeDiscord();
  clients = [];
});
afterEach(async () => {
  await Promise.all(clients.map((c) => c.destroy()));
  await fake.close();
});

const where = async (i: Interaction) => {
  if (!i.isChatInputCommand()) return;
  await i.reply(
    `guild=${i.guildId ?? 'none'} context=${i.context} owners=${JSON.stringify(i.authorizingIntegrationOwners)}`,
  );
};

function register(body: unknown[], guild?: string) {
  const rest = new REST({ api: fake.apiUrl }).setToken(fake.token);
  return rest.put(
    guild
      ? Routes.applicationGuildCommands(fake.applicationId, guild)
      : Routes.applicationCommands(fake.applicationId),
    { body },
  );
}

describe('places and installs', () => {
  const personal = new SlashCommandBuilder()
    .setName('mine')
    .setDescription('Personal')
    .setIntegrationTypes(ApplicationIntegrationType.GuildInstall, ApplicationIntegrationType.UserInstall)
    .setContexts(
      InteractionContextType.Guild,
      InteractionContextType.BotDM,
      InteractionContextType.PrivateChannel,
    )
    .toJSON();
  const serverOnly = new SlashCommandBuilder()
    .setName('group')
    .setDescription('Servers only')
    .setContexts(InteractionContextType.Guild)
    .toJSON();

  it('delivers DM and group-DM interactions without a guild, and replies land in that DM', async () => {
    await startBot(fake, clients, where);
    await register([personal, serverOnly]);
    const inGuild = await fake.command('mine');
    expect(inGuild.finalMessage().content).toBe(
      `guild=${fake.guildId} context=0 owners={"0":"${fake.guildId}"}`,
    );
    const dm = await fake.command(
      'mine',
      {},
      { place: 'dm', install: 'user', userId: '1100000000000000701' },
    );
    expect(dm.finalMessage().content).toBe('guild=none context=1 owners={"1":"1100000000000000701"}');
    expect(dm.finalMessage().channel_id).not.toBe(fake.channelId);
    const botDm = await fake.command('mine', {}, { place: 'dm' });
    expect(botDm.finalMessage().content).toBe('guild=none context=1 owners={"0":"0"}');
    const group = await fake.command('mine', {}, { place: 'group-dm' });
    expect(group.finalMessage().content).toMatch(/^guild=none context=2 owners=\{"1":/);
  });

  it('offers a command only where its definition allows, and guild commands only in their guild', async () => {
    await startBot(fake, clients, where);
    await register([serverOnly]);
    await expect(fake.command('group', {}, { place: 'dm' })).rejects.toThrow(/contexts \[0\]/);
    await expect(fake.command('group', {}, { install: 'user' })).rejects.toThrow(/integration_types \[0\]/);
    await register([serverOnly], fake.guildId);
    await register([]);
    await expect(fake.command('group', {}, { place: 'dm' })).rejects.toThrow(/registered in guild .* only/);
    expect((await fake.command('group')).finalMessage().content).toContain('context=0');
  });

  it('refuses integration_types and contexts Discord does not know', async () => {
    await expect(register([{ ...personal, contexts: [0, 3] }])).rejects.toMatchObject({ code: 50035 });
    await expect(register([{ ...personal, integration_types: [] }])).rejects.toMatchObject({ code: 50035 });
    await expect(register([{ ...personal, contexts: [0, 0] }])).rejects.toMatchObject({ code: 50035 });
  });
});

describe('voice states', () => {
  async function voiceClient(intents: GatewayIntentBits[]): Promise<Client<true>> {
    const client = new Client({ intents, rest: { api: fake.apiUrl } });
    clients.push(client);
    const ready = once(client, Events.ClientReady);
    await client.login(fake.token);
    await ready;
    return client as Client<true>;
  }

  it('sends voice states (with members) only to clients with the GuildVoiceStates intent', async () => {
    fake.setVoice('1100000000000000501'); // before login: arrives in GUILD_CREATE
    const withIntent = await voiceClient([GatewayIntentBits.Guilds, GatewayIntentBits.GuildVoiceStates]);
    const without = await voiceClient([GatewayIntentBits.Guilds]);
    const guild = (c: Client<true>) => c.guilds.cache.get(fake.guildId)!;
    expect(guild(withIntent).voiceStates.cache.get('1100000000000000501')?.channelId).toBe(
      fake.voiceChannelId,
    );
    fake.setVoice('1100000000000000502', fake.voiceChannelId, { bot: true });
    await expect.poll(() => guild(withIntent).voiceStates.cache.size).toBe(2);
    expect(guild(withIntent).voiceStates.cache.get('1100000000000000502')?.member?.user.bot).toBe(true);
    fake.setVoice('1100000000000000501', null);
    await expect
      .poll(() => guild(withIntent).voiceStates.cache.get('1100000000000000501')?.channelId)
      .toBeNull();
    expect(guild(without).voiceStates.cache.size).toBe(0);
  });
});

describe('users and selects', () => {
  it('resolves a registered bot as a bot in user options', async () => {
    const client = await startBot(fake, clients, async (i) => {
      if (i.isChatInputCommand()) await i.reply(`bot=${i.options.getUser('who')?.bot}`);
    });
    await client.application.commands.set(
      [
        new SlashCommandBuilder()
          .setName('pick')
          .setDescription('Pick someone')
          .addUserOption((o) => o.setName('who').setDescription('Who').setRequired(true)),
      ],
      fake.guildId,
    );
    fake.addBot('1100000000000000601');
    expect((await fake.command('pick', { who: '1100000000000000601' })).finalMessage().content).toBe(
      'bot=true',
    );
    expect((await fake.command('pick', { who: '1100000000000000602' })).finalMessage().content).toBe(
      'bot=false',
    );
  });

  it('refuses select menus Discord would refuse, and values a menu does not offer', async () => {
    await startBot(fake, clients, async (i) => {
      if (i.isStringSelectMenu()) await i.reply(`picked ${i.values.join(',')}`);
    });
    // Straight to the API: discord.js's builders would refuse some of these before sending.
    const rest = new REST({ api: fake.apiUrl }).setToken(fake.token);
    const send = (options: { label: string; value: string }[]) =>
      rest.post(Routes.channelMessages(fake.channelId), {
        body: { components: [{ type: 1, components: [{ type: 3, custom_id: 'menu', options }] }] },
      }) as Promise<{ id: string }>;
    await expect(send([])).rejects.toMatchObject({ code: 50035 });
    await expect(
      send([
        { label: 'A', value: 'same' },
        { label: 'B', value: 'same' },
      ]),
    ).rejects.toMatchObject({ code: 50035 });
    await expect(send([{ label: 'x'.repeat(101), value: 'a' }])).rejects.toMatchObject({ code: 50035 });
    const sent = await send([{ label: 'A', value: 'a' }]);
    await expect(fake.selectMenu(sent.id, 'menu', ['b'])).rejects.toThrow(/cannot send \["b"\]/);
    expect((await fake.selectMenu(sent.id, 'menu', ['a'])).finalMessage().content).toBe('picked a');
  });
});

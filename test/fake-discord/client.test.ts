// The real discord.js Client, started as in production, against the fake Discord.
import {
  ActionRowBuilder,
  ButtonBuilder,
  ButtonStyle,
  Client,
  DiscordAPIError,
  EmbedBuilder,
  Events,
  GatewayIntentBits,
  MessageFlags,
  REST,
  Routes,
  SlashCommandBuilder,
  StringSelectMenuBuilder,
  type Interaction,
} from 'discord.js';
import { InteractionResponseType } from 'discord-api-types/v10';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startFakeDiscord, type FakeDiscord } from '../support/fake-discord/index.ts';
import { startBot } from './helpers.ts';

let fake: FakeDiscord;
let clients: Client[];

beforeEach(async () => {
  fake = await startFakeDiscord();
  clients = [];
});

/** For tests that need other options; afterEach closes whichever fake is current. */
async function restartFake(options: Parameters<typeof startFakeDiscord>[0]): Promise<void> {
  await fake.close();
  fake = await startFakeDiscord(options);
}

afterEach(async () => {
  // Clients first: a client whose server vanished keeps trying to reconnect.
  await Promise.all(clients.map((c) => c.destroy()));
  await fake.close();
});

describe('login', () => {
  it('logs in, receives READY and GUILD_CREATE, and becomes ready', async () => {
    const client = await startBot(fake, clients);
    expect(client.user.id).toBe(fake.botUserId);
    expect(client.application.id).toBe(fake.applicationId);
    expect(client.guilds.cache.has(fake.guildId)).toBe(true);
    expect(client.channels.cache.get(fake.channelId)?.isTextBased()).toBe(true);
    expect(fake.stats.identifies).toBe(1);
    expect(fake.requests[0]).toMatchObject({ method: 'GET', path: '/gateway/bot', status: 200 });
  });

  it('refuses a bad token: login rejects', async () => {
    const client = new Client({ intents: [GatewayIntentBits.Guilds], rest: { api: fake.apiUrl } });
    clients.push(client);
    await expect(client.login('not-the-token')).rejects.toMatchObject({ code: 'TokenInvalid' });
    expect(fake.requests.at(-1)).toMatchObject({ path: '/gateway/bot', status: 401 });
    expect(fake.stats.identifies).toBe(0);
  });

  it('serves GET /applications/@me and /users/@me to the bot token', async () => {
    const client = await startBot(fake, clients);
    const app = await client.application.fetch();
    expect(app.id).toBe(fake.applicationId);
    const rest = new REST({ api: fake.apiUrl }).setToken(fake.token);
    expect(await rest.get(Routes.user())).toMatchObject({ id: fake.botUserId, bot: true });
  });
});

describe('slash commands', () => {
  it('records a plain reply with allowed_mentions from the client options', async () => {
    await startBot(fake, clients, async (i) => {
      if (i.isChatInputCommand()) await i.reply(`You asked for ${i.options.getString('title', true)}`);
    });
    const h = await fake.command('recommend', { title: 'Heat' });
    expect(h.responseType).toBe(InteractionResponseType.ChannelMessageWithSource);
    const message = h.finalMessage();
    expect(message.content).toBe('You asked for Heat');
    expect(message.flags).toBe(0);
    expect(message.allowed_mentions).toEqual({ parse: [] });
    expect(message.interaction_metadata?.id).toBe(h.id);
  });

  it('records deferReply + editReply, resolving the loading state', async () => {
    let finish!: () => void;
    const gate = new Promise<void>((resolve) => (finish = resolve));
    await startBot(fake, clients, async (i) => {
      if (!i.isChatInputCommand()) return;
      await i.deferReply();
      await gate; // the "model" is still thinking
      await i.editReply({ content: 'Top picks', embeds: [new EmbedBuilder().setTitle('Heat (1995)')] });
    });
    const h = await fake.command('recommend');
    expect(h.responseType).toBe(InteractionResponseType.DeferredChannelMessageWithSource);
    expect(h.finalMessage().flags).toBe(MessageFlags.Loading);
    finish();
    const message = await h.waitForMessage();
    expect(message.content).toBe('Top picks');
    expect(message.embeds[0]?.title).toBe('Heat (1995)');
    expect(message.flags).toBe(0);
    expect(h.events.map((e) => e.kind)).toEqual(['callback', 'edit']);
  });

  it('keeps a reply ephemeral, including deferred ones edited later', async () => {
    await startBot(fake, clients, async (i) => {
      if (!i.isChatInputCommand()) return;
      if (i.commandName === 'now') {
        await i.reply({ content: 'only you', flags: MessageFlags.Ephemeral });
      } else {
        await i.deferReply({ flags: MessageFlags.Ephemeral });
        await i.editReply('still only you');
      }
    });
    const now = await fake.command('now');
    expect(now.finalMessage().flags! & MessageFlags.Ephemeral).toBe(MessageFlags.Ephemeral);
    const later = await fake.command('later');
    const message = await later.waitForMessage();
    expect(message.content).toBe('still only you');
    expect(message.flags).toBe(MessageFlags.Ephemeral);
  });

  it('returns the message for withResponse, and records follow-ups and deletes', async () => {
    const seen: string[] = [];
    await startBot(fake, clients, async (i) => {
      if (!i.isChatInputCommand()) return;
      const response = await i.reply({ content: 'first', withResponse: true });
      seen.push(response.resource?.message?.content ?? '');
      await i.followUp({ content: 'second', flags: MessageFlags.Ephemeral });
      await i.deleteReply();
    });
    const h = await fake.command('recommend');
    await h.waitFor((e) => e.kind === 'delete');
    expect(seen).toEqual(['first']);
    expect(h.events.map((e) => e.kind)).toEqual(['callback', 'followup', 'delete']);
    expect(h.followups().map((m) => [m.content, m.flags])).toEqual([['second', MessageFlags.Ephemeral]]);
    expect(() => h.finalMessage()).toThrow(/no current @original/);
  });

  it('resolves a deferred reply with the first follow-up, keeping its ephemerality (as Discord documents)', async () => {
    await startBot(fake, clients, async (i) => {
      if (!i.isChatInputCommand()) return;
      await i.deferReply({ flags: MessageFlags.Ephemeral });
      await i.followUp({ content: 'done' }); // no ephemeral flag: Discord keeps the defer's choice
      await i.followUp({ content: 'and one more' });
    });
    const h = await fake.command('recommend');
    await h.waitFor((e) => e.kind === 'followup' && e.message.content === 'and one more');
    expect(h.finalMessage()).toMatchObject({ content: 'done', flags: MessageFlags.Ephemeral });
    expect(h.followups().map((m) => m.content)).toEqual(['and one more']);
  });

  it('answers a second initial response with 40060', async () => {
    let settle!: (error: unknown) => void;
    const secondError = new Promise<unknown>((resolve) => (settle = resolve));
    const client = await startBot(fake, clients, async (i) => {
      if (!i.isChatInputCommand()) return;
      // Raw REST: discord.js would refuse a second reply() locally before asking Discord.
      const route = Routes.interactionCallback(i.id, i.token);
      const body = { type: InteractionResponseType.ChannelMessageWithSource, data: { content: 'hi' } };
      await client.rest.post(route, { body, auth: false });
      await client.rest.post(route, { body, auth: false }).then(() => settle(undefined), settle);
    });
    await fake.command('recommend');
    const error = await secondError;
    expect(error).toBeInstanceOf(DiscordAPIError);
    expect(error).toMatchObject({ status: 400, code: 40060 });
  });

  it('fails an interaction not acknowledged in time, and answers the late response with 10062', async () => {
    await restartFake({ ackWindowMs: 200 });
    let windowPassed!: () => void;
    const passed = new Promise<void>((resolve) => (windowPassed = resolve));
    let settle!: (error: unknown) => void;
    const lateError = new Promise<unknown>((resolve) => (settle = resolve));
    await startBot(fake, clients, async (i) => {
      if (!i.isChatInputCommand()) return;
      await passed; // a handler that is too slow, without the test depending on timing
      await i.reply('too late').then(() => settle(undefined), settle);
    });
    await expect(fake.command('recommend')).rejects.toThrow(/not acknowledged within 200 ms/);
    windowPassed();
    expect(await lateError).toMatchObject({ status: 404, code: 10062 });
  });

  it('rejects more than 10 embeds with a Discord-style 400 the client sees as DiscordAPIError', async () => {
    const errors: unknown[] = [];
    await startBot(fake, clients, async (i) => {
      if (!i.isChatInputCommand()) return;
      const embeds = Array.from({ length: 11 }, (_, n) => new EmbedBuilder().setTitle(`Movie ${n}`));
      await i.reply({ embeds }).catch(async (e: unknown) => {
        errors.push(e);
        await i.reply('Too many results');
      });
    });
    const h = await fake.command('recommend');
    expect(h.finalMessage().content).toBe('Too many results');
    expect(errors[0]).toBeInstanceOf(DiscordAPIError);
    const error = errors[0] as DiscordAPIError;
    expect(error).toMatchObject({ status: 400, code: 50035 });
    expect(error.rawError).toMatchObject({
      message: 'Invalid Form Body',
      errors: { data: { embeds: { _errors: [{ code: 'BASE_TYPE_MAX_LENGTH' }] } } },
    });
    expect(fake.requests.filter((r) => r.status === 400)).toHaveLength(1);
  });

  it('rejects over-long content and oversized embeds in edits too', async () => {
    const errors: unknown[] = [];
    await startBot(fake, clients, async (i) => {
      if (!i.isChatInputCommand()) return;
      await i.deferReply();
      await i.editReply('x'.repeat(2001)).catch((e: unknown) => errors.push(e));
      const big = [1, 2].map(() => new EmbedBuilder().setDescription('y'.repeat(3500)));
      await i.editReply({ embeds: big }).catch((e: unknown) => errors.push(e));
      await i.editReply('ok');
    });
    const h = await fake.command('recommend');
    await h.waitForMessage();
    expect(errors.map((e) => (e as DiscordAPIError).code)).toEqual([50035, 50035]);
    expect((errors[1] as DiscordAPIError).rawError).toMatchObject({
      errors: { embeds: { _errors: [{ code: 'MAX_EMBED_SIZE_EXCEEDED' }] } },
    });
  });
});

describe('autocomplete', () => {
  const titles = ['Heat', 'Heathers', 'Her', 'Hereditary', 'Memento'];

  it('round-trips the focused value and the choices', async () => {
    await startBot(fake, clients, async (i) => {
      if (!i.isAutocomplete()) return;
      const typed = i.options.getFocused().toLowerCase();
      await i.respond(
        titles.filter((t) => t.toLowerCase().startsWith(typed)).map((t) => ({ name: t, value: t })),
      );
    });
    const choices = await fake.autocomplete('rate', { movie: 'hea' });
    expect(choices).toEqual([
      { name: 'Heat', value: 'Heat' },
      { name: 'Heathers', value: 'Heathers' },
    ]);
  });

  it('refuses more than 25 choices, so the user sees none', async () => {
    const errors: unknown[] = [];
    await startBot(fake, clients, async (i) => {
      if (!i.isAutocomplete()) return;
      const many = Array.from({ length: 26 }, (_, n) => ({ name: `Movie ${n}`, value: String(n) }));
      await i.respond(many).catch((e: unknown) => errors.push(e));
      await i.respond(many.slice(0, 25));
    });
    const choices = await fake.autocomplete('rate', { movie: '' });
    expect(choices).toHaveLength(25);
    expect(errors[0]).toMatchObject({ code: 50035 });
  });
});

describe('components', () => {
  function pager(i: Interaction) {
    if (i.isChatInputCommand()) {
      const row = new ActionRowBuilder<ButtonBuilder>().addComponents(
        new ButtonBuilder().setCustomId('more').setLabel('More').setStyle(ButtonStyle.Primary),
      );
      return i.reply({ content: 'page 1', components: [row] });
    }
    if (i.isButton() && i.customId === 'more') return i.update({ content: 'page 2', components: [] });
    if (i.isStringSelectMenu())
      return i.reply({ content: `picked ${i.values.join(',')}`, flags: MessageFlags.Ephemeral });
    return undefined;
  }

  it('clicks a button and records interaction.update on the same message', async () => {
    await startBot(fake, clients, pager);
    const command = await fake.command('recommend');
    const click = await fake.clickButton(command.finalMessage(), 'more');
    expect(click.responseType).toBe(InteractionResponseType.UpdateMessage);
    expect(click.finalMessage().id).toBe(command.finalMessage().id);
    expect(command.finalMessage()).toMatchObject({ content: 'page 2', components: [] });
    // The button is gone from the current message, so no user could click it again.
    await expect(fake.clickButton(command.finalMessage().id, 'more')).rejects.toThrow(
      /No enabled Button "more"/,
    );
  });

  it('edits the clicked message after deferUpdate, and lets the bot edit its channel posts', async () => {
    const client = await startBot(fake, clients, async (i) => {
      if (!i.isButton()) return;
      await i.deferUpdate();
      await i.editReply({ content: 'Saved to your list', components: [] });
    });
    const channel = client.channels.cache.get(fake.channelId);
    if (!channel?.isSendable()) throw new Error('channel not sendable');
    const row = new ActionRowBuilder<ButtonBuilder>().addComponents(
      new ButtonBuilder().setCustomId('save').setLabel('Save').setStyle(ButtonStyle.Success),
    );
    const sent = await channel.send({ content: 'Tonight: Heat', components: [row] });
    const click = await fake.clickButton(sent.id, 'save');
    expect(click.responseType).toBe(InteractionResponseType.DeferredMessageUpdate);
    const edited = await click.waitForMessage((m) => m.content === 'Saved to your list');
    expect(edited.id).toBe(sent.id);
    await sent.edit('Tonight: Heat (1995)');
    expect(fake.channelMessages()[0]?.content).toBe('Tonight: Heat (1995)');
  });

  it('selects from a string select menu', async () => {
    await startBot(fake, clients, pager);
    const client = clients[0] as Client<true>;
    const channel = client.channels.cache.get(fake.channelId);
    if (!channel?.isSendable()) throw new Error('channel not sendable');
    const menu = new StringSelectMenuBuilder()
      .setCustomId('genre')
      .addOptions({ label: 'Drama', value: 'drama' }, { label: 'Crime', value: 'crime' });
    const sent = await channel.send({
      content: 'Pick genres',
      components: [new ActionRowBuilder<StringSelectMenuBuilder>().addComponents(menu)],
    });
    const h = await fake.selectMenu(sent.id, 'genre', ['crime']);
    expect(h.finalMessage()).toMatchObject({ content: 'picked crime', flags: MessageFlags.Ephemeral });
  });
});

describe('commands and channel posts', () => {
  const commands = [
    new SlashCommandBuilder()
      .setName('recommend')
      .setDescription('Recommend movies')
      .addIntegerOption((o) => o.setName('count').setDescription('How many').setMinValue(1).setMaxValue(10))
      .toJSON(),
  ];

  it('stores PUT commands idempotently, per scope, and returns them on GET', async () => {
    const rest = new REST({ api: fake.apiUrl }).setToken(fake.token);
    const route = Routes.applicationGuildCommands(fake.applicationId, fake.guildId);
    const first = (await rest.put(route, { body: commands })) as { id: string; version: string }[];
    const second = (await rest.put(route, { body: commands })) as { id: string; version: string }[];
    expect(second).toEqual(first);
    expect(fake.registeredCommands(fake.guildId)).toEqual(first);
    expect(fake.registeredCommands()).toEqual([]);
    expect(await rest.get(route)).toEqual(first);
    await rest.put(route, { body: [] });
    expect(fake.registeredCommands(fake.guildId)).toEqual([]);
  });

  it('refuses command definitions Discord would refuse, and a wrong application id', async () => {
    const rest = new REST({ api: fake.apiUrl }).setToken(fake.token);
    const bad = {
      ...commands[0],
      options: [
        { type: 3, name: 'genre', description: 'Genre' },
        { type: 3, name: 'title', description: 'Title', required: true },
      ],
    };
    await expect(
      rest.put(Routes.applicationCommands(fake.applicationId), { body: [bad] }),
    ).rejects.toMatchObject({
      code: 50035,
      rawError: { errors: { 0: { options: { 1: { required: expect.anything() } } } } },
    });
    await expect(
      rest.put(Routes.applicationCommands('1100000000000000999'), { body: commands }),
    ).rejects.toMatchObject({
      status: 403,
      code: 20012,
    });
  });

  it('checks interaction options against registered commands', async () => {
    const client = await startBot(fake, clients, async (i) => {
      if (i.isChatInputCommand()) await i.reply(`count=${i.options.getInteger('count')}`);
    });
    await client.application.commands.set(commands, fake.guildId);
    const h = await fake.command('recommend', { count: 3 });
    expect(h.finalMessage().content).toBe('count=3');
    await expect(fake.command('recommend', { count: 11 })).rejects.toThrow(/above max_value 10/);
    await expect(fake.command('recomend')).rejects.toThrow(/not a registered command/);
  });

  it('records channel posts (e.g. nightly summaries)', async () => {
    const client = await startBot(fake, clients);
    const channel = await client.channels.fetch(fake.channelId);
    if (!channel?.isSendable()) throw new Error('channel not sendable');
    await channel.send({ embeds: [new EmbedBuilder().setTitle('Nightly summary')] });
    const posted = await fake.waitForChannelMessage((m) => m.embeds[0]?.title === 'Nightly summary');
    expect(posted.author.id).toBe(fake.botUserId);
    expect(fake.channelMessages()).toHaveLength(1);
    await expect(channel.send({ content: '' })).rejects.toMatchObject({ code: 50006 });
  });
});

describe('gateway', () => {
  it('acks heartbeats', async () => {
    await restartFake({ heartbeatIntervalMs: 100 });
    const client = await startBot(fake, clients);
    await fake.waitForStats((stats) => stats.heartbeats >= 3);
    // discord.js measures ping only from op 11 acks, so a measured ping proves they arrived.
    await fake.waitForStats(() => client.ws.ping >= 0);
    expect(client.ws.shards.first()?.lastPingTimestamp).toBeGreaterThan(0);
  });

  it('resumes after a dropped connection and still delivers interactions', async () => {
    const client = await startBot(fake, clients, async (i) => {
      if (i.isChatInputCommand()) await i.reply('back');
    });
    const resumed = new Promise((resolve) => client.once(Events.ShardResume, resolve));
    fake.disconnect();
    await resumed;
    expect(fake.stats).toMatchObject({ identifies: 1, resumes: 1, connections: 2 });
    expect((await fake.command('recommend')).finalMessage().content).toBe('back');
  });
});

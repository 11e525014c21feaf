// Polls and scheduled events of the fake, read back through discord.js's own parsing (Poll,
// PollAnswer, GuildScheduledEvent, and the vote/update events it emits).
import { once } from 'node:events';
import {
  Client,
  DiscordAPIError,
  Events,
  GatewayIntentBits,
  GuildScheduledEventEntityType,
  GuildScheduledEventPrivacyLevel,
  GuildScheduledEventStatus,
  PermissionFlagsBits,
  type GuildScheduledEvent,
  type Message,
  type TextChannel,
} from 'discord.js';
import { afterEach, describe, expect, it } from 'vitest';
import { startFakeDiscord, type FakeDiscord } from '../support/fake-discord/index.ts';
import { BOT_PERMISSIONS } from '../support/fake-discord/payloads.ts';

const ALICE = '1100000000000000301';
const BOB = '1100000000000000302';
const CAROL = '1100000000000000303';
// A 1×1 PNG.
const PIXEL = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII=',
  'base64',
);

let fake: FakeDiscord | undefined;
const clients: Client[] = [];

afterEach(async () => {
  for (const c of clients.splice(0)) await c.destroy();
  await fake?.close();
  fake = undefined;
});

async function login(f: FakeDiscord): Promise<Client<true>> {
  const client = new Client({
    intents: [
      GatewayIntentBits.Guilds,
      GatewayIntentBits.GuildMessages,
      GatewayIntentBits.GuildMessagePolls,
      GatewayIntentBits.GuildScheduledEvents,
    ],
    rest: { api: f.apiUrl },
  });
  clients.push(client);
  const ready = once(client, Events.ClientReady);
  await client.login(f.token);
  await ready;
  return client as Client<true>;
}

async function rejection(promise: Promise<unknown>): Promise<DiscordAPIError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(DiscordAPIError);
  return error as DiscordAPIError;
}

describe('message polls', () => {
  it('creates a poll with answer ids, counts votes from gateway events, and ends it with exact results', async () => {
    fake = await startFakeDiscord();
    const client = await login(fake);
    const channel = (await client.channels.fetch(fake.channelId)) as TextChannel;
    const before = Date.now();
    const message = await channel.send({
      content: 'Movie night',
      poll: {
        question: { text: 'What do we watch?' },
        answers: [{ text: 'Heat (1995)' }, { text: 'Alien (1979)' }, { text: 'Fargo (1996)' }],
        duration: 2,
        allowMultiselect: false,
      },
    });
    const poll = message.poll!;
    expect([...poll.answers.keys()]).toEqual([1, 2, 3]);
    expect(poll.answers.get(2)!.text).toBe('Alien (1979)');
    expect(poll.expiresTimestamp! - before).toBeGreaterThanOrEqual(2 * 3_600_000 - 1000);
    expect(poll.resultsFinalized).toBe(false);

    const votes: [number, string][] = [];
    client.on(Events.MessagePollVoteAdd, (answer, userId) => votes.push([answer.id, userId]));
    const removed: [number, string][] = [];
    client.on(Events.MessagePollVoteRemove, (answer, userId) => removed.push([answer.id, userId]));
    fake.votePoll(message.id, ALICE, [1]);
    fake.votePoll(message.id, BOB, [2]);
    fake.votePoll(message.id, CAROL, [2]);
    fake.votePoll(message.id, ALICE, [2]); // changes her mind: REMOVE 1, ADD 2
    await expect.poll(() => votes.length).toBe(4);
    expect(votes).toEqual([
      [1, ALICE],
      [2, BOB],
      [2, CAROL],
      [2, ALICE],
    ]);
    expect(removed).toEqual([[1, ALICE]]);
    expect(poll.answers.get(2)!.voteCount).toBe(3);
    expect(poll.answers.get(1)!.voteCount).toBe(0);

    const updated = new Promise<Message>((resolve) =>
      client.on(Events.MessageUpdate, (_old, m) => {
        if (m.poll?.resultsFinalized) resolve(m as Message);
      }),
    );
    const ended = await poll.end();
    expect(ended.poll!.resultsFinalized).toBe(true);
    expect(ended.poll!.answers.get(2)!.voteCount).toBe(3);
    expect((await updated).id).toBe(message.id);
    const fetched = await channel.messages.fetch({ message: message.id, force: true });
    expect(fetched.poll!.resultsFinalized).toBe(true);
    expect(fetched.poll!.answers.map((a) => a.voteCount)).toEqual([0, 3, 0]);

    const voters = await fetched.poll!.answers.get(2)!.voters.fetch();
    expect([...voters.keys()].sort()).toEqual([ALICE, BOB, CAROL]);
    expect(
      (await rejection(client.rest.post(`/channels/${channel.id}/polls/${message.id}/expire`))).code,
    ).toBe(520001);
    expect(() => fake!.votePoll(message.id, BOB, [1])).toThrow(/has ended/);
  });

  it('refuses polls beyond Discord’s limits, edits of a poll, and polls without Send Polls', async () => {
    fake = await startFakeDiscord();
    const client = await login(fake);
    const channel = (await client.channels.fetch(fake.channelId)) as TextChannel;
    const answers = (n: number, length = 10) =>
      Array.from({ length: n }, (_, i) => ({ text: `${i}`.padEnd(length, 'x') }));
    const tooMany = await rejection(
      channel.send({
        poll: { question: { text: 'q' }, answers: answers(11), duration: 1, allowMultiselect: false },
      }),
    );
    expect(tooMany.code).toBe(50035);
    expect(JSON.stringify(tooMany.rawError)).toContain('answers');
    const tooLong = await rejection(
      channel.send({
        poll: { question: { text: 'q' }, answers: answers(2, 56), duration: 1, allowMultiselect: false },
      }),
    );
    expect(JSON.stringify(tooLong.rawError)).toContain('"poll_media":{"text"');
    const longQuestion = await rejection(
      channel.send({
        poll: {
          question: { text: 'q'.repeat(301) },
          answers: answers(2),
          duration: 1,
          allowMultiselect: false,
        },
      }),
    );
    expect(JSON.stringify(longQuestion.rawError)).toContain('question');
    const tooLate = await rejection(
      channel.send({
        poll: { question: { text: 'q' }, answers: answers(2), duration: 769, allowMultiselect: false },
      }),
    );
    expect(JSON.stringify(tooLate.rawError)).toContain('duration');
    // Exactly at the limits is fine.
    const full = await channel.send({
      poll: {
        question: { text: 'q'.repeat(300) },
        answers: answers(10, 55),
        duration: 768,
        allowMultiselect: false,
      },
    });
    expect(full.poll!.answers.size).toBe(10);
    expect(
      (
        await rejection(
          client.rest.patch(`/channels/${channel.id}/messages/${full.id}`, {
            body: { poll: { question: { text: 'x' }, answers: [{ poll_media: { text: 'a' } }] } },
          }),
        )
      ).code,
    ).toBe(520003);
    expect(
      (
        await rejection(
          client.rest.post(`/channels/${channel.id}/polls/${(await channel.send('plain')).id}/expire`),
        )
      ).code,
    ).toBe(520006);

    fake.setBotPermissions(BOT_PERMISSIONS & ~PermissionFlagsBits.SendPolls);
    const refused = await rejection(
      channel.send({
        poll: { question: { text: 'q' }, answers: answers(2), duration: 1, allowMultiselect: false },
      }),
    );
    expect([refused.status, refused.code]).toEqual([403, 50013]);
  });
});

describe('scheduled events', () => {
  it('creates a voice event with a cover, dispatches CREATE, and UPDATEs as Discord changes its status', async () => {
    fake = await startFakeDiscord();
    const client = await login(fake);
    const guild = client.guilds.cache.get(fake.guildId)!;
    const start = new Date(Date.now() + 86_400_000);
    const created = new Promise<GuildScheduledEvent>((resolve) =>
      client.on(Events.GuildScheduledEventCreate, (e) => resolve(e as GuildScheduledEvent)),
    );
    const event = await guild.scheduledEvents.create({
      name: 'Heat (1995)',
      scheduledStartTime: start,
      privacyLevel: GuildScheduledEventPrivacyLevel.GuildOnly,
      entityType: GuildScheduledEventEntityType.Voice,
      channel: fake.voiceChannelId,
      description: 'A group of professional bank robbers…',
      image: PIXEL,
    });
    expect(event.name).toBe('Heat (1995)');
    expect(event.channelId).toBe(fake.voiceChannelId);
    expect(event.scheduledStartTimestamp).toBe(start.getTime());
    expect(event.status).toBe(GuildScheduledEventStatus.Scheduled);
    expect(event.image).toMatch(/^[0-9a-f]{32}$/);
    expect(event.creatorId).toBe(fake.botUserId);
    expect((await created).id).toBe(event.id);
    expect(fake.scheduledEvents().map((e) => e.name)).toEqual(['Heat (1995)']);

    const statuses: GuildScheduledEventStatus[] = [];
    client.on(Events.GuildScheduledEventUpdate, (_old, e) => statuses.push(e!.status));
    fake.setScheduledEventStatus(event.id, GuildScheduledEventStatus.Active);
    fake.setScheduledEventStatus(event.id, GuildScheduledEventStatus.Completed);
    await expect
      .poll(() => statuses)
      .toEqual([GuildScheduledEventStatus.Active, GuildScheduledEventStatus.Completed]);
    expect(() => fake!.setScheduledEventStatus(event.id, GuildScheduledEventStatus.Active)).toThrow();
  });

  it('checks fields like Discord and answers 50013 without the events permission', async () => {
    fake = await startFakeDiscord();
    const client = await login(fake);
    const guild = client.guilds.cache.get(fake.guildId)!;
    const base = {
      name: 'Movie night',
      scheduledStartTime: new Date(Date.now() + 3_600_000),
      privacyLevel: GuildScheduledEventPrivacyLevel.GuildOnly,
    } as const;
    const past = await rejection(
      guild.scheduledEvents.create({
        ...base,
        scheduledStartTime: new Date(Date.now() - 60_000),
        entityType: GuildScheduledEventEntityType.Voice,
        channel: fake.voiceChannelId,
      }),
    );
    expect(JSON.stringify(past.rawError)).toContain('scheduled_start_time');
    const noEnd = await rejection(
      guild.scheduledEvents.create({
        ...base,
        entityType: GuildScheduledEventEntityType.External,
        entityMetadata: { location: 'Alice’s place' },
      }),
    );
    expect(JSON.stringify(noEnd.rawError)).toContain('scheduled_end_time');
    const wrongChannel = await rejection(
      guild.scheduledEvents.create({
        ...base,
        entityType: GuildScheduledEventEntityType.Voice,
        channel: fake.channelId,
      }),
    );
    expect(JSON.stringify(wrongChannel.rawError)).toContain('channel_id');
    const external = await guild.scheduledEvents.create({
      ...base,
      scheduledEndTime: new Date(Date.now() + 4 * 3_600_000),
      entityType: GuildScheduledEventEntityType.External,
      entityMetadata: { location: 'Alice’s place' },
    });
    expect(external.entityMetadata?.location).toBe('Alice’s place');

    fake.setBotPermissions(
      BOT_PERMISSIONS & ~PermissionFlagsBits.ManageEvents & ~PermissionFlagsBits.CreateEvents,
    );
    const refused = await rejection(
      guild.scheduledEvents.create({
        ...base,
        entityType: GuildScheduledEventEntityType.Voice,
        channel: fake.voiceChannelId,
      }),
    );
    expect([refused.status, refused.code]).toEqual([403, 50013]);
  });
});

/**
 * A movie night put to a vote, end to end through the fake Discord: /movienight → "Put it to a vote" →
 * a native poll → three members vote → the poll ends → the winner's card with the count; a tie says
 * how it was broken; a second press posts nothing; the longest titles fit Discord's poll limits; "Schedule it"
 * on the winner creates one scheduled event at the server's time in the caller's voice channel.
 */
import { GuildScheduledEventStatus, PermissionFlagsBits } from 'discord.js';
import type { APIMessage } from 'discord-api-types/v10';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Artifacts } from '../../src/artifacts/types.ts';
import { memberRatings } from '../../src/bot/members.ts';
import { movieNightConsents } from '../../src/bot/movie-night-consent.ts';
import { pollAnswers } from '../../src/bot/poll-answers.ts';
import { MISSING_MANAGE_EVENTS, missingInVoice } from '../../src/bot/schedule-event.ts';
import { MovieNights } from '../../src/store/movie-nights.ts';
import { ServerList } from '../../src/store/server-list.ts';
import { updateServerSettings } from '../../src/store/server-settings.ts';
import { displayTitle } from '../../src/serve/titles.ts';
import { startTestBot, trainSmallModels, type TestBot } from '../support/bot-harness.ts';
import type { ActAs, InteractionHandle, StoredMessage } from '../support/fake-discord/index.ts';
import { BOT_PERMISSIONS } from '../support/fake-discord/payloads.ts';

const EPHEMERAL = 1 << 6;
const ALICE = '1100000000000000301';
const BOB = '1100000000000000302';
const CAROL = '1100000000000000303';
const DAVE = '1100000000000000304';

interface LooseComponent {
  type: number;
  custom_id?: string;
  options?: { value: string; label: string }[];
}
const componentsOf = (message: APIMessage): LooseComponent[] =>
  (message.components ?? []).flatMap((row) => (row as { components?: LooseComponent[] }).components ?? []);
const componentId = (message: APIMessage, prefix: string) => {
  const found = componentsOf(message).find((c) => c.custom_id?.startsWith(prefix));
  if (!found) throw new Error(`no ${prefix} on ${JSON.stringify(message.components)}`);
  return found.custom_id!;
};

describe('movie night put to a vote', () => {
  let bot: TestBot;
  let artifacts: Artifacts;

  beforeAll(async () => {
    const trained = await trainSmallModels();
    artifacts = trained.artifacts;
    bot = await startTestBot({ modelsDir: trained.modelsDir });
    // Three members with enough ratings (different tastes) for a group pick.
    const movies = [...artifacts.dnmf.movieRows.keys()];
    const members = memberRatings(bot.bot.context);
    for (const [i, id] of [ALICE, BOB, CAROL].entries()) {
      for (let k = 0; k < 4; k++) await members.rate(id, movies[i * 7 + k], k % 2 === 0 ? 5 : 4);
    }
    // Bob and Carol agreed once to be counted in this server's movie nights (issue 15's consent).
    for (const id of [BOB, CAROL])
      await movieNightConsents(bot.bot.context).setAlwaysIn(id, bot.fake.guildId, true);
  }, 60_000);
  afterAll(async () => {
    await bot?.close();
  });

  const title = (movieId: number) => displayTitle(artifacts.movies.get(movieId)!.title);
  const answerMovies = (answer: APIMessage) =>
    componentsOf(answer)
      .find((c) => c.custom_id?.startsWith('rate:pick:'))!
      .options!.map((o) => Number(o.value));

  async function movieNight(): Promise<StoredMessage> {
    const handle = await bot.fake.command(
      'movienight pick',
      { member1: BOB, member2: CAROL },
      { userId: ALICE },
    );
    return handle.waitForMessage();
  }

  /** Presses "Put it to a vote" and picks `hours`; resolves with the private confirmation. */
  async function putToVote(
    answer: APIMessage,
    as: ActAs = { userId: ALICE },
    hours = '1',
  ): Promise<StoredMessage> {
    const menu = (await bot.fake.clickButton(answer, 'night:vote', as)).finalMessage();
    expect((menu.flags ?? 0) & EPHEMERAL).toBe(EPHEMERAL);
    const chosen = await bot.fake.selectMenu(menu, componentId(menu, 'night:duration:'), [hours], as);
    return chosen.waitForMessage((m) => !componentsOf(m).length);
  }

  const pollMessages = () => bot.fake.channelMessages().filter((m) => m.poll);

  it('posts a native poll of the ten movies, and announces the winner with the right count', async () => {
    const answer = await movieNight();
    const movies = answerMovies(answer);
    expect(movies).toHaveLength(10);
    const before = Date.now();
    const confirmation = await putToVote(answer, { userId: ALICE }, '2');
    expect(confirmation.content).toMatch(
      /^Poll posted: https:\/\/discord\.com\/channels\/\d+\/\d+\/(\d+) — it ends <t:\d+:R>\.$/,
    );
    const [poll] = pollMessages();
    expect(poll.content).toContain(`/${answer.id}`); // the cards are linked
    expect(poll.poll!.answers.map((a) => a.poll_media.text)).toEqual(
      pollAnswers(movies.map((id) => artifacts.movies.get(id)!.title)),
    );
    expect(Date.parse(poll.poll!.expiry!) - before).toBeGreaterThanOrEqual(2 * 3_600_000 - 1000);
    expect(Date.parse(poll.poll!.expiry!) - before).toBeLessThan(2 * 3_600_000 + 5000);
    expect(poll.poll!.allow_multiselect).toBe(false);

    // Pressed again (or the menu used twice): nothing is posted twice.
    const again = (await bot.fake.clickButton(answer, 'night:vote', { userId: ALICE })).finalMessage();
    const twice = await bot.fake.selectMenu(again, componentId(again, 'night:duration:'), ['1'], {
      userId: ALICE,
    });
    expect((await twice.waitForMessage((m) => !componentsOf(m).length)).content).toContain(
      `already up for a vote: https://discord.com/channels/${bot.fake.guildId}/${bot.fake.channelId}/${poll.id}`,
    );
    expect(pollMessages()).toHaveLength(1);

    bot.fake.votePoll(poll.id, ALICE, [3]);
    bot.fake.votePoll(poll.id, BOB, [3]);
    bot.fake.votePoll(poll.id, CAROL, [5]);
    bot.fake.endPoll(poll.id);
    const result = await bot.fake.waitForChannelMessage((m) => m.message_reference?.message_id === poll.id);
    expect(result.content).toBe(`🍿 The vote is in: **${title(movies[2])}** wins with 2 votes of 3.`);
    expect(result.embeds[0].title).toBe(title(movies[2]));
    expect(result.embeds[0].author?.name).toBe('Movie night winner · 2 of 3 votes');
    expect(result.message_reference?.message_id).toBe(poll.id);
    await expect.poll(() => new MovieNights(bot.bot.context.store).openPolls()).toEqual([]);
  });

  it('breaks a tie by the group’s predicted score and says so', async () => {
    const answer = await movieNight();
    const movies = answerMovies(answer);
    await putToVote(answer);
    const poll = pollMessages().at(-1)!;
    const night = (await new MovieNights(bot.bot.context.store).night(answer.id))!;
    // Two answers tie; the one the group is predicted to like more must win.
    const [a, b] = [0, 6];
    const better = night.movies[a].score! >= night.movies[b].score! ? a : b;
    const worse = better === a ? b : a;
    expect(night.movies[a].score).not.toBe(night.movies[b].score);
    bot.fake.votePoll(poll.id, ALICE, [a + 1]);
    bot.fake.votePoll(poll.id, BOB, [b + 1]);
    bot.fake.endPoll(poll.id);
    const result = await bot.fake.waitForChannelMessage(
      (m) => m.content.startsWith('🍿') && m.message_reference?.message_id === poll.id,
    );
    const names = [a, b].map((i) => `**${title(movies[i])}**`);
    expect(result.content).toContain(`${names[0]} and ${names[1]} tied with 1 vote each of 2; `);
    expect(result.content).toContain(
      `**${title(movies[better])}** wins the tie on the group's predicted score (${night.movies[better].meanPredicted!.toFixed(1)} ★ on average, against ${night.movies[worse].meanPredicted!.toFixed(1)} ★)`,
    );
    expect(result.embeds[0].title).toBe(title(movies[better]));
  });

  it('lets only the caller or a server manager start the vote, and names a missing Send Polls permission', async () => {
    const answer = await movieNight();
    const refused = (await bot.fake.clickButton(answer, 'night:vote', { userId: DAVE })).finalMessage();
    expect(refused.content).toContain('who ran this /movienight, or someone with **Manage Server**');
    const manager = { userId: DAVE, permissions: PermissionFlagsBits.ManageGuild };
    const menu = (await bot.fake.clickButton(answer, 'night:vote', manager)).finalMessage();
    bot.fake.setBotPermissions(BOT_PERMISSIONS & ~PermissionFlagsBits.SendPolls);
    try {
      const chosen = await bot.fake.selectMenu(menu, componentId(menu, 'night:duration:'), ['1'], manager);
      const said = await chosen.waitForMessage((m) => !componentsOf(m).length);
      expect(said.content).toContain('I need the **Send Polls** permission in this channel');
    } finally {
      bot.fake.setBotPermissions(BOT_PERMISSIONS);
    }
    // Nothing was claimed: with the permission back, the vote can start.
    const count = pollMessages().length;
    await putToVote(answer, manager);
    expect(pollMessages()).toHaveLength(count + 1);
  });

  it('/movienight end ends the caller’s vote early and announces it once; others cannot end it', async () => {
    const answer = await movieNight();
    const movies = answerMovies(answer);
    await putToVote(answer);
    const poll = pollMessages().at(-1)!;
    bot.fake.votePoll(poll.id, BOB, [4]);
    const stranger = await (await bot.fake.command('movienight end', {}, { userId: DAVE })).waitForMessage();
    expect(stranger.content).toContain('You have no open movie night vote on this server');
    const ended = await (await bot.fake.command('movienight end', {}, { userId: ALICE })).waitForMessage();
    expect((ended.flags ?? 0) & EPHEMERAL).toBe(EPHEMERAL);
    expect(ended.content).toContain(
      `Ended the vote https://discord.com/channels/${bot.fake.guildId}/${bot.fake.channelId}/${poll.id}`,
    );
    expect(bot.fake.requests.filter((r) => r.path.endsWith(`/polls/${poll.id}/expire`))).toHaveLength(1);
    const result = await bot.fake.waitForChannelMessage((m) => m.message_reference?.message_id === poll.id);
    expect(result.content).toBe(`🍿 The vote is in: **${title(movies[3])}** wins with 1 vote of 1.`);
    await expect
      .poll(async () => (await new MovieNights(bot.bot.context.store).poll(poll.id)) ?? null)
      .toBe(null);
    // Ending again ends Alice's other open vote (from the test before), never this one twice.
    const next = await (await bot.fake.command('movienight end', {}, { userId: ALICE })).waitForMessage();
    expect(next.content).toMatch(/^Ended the vote /);
    expect(next.content).not.toContain(poll.id);
    expect(
      bot.fake.channelMessages().filter((m) => m.message_reference?.message_id === poll.id),
    ).toHaveLength(1);
  });

  it('fits ten answers of the longest titles into Discord’s limits', async () => {
    // The longest MovieLens titles (ml-latest-small's longest is 158 characters; ml-32m has ~200).
    const longest = [
      "Dragon Ball Z the Movie: The World's Strongest (a.k.a. Dragon Ball Z: The Strongest Guy in The World) (Doragon bôru Z: Kono yo de ichiban tsuyoi yatsu) (1990)",
      'Dragon Ball Z: Bardock - The Father of Goku (Doragon bôru Z: Tatta hitori no saishuu kessen - Furiiza ni itonda Z senshi Kakarotto no chichi) (1990)',
      'Night of the Day of the Dawn of the Son of the Bride of the Return of the Revenge of the Terror of the Attack of the Evil, Mutant, Alien, Flesh Eating, Hellbound, Zombified Living Dead Part 2 (2005)',
      'Fullmetal Alchemist the Movie: Conqueror of Shamballa (Gekijô-ban hagane no renkinjutsushi: Shanbara wo yuku mono) (2005)',
      'Neon Genesis Evangelion: The End of Evangelion (Shin seiki Evangelion Gekijô-ban: Air/Magokoro wo, kimi ni) (1997)',
      'Unintentional Kidnapping of Mrs. Elfriede Ott, The (Die Unabsichtliche Entführung der Frau Elfriede Ott) (2010)',
      `${'Supercalifragilisticexpialidocious'.repeat(6)} (2020)`,
      "Legend of 1900, The (a.k.a. The Legend of the Pianist on the Ocean) (Leggenda del pianista sull'oceano) (1998)",
      'Investigation of a Citizen Above Suspicion (Indagine su un cittadino al di sopra di ogni sospetto) (1970)',
      'Dragon Ball Z: The History of Trunks (Doragon bôru Z: Zetsubô e no hankô!! Nokosareta chô senshi - Gohan to Torankusu) (1993)',
    ];
    const answers = pollAnswers(longest);
    expect(answers).toHaveLength(10);
    for (const text of answers) expect(text.length).toBeLessThanOrEqual(55);
    expect(answers[0]).toBe("Dragon Ball Z the Movie: The World's Strongest (1990)");
    expect(answers[2]).toMatch(/^Night of the Day .*\S… \(2005\)$/);
    // The fake checks Discord's limits: the poll is accepted as the bot would post it.
    const posted = await fetch(`${bot.fake.apiUrl}/v10/channels/${bot.fake.channelId}/messages`, {
      method: 'POST',
      headers: { Authorization: `Bot ${bot.fake.token}`, 'Content-Type': 'application/json' },
      body: JSON.stringify({
        poll: {
          question: { text: 'Which movie do we watch?' },
          answers: answers.map((text) => ({ poll_media: { text } })),
          duration: 168,
        },
      }),
    });
    expect(posted.status).toBe(200);
  });

  /** A finished vote: its winner's card (with "Schedule it") and the poll's id. */
  async function winnerCard(): Promise<{ card: StoredMessage; pollId: string; movieId: number }> {
    const answer = await movieNight();
    const movies = answerMovies(answer);
    await putToVote(answer);
    const poll = pollMessages().at(-1)!;
    bot.fake.votePoll(poll.id, BOB, [2]);
    bot.fake.endPoll(poll.id);
    const card = await bot.fake.waitForChannelMessage(
      (m) => m.content.startsWith('🍿') && m.message_reference?.message_id === poll.id,
    );
    return { card, pollId: poll.id, movieId: movies[1] };
  }
  const scheduleId = (w: { pollId: string; movieId: number }) => `night:schedule:${w.pollId}:${w.movieId}`;
  const eventsNamed = (name: string) => bot.fake.scheduledEvents().filter((e) => e.name === name);
  const sent = async (handle: InteractionHandle) => (await handle.waitForMessage()).content;

  it('"Schedule it" creates one event for the winner, at the server’s time, in the caller’s voice channel', async () => {
    await updateServerSettings(bot.bot.context.store, bot.fake.guildId, { timezone: 'Europe/Berlin' });
    const winner = await winnerCard();
    const name = title(winner.movieId);
    bot.fake.setVoice(ALICE);
    await expect
      .poll(() => bot.bot.client.guilds.cache.get(bot.fake.guildId)?.voiceStates.cache.get(ALICE)?.channelId)
      .toBe(bot.fake.voiceChannelId);
    try {
      // Pressed twice before either form is sent: two modals, one event.
      const first = await bot.fake.clickButton(winner.card, scheduleId(winner), { userId: ALICE });
      const second = await bot.fake.clickButton(winner.card, scheduleId(winner), { userId: ALICE });
      expect(first.modal!.custom_id).toBe(`night:event:${winner.pollId}:${winner.movieId}`);
      expect(first.modal!.components[1].components[0].label).toContain('Europe/Berlin');

      // Bad input first: a specific message each, nothing created.
      const badDay = await bot.fake.submitModal(
        first,
        { day: '2027-02-30', time: '20:30' },
        { userId: ALICE },
      );
      expect(await sent(badDay)).toContain('**Day**: 2027-02-30 is not a day of the calendar.');
      const badTime = await bot.fake.submitModal(
        first,
        { day: '2027-07-15', time: '8pm' },
        { userId: ALICE },
      );
      expect(await sent(badTime)).toContain('**Time**: “8pm” is not a time like 20:30');
      const past = await bot.fake.submitModal(first, { day: '2020-07-15', time: '20:30' }, { userId: ALICE });
      expect(await sent(past)).toContain('is in the past (read in Europe/Berlin)');
      expect(eventsNamed(name)).toHaveLength(0);

      // Discord refusing with 50013 (here: no Connect in the voice channel) is told, and frees the claim.
      bot.fake.setBotPermissions(BOT_PERMISSIONS & ~PermissionFlagsBits.Connect);
      try {
        const refused = await bot.fake.submitModal(
          first,
          { day: '2027-07-15', time: '20:30' },
          { userId: ALICE },
        );
        expect(await sent(refused)).toBe(missingInVoice(bot.fake.voiceChannelId));
      } finally {
        bot.fake.setBotPermissions(BOT_PERMISSIONS);
      }
      expect(eventsNamed(name)).toHaveLength(0);

      // Both forms sent at once: exactly one event.
      const form = { day: '2027-07-15', time: '20:30' };
      const [a, b] = await Promise.all([
        bot.fake.submitModal(first, form, { userId: ALICE }),
        bot.fake.submitModal(second, form, { userId: ALICE }),
      ]);
      const replies = await Promise.all([sent(a), sent(b)]);
      const events = eventsNamed(name);
      expect(events).toHaveLength(1);
      const [event] = events;
      // 20:30 in Berlin in July (CEST, UTC+2) is 18:30 UTC.
      expect(event.scheduled_start_time).toBe('2027-07-15T18:30:00.000Z');
      expect(event.channel_id).toBe(bot.fake.voiceChannelId);
      expect(event.entity_type).toBe(2);
      expect(event.description).toContain(name);
      const unix = Date.UTC(2027, 6, 15, 18, 30) / 1000;
      const link = `https://discord.com/events/${bot.fake.guildId}/${event.id}`;
      expect(
        replies.filter((r) => r.startsWith(`📅 Scheduled for <t:${unix}:F> (read in Europe/Berlin)`)),
      ).toHaveLength(1);
      expect(replies.every((r) => r.includes(link) || r.includes('being scheduled right now'))).toBe(true);
      expect(a.finalMessage().flags! & EPHEMERAL).toBe(EPHEMERAL);

      // Pressed again later: it says where the event is, and creates nothing.
      const again = await bot.fake.clickButton(winner.card, scheduleId(winner), { userId: CAROL });
      expect(again.modal).toBeUndefined();
      expect(again.finalMessage().content).toBe(
        `This movie night is already scheduled for <t:${unix}:F>: ${link}`,
      );
      const resent = await bot.fake.submitModal(first, form, { userId: ALICE });
      expect(await sent(resent)).toContain(link);
      expect(eventsNamed(name)).toHaveLength(1);

      // The night happens: when Discord completes the event, the movie counts as watched on the server.
      const list = new ServerList(bot.bot.context.store, bot.fake.guildId);
      expect(await list.watched()).not.toContain(winner.movieId);
      bot.fake.setScheduledEventStatus(event.id, GuildScheduledEventStatus.Active);
      bot.fake.setScheduledEventStatus(event.id, GuildScheduledEventStatus.Completed);
      await expect
        .poll(async () => [...(await list.watched())], { timeout: 10_000 })
        .toContain(winner.movieId);
    } finally {
      bot.fake.setVoice(ALICE, null);
      await updateServerSettings(bot.bot.context.store, bot.fake.guildId, { timezone: undefined });
    }
  });

  it('schedules an external event at the typed place (UTC when no zone is set), and names a missing Manage Events', async () => {
    const winner = await winnerCard();
    const name = title(winner.movieId);
    bot.fake.setBotPermissions(BOT_PERMISSIONS & ~PermissionFlagsBits.ManageEvents);
    try {
      const refused = await bot.fake.clickButton(winner.card, scheduleId(winner), { userId: ALICE });
      expect(refused.finalMessage().content).toBe(MISSING_MANAGE_EVENTS);
      expect(MISSING_MANAGE_EVENTS).toContain('I lack the **Manage Events** permission');
    } finally {
      bot.fake.setBotPermissions(BOT_PERMISSIONS);
    }
    const opened = await bot.fake.clickButton(winner.card, scheduleId(winner), { userId: ALICE });
    expect(opened.modal!.components[0].components[0].label).toContain('UTC');
    // Permission taken away while the form was open: checked again, nothing created, the claim released.
    bot.fake.setBotPermissions(BOT_PERMISSIONS & ~PermissionFlagsBits.ManageEvents);
    const form = { day: '2027-01-10', time: '19:00', place: 'Kino am Markt' };
    try {
      expect(await sent(await bot.fake.submitModal(opened, form, { userId: ALICE }))).toBe(
        MISSING_MANAGE_EVENTS,
      );
    } finally {
      bot.fake.setBotPermissions(BOT_PERMISSIONS);
    }
    expect(eventsNamed(name)).toHaveLength(0);
    const done = await sent(await bot.fake.submitModal(opened, form, { userId: ALICE }));
    expect(done).toContain('read in UTC, as this server has no time zone set');
    const [event] = eventsNamed(name);
    expect(event.entity_type).toBe(3);
    expect(event.entity_metadata?.location).toBe('Kino am Markt');
    expect(event.scheduled_start_time).toBe('2027-01-10T19:00:00.000Z');
    expect(event.scheduled_end_time).toBe('2027-01-10T22:00:00.000Z');
    expect(done).toContain(`<t:${Date.UTC(2027, 0, 10, 19) / 1000}:F>`);
  });
});

/**
 * A movie night put to a vote: "Put it to a vote" under a /movienight answer → a private menu for how long
 * → a native Discord poll of the answer's movies in the channel, linking the cards. When the poll ends
 * (its time runs out: Discord sends MESSAGE_UPDATE with `results.is_finalized`; or /movienight end), the
 * bot posts the winner's card with the count. Open polls live in the store (src/store/movie-nights.ts), so
 * a bot that was down checks, when it starts, the polls of its servers that ended meanwhile; announcing is
 * claimed in one store transaction, so no poll is announced twice, by one process or two shards.
 */
import {
  ActionRowBuilder,
  ButtonBuilder,
  ButtonStyle,
  Events,
  MessageFlags,
  PermissionFlagsBits,
  StringSelectMenuBuilder,
  escapeMarkdown,
  type ButtonInteraction,
  type ChatInputCommandInteraction,
  type Client,
  type Message,
  type StringSelectMenuInteraction,
} from 'discord.js';
import type { MovieInfo } from '../artifacts/types.ts';
import { displayTitle } from '../serve/titles.ts';
import type { NightMovie, OpenPoll } from '../store/movie-nights.ts';
import type { ButtonHandler, SelectHandler } from './command.ts';
import { UserFacingError } from './command.ts';
import type { BotContext } from './context.ts';
import { movieCard } from './movie-card.ts';
import { movieNights } from './movie-night-store.ts';
import { pollAnswers } from './poll-answers.ts';
import { pollOutcome, type PollOutcome } from './poll-result.ts';
import { scheduleRow } from './schedule-event.ts';
import { discordTimestamp } from './time-zones.ts';

export const VOTE_BUTTON_ID = 'night:vote';
const DURATION_ID = /^night:duration:(\d{17,20})$/;
/** Hours a poll can run, as offered (Discord allows up to 32 days; a movie night is within a week). */
export const POLL_DURATIONS: readonly { hours: number; label: string }[] = [
  { hours: 1, label: '1 hour' },
  { hours: 2, label: '2 hours' },
  { hours: 4, label: '4 hours' },
  { hours: 8, label: '8 hours' },
  { hours: 12, label: '12 hours' },
  { hours: 24, label: '1 day' },
  { hours: 48, label: '2 days' },
  { hours: 72, label: '3 days' },
  { hours: 120, label: '5 days' },
  { hours: 168, label: '7 days' },
];
/** Discord can take a moment to count a poll that ran out; look again this often, this many times. */
const FINALIZE_RETRY_MS = 30_000;
const FINALIZE_RETRIES = 20;
const MAX_TIMER_MS = 2 ** 31 - 1;

export { movieNights };

export const messageLink = (guildId: string, channelId: string, messageId: string) =>
  `https://discord.com/channels/${guildId}/${channelId}/${messageId}`;

/** The row under a /movienight answer. */
export function voteRow(): ActionRowBuilder<ButtonBuilder> {
  return new ActionRowBuilder<ButtonBuilder>().addComponents(
    new ButtonBuilder()
      .setCustomId(VOTE_BUTTON_ID)
      .setLabel('Put it to a vote')
      .setStyle(ButtonStyle.Primary),
  );
}

const managesServer = (interaction: ButtonInteraction | StringSelectMenuInteraction) =>
  interaction.memberPermissions?.has(PermissionFlagsBits.ManageGuild) ?? false;

/** "Put it to a vote": the caller (or a server manager) picks how long the poll runs. */
export const voteButton: ButtonHandler<true> = {
  parse: (customId) => (customId === VOTE_BUTTON_ID ? true : null),
  async run(interaction, _state, context) {
    const answerId = interaction.message.id;
    const nights = movieNights(context);
    const night = await nights.night(answerId);
    if (!night) {
      throw new UserFacingError(
        'This movie night can no longer be put to a vote (answers can be for 7 days). Run /movienight pick again.',
      );
    }
    if (interaction.user.id !== night.callerId && !managesServer(interaction)) {
      throw new UserFacingError(
        `Only <@${night.callerId}>, who ran this /movienight, or someone with **Manage Server** can put it to a vote.`,
      );
    }
    const select = new StringSelectMenuBuilder()
      .setCustomId(`night:duration:${answerId}`)
      .setPlaceholder('How long may people vote?')
      .addOptions(POLL_DURATIONS.map(({ hours, label }) => ({ label, value: String(hours) })));
    await interaction.reply({
      content: `A poll of these ${Math.min(night.movies.length, 10)} movies goes to this channel. How long may people vote?`,
      components: [new ActionRowBuilder<StringSelectMenuBuilder>().addComponents(select)],
      flags: MessageFlags.Ephemeral,
    });
  },
};

/** The chosen duration: posts the poll once, however often the menu is used or by whom. */
export const durationSelect: SelectHandler<string> = {
  component: 'select',
  parse: (customId) => DURATION_ID.exec(customId)?.[1] ?? null,
  async run(interaction, answerId, context) {
    const hours = Number(interaction.values[0]);
    if (!POLL_DURATIONS.some((d) => d.hours === hours))
      throw new UserFacingError('Pick a duration from the menu.');
    await interaction.deferUpdate();
    const done = (content: string) => interaction.editReply({ content, components: [] });
    const nights = movieNights(context);
    const night = await nights.night(answerId);
    if (!night)
      return void (await done(
        'This movie night can no longer be put to a vote. Run /movienight pick again.',
      ));
    if (!(interaction.appPermissions?.has(PermissionFlagsBits.SendPolls) ?? false)) {
      return void (await done(
        'I can’t post polls here: I need the **Send Polls** permission in this channel. Ask a server admin to grant it.',
      ));
    }
    const claim = await nights.claimVote(answerId);
    if (!claim.claimed) {
      const where = claim.pollMessageId
        ? `: ${messageLink(night.guildId, night.channelId, claim.pollMessageId)}`
        : ' (the poll is being posted).';
      return void (await done(`This movie night is already up for a vote${where}`));
    }
    let poll: OpenPoll;
    try {
      poll = await postPoll(interaction.client, context, answerId, night.movies, hours, night);
    } catch (error) {
      await nights.releaseVote(answerId);
      throw error;
    }
    watcherOf(interaction.client)?.track(poll);
    await done(
      `Poll posted: ${messageLink(poll.guildId, poll.channelId, poll.messageId)} — it ends ${discordTimestamp(new Date(poll.endsAt), 'R')}.`,
    );
  },
};

async function postPoll(
  client: Client,
  context: BotContext,
  answerMessageId: string,
  movies: readonly NightMovie[],
  hours: number,
  night: { guildId: string; channelId: string; callerId: string },
): Promise<OpenPoll> {
  const channel =
    client.channels.cache.get(night.channelId) ?? (await client.channels.fetch(night.channelId));
  if (!channel?.isSendable())
    throw new Error(`movie night channel is not one the bot can post in (${channel?.type ?? 'not found'})`);
  const candidates = movies.slice(0, 10);
  const answers = pollAnswers(
    candidates.map(
      (m) => context.models.current.artifacts.movies.get(m.movieId)?.title ?? `Movie ${m.movieId}`,
    ),
  );
  const link = messageLink(night.guildId, night.channelId, answerMessageId);
  const message = await channel.send({
    content: `🗳️ Movie night: vote for what we watch! The cards with links and posters: ${link}`,
    poll: {
      question: { text: 'Which movie do we watch?' },
      answers: answers.map((text) => ({ text })),
      duration: hours,
      allowMultiselect: false,
    },
    allowedMentions: { parse: [] },
  });
  const poll: OpenPoll = {
    messageId: message.id,
    guildId: night.guildId,
    channelId: night.channelId,
    answerMessageId,
    callerId: night.callerId,
    movies: candidates,
    endsAt: message.poll?.expiresTimestamp ?? Date.now() + hours * 3_600_000,
  };
  await movieNights(context).openPoll(poll);
  context.logger.info({ answers: answers.length, hours }, 'movie night poll posted');
  return poll;
}

/** The sentence above the winner's card: the count, and how a tie was broken. */
export function outcomeText(
  outcome: PollOutcome,
  movies: readonly NightMovie[],
  title: (i: number) => string,
): string {
  const name = (i: number) => `**${escapeMarkdown(title(i))}**`;
  const votes = (n: number) => `${n} vote${n === 1 ? '' : 's'}`;
  if (outcome.totalVotes === 0) {
    return `🍿 Nobody voted, so the group's best predicted pick wins: ${name(outcome.winner)}.`;
  }
  if (outcome.decidedBy === 'votes') {
    return `🍿 The vote is in: ${name(outcome.winner)} wins with ${votes(outcome.votes)} of ${outcome.totalVotes}.`;
  }
  const tied = outcome.tiedWith.map(name);
  const list = `${tied.slice(0, -1).join(', ')} and ${tied.at(-1)}`;
  const stars = (i: number) => movies[i].meanPredicted?.toFixed(1);
  const others = outcome.tiedWith.filter((i) => i !== outcome.winner);
  const why =
    outcome.decidedBy === 'predicted-score'
      ? `wins the tie on the group's predicted score (${stars(outcome.winner)} ★ on average, against ${others
          .map((i) => `${stars(i) ?? '—'} ★`)
          .join(', ')})`
      : 'wins the tie as the first of them on the ballot (the group’s predicted scores were equal)';
  return `🍿 The vote is in: ${list} tied with ${votes(outcome.votes)} each of ${outcome.totalVotes}; ${name(outcome.winner)} ${why}.`;
}

const watchers = new WeakMap<Client, PollWatcher>();
export const watcherOf = (client: Client): PollWatcher | undefined => watchers.get(client);

/** Watches the open polls of this process's servers and announces each once it has ended. */
export class PollWatcher {
  private readonly timers = new Map<string, NodeJS.Timeout>();
  private stopped = false;

  constructor(
    private readonly client: Client,
    private readonly context: BotContext,
  ) {
    watchers.set(client, this);
  }

  /** Listens for finalized polls and, once connected, checks every open poll of this process's servers. */
  start(): void {
    this.client.on(Events.Raw, (packet: { t?: string; d?: RawMessage }) => {
      if (packet.t !== 'MESSAGE_UPDATE' || !packet.d?.poll?.results?.is_finalized) return;
      if (packet.d.author?.id !== this.client.user?.id) return;
      const counts = new Map(packet.d.poll.results.answer_counts.map((c) => [c.id, c.count]));
      void this.announce(packet.d.id, counts).catch((err: unknown) => this.failed(err));
    });
    const resume = () => void this.resume().catch((err: unknown) => this.failed(err));
    if (this.client.isReady()) resume();
    else this.client.once(Events.ClientReady, resume);
  }

  stop(): void {
    this.stopped = true;
    for (const timer of this.timers.values()) clearTimeout(timer);
    this.timers.clear();
  }

  /** Polls that ended while no process of this server was running are announced now; others get a timer. */
  async resume(): Promise<void> {
    const mine = (await movieNights(this.context).openPolls()).filter((p) =>
      this.client.guilds.cache.has(p.guildId),
    );
    for (const poll of mine) await this.check(poll, 0);
  }

  /** Checks the poll when it is due to end. */
  track(poll: OpenPoll, attempt = 0): void {
    if (this.stopped) return;
    clearTimeout(this.timers.get(poll.messageId));
    const due = attempt === 0 ? poll.endsAt - Date.now() + 2_000 : FINALIZE_RETRY_MS;
    const timer = setTimeout(
      () => {
        this.timers.delete(poll.messageId);
        void this.check(poll, attempt).catch((err: unknown) => this.failed(err));
      },
      Math.min(Math.max(due, 0), MAX_TIMER_MS),
    );
    timer.unref();
    this.timers.set(poll.messageId, timer);
  }

  /** Ends a poll early (POST …/expire); the MESSAGE_UPDATE or the fetched result then announces it. */
  async end(poll: OpenPoll): Promise<void> {
    const channel = await this.client.channels.fetch(poll.channelId);
    if (!channel?.isTextBased()) throw new Error('poll channel is gone');
    try {
      const message = await channel.messages.endPoll(poll.messageId);
      if (message.poll?.resultsFinalized) return await this.announce(poll.messageId, countsOf(message));
      this.track(poll, 1);
    } catch (error) {
      // Ended by its time meanwhile (520001): announce it as any ended poll.
      if ((error as { code?: number }).code !== 520001) throw error;
      await this.check(poll, 0);
    }
  }

  private async check(poll: OpenPoll, attempt: number): Promise<void> {
    let message: Message;
    try {
      const channel = await this.client.channels.fetch(poll.channelId);
      if (!channel?.isTextBased()) throw Object.assign(new Error('channel gone'), { code: 10003 });
      message = await channel.messages.fetch({ message: poll.messageId, force: true });
    } catch (error) {
      const code = (error as { code?: number }).code;
      if (code === 10008 || code === 10003) {
        // The poll message or its channel was deleted: nothing left to announce.
        this.context.logger.info({ code }, 'movie night poll is gone; closing it');
        await movieNights(this.context).closePoll(poll);
        return;
      }
      throw error;
    }
    if (message.poll?.resultsFinalized) return this.announce(poll.messageId, countsOf(message));
    const ended = (message.poll?.expiresTimestamp ?? poll.endsAt) <= Date.now();
    if (!ended) this.track({ ...poll, endsAt: message.poll?.expiresTimestamp ?? poll.endsAt });
    else if (attempt < FINALIZE_RETRIES) this.track(poll, attempt + 1);
    else
      this.context.logger.warn('a movie night poll stayed unfinished; it is checked again at the next start');
  }

  /** Posts the winner once (claimed in the store), replying to the poll. */
  async announce(messageId: string, counts: ReadonlyMap<number, number>): Promise<void> {
    const nights = movieNights(this.context);
    const poll = await nights.claimAnnouncement(messageId);
    if (!poll) return;
    clearTimeout(this.timers.get(messageId));
    this.timers.delete(messageId);
    try {
      const outcome = pollOutcome(poll.movies, counts);
      const movies = this.context.models.current.artifacts.movies;
      const title = (i: number) =>
        displayTitle(movies.get(poll.movies[i].movieId)?.title ?? `Movie ${poll.movies[i].movieId}`);
      const winner = poll.movies[outcome.winner];
      const movie: MovieInfo | undefined = movies.get(winner.movieId);
      const poster = movie ? await this.context.posters.getPoster(movie.tmdbId) : null;
      const channel = await this.client.channels.fetch(poll.channelId);
      if (!channel?.isSendable()) throw new Error('poll channel is not one the bot can post in');
      await channel.send({
        content: outcomeText(outcome, poll.movies, title),
        embeds: movie
          ? [movieCard(movie, poster, `Movie night winner · ${outcome.votes} of ${outcome.totalVotes} votes`)]
          : [],
        components: [scheduleRow(poll.messageId, winner.movieId)],
        reply: { messageReference: poll.messageId, failIfNotExists: false },
        allowedMentions: { parse: [] },
      });
      await nights.closePoll(poll);
      this.context.logger.info(
        { votes: outcome.totalVotes, decidedBy: outcome.decidedBy },
        'movie night poll announced',
      );
    } catch (error) {
      await nights.abandonAnnouncement(messageId).catch(() => {});
      throw error;
    }
  }

  private failed(error: unknown): void {
    this.context.logger.error({ err: error }, 'movie night poll check failed');
  }
}

function countsOf(message: Message): Map<number, number> {
  return new Map(message.poll?.answers.map((answer) => [answer.id, answer.voteCount]) ?? []);
}

interface RawMessage {
  id: string;
  author?: { id: string };
  poll?: { results?: { is_finalized: boolean; answer_counts: { id: number; count: number }[] } };
}

/** `/movienight end`: ends the caller's open vote here (a server manager: the latest vote here). */
export async function endVote(interaction: ChatInputCommandInteraction, context: BotContext): Promise<void> {
  await interaction.deferReply({ flags: MessageFlags.Ephemeral });
  const manager = interaction.memberPermissions?.has(PermissionFlagsBits.ManageGuild) ?? false;
  const poll = await pollToEnd(
    context,
    interaction.guildId!,
    interaction.channelId,
    interaction.user.id,
    manager,
  );
  if (!poll) {
    throw new UserFacingError(
      manager
        ? 'There is no open movie night vote on this server.'
        : 'You have no open movie night vote on this server (only whoever started a vote, or someone with **Manage Server**, can end it).',
    );
  }
  const watcher = watcherOf(interaction.client);
  if (!watcher) throw new Error('no poll watcher on this client');
  await watcher.end(poll);
  await interaction.editReply(
    `Ended the vote ${messageLink(poll.guildId, poll.channelId, poll.messageId)}; the winner is announced under it.`,
  );
}

/** The open poll `/movienight end` ends: the caller's latest here, or for a server manager the latest here. */
export async function pollToEnd(
  context: BotContext,
  guildId: string,
  channelId: string,
  userId: string,
  manager: boolean,
): Promise<OpenPoll | undefined> {
  const open = (await movieNights(context).openPolls())
    .filter((p) => p.guildId === guildId && (p.callerId === userId || manager))
    .sort((a, b) => Number(BigInt(b.messageId) - BigInt(a.messageId)));
  return open.find((p) => p.channelId === channelId) ?? open[0];
}

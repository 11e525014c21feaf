import { SlashCommandBuilder, type ButtonInteraction, type ChatInputCommandInteraction } from 'discord.js';
import type { ButtonHandler, Command } from '../src/bot/command.ts';
import { UserFacingError } from '../src/bot/command.ts';
import type { BotContext } from '../src/bot/context.ts';
import { heavyCommandCooldown } from '../src/bot/cooldown.ts';
import { SERVER_ONLY } from '../src/bot/install-contexts.ts';
import { mention, pickMovieNight } from '../src/bot/movie-night.ts';
import { endVote } from '../src/bot/movie-night-poll.ts';
import { isListChoice } from '../src/bot/movie-night-list.ts';
import {
  consentMessage,
  movieNightConsents,
  parseConsentButton,
  parsePickNow,
  type ConsentButtonState,
  type PickNowState,
} from '../src/bot/movie-night-consent.ts';
import { onlyWhoAsked, guildOnly } from '../src/bot/preconditions.ts';
import { replyEphemeral } from '../src/bot/router.ts';
import { MAX_MOVIE_NIGHT_MEMBERS } from '../src/serve/engine.ts';
import {
  isExpired,
  membersIn,
  membersOut,
  membersWaiting,
  type MovieNightRequest,
} from '../src/store/movie-night-consent.ts';

/** The caller is always in the group, so the options name the others. */
const OPTIONS = Array.from({ length: MAX_MOVIE_NIGHT_MEMBERS - 1 }, (_, i) => `member${i + 1}`);

// Subcommands, because a command cannot have both options and subcommands: `pick` plans a night, `end`
// ends its vote early.
export const data = new SlashCommandBuilder()
  .setName('movienight')
  .setDescription('Movie night: picks for you and others, and their vote.')
  .setIntegrationTypes(...SERVER_ONLY.integrationTypes)
  .setContexts(...SERVER_ONLY.contexts)
  .addSubcommand((sub) => {
    sub
      .setName('pick')
      .setDescription(
        'Picks for you and up to 5 others (or everyone in your voice channel) from your ratings.',
      );
    for (const name of OPTIONS) {
      sub.addUserOption((option) =>
        option
          .setName(name)
          .setDescription('Someone watching with you (leave all empty: your voice channel)'),
      );
    }
    return sub.addStringOption((option) =>
      option
        .setName('from')
        .setDescription('Fresh picks (default), your server’s list ranked for the group, or a mix')
        .addChoices(
          { name: 'fresh picks', value: 'fresh' },
          { name: 'our list (then fresh picks)', value: 'list' },
          { name: 'mix: half our list, half fresh', value: 'mix' },
        ),
    );
  })
  .addSubcommand((sub) =>
    sub
      .setName('end')
      .setDescription(
        'End your movie night’s vote now and announce the winner (Manage Server: any vote here).',
      ),
  );

export const preconditions = [guildOnly];

/** The group: the caller plus the named members, or the people in the caller's voice channel. */
function groupOf(interaction: ChatInputCommandInteraction): string[] {
  const caller = interaction.user.id;
  const named = OPTIONS.flatMap((name) => {
    const user = interaction.options.getUser(name);
    return user ? [{ option: name, user }] : [];
  });
  if (named.length > 0) {
    for (const { option, user } of named) {
      if (user.bot)
        throw new UserFacingError(
          `**${option}**: ${mention(user.id)} is a bot; a movie night is for people.`,
        );
    }
    for (let i = 0; i < named.length; i++) {
      const first = named.findIndex(({ user }) => user.id === named[i].user.id);
      if (first !== i) {
        throw new UserFacingError(
          `**${named[first].option}** and **${named[i].option}** are both ${mention(named[i].user.id)}. Name each member once.`,
        );
      }
    }
    return [caller, ...named.map(({ user }) => user.id).filter((id) => id !== caller)];
  }
  if (!interaction.inCachedGuild()) {
    throw new UserFacingError('Name the members watching with you (member1…member5).');
  }
  const channelId = interaction.guild.voiceStates.cache.get(caller)?.channelId;
  if (!channelId) {
    throw new UserFacingError(
      'Name the members watching with you (member1…member5), or run /movienight pick while you are in a voice channel with them.',
    );
  }
  const inChannel = interaction.guild.voiceStates.cache
    .filter((state) => state.channelId === channelId && !(state.member?.user.bot ?? false))
    .map((state) => state.id);
  const others = inChannel.filter((id) => id !== caller);
  if (others.length === 0) {
    throw new UserFacingError(
      `You are the only one in <#${channelId}>. Name the members watching with you, or use /foryou for yourself.`,
    );
  }
  if (others.length + 1 > MAX_MOVIE_NIGHT_MEMBERS) {
    throw new UserFacingError(
      `<#${channelId}> has ${others.length + 1} members; a movie night picks for up to ${MAX_MOVIE_NIGHT_MEMBERS}. ` +
        `Name up to ${MAX_MOVIE_NIGHT_MEMBERS - 1} of them instead.`,
    );
  }
  return [caller, ...others];
}

/**
 * Nobody is in a movie night without agreeing (PRIVACY.md, "Group picks"). The caller is in by asking;
 * members with a standing "always count me in" for this server are in at once; everyone else is asked
 * with a public question and its buttons. When nobody needs asking, the pick comes at once.
 */
export async function execute(interaction: ChatInputCommandInteraction, context: BotContext): Promise<void> {
  if (interaction.options.getSubcommand() === 'end') return endVote(interaction, context);
  // The cooldown is for the heavy part only: ending a vote right after planning it is fine.
  // Told directly, not thrown: a thrown refusal gives the run back (router.ts), which would end the cooldown.
  const cooling = await heavyCommandCooldown(interaction, context);
  if (cooling !== null) return replyEphemeral(interaction, cooling);
  await pick(interaction, context);
}

async function pick(interaction: ChatInputCommandInteraction, context: BotContext): Promise<void> {
  const group = groupOf(interaction);
  const from = interaction.options.getString('from') ?? 'fresh';
  if (!isListChoice(from)) throw new UserFacingError(`**from**: “${from}” is not one of fresh, list, mix.`);
  const guildId = interaction.guildId!;
  const consents = movieNightConsents(context);
  const [callerId, ...memberIds] = group;
  const standing = await Promise.all(memberIds.map((id) => consents.alwaysIn(id, guildId)));
  if (standing.every(Boolean)) {
    await interaction.deferReply();
    await pickMovieNight(interaction, context, { members: group, from });
    return;
  }
  const request: MovieNightRequest = {
    id: interaction.id,
    guildId,
    callerId,
    memberIds,
    answers: Object.fromEntries(memberIds.flatMap((id, i) => (standing[i] ? [[id, 'in']] : []))),
    createdAt: Date.now(),
    status: 'open',
    ...(from === 'fresh' ? {} : { from }),
  };
  // The question goes out first (Discord's 3 s do not wait for a busy store) and pings the members asked,
  // who must answer (nobody else is pinged); then it is stored. A press that comes before the write lands is
  // asked to press again (see missingRequest).
  await interaction.reply({
    ...consentMessage(request),
    allowedMentions: { users: membersWaiting(request) },
  });
  try {
    await consents.createRequest(request);
  } catch (error) {
    await interaction.editReply({
      content:
        'This movie night question could not be saved, so nobody can answer it. Run /movienight pick again.',
      components: [],
      allowedMentions: { parse: [] },
    });
    throw error;
  }
  context.logger.info({ members: group.length, asked: membersWaiting(request).length }, 'movie night asked');
}

/** A question whose request is not in the store: just posted and still being saved, or long gone. */
function missingRequest(interaction: ButtonInteraction): string {
  return Date.now() - interaction.message.createdTimestamp < 60_000
    ? 'This question is still being saved; press again in a moment.'
    : 'This movie night question is gone. Run /movienight pick to plan one.';
}

/** What an answer did: nothing (with the reason, told privately), updated the question, or closed it. */
type AnswerOutcome =
  | { kind: 'refused'; message: string }
  | { kind: 'updated' | 'expired' | 'nobody' }
  | { kind: 'pick'; request: MovieNightRequest };

/** "Count me in" / "Always count me in on this server" / "Not this time", pressed by a member asked. */
export const consentButtons: ButtonHandler<ConsentButtonState> = {
  parse: parseConsentButton,
  async run(interaction: ButtonInteraction, state, context) {
    // Acknowledged first: the answer is a store write, and a busy store must not cost Discord's 3 s.
    await interaction.deferUpdate();
    const consents = movieNightConsents(context);
    const userId = interaction.user.id;
    const now = Date.now();
    const { request, result } = await consents.updateRequest<AnswerOutcome>(state.requestId, (request) => {
      if (!request) return refuse(missingRequest(interaction));
      if (userId === request.callerId)
        return refuse(
          'You asked for this movie night, so you are in. **Pick now** picks with whoever is in.',
        );
      if (!request.memberIds.includes(userId))
        return refuse(
          'This question is for the members named in this movie night. Run /movienight pick to plan your own.',
        );
      if (request.status !== 'open') return refuse('The picks for this movie night are made already.');
      if (isExpired(request, now)) return { write: false, result: { kind: 'expired' } };
      request.answers[userId] = state.choice === 'out' ? 'out' : 'in';
      if (membersWaiting(request).length > 0) return { write: true, result: { kind: 'updated' } };
      request.status = membersIn(request).length > 1 ? 'picked' : 'nobody';
      return {
        write: true,
        result: request.status === 'picked' ? { kind: 'pick', request } : { kind: 'nobody' },
      };
    });
    if (result.kind === 'refused') return replyEphemeral(interaction, result.message);
    // A standing consent is the member's own setting: /settings shows it and withdraws it.
    if (state.choice === 'always' && result.kind !== 'expired')
      await consents.setAlwaysIn(userId, request!.guildId, true);
    if (result.kind === 'pick') return pickMovieNight(interaction, context, groupOfRequest(result.request));
    if (result.kind === 'nobody') {
      return void (await interaction.editReply({
        content: `Nobody else is joining ${mention(request!.callerId)}’s movie night, so there are no group picks. /foryou picks for one.`,
        components: [],
        allowedMentions: { parse: [] },
      }));
    }
    await interaction.editReply({ ...consentMessage(request!, now), allowedMentions: { parse: [] } });
  },
};

/** "Pick now": the caller picks with whoever is in so far; the others are named as not counted. */
export const pickNowButton: ButtonHandler<PickNowState> = {
  parse: parsePickNow,
  preconditions: [
    onlyWhoAsked(
      'Only the member who asked for this movie night can pick now. Answer with the other buttons.',
    ),
  ],
  async run(interaction: ButtonInteraction, state, context) {
    await interaction.deferUpdate();
    const now = Date.now();
    const { request, result } = await movieNightConsents(context).updateRequest<AnswerOutcome>(
      state.requestId,
      (request) => {
        if (!request) return refuse(missingRequest(interaction));
        if (request.status !== 'open') return refuse('The picks for this movie night are made already.');
        // After answers close, the caller still picks with whoever said yes; with nobody, the question closes.
        if (membersIn(request).length < 2 && isExpired(request, now))
          return { write: false, result: { kind: 'expired' } };
        if (membersIn(request).length < 2)
          return refuse('Nobody has said yes yet. Wait for an answer, or use /foryou to pick for yourself.');
        request.status = 'picked';
        return { write: true, result: { kind: 'pick', request } };
      },
    );
    if (result.kind === 'refused') return replyEphemeral(interaction, result.message);
    if (result.kind === 'pick') return pickMovieNight(interaction, context, groupOfRequest(result.request));
    await interaction.editReply({ ...consentMessage(request!, now), allowedMentions: { parse: [] } });
  },
};

function refuse(message: string): { write: false; result: AnswerOutcome } {
  return { write: false, result: { kind: 'refused', message } };
}

function groupOfRequest(request: MovieNightRequest) {
  return {
    members: membersIn(request),
    declined: membersOut(request),
    waiting: membersWaiting(request),
    from: request.from,
  };
}

export default { data, execute, preconditions } satisfies Command;

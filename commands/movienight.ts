import { SlashCommandBuilder, type ChatInputCommandInteraction } from 'discord.js';
import { sendAnswer } from '../src/bot/answer.ts';
import type { Command } from '../src/bot/command.ts';
import { UserFacingError } from '../src/bot/command.ts';
import type { BotContext } from '../src/bot/context.ts';
import { SERVER_ONLY } from '../src/bot/install-contexts.ts';
import { memberProfile, memberRatings, ratingsStillNeeded, usableRatingCount } from '../src/bot/members.ts';
import { movieNights, voteRow } from '../src/bot/movie-night-poll.ts';
import { guildOnly } from '../src/bot/preconditions.ts';
import { labelledMovies } from '../src/bot/cards.ts';
import { MAX_MOVIE_NIGHT_MEMBERS, MIN_PERSONAL_RATINGS } from '../src/serve/engine.ts';

/** The caller is always in the group, so the options name the others. */
const OPTIONS = Array.from({ length: MAX_MOVIE_NIGHT_MEMBERS - 1 }, (_, i) => `member${i + 1}`);

export const data = new SlashCommandBuilder()
  .setName('movienight')
  .setDescription('Picks for you and up to 5 others (or everyone in your voice channel) from your ratings.')
  .setIntegrationTypes(...SERVER_ONLY.integrationTypes)
  .setContexts(...SERVER_ONLY.contexts);
for (const name of OPTIONS) {
  data.addUserOption((option) =>
    option.setName(name).setDescription('Someone watching with you (leave all empty: your voice channel)'),
  );
}

export const preconditions = [guildOnly];

const mention = (id: string) => `<@${id}>`;

function joinNames(names: readonly string[]): string {
  return names.length <= 1 ? (names[0] ?? '') : `${names.slice(0, -1).join(', ')} and ${names.at(-1)}`;
}

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
      'Name the members watching with you (member1…member5), or run /movienight while you are in a voice channel with them.',
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

export async function execute(interaction: ChatInputCommandInteraction, context: BotContext): Promise<void> {
  const snapshot = context.models.current;
  const group = groupOf(interaction);
  const members = memberRatings(context);
  const profiles = await Promise.all(
    group.map(async (id) => {
      const { ratings, excluded } = await memberProfile(members, id);
      return { id, ratings, excluded, missing: ratingsStillNeeded(usableRatingCount(snapshot, ratings)) };
    }),
  );
  const tooFew = profiles.filter((p) => p.missing > 0);
  const tooFewText = joinNames(tooFew.map((p) => `${mention(p.id)} (${p.missing} more)`));
  if (tooFew.length === profiles.length) {
    throw new UserFacingError(
      `Nobody in the group has rated enough movies yet: each member needs ${MIN_PERSONAL_RATINGS} ratings ` +
        `(${tooFewText}). Rate with /rate, or from the menu under a /recommend answer.`,
    );
  }
  await interaction.deferReply();
  // Nothing anyone in the group has rated, seen or dismissed.
  const exclude = new Set(profiles.flatMap((p) => [...p.excluded]));
  const result = snapshot.engine.movieNight(
    profiles.map((p) => p.ratings),
    { exclude },
  );
  const counted = profiles.filter((p) => p.missing === 0).length;
  const note =
    tooFew.length > 0
      ? `\nNot counted yet, too few ratings (each needs ${MIN_PERSONAL_RATINGS}): ${tooFewText}. ` +
        'Their seen and dismissed movies are still left out.'
      : '';
  const answer = await sendAnswer(
    interaction,
    context,
    snapshot,
    result,
    `Movie night for ${joinNames(group.map(mention))}:${note}`,
    [voteRow()],
  );
  // What a vote on this answer needs later: its movies with the group's predicted scores (for a tie),
  // never the members' ratings.
  const movieIds = labelledMovies(result).map(({ recommendation }) => recommendation.movieId);
  const scores = snapshot.engine.groupScores(
    profiles.map((p) => p.ratings),
    movieIds,
  );
  await movieNights(context).saveNight(answer.id, {
    guildId: interaction.guildId!,
    channelId: interaction.channelId,
    callerId: interaction.user.id,
    movies: movieIds.map((movieId) => ({
      movieId,
      score: scores.get(movieId)?.score ?? null,
      meanPredicted: scores.get(movieId)?.meanPredicted ?? null,
    })),
    createdAt: Date.now(),
  });
  context.logger.info({ members: group.length, counted, excluded: exclude.size }, 'movie night');
}

export default { data, execute, preconditions } satisfies Command;

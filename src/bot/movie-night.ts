/**
 * Makes a movie night's pick for the members who agreed to be in it (PRIVACY.md, "Group picks"), into an
 * interaction already acknowledged: the /movienight reply when everyone had agreed beforehand, or the
 * "count me in?" message once the last member answered (or the caller picked with whoever was in).
 * Only the agreed members' ratings and marks are read; the answer names the members, never their movies.
 */
import type { ChatInputCommandInteraction, MessageComponentInteraction } from 'discord.js';
import { MIN_PERSONAL_RATINGS } from '../serve/engine.ts';
import { sendAnswer } from './answer.ts';
import type { BotContext } from './context.ts';
import { labelledMovies } from './cards.ts';
import { memberProfile, memberRatings, ratingsStillNeeded, usableRatingCount } from './members.ts';
import { movieNights, voteRow } from './movie-night-poll.ts';
import { serverList } from './watchlist-server.ts';

export const mention = (id: string) => `<@${id}>`;

/** "A", "A and B", "A, B and C". */
export function joinNames(names: readonly string[]): string {
  return names.length <= 1 ? (names[0] ?? '') : `${names.slice(0, -1).join(', ')} and ${names.at(-1)}`;
}

export interface MovieNightGroup {
  /** The caller first, then everyone else who agreed. */
  members: string[];
  /** Named (or in the voice channel) but not in: they said no, or did not answer. Named in the heading. */
  declined?: string[];
  waiting?: string[];
}

/**
 * Picks for the group and edits the acknowledged reply into the answer; when nobody in it has enough
 * ratings, edits it into a message saying who needs how many more instead.
 */
export async function pickMovieNight(
  interaction: ChatInputCommandInteraction | MessageComponentInteraction,
  context: BotContext,
  group: MovieNightGroup,
): Promise<void> {
  const snapshot = context.models.current;
  const members = memberRatings(context);
  const profiles = await Promise.all(
    group.members.map(async (id) => {
      const { ratings, excluded } = await memberProfile(members, id);
      return { id, ratings, excluded, missing: ratingsStillNeeded(usableRatingCount(snapshot, ratings)) };
    }),
  );
  const tooFew = profiles.filter((p) => p.missing > 0);
  const tooFewText = joinNames(tooFew.map((p) => `${mention(p.id)} (${p.missing} more)`));
  const leftOut = [
    group.declined?.length ? `Not joining: ${joinNames(group.declined.map(mention))}.` : '',
    group.waiting?.length ? `No answer yet, so not counted: ${joinNames(group.waiting.map(mention))}.` : '',
  ].filter(Boolean);
  if (tooFew.length === profiles.length) {
    await interaction.editReply({
      content: [
        `Nobody in this movie night has rated enough movies yet: each member needs ${MIN_PERSONAL_RATINGS} ` +
          `ratings (${tooFewText}). Rate with /rate, or from the menu under a /recommend answer, then run /movienight pick again.`,
        ...leftOut,
      ].join('\n'),
      embeds: [],
      components: [],
      allowedMentions: { parse: [] },
    });
    return;
  }
  // Nothing anyone in the group has rated, seen or dismissed, nor what this server marked watched (a movie
  // re-added to the server's list is no longer marked: see ServerList.add).
  const watchedHere = await serverList(context, interaction.guildId!).watched();
  const exclude = new Set([...profiles.flatMap((p) => [...p.excluded]), ...watchedHere]);
  const result = snapshot.engine.movieNight(
    profiles.map((p) => p.ratings),
    { exclude },
  );
  const notes = [
    ...(tooFew.length > 0
      ? [
          `Not counted yet, too few ratings (each needs ${MIN_PERSONAL_RATINGS}): ${tooFewText}. ` +
            'Their seen and dismissed movies are still left out.',
        ]
      : []),
    ...leftOut,
  ];
  const heading = [`Movie night for ${joinNames(group.members.map(mention))}:`, ...notes].join('\n');
  const answer = await sendAnswer(interaction, context, snapshot, result, heading, [voteRow()]);
  // What a vote on this answer needs later: its movies with the group's predicted scores (for a tie),
  // never the members' ratings.
  const movieIds = labelledMovies(result).map(({ recommendation }) => recommendation.movieId);
  const scores = snapshot.engine.groupScores(
    profiles.map((p) => p.ratings),
    movieIds,
  );
  await movieNights(context).saveNight(answer.id, {
    guildId: interaction.guildId!,
    channelId: answer.channelId,
    callerId: group.members[0],
    movies: movieIds.map((movieId) => ({
      movieId,
      score: scores.get(movieId)?.score ?? null,
      meanPredicted: scores.get(movieId)?.meanPredicted ?? null,
    })),
    createdAt: Date.now(),
  });
  context.logger.info(
    {
      members: group.members.length,
      counted: profiles.length - tooFew.length,
      notIn: (group.declined?.length ?? 0) + (group.waiting?.length ?? 0),
      excluded: exclude.size,
      watchedHere: watchedHere.size,
    },
    'movie night',
  );
}

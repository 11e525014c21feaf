/**
 * Who won a movie-night poll: most votes; a tie is broken by the group's predicted score (recorded when the
 * answer was made), then by the answer's order; nobody voting means the group's best predicted movie wins.
 */
import type { NightMovie } from '../store/movie-nights.ts';

export interface PollOutcome {
  /** Index into the poll's movies (answer id − 1). */
  winner: number;
  votes: number;
  totalVotes: number;
  /** Indexes of the movies with the most votes (the winner among them), when more than one. */
  tiedWith: number[];
  /** What decided it. */
  decidedBy: 'votes' | 'predicted-score' | 'answer-order';
}

const scoreOf = (movie: NightMovie) => movie.score ?? Number.NEGATIVE_INFINITY;

/** `counts` maps answer id (1-based) → votes; answers missing from it had none. */
export function pollOutcome(movies: readonly NightMovie[], counts: ReadonlyMap<number, number>): PollOutcome {
  const votes = movies.map((_, i) => counts.get(i + 1) ?? 0);
  const totalVotes = votes.reduce((sum, n) => sum + n, 0);
  const most = Math.max(...votes);
  const tied = votes.flatMap((n, i) => (n === most ? [i] : []));
  if (tied.length === 1)
    return { winner: tied[0], votes: most, totalVotes, tiedWith: [], decidedBy: 'votes' };
  const ranked = [...tied].sort((a, b) => scoreOf(movies[b]) - scoreOf(movies[a]) || a - b);
  const decidedBy =
    scoreOf(movies[ranked[0]]) > scoreOf(movies[ranked[1]]) ? 'predicted-score' : 'answer-order';
  return { winner: ranked[0], votes: most, totalVotes, tiedWith: tied, decidedBy };
}

/**
 * How /recommend ranks its hidden gems from the three picks. Serving has one way, the taste model's MF path
 * (watch-gems.ts); the engine takes another only from the evaluation, which compares baselines through the
 * same draws, fallbacks and exclusions the bot uses (src/eval/pick-lift.ts).
 */
import type { Artifacts } from '../artifacts/types.ts';
import type { ScoredCandidate } from './recommendation.ts';

/** A version's ranking of band movies for any picks, built once per version. */
export interface PicksRanker {
  /** Precomputes what a catalog movie as a pick needs (the engine warms every catalog movie). */
  warm(pickId: number): void;
  /** The band's best movies for the picks, best first; never one isExcluded says yes to. */
  rank(picks: readonly number[], isExcluded: (movieId: number) => boolean): ScoredCandidate[];
}

export interface PicksRanking {
  /** Reported as the engine's method. */
  readonly name: string;
  /** The ranking's constants, reported in the engine's settings. */
  settings(artifacts: Artifacts): Record<string, unknown>;
  /** Builds the ranker, pausing (yield) every few milliseconds of work so a running bot keeps answering. */
  build(artifacts: Artifacts): Generator<void, PicksRanker>;
}

/** Errors the bot turns into a message for the user (bad picks) or an apology (not enough data). */

export type RecommendErrorCode =
  /** Not exactly three picks. */
  | 'wrong-count'
  /** The same movie picked twice. */
  | 'duplicate-pick'
  /** A pick that is not a movieId in the artifacts. */
  | 'unknown-movie'
  /** The artifacts hold too few eligible movies to fill both lists (only with tiny or broken artifacts). */
  | 'not-enough-movies';

export class RecommendError extends Error {
  override readonly name = 'RecommendError';

  constructor(
    readonly code: RecommendErrorCode,
    message: string,
    /** The offending movie ids, when there are any. */
    readonly movieIds: readonly number[] = [],
  ) {
    super(message);
  }
}

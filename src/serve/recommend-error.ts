/** Errors the bot turns into a message for the user (bad picks) or an apology (not enough data). */

export type RecommendErrorCode =
  /** Not exactly three picks. */
  | 'wrong-count'
  /** The same movie picked twice. */
  | 'duplicate-pick'
  /** A pick that is not a movieId in the artifacts. */
  | 'unknown-movie'
  /** /foryou or /movienight: fewer ratings than MIN_PERSONAL_RATINGS (the message says how many more). */
  | 'too-few-ratings'
  /** /movienight: not 1–6 members. */
  | 'wrong-member-count'
  /** A rating outside ½–5 or for a movie id that is not an integer. */
  | 'bad-rating'
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

/**
 * The recommendation tables the bot serves: for every movie the users most likely to enjoy it, and for
 * every user the best movies they have not rated, both from the DNMF's predictions over all unrated
 * (user, movie) pairs (~6 million on ml-latest-small).
 */
import type { ScoredId } from '../../artifacts/types.ts';
import type { RatingTable } from '../../data/types.ts';
import { clipRating } from '../baselines.ts';
import type { DnmfModel } from './model.ts';
import { TopKLists } from './top-k.ts';
import type { DnmfProgress } from './types.ts';

export interface TopTableOptions {
  /** Entries per table row. */
  k: number;
  /**
   * Training ratings a movie needs to be recommended in moviesPerUser. Hidden gems should be less
   * known, not noise: a movie with one or two ratings has a bias that is still mostly its raters' taste
   * and an embedding fitted to a couple of people, so with nothing else it would win many users' lists
   * on uncertainty alone. The model already shrinks such movies (the per-row prior, bias λ = 2); 10
   * ratings is where the mean is no longer anecdotal (bias shrinkage moves it by at most 1/6) and on
   * ml-latest-small it keeps 2,269 of 9,724 movies as candidates (3,446 movies have a single rating).
   * usersPerMovie is not filtered: every movie gets its row.
   */
  minCandidateRatings: number;
}

export const DEFAULT_MIN_CANDIDATE_RATINGS = 10;

export function computeTopTables(
  model: DnmfModel,
  train: RatingTable,
  opts: TopTableOptions,
  onProgress?: (p: DnmfProgress) => void,
): { usersPerMovie: Map<number, ScoredId[]>; moviesPerUser: Map<number, ScoredId[]> } {
  const { k, minCandidateRatings } = opts;
  if (!Number.isInteger(k) || k < 0) throw new Error(`k must be a non-negative integer, got ${k}`);
  const scorer = model.scorer();
  const userCount = model.users.size;
  const movieCount = model.movies.size;
  const { ratedBy, ratingCounts } = ratedMovieRows(model, train);

  const usersForMovie = new TopKLists(movieCount, k);
  const usersPerMovie = new Map<number, ScoredId[]>();
  const moviesPerUser = new Map<number, ScoredId[]>();
  const isCandidate = Uint8Array.from(ratingCounts, (n) => (n >= minCandidateRatings ? 1 : 0));
  const rated = new Uint8Array(movieCount);
  const scores = new Float64Array(movieCount);
  const progressEvery = Math.max(1, Math.floor(userCount / 50));

  for (let u = 0; u < userCount; u++) {
    const userId = model.users.ids[u];
    const own = ratedBy[u];
    for (const m of own) rated[m] = 1;
    scorer.scoreAllMovies(u, scores);
    const moviesForUser = new TopKLists(1, k);
    for (let m = 0; m < movieCount; m++) {
      if (rated[m]) continue;
      // Ranked by the raw prediction (clipping would turn the top of the scale into ties).
      const score = scores[m];
      usersForMovie.offer(m, userId, score);
      if (isCandidate[m]) moviesForUser.offer(0, model.movies.ids[m], score);
    }
    for (const m of own) rated[m] = 0;
    moviesPerUser.set(userId, clipped(moviesForUser.sorted(0)));
    if ((u + 1) % progressEvery === 0 || u + 1 === userCount) {
      onProgress?.({ phase: 'tables', done: u + 1, total: userCount });
    }
  }
  for (let m = 0; m < movieCount; m++)
    usersPerMovie.set(model.movies.ids[m], clipped(usersForMovie.sorted(m)));
  return { usersPerMovie, moviesPerUser };
}

function clipped(entries: ScoredId[]): ScoredId[] {
  return entries.map(({ id, score }) => ({ id, score: clipRating(score) }));
}

/** Per user row, the movie rows they rated; and per movie row, its number of ratings in train. */
function ratedMovieRows(
  model: DnmfModel,
  train: RatingTable,
): { ratedBy: Int32Array[]; ratingCounts: Int32Array } {
  const userRows = model.users.rows(train.userIds);
  const movieRows = model.movies.rows(train.movieIds);
  const perUser = new Int32Array(model.users.size);
  const ratingCounts = new Int32Array(model.movies.size);
  for (let i = 0; i < userRows.length; i++) {
    // Ratings of users or movies the model does not know cannot be excluded from its tables anyway.
    if (userRows[i] < 0 || movieRows[i] < 0) continue;
    perUser[userRows[i]]++;
    ratingCounts[movieRows[i]]++;
  }
  const ratedBy = Array.from(perUser, (n) => new Int32Array(n));
  const filled = new Int32Array(model.users.size);
  for (let i = 0; i < userRows.length; i++) {
    if (userRows[i] < 0 || movieRows[i] < 0) continue;
    ratedBy[userRows[i]][filled[userRows[i]]++] = movieRows[i];
  }
  return { ratedBy, ratingCounts };
}

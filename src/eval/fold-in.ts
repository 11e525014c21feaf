/**
 * Fold-in quality (issue 10): are personal picks for a member the model has never seen (their user vector
 * fitted at request time from their ratings) nearly as good as for a user it was trained with? The protocol's
 * users are dealt into seeded folds; for each fold a model is trained on the train rows without that fold's
 * users, and its forYou (fold-in) is compared with the full model's forTrainedUser (their trained
 * embedding), on the same relevant test movies. Folds, so every user is folded in once: a single sample has
 * too few gem hits to give a steady ratio.
 */
import type { Artifacts } from '../artifacts/types.ts';
import type { Movie, RatingTable } from '../data/types.ts';
import { createRng, shuffleInPlace, type Rng } from '../random.ts';
import { createEngine, type RecommendOptions } from '../serve/engine.ts';
import type { Recommendations } from '../serve/recommendation.ts';
import { hitsPer100, meanScores, scoreList, type ListScores } from './metrics.ts';
import { round } from './measure.ts';
import { withoutUsers, type EvalUser } from './protocol.ts';
import { trainTemporaryModel, type TemporaryModelOptions } from './temporary-model.ts';

export interface FoldInOptions {
  /** Folds of users, one extra model each (each trained without one fold's users). */
  folds: number;
  /** Seed of the dealing and of the requests (the evaluation's seed). */
  seed: number;
  k: number;
}

export const DEFAULT_FOLD_IN_FOLDS = 4;
/** The issue-10 target: fold-in reaches at least this share of the trained-in hit rate. */
export const FOLD_IN_TARGET = 0.9;

/** The users dealt into `folds` seeded folds of near-equal size, each in user order. */
export function dealFolds(users: readonly EvalUser[], folds: number, rng: Rng): EvalUser[][] {
  if (!Number.isInteger(folds) || folds < 2)
    throw new RangeError(`folds must be an integer >= 2, got ${folds}`);
  const order = shuffleInPlace(
    users.map((_, i) => i),
    rng,
  );
  return Array.from({ length: folds }, (_, fold) =>
    order
      .filter((_, position) => position % folds === fold)
      .sort((a, b) => a - b)
      .map((i) => users[i]),
  );
}

interface Scored {
  popular: ListScores & { hitsPer100: number; hitsPer100StdErr: number };
  gems: ListScores & { hitsPer100: number; hitsPer100StdErr: number };
  /** Both lists as one list of 2k. */
  all: ListScores & { hitsPer100: number; hitsPer100StdErr: number };
}

function score(users: readonly EvalUser[], answers: readonly Recommendations[], k: number): Scored {
  const list = (pick: (r: Recommendations) => { movieId: number }[], size: number) => {
    const perUser = answers.map((answer, i) =>
      scoreList(
        pick(answer).map((r) => r.movieId),
        users[i].relevant,
        size,
      ),
    );
    const scores = meanScores(perUser);
    const hits = hitsPer100(perUser, size);
    return {
      hitsPer100: round(hits.value, 1),
      hitsPer100StdErr: round(hits.standardError, 1),
      hit: round(scores.hit),
      precision: round(scores.precision),
      recall: round(scores.recall),
      ndcg: round(scores.ndcg),
    };
  };
  return {
    popular: list((r) => r.popularPicks, k),
    gems: list((r) => r.hiddenGems, k),
    all: list((r) => [...r.hiddenGems, ...r.popularPicks], 2 * k),
  };
}

export async function foldInQuality(
  trainedIn: Artifacts,
  train: RatingTable,
  users: readonly EvalUser[],
  model: Omit<TemporaryModelOptions, 'ratings'> & { movies: Map<number, Movie> },
  options: FoldInOptions,
): Promise<Record<string, unknown>> {
  const base = { name: 'fold-in', target: `folded-in hits >= ${FOLD_IN_TARGET} x trained-in hits` };
  const withEmbedding = createEngine(trainedIn);
  const folds = dealFolds(users, options.folds, createRng(options.seed));
  const ordered = folds.flat();
  const foldedAnswers: Recommendations[] = [];
  // Control for model-to-model variance: each fold model also answers the next fold's users, whom it was
  // trained with, from their embeddings. Near 1 → a gap in `ratio` is the fold-in's, not another model's.
  const otherModelAnswers: Recommendations[][] = folds.map(() => []);
  for (const [index, fold] of folds.entries()) {
    const heldOut = new Set(fold.map((u) => u.userId));
    const folded = createEngine(
      await trainTemporaryModel({ ...model, ratings: withoutUsers(train, heldOut) }),
    );
    foldedAnswers.push(...ask(fold, (u, o) => folded.forYou(u.trainRatings, o)));
    const next = (index + 1) % folds.length;
    otherModelAnswers[next] = ask(folds[next], (u, o) => folded.forTrainedUser(u.userId, u.trainRatings, o));
  }
  const otherModel = score(ordered, otherModelAnswers.flat(), options.k);
  const trained = score(
    ordered,
    ask(ordered, (u, o) => withEmbedding.forTrainedUser(u.userId, u.trainRatings, o)),
    options.k,
  );
  const foldedIn = score(ordered, foldedAnswers, options.k);
  // The same users folded into the model that did see them: separates "fold-in vs embedding" from
  // "a model without these users".
  const foldedKnown = score(
    ordered,
    ask(ordered, (u, o) => withEmbedding.forYou(u.trainRatings, o)),
    options.k,
  );

  function ask(
    of: readonly EvalUser[],
    answerFor: (user: EvalUser, options: RecommendOptions) => Recommendations,
  ): Recommendations[] {
    // One RNG per user, from the seed and the user id: the two sides draw alike whatever the order.
    return of.map((user) =>
      answerFor(user, {
        rng: createRng(options.seed * 1_000_003 + user.userId),
        perSource: options.k,
        exclude: user.trainMovies,
      }),
    );
  }
  const ratio = (of: Scored, to: Scored, list: keyof Scored) =>
    to[list].hitsPer100 === 0 ? null : round(of[list].hitsPer100 / to[list].hitsPer100, 3);
  const ratios = (of: Scored, to = trained) => ({
    gems: ratio(of, to, 'gems'),
    popular: ratio(of, to, 'popular'),
    all: ratio(of, to, 'all'),
  });
  return {
    ...base,
    users: ordered.length,
    folds: { count: options.folds, seed: options.seed, users: folds.map((fold) => fold.length) },
    k: options.k,
    trainedIn: trained,
    foldedIn,
    foldedInKnownUsers: foldedKnown,
    trainedInOtherModel: otherModel,
    ratio: ratios(foldedIn),
    ratioKnownUsers: ratios(foldedKnown),
    ratioOtherModel: ratios(otherModel),
    // Like for like: folded-in vs trained-in users of models trained on as many rows.
    ratioSameSizeModels: ratios(foldedIn, otherModel),
  };
}

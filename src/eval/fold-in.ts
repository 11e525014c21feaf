/**
 * Fold-in quality (issue 10): are personal picks for a member the model has never seen (their user vector
 * fitted at request time from their ratings) nearly as good as for a user it was trained with? A seeded sample
 * of the protocol's users is held out of a second model; for them, that model's forYou (fold-in) is compared
 * with the first model's forTrainedUser (their trained embedding), on the same relevant test movies.
 */
import type { Artifacts } from '../artifacts/types.ts';
import type { Movie, RatingTable } from '../data/types.ts';
import { createRng, type Rng } from '../random.ts';
import { createEngine, type RecommendOptions } from '../serve/engine.ts';
import type { Recommendations } from '../serve/recommendation.ts';
import { meanScores, scoreList, type ListScores } from './metrics.ts';
import { round } from './measure.ts';
import { withoutUsers, type EvalUser } from './protocol.ts';
import { trainTemporaryModel, type TemporaryModelOptions } from './temporary-model.ts';

export interface FoldInOptions {
  /** Share of the protocol's users held out of the second model. */
  fraction: number;
  /** The sample's seed (the evaluation's seed). */
  seed: number;
  k: number;
}

export const DEFAULT_FOLD_IN_FRACTION = 0.25;
/** The issue-10 target: fold-in reaches at least this share of the trained-in hit rate. */
export const FOLD_IN_TARGET = 0.9;

/** A seeded sample of `fraction` of the users (at least one), in user order. */
export function sampleUsers(users: readonly EvalUser[], fraction: number, rng: Rng): EvalUser[] {
  const order = users.map((_, i) => i);
  for (let i = order.length - 1; i > 0; i--) {
    const j = Math.floor(rng() * (i + 1));
    [order[i], order[j]] = [order[j], order[i]];
  }
  const size = Math.max(1, Math.round(users.length * fraction));
  return order
    .slice(0, size)
    .sort((a, b) => a - b)
    .map((i) => users[i]);
}

interface Scored {
  popular: ListScores & { hitsPer100: number };
  gems: ListScores & { hitsPer100: number };
  /** Both lists as one list of 2k. */
  all: ListScores & { hitsPer100: number };
}

function score(users: readonly EvalUser[], answers: readonly Recommendations[], k: number): Scored {
  const list = (pick: (r: Recommendations) => { movieId: number }[], size: number) => {
    const scores = meanScores(
      answers.map((answer, i) =>
        scoreList(
          pick(answer).map((r) => r.movieId),
          users[i].relevant,
          size,
        ),
      ),
    );
    return {
      hitsPer100: round(scores.precision * size * 100, 1),
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
  model: Omit<TemporaryModelOptions, 'ratings' | 'legacyTables'> & { movies: Map<number, Movie> },
  options: FoldInOptions,
): Promise<Record<string, unknown>> {
  const base = { name: 'fold-in', target: `folded-in hits >= ${FOLD_IN_TARGET} x trained-in hits` };
  const withEmbedding = createEngine(trainedIn);
  const sample = sampleUsers(users, options.fraction, createRng(options.seed));
  const heldOut = new Set(sample.map((u) => u.userId));
  const folded = createEngine(await trainTemporaryModel({ ...model, ratings: withoutUsers(train, heldOut) }));

  const ask = (answerFor: (user: EvalUser, options: RecommendOptions) => Recommendations) => {
    const rng = createRng(options.seed);
    return sample.map((user) => answerFor(user, { rng, perSource: options.k, exclude: user.trainMovies }));
  };
  const trained = score(
    sample,
    ask((u, o) => withEmbedding.forTrainedUser(u.userId, u.trainRatings, o)),
    options.k,
  );
  const foldedIn = score(
    sample,
    ask((u, o) => folded.forYou(u.trainRatings, o)),
    options.k,
  );
  // The same users folded into the model that did see them: separates "fold-in vs embedding" from
  // "a model without these users".
  const foldedKnown = score(
    sample,
    ask((u, o) => withEmbedding.forYou(u.trainRatings, o)),
    options.k,
  );
  const ratio = (list: keyof Scored) =>
    trained[list].hitsPer100 === 0 ? null : round(foldedIn[list].hitsPer100 / trained[list].hitsPer100, 3);
  return {
    ...base,
    users: sample.length,
    sample: { fraction: options.fraction, seed: options.seed, heldOutOfSecondModel: true },
    k: options.k,
    trainedIn: trained,
    foldedIn,
    foldedInKnownUsers: foldedKnown,
    ratio: { gems: ratio('gems'), popular: ratio('popular'), all: ratio('all') },
  };
}

/**
 * The three measurements over any set of methods: held-out accuracy for the protocol's users, what random
 * catalog triples are served, and how much the answer changes with the picks. Every method gets its own RNG
 * from the same seed, so adding a method never changes another's numbers.
 */
import { createRng, sampleDistinct, type Rng } from '../random.ts';
import { hitsPer100, jaccard, meanScores, scoreList, type ListScores } from './metrics.ts';
import { fanStats, servedStats, type FanStats, type ServedStats } from './list-stats.ts';
import type { Method, Served } from './methods.ts';
import type { EvalUser } from './protocol.ts';

export interface HeldOutResult extends ListScores, ServedStats {
  users: number;
  k: number;
  /** Hits (relevant movies served) per 100 users: the figure, 100 × k × precision. */
  hitsPer100: number;
  hitsPer100StdErr: number;
  fans: FanStats;
  /** Each user's hits, in user order (for paired comparisons; not printed). */
  perUserHits: number[];
}

const NOTHING: ReadonlySet<number> = new Set();

/** list name → what each method answered, in call order. */
type Answers = Map<string, Served[][]>;

function collect(
  method: Method,
  requests: readonly (readonly number[])[],
  exclude: (i: number) => ReadonlySet<number>,
  rng: Rng,
): Answers {
  const answers: Answers = new Map(method.lists.map((list) => [list, []]));
  requests.forEach((picks, i) => {
    const answer = method.answer(picks, exclude(i), rng);
    for (const list of method.lists) answers.get(list)!.push(answer[list] ?? []);
  });
  return answers;
}

const ids = (lists: Served[][]) => lists.map((list) => list.map((s) => s.movieId));
const reasons = (lists: Served[][]) =>
  lists.flatMap((list) => list.flatMap((s) => (s.reason ? [s.reason] : [])));

export function heldOut(
  method: Method,
  users: readonly EvalUser[],
  k: number,
  seed: number,
  ratingCount: (movieId: number) => number,
): Map<string, HeldOutResult> {
  const answers = collect(
    method,
    users.map((u) => u.picks),
    (i) => users[i].trainMovies,
    createRng(seed),
  );
  const results = new Map<string, HeldOutResult>();
  for (const [list, served] of answers) {
    const lists = ids(served);
    const perUser = lists.map((movieIds, i) => scoreList(movieIds, users[i].relevant, k));
    const scores = meanScores(perUser);
    const hits = hitsPer100(perUser, k);
    results.set(list, {
      users: users.length,
      k,
      hitsPer100: round(hits.value, 1),
      hitsPer100StdErr: round(hits.standardError, 1),
      ...scores,
      ...servedStats(lists, ratingCount),
      fans: fanStats(reasons(served)),
      perUserHits: perUser.map((s) => s.precision * k),
    });
  }
  return results;
}

/** n random triples of distinct catalog movies. */
export function randomTriples(catalog: readonly number[], n: number, rng: Rng, size = 3): number[][] {
  if (catalog.length < size)
    throw new RangeError(`a catalog of ${catalog.length} has no ${size} distinct movies`);
  return Array.from({ length: n }, () => sampleDistinct(catalog, size, rng));
}

export interface TripleResult extends ServedStats {
  fans: FanStats;
}

export function tripleStats(
  method: Method,
  triples: readonly (readonly number[])[],
  seed: number,
  ratingCount: (movieId: number) => number,
): Map<string, TripleResult> {
  const answers = collect(method, triples, () => NOTHING, createRng(seed));
  return new Map(
    [...answers].map(([list, served]) => [
      list,
      { ...servedStats(ids(served), ratingCount), fans: fanStats(reasons(served)) },
    ]),
  );
}

/** Mean Jaccard overlap of each list for the two halves of disjoint six-movie draws. */
export function pickSensitivity(
  method: Method,
  sixes: readonly (readonly number[])[],
  seed: number,
): Map<string, { pairs: number; meanJaccard: number }> {
  const requests = sixes.flatMap((six) => [six.slice(0, 3), six.slice(3, 6)]);
  const answers = collect(method, requests, () => NOTHING, createRng(seed));
  return new Map(
    [...answers].map(([list, served]) => {
      const lists = ids(served);
      let sum = 0;
      for (let i = 0; i < sixes.length; i++) sum += jaccard(lists[2 * i], lists[2 * i + 1]);
      return [list, { pairs: sixes.length, meanJaccard: sum / sixes.length }];
    }),
  );
}

export function round(value: number, digits = 4): number {
  const scale = 10 ** digits;
  return Math.round(value * scale) / scale;
}

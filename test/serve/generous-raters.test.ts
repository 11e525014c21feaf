/**
 * Issue 7 on a tiny generated dataset trained by the real pipeline: a few generous raters (5 stars for
 * everything) are predicted 5 for every movie, so the serving method before issue 7 (each pick's predicted
 * top "fans" and their favourites, since removed) served their favourites whatever the picks. The gem
 * methods must not: their gems depend on the picks and their reasons name no users.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { ModelRepository } from '../../src/artifacts/repository.ts';
import type { Artifacts } from '../../src/artifacts/types.ts';
import { createEngine } from '../../src/serve/engine.ts';
import { verifyArtifacts } from '../../src/artifacts/verify.ts';
import { PICK_LIFT } from '../../src/eval/pick-lift.ts';
import type { Recommendations } from '../../src/serve/recommendation.ts';
import { createRng } from '../../src/random.ts';
import { trainVersion } from '../../src/train/pipeline.ts';
import { tempDir, writeDatasetFiles } from '../support/dataset.ts';

const GENEROUS = [1, 2, 3];

/** Two taste traits; 150 popular movies (rated by ~80 %), 200 less-known ones (~15 %, so 10–49 ratings). */
function generousDataset(seed: number) {
  const random = createRng(seed);
  const users = 140;
  const popular = 150;
  const movieCount = 350;
  const traits = Array.from({ length: movieCount }, () => [random() * 2 - 1, random() * 2 - 1]);
  const movies = ['movieId,title,genres'];
  const links = ['movieId,imdbId,tmdbId'];
  for (let m = 1; m <= movieCount; m++) {
    movies.push(`${m},Movie ${m} (2000),Drama`);
    links.push(`${m},${String(100000 + m).padStart(7, '0')},${5000 + m}`);
  }
  const ratings = ['userId,movieId,rating,timestamp'];
  for (let u = 1; u <= users; u++) {
    const taste = [random() * 2 - 1, random() * 2 - 1];
    for (let m = 1; m <= movieCount; m++) {
      // Generous raters rated few movies (all 5 stars): the rest are unrated, so they can be "fans" of them.
      const p = GENEROUS.includes(u) ? 0.12 : m <= popular ? 0.8 : 0.15;
      if (random() > p) continue;
      const [a, b] = traits[m - 1];
      const raw = GENEROUS.includes(u)
        ? 5
        : 3.1 + 1.5 * (taste[0] * a + taste[1] * b) + (random() - 0.5) * 0.6;
      const rating = Math.min(5, Math.max(0.5, Math.round(raw * 2) / 2));
      ratings.push(`${u},${m},${rating.toFixed(1)},${1_000_000_000 + u * 1000 + m}`);
    }
  }
  const lines = (rows: string[]) => rows.join('\n') + '\n';
  return { movies: lines(movies), ratings: lines(ratings), links: lines(links) };
}

let artifacts: Artifacts;

beforeAll(async () => {
  const result = await trainVersion({
    datasetDir: await writeDatasetFiles(await tempDir(), generousDataset(7)),
    repository: new ModelRepository(await tempDir()),
    dnmf: { epochs: 8 },
  });
  if (!result.published) throw new Error(result.problems.join('; '));
  artifacts = result.artifacts;
}, 60_000);

/** Disjoint random catalog triples (pairs of them), seeded. */
function disjointPairs(count: number, seed: number): Array<[number[], number[]]> {
  const rng = createRng(seed);
  const catalog = artifacts.catalog.map((entry) => entry.movieId);
  return Array.from({ length: count }, () => {
    const six = [...catalog].sort(() => rng() - 0.5).slice(0, 6);
    return [six.slice(0, 3), six.slice(3)];
  });
}

function meanGemJaccard(answer: (picks: number[], seed: number) => Recommendations): number {
  const pairs = disjointPairs(30, 11);
  let total = 0;
  pairs.forEach(([a, b], i) => {
    const x = answer(a, i).hiddenGems.map((r) => r.movieId);
    const y = answer(b, i).hiddenGems.map((r) => r.movieId);
    const union = new Set([...x, ...y]).size;
    total += x.filter((id) => y.includes(id)).length / union;
  });
  return total / pairs.length;
}

describe('generous raters', () => {
  it.each([
    ['watch', undefined, 'watch-similar'],
    ['fold-in', PICK_LIFT, 'dnmf-fold-in'],
  ] as const)(
    'do not under the %s method: gems depend on the picks and no reason is a user',
    (method, picks, kind) => {
      const engine = createEngine(artifacts, { picks });
      expect(engine.method).toBe(method);
      const jaccard = meanGemJaccard((picks, seed) => engine.recommend(picks, { rng: createRng(seed) }));
      expect(jaccard).toBeLessThan(0.15);
      for (const [picks] of disjointPairs(10, 5)) {
        for (const gem of engine.recommend(picks, { rng: createRng(2) }).hiddenGems) {
          expect(gem.reason.kind).toBe(kind);
          expect(Object.keys(gem.reason)).not.toContain('userIds');
          expect(artifacts.movies.get(gem.movieId)!.count).toBeLessThan(artifacts.manifest.knn.minRatings);
        }
      }
    },
  );

  it('serve by the watch model, and refuse a version without its exposure prices (verify.ts does too)', () => {
    expect(artifacts.watch?.prices).toBeDefined();
    expect(createEngine(artifacts).method).toBe('watch');
    // A version from before exposure prices (its watch-model.bin has none): plain summed cosine would let a
    // hub fill most answers. It does not verify, so it is never served.
    const unpriced = { ...artifacts, watch: { ...artifacts.watch!, prices: undefined } };
    expect(() => createEngine(unpriced)).toThrow(/no watch model with exposure prices: retrain it/);
    expect(verifyArtifacts(unpriced)).toContainEqual(expect.stringMatching(/no exposure prices/));
  });
});

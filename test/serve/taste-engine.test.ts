/**
 * /foryou and /movienight with the taste model, on a small generated dataset trained by the real pipeline:
 * two audiences who watch different movies (odd and even ids), at two levels of fame (popular 1–120, less
 * known 121–320). A member who rated one audience's movies gets that audience's less-known movies as gems
 * (the MF path knows who watches what), with reasons naming their own rated movies; a group's reasons name
 * none (a member's ratings are theirs); a version without the fold-in data still serves, by the DNMF.
 */
import { rm } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ModelRepository } from '../../src/artifacts/repository.ts';
import type { Artifacts } from '../../src/artifacts/types.ts';
import { describeReason } from '../../src/serve/describe-reason.ts';
import { createEngine } from '../../src/serve/engine.ts';
import type { MemberRating } from '../../src/serve/recommendation.ts';
import { createRng } from '../../src/random.ts';
import { trainVersion } from '../../src/train/pipeline.ts';
import { tempDir, writeDatasetFiles } from '../support/dataset.ts';

const POPULAR = 120;
const MOVIES = 320;

function twoAudiences(seed: number) {
  const random = createRng(seed);
  const movies = ['movieId,title,genres'];
  const links = ['movieId,imdbId,tmdbId'];
  for (let m = 1; m <= MOVIES; m++) {
    movies.push(`${m},Movie ${m} (2000),Drama`);
    links.push(`${m},${String(100000 + m).padStart(7, '0')},${5000 + m}`);
  }
  const ratings = ['userId,movieId,rating,timestamp'];
  for (let u = 1; u <= 160; u++) {
    for (let m = 1; m <= MOVIES; m++) {
      const own = m % 2 === u % 2;
      const p = m <= POPULAR ? (own ? 0.7 : 0.1) : own ? 0.2 : 0.02;
      if (random() > p) continue;
      const stars = own ? 3.5 + Math.floor(random() * 4) / 2 : 1 + Math.floor(random() * 4) / 2;
      ratings.push(`${u},${m},${stars.toFixed(1)},${1_000_000_000 + u * 1000 + m}`);
    }
  }
  const lines = (rows: string[]) => rows.join('\n') + '\n';
  return { movies: lines(movies), ratings: lines(ratings), links: lines(links) };
}

let artifacts: Artifacts;
const dirs: string[] = [];

beforeAll(async () => {
  const data = await tempDir();
  const models = await tempDir();
  dirs.push(data, models);
  const result = await trainVersion({
    datasetDir: await writeDatasetFiles(data, twoAudiences(3)),
    repository: new ModelRepository(models),
    dnmf: { epochs: 6 },
    // Small data: a narrower, less shrunk MF path than the default (made for 100k–32M ratings).
    watch: { dim: 8, lambda: 1 },
  });
  if (!result.published) throw new Error(result.problems.join('; '));
  artifacts = result.artifacts;
}, 60_000);

afterAll(async () => {
  await Promise.all(dirs.map((dir) => rm(dir, { recursive: true, force: true })));
});

/** Five popular movies of one audience (odd or even ids), rated 5. */
const fanOf = (parity: 0 | 1, from = 1): MemberRating[] =>
  Array.from({ length: 5 }, (_, i) => ({ movieId: 2 * (from + i) - 1 + (parity === 0 ? 1 : 0), rating: 5 }));

describe('the taste model in /foryou', () => {
  it("serves gems from the member's own audience, with reasons naming the member's rated movies", () => {
    const engine = createEngine(artifacts);
    for (const parity of [0, 1] as const) {
      const ratings = fanOf(parity);
      const rated = new Set(ratings.map((r) => r.movieId));
      const answer = engine.forYou(ratings, { rng: createRng(1) });
      const own = answer.hiddenGems.filter((gem) => gem.movieId % 2 === parity);
      expect(own.length).toBeGreaterThanOrEqual(4);
      for (const gem of answer.hiddenGems) {
        expect(gem.reason.kind).toBe('taste');
        if (gem.reason.kind !== 'taste') continue;
        expect(gem.reason.list).toBe('gem');
        expect(rated.has(gem.movieId)).toBe(false);
        expect(gem.reason.because.length).toBeGreaterThan(0);
        for (const id of gem.reason.because) expect(rated.has(id)).toBe(true);
        // The card says it in plain words: the member's own movies (to them only), no model names or scores.
        const sentence = describeReason(gem.reason, artifacts, { audience: 'owner' });
        expect(sentence).toContain(`Movie ${gem.reason.because[0]} (2000)`);
        expect(sentence).not.toMatch(/cosine|watch-model|DNMF|5\.0/);
        expect(describeReason(gem.reason, artifacts, { audience: 'public' })).not.toMatch(/Movie \d/);
        expect(artifacts.movies.get(gem.movieId)!.count).toBeLessThan(artifacts.manifest.knn.minRatings);
      }
      for (const pick of answer.popularPicks) {
        expect(rated.has(pick.movieId)).toBe(false);
        expect(artifacts.movies.get(pick.movieId)!.count).toBeGreaterThanOrEqual(
          artifacts.manifest.knn.minRatings,
        );
      }
      expect(answer.popularPicks.filter((pick) => pick.movieId % 2 === parity).length).toBeGreaterThanOrEqual(
        4,
      );
    }
  });

  it('ranks by the DNMF alone where the MF path cannot fold the member in, or when asked to', () => {
    // Without the fold-in data (a version that would not verify, so is never served) the MF path folds in
    // nobody: the same branch as a member none of whose movies it knows.
    const older = { ...artifacts, watch: { ...artifacts.watch!, foldIn: undefined } };
    for (const engine of [createEngine(older), createEngine(artifacts, { taste: false })]) {
      const answer = engine.forYou(fanOf(1), { rng: createRng(2) });
      expect(answer.hiddenGems.map((gem) => gem.reason.kind)).toEqual(Array(5).fill('dnmf-personal'));
    }
  });

  it('keeps out a gem the stars path predicts the member to dislike, when the guard is on', () => {
    // Loves odd popular movies, hates even ones: the MF path (who watched what) puts both audiences' gems
    // near the top; the stars path knows which ones this member would not enjoy.
    const ratings = [...fanOf(1), ...fanOf(0, 20).map((r) => ({ ...r, rating: 0.5 }))];
    const predicted = (guard: boolean) =>
      createEngine(artifacts, { taste: { dislikeGuard: guard } })
        .forYou(ratings, { rng: createRng(3) })
        .hiddenGems.map((gem) => (gem.reason.kind === 'taste' ? gem.reason.predictedRating : undefined));
    expect(Math.min(...predicted(false).map((p) => p ?? 5))).toBeLessThan(3);
    for (const p of predicted(true)) expect(p).toBeGreaterThanOrEqual(3);
  });

  it("draws the popular picks among the ranking's best popularDrawn (6 by default), not the usual 10", () => {
    const served = (options: { popularDrawn?: number }) => {
      const engine = createEngine(artifacts, { taste: options });
      const seen = new Set<number>();
      for (let seed = 1; seed <= 40; seed++)
        for (const pick of engine.forYou(fanOf(1), { rng: createRng(seed) }).popularPicks)
          seen.add(pick.movieId);
      return seen.size;
    };
    expect(served({})).toBe(6);
    expect(served({ popularDrawn: 20 })).toBeGreaterThan(6);
  });
});

describe('the taste model in /movienight', () => {
  it('serves gems that suit both audiences of a mixed group, with reasons that name no rated movie', () => {
    const engine = createEngine(artifacts);
    const answer = engine.movieNight([fanOf(1), fanOf(0)], { rng: createRng(4) });
    expect(answer.hiddenGems).toHaveLength(5);
    for (const gem of answer.hiddenGems) {
      expect(gem.reason.kind).toBe('taste-group');
      expect(JSON.stringify(gem.reason)).not.toMatch(/because|movieId/);
      expect(describeReason(gem.reason, artifacts)).not.toMatch(/Movie \d/);
    }
    // A group of one audience gets that audience's gems.
    const odd = engine.movieNight([fanOf(1), fanOf(1, 10)], { rng: createRng(4) });
    expect(odd.hiddenGems.filter((gem) => gem.movieId % 2 === 1).length).toBeGreaterThanOrEqual(4);
  });

  it('weighs in the pooled viewer (all members in one solve) as groupPooledWeight says', () => {
    const group = [fanOf(1), fanOf(0), fanOf(1, 10)];
    const one = [[...fanOf(1), ...fanOf(0), ...fanOf(1, 10)]];
    const top = (members: MemberRating[][], groupPooledWeight: number) =>
      createEngine(artifacts, { taste: { groupPooledWeight } })
        .movieNight(members, { rng: () => 0 })
        .hiddenGems.map((gem) => gem.movieId);
    // Pooled alone: the group ranks as one viewer who rated everything the members rated.
    expect(top(group, 1)).toEqual(top(one, 0));
    expect(top(group, 0)).not.toEqual(top(group, 1));
  });
});

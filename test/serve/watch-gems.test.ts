/**
 * The watch gems' exposure prices: a band movie close to every catalog movie (a "hub") would top every answer
 * by plain summed cosine; priced, it enters few answers' top 5, and movies nobody needs to displace pay nothing.
 */
import { describe, expect, it } from 'vitest';
import type { Artifacts, WatchVectors } from '../../src/artifacts/types.ts';
import { createRng } from '../../src/random.ts';
import { stepsOf } from '../../src/serve/stepwise-build.ts';
import { buildWatchGems } from '../../src/serve/watch-gems.ts';
import { DEFAULT_EXPOSURE_PRICES, exposurePrices } from '../../src/train/watch-prices.ts';

const DIM = 12;
const CATALOG = Array.from({ length: 30 }, (_, i) => i + 1);
// Enough band movies that five slots per answer need not be shared by many (as in the real band: 1,819).
const BAND = Array.from({ length: 1000 }, (_, i) => 10_001 + i);
const HUB = 50_000;

function fixture() {
  const rng = createRng(11);
  const unit = (v: number[]) => {
    const norm = Math.hypot(...v);
    return v.map((x) => x / norm);
  };
  const vectorOf = new Map<number, number[]>();
  const random = () => Array.from({ length: DIM }, () => rng() * 2 - 1);
  // Catalog favourites share one direction (what popular movies have in common); the hub points along it.
  const common = unit(random());
  for (const id of CATALOG) vectorOf.set(id, unit(random().map((x, k) => 0.5 * x + common[k])));
  for (const id of BAND) vectorOf.set(id, unit(random()));
  vectorOf.set(HUB, common);
  const movieIds = Int32Array.from([...vectorOf.keys()].sort((a, b) => a - b));
  const vectors = new Float32Array(movieIds.length * DIM);
  movieIds.forEach((id, i) => vectors.set(vectorOf.get(id)!, i * DIM));
  const unpriced: WatchVectors = { dim: DIM, movieIds, vectors };
  const { prices } = exposurePrices(unpriced, { catalogIds: CATALOG, bandMovieIds: [...BAND, HUB] });
  const watch = { ...unpriced, prices };
  const movies = new Map(
    [...movieIds].map((movieId) => [
      movieId,
      { movieId, title: `Movie ${movieId} (2000)`, genres: [], count: movieId <= 1000 ? 200 : 20, mean: 3.5 },
    ]),
  );
  const artifacts = {
    manifest: { dnmf: { minCandidateRatings: 10 }, knn: { minRatings: 50 } },
    movies,
    catalog: CATALOG.map((movieId, rank) => ({ movieId, rank: rank + 1, count: 200, mean: 4, wr: 4 })),
  } as unknown as Pick<Artifacts, 'manifest' | 'movies' | 'catalog'>;
  return { artifacts, watch, vectorOf };
}

describe('watch gems', () => {
  const { artifacts, watch, vectorOf } = fixture();
  const gems = stepsOf(buildWatchGems(artifacts, watch)).finish();
  const rng = createRng(5);
  const triples = Array.from({ length: 300 }, () => {
    const triple = new Set<number>();
    while (triple.size < 3) triple.add(CATALOG[Math.floor(rng() * CATALOG.length)]);
    return [...triple];
  });

  it('keeps a hub out of most answers, although plain summed cosine puts it in most top 5s', () => {
    const cos = (a: number, b: number) =>
      vectorOf.get(a)!.reduce((s, x, k) => s + x * vectorOf.get(b)![k], 0);
    let plainFirst = 0;
    let gatedTop5 = 0;
    for (const picks of triples) {
      const plain = [...BAND, HUB]
        .map((id) => ({ id, score: picks.reduce((s, p) => s + cos(p, id), 0) }))
        .sort((a, b) => b.score - a.score);
      if (plain.slice(0, 5).some((entry) => entry.id === HUB)) plainFirst++;
      const ranked = gems.rank(picks, () => false);
      if (ranked.slice(0, 5).some((candidate) => candidate.movieId === HUB)) gatedTop5++;
    }
    expect(plainFirst / triples.length).toBeGreaterThan(0.5);
    // Fresh triples, not the reference ones the prices were fitted to: the cap holds up to sampling noise.
    expect(gatedTop5 / triples.length).toBeLessThan(DEFAULT_EXPOSURE_PRICES.cap + 0.03);
  });

  it('charges the hub and leaves the rest unpriced or cheap: movies under the cap rank on plain cosine', () => {
    const priceOf = (id: number) => watch.prices[[...watch.movieIds].indexOf(id)];
    expect(priceOf(HUB)).toBeGreaterThan(0.1);
    const bandPrices = BAND.map(priceOf);
    expect(bandPrices.filter((price) => price === 0).length).toBeGreaterThan(BAND.length / 2);
    expect(Math.max(...bandPrices)).toBeLessThan(priceOf(HUB));
    // Catalog movies are never priced (they are never gems).
    for (const id of CATALOG) expect(priceOf(id)).toBe(0);
  });

  it('without a price, the same ranking is plain summed cosine', () => {
    const plain = stepsOf(
      buildWatchGems(artifacts, { ...watch, prices: new Float32Array(watch.prices.length) }),
    ).finish();
    const picks = triples[1];
    const ranked = plain.rank(picks, () => false).slice(0, 5);
    const cos = (a: number, b: number) =>
      vectorOf.get(a)!.reduce((s, x, k) => s + x * vectorOf.get(b)![k], 0);
    const expected = [...BAND, HUB]
      .map((id) => ({ id, score: picks.reduce((s, p) => s + cos(p, id), 0) }))
      .sort((a, b) => b.score - a.score)
      .slice(0, 5)
      .map((entry) => entry.id);
    expect(ranked.map((candidate) => candidate.movieId)).toEqual(expected);
  });

  it('serves band movies only, never an excluded one, with reasons naming the picks it is close to', () => {
    const picks = triples[0];
    const excluded = new Set([BAND[0], BAND[1], BAND[2]]);
    const ranked = gems.rank(picks, (id) => excluded.has(id));
    expect(ranked.length).toBeGreaterThanOrEqual(5);
    for (const candidate of ranked) {
      expect(excluded.has(candidate.movieId)).toBe(false);
      expect(CATALOG).not.toContain(candidate.movieId);
      if (candidate.reason.kind !== 'watch-similar') throw new Error(`unexpected ${candidate.reason.kind}`);
      for (const match of candidate.reason.matches) {
        expect(picks).toContain(match.movieId);
        expect(match.similarity).toBeGreaterThan(0);
      }
    }
    // Ranked by summed cosine less the price, best first, and the reason says both.
    const keys = ranked.map((c) =>
      c.reason.kind === 'watch-similar' ? c.reason.totalSimilarity - c.reason.price : Number.NaN,
    );
    for (let i = 1; i < keys.length; i++) expect(keys[i]).toBeLessThanOrEqual(keys[i - 1] + 1e-6);
  });

  it('depends on the picks: disjoint triples share almost no gems', () => {
    const a = new Set(
      gems
        .rank([1, 2, 3], () => false)
        .slice(0, 5)
        .map((c) => c.movieId),
    );
    const b = gems
      .rank([4, 5, 6], () => false)
      .slice(0, 5)
      .map((c) => c.movieId);
    expect(b.filter((id) => a.has(id)).length).toBeLessThanOrEqual(1);
  });
});

import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadDataset } from '../../src/data/movielens.ts';
import { MIN_USER_RATINGS, movieLensShape, writeSyntheticDataset } from '../../src/data/synthetic.ts';
import { createRng } from '../../src/random.ts';
import { tempDir } from '../support/dataset.ts';

const counts = (ids: Int32Array) => {
  const c = new Map<number, number>();
  for (const id of ids) c.set(id, (c.get(id) ?? 0) + 1);
  return [...c.values()].sort((a, b) => a - b);
};

describe('synthetic MovieLens-shaped data', async () => {
  const shape = movieLensShape(40_000, 5);
  const dir = await tempDir();
  const { ratings: written } = writeSyntheticDataset(dir, shape);
  const data = await loadDataset(dir);

  it('has ml-32m proportions and about the ratings asked for', () => {
    expect(movieLensShape(32_000_204)).toMatchObject({ users: 200_948, movies: 87_585 });
    expect(shape.users).toBe(251);
    expect(Math.abs(written - 40_000) / 40_000).toBeLessThan(0.01);
    expect(data.ratings.ratings.length).toBe(written);
  });

  it('is read by the production loader with nothing skipped, quoted titles and all', () => {
    expect(data.skipped).toEqual({ ratingOutOfRange: 0, unknownMovie: 0, duplicatePair: 0 });
    expect([...data.movies.values()].some((m) => m.title.includes(', The ('))).toBe(true);
    expect([...data.movies.values()].some((m) => m.genres.length === 0)).toBe(true);
  });

  it('gives every user at least 20 ratings, half stars only, heavy tails on both sides', () => {
    const perUser = counts(data.ratings.userIds);
    expect(perUser[0]).toBeGreaterThanOrEqual(MIN_USER_RATINGS);
    expect(perUser.at(-1)!).toBeGreaterThan(5 * perUser[perUser.length >> 1]);
    const offGrid = data.ratings.ratings.filter((r) => r * 2 !== Math.round(r * 2) || r < 0.5 || r > 5);
    expect(offGrid).toHaveLength(0);
    const perMovie = counts(data.ratings.movieIds);
    const topTenth = perMovie.slice(Math.floor(perMovie.length * 0.9)).reduce((a, b) => a + b, 0);
    expect(topTenth / written).toBeGreaterThan(0.4);
    expect(new Set(data.ratings.ratings).size).toBe(10);
  });

  it('holds a low-rank taste signal beyond user and movie biases', () => {
    // Centred on each user's mean, two movies' ratings are uncorrelated under biases plus noise alone;
    // shared latent factors make some pairs of popular movies agree (or disagree) clearly.
    const userMean = new Map<number, [number, number]>();
    data.ratings.userIds.forEach((u, i) => {
      const [sum, n] = userMean.get(u) ?? [0, 0];
      userMean.set(u, [sum + data.ratings.ratings[i], n + 1]);
    });
    const perMovie = new Map<number, Map<number, number>>();
    data.ratings.movieIds.forEach((m, i) => {
      const u = data.ratings.userIds[i];
      const [sum, n] = userMean.get(u)!;
      if (!perMovie.has(m)) perMovie.set(m, new Map());
      perMovie.get(m)!.set(u, data.ratings.ratings[i] - sum / n);
    });
    const popular = [...perMovie.values()].sort((a, b) => b.size - a.size).slice(0, 12);
    const meanAbsCorrelation = (movies: Map<number, number>[]) => {
      let total = 0;
      let pairsCount = 0;
      for (let a = 0; a < movies.length; a++) {
        for (let b = a + 1; b < movies.length; b++) {
          const pairs = [...movies[a]].filter(([u]) => movies[b].has(u)).map(([u, r]) => [r, movies[b].get(u)!]);
          const mean = (k: number) => pairs.reduce((s, p) => s + p[k], 0) / pairs.length;
          const [ma, mb] = [mean(0), mean(1)];
          const cov = pairs.reduce((s, p) => s + (p[0] - ma) * (p[1] - mb), 0);
          const va = pairs.reduce((s, p) => s + (p[0] - ma) ** 2, 0);
          const vb = pairs.reduce((s, p) => s + (p[1] - mb) ** 2, 0);
          total += Math.abs(cov / Math.sqrt(va * vb));
          pairsCount++;
        }
      }
      return total / pairsCount;
    };
    // The control: each movie's centred ratings dealt to its raters in a shuffled order (same users, same
    // values, no shared taste).
    const random = createRng(1);
    const shuffled = popular.map((ratings) => {
      const values = [...ratings.values()].sort(() => random() - 0.5);
      return new Map([...ratings.keys()].map((u, i) => [u, values[i]]));
    });
    expect(meanAbsCorrelation(popular)).toBeGreaterThan(1.5 * meanAbsCorrelation(shuffled));
  });

  it('is deterministic for a seed and differs for another', async () => {
    const again = await tempDir();
    writeSyntheticDataset(again, shape);
    const other = await tempDir();
    writeSyntheticDataset(other, { ...shape, seed: 6 });
    const read = (d: string) => readFile(path.join(d, 'ratings.csv'), 'utf8');
    expect(await read(again)).toBe(await read(dir));
    expect(await read(other)).not.toBe(await read(dir));
  });
});

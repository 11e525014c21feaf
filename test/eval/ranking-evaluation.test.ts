import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadLinks, loadMovies, loadRatings } from '../../src/data/movielens.ts';
import { evaluateRanking, type ResultLine } from '../../src/eval/ranking-evaluation.ts';
import { runCli } from '../support/cli.ts';
import { seeded, syntheticDataset, tempDir, writeDatasetFiles } from '../support/dataset.ts';

/** A generated MovieLens folder plus a seeded 80/20 split of its ratings into train.csv and test.csv. */
async function generatedSplit(): Promise<string> {
  const files = syntheticDataset({ users: 90, movies: 300, popular: 140, seed: 5 });
  const dir = await writeDatasetFiles(await tempDir('flickpick-eval-'), files);
  const [header, ...rows] = files.ratings.trimEnd().split('\n');
  const random = seeded(11);
  const train = [header];
  const test = [header];
  for (const row of rows) (random() < 0.2 ? test : train).push(row);
  await writeFile(path.join(dir, 'train.csv'), train.join('\n') + '\n');
  await writeFile(path.join(dir, 'test.csv'), test.join('\n') + '\n');
  return dir;
}

describe('evaluate-ranking on a generated dataset', () => {
  let dir: string;
  let lines: ResultLine[];

  beforeAll(async () => {
    dir = await generatedSplit();
    const movies = await loadMovies(path.join(dir, 'movies.csv'));
    await loadLinks(path.join(dir, 'links.csv'), movies);
    const train = await loadRatings(path.join(dir, 'train.csv'), { movies });
    const test = await loadRatings(path.join(dir, 'test.csv'), { movies });
    lines = await evaluateRanking({
      train: train.ratings,
      test: test.ratings,
      movies,
      seed: 7,
      dnmf: { epochs: 2 },
    });
  }, 60_000);

  it('prints the protocol, then one line per list with every metric', () => {
    expect(lines.map((line) => line.name)).toEqual(
      expect.arrayContaining([
        'protocol',
        'engine.popular',
        'engine.gems',
        'random-band',
        'cosine-band',
        'random-band-10-60',
        'cosine-band-10-60',
        'cosine-all',
        'most-rated',
      ]),
    );
    const protocol = lines[0];
    expect(protocol).toMatchObject({
      name: 'protocol',
      seed: 7,
      k: 5,
      triples: 2000,
      sensitivityPairs: 1000,
    });
    expect(protocol.users as number).toBeGreaterThan(20);
    const lists = lines.filter((line) => 'hitRate' in line);
    expect(lists.length).toBeGreaterThanOrEqual(6);
    for (const line of lists) {
      const name = String(line.name);
      expect(line.users).toBe(protocol.users);
      const [hitRate, precision, recall, ndcg] = ['hitRate', 'precision', 'recall', 'ndcg'].map(
        (metric) => line[metric] as number,
      );
      // Per user: hits/k ≤ hits/min(k, relevant) ≤ [a hit] ≤ hits, so the means are ordered the same way.
      expect(precision, name).toBeLessThanOrEqual(recall + 1e-4);
      expect(recall, name).toBeLessThanOrEqual(hitRate + 1e-4);
      expect(hitRate, name).toBeLessThanOrEqual(5 * precision + 1e-4);
      expect(hitRate, name).toBeLessThanOrEqual(1);
      // nDCG is positive exactly when some user had a hit, and at most 1.
      expect(ndcg > 0, name).toBe(hitRate > 0);
      expect(ndcg, name).toBeLessThanOrEqual(1);
      // The most frequent movie fills topMovieShare / k of the slots, so the top 10 fill at least that.
      const top = line.topMovieShare as number;
      expect(top, name).toBeGreaterThan(0);
      expect(top, name).toBeLessThanOrEqual(1);
      expect(line.top10Share as number, name).toBeGreaterThanOrEqual(top / 5 - 1e-4);
      expect(line.top10Share as number, name).toBeLessThanOrEqual(1);
      // The engine's lists follow the picks (the small generated band can leave a baseline no choice).
      if (name.startsWith('engine.')) expect(line.pickSensitivity as number, name).toBeLessThan(1);
      expect(line.hitsPer100).toBeCloseTo((line.precision as number) * 500, 0);
      expect(line.hyperparameters).toBeTypeOf('object');
      expect((line.triples as { n: number }).n).toBe(2000);
    }
    const byName = new Map(lines.map((line) => [line.name, line]));
    // The most-rated list ignores the picks: every pair of disjoint triples gets the same list.
    expect(byName.get('most-rated')!.pickSensitivity).toBe(1);
    // The gems name the DNMF users behind them.
    expect(byName.get('engine.gems')!.fans).toMatchObject({ reasons: expect.any(Number) });
    // The band baselines default to the engine's own gem band (10 to below the kNN's 50 ratings).
    expect(byName.get('random-band')!.hyperparameters).toMatchObject({ band: { min: 10, max: 49 } });
    expect(byName.get('cosine-band-10-60')!.hyperparameters).toMatchObject({ band: { min: 10, max: 60 } });
    // Paired comparisons: the difference of the two lists' figures, inside its bootstrap interval.
    const compared = lines.filter((line) => line.name === 'compare');
    expect(compared.map((line) => `${String(line.a)} - ${String(line.b)}`)).toEqual(
      expect.arrayContaining(['engine.gems - random-band', 'engine.popular - most-rated']),
    );
    for (const line of compared) {
      const a = byName.get(line.a)!.hitsPer100 as number;
      const b = byName.get(line.b)!.hitsPer100 as number;
      expect(line.difference as number).toBeCloseTo(a - b, 0);
      expect(line.low as number).toBeLessThanOrEqual(line.difference as number);
      expect(line.high as number).toBeGreaterThanOrEqual(line.difference as number);
    }
    // The engine honours `exclude`: nothing a user rated in train had to be dropped from its lists.
    expect(byName.get('engine.gems')!.droppedByExclude).toBe(0);
    expect(byName.get('engine.popular')!.droppedByExclude).toBe(0);
  });

  it('gives the same JSON through the CLI for the same seed, and never writes to MODELS_DIR', async () => {
    const env = { MOVIELENS_DIR: dir, MODELS_DIR: path.join(dir, 'never-used-models'), LOG_LEVEL: 'error' };
    const args = (seed: number) => [
      'evaluate-ranking',
      '--train',
      path.join(dir, 'train.csv'),
      '--test',
      path.join(dir, 'test.csv'),
      '--seed',
      String(seed),
      '--epochs',
      '2',
    ];
    const same = await runCli(args(7), env);
    expect(same.stderr).toContain('evaluate-ranking: trained in');
    expect(same.code).toBe(0);
    const printed = same.stdout
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as ResultLine);
    expect(printed).toEqual(lines);
    // Temporary models only: nothing is written to MODELS_DIR.
    await expect(readFile(path.join(dir, 'never-used-models', 'CURRENT'), 'utf8')).rejects.toThrow();

    const bad = await runCli(['evaluate-ranking', '--train', path.join(dir, 'train.csv')], env);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('evaluate-ranking needs --train A.csv --test B.csv');
    const band = await runCli([...args(7), '--band', '60-10'], env);
    expect(band.code).toBe(1);
    expect(band.stderr).toContain('--band must be MIN-MAX training ratings, e.g. 10-60, got "60-10"');
    const prices = await runCli([...args(7), '--prices', 'cap=0.03,budget=2'], env);
    expect(prices.code).toBe(1);
    expect(prices.stderr).toContain('--prices takes name=number pairs of cap, listLength');
    expect(prices.stderr).toContain('got "budget=2"');
  }, 120_000);
});

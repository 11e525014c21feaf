import { readFile, readdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadArtifacts } from '../../src/artifacts/loader.ts';
import { ModelRepository } from '../../src/artifacts/repository.ts';
import { trainVersion } from '../../src/train/pipeline.ts';
import { REAL_DATASET_DIR, syntheticDataset, tempDir, writeDatasetFiles } from '../support/dataset.ts';

async function smallDataset(seed = 3): Promise<string> {
  return writeDatasetFiles(await tempDir(), syntheticDataset({ users: 90, movies: 300, popular: 140, seed }));
}

describe('trainVersion on a generated dataset', () => {
  it('publishes a complete, verified version and makes it current', async () => {
    const repository = new ModelRepository(await tempDir());
    const steps: string[] = [];
    const result = await trainVersion({
      datasetDir: await smallDataset(),
      repository,
      dnmf: { epochs: 3 },
      onProgress: (p) => {
        if (steps.at(-1) !== p.step) steps.push(p.step);
      },
    });
    expect(result.published).toBe(true);
    if (!result.published) return;
    // No all-pairs tables in production: serving scores the DNMF at request time.
    expect(steps).toEqual(['load', 'popularity', 'knn', 'watch', 'dnmf', 'write', 'verify']);
    expect(await repository.currentVersion()).toBe(result.version);
    const { manifest, artifacts } = result;
    expect(artifacts.catalog).toHaveLength(100);
    expect(manifest.popularity.eligible).toBe(140);
    expect(manifest.knn).toMatchObject({ minRatings: 50, k: 10, movies: 140, dimensions: 90 });
    expect(manifest.knn.recallAt10).toBeGreaterThanOrEqual(0.99);
    expect(manifest.dataset.rows.movies).toBe(300);
    expect(manifest.dataset.checksums['ratings.csv']).toMatch(/^[0-9a-f]{64}$/);
    expect(manifest.dnmf.metrics.epochs).toBeLessThanOrEqual(3);
    expect(manifest.runtime.backend).toMatch(/cpu|tensorflow/);
    expect(Object.keys(manifest.timingsMs)).toEqual(
      expect.arrayContaining(['load', 'popularity', 'knn', 'dnmf']),
    );
    // Every catalog movie has 10 neighbours from the index; the serving DNMF knows every user and movie.
    for (const entry of artifacts.catalog) expect(artifacts.knn.nearest(entry.movieId, 10)).toHaveLength(10);
    expect(artifacts.dnmf.userRows.size).toBe(90);
    expect(manifest.files['dnmf-tables.json']).toBeUndefined();
    // Loading it again from disk gives the same thing.
    const reloaded = await loadArtifacts(repository.versionDir(result.version));
    expect(reloaded.catalog).toEqual(artifacts.catalog);
  });

  it('keeps a version that fails verification aside and leaves the current one serving', async () => {
    const repository = new ModelRepository(await tempDir());
    const datasetDir = await smallDataset();
    const first = await trainVersion({ datasetDir, repository, dnmf: { epochs: 2 } });
    expect(first.published).toBe(true);
    const second = await trainVersion({
      datasetDir,
      repository,
      dnmf: { epochs: 2 },
      accept: () => ['validation RMSE 0.99 is worse than the serving 0.85'],
    });
    expect(second.published).toBe(false);
    if (second.published) return;
    expect(second.problems).toEqual(['validation RMSE 0.99 is worse than the serving 0.85']);
    expect(await readFile(path.join(second.rejectedDir, 'REJECTED.txt'), 'utf8')).toContain('worse than');
    expect(await repository.currentVersion()).toBe(first.version);
  });

  it('refuses a version whose files were altered after writing', async () => {
    const repository = new ModelRepository(await tempDir());
    const result = await trainVersion({ datasetDir: await smallDataset(), repository, dnmf: { epochs: 2 } });
    const dir = repository.versionDir(result.version);
    const catalog = JSON.parse(await readFile(path.join(dir, 'catalog.json'), 'utf8')) as unknown[];
    await writeFile(path.join(dir, 'catalog.json'), JSON.stringify(catalog.slice(1)));
    await expect(loadArtifacts(dir)).rejects.toThrow(
      'catalog.json does not match its checksum in manifest.json',
    );
  });

  it('stops on a bad dataset without creating a version', async () => {
    const repository = new ModelRepository(await tempDir());
    const files = syntheticDataset({ users: 10, movies: 20, popular: 5, seed: 1 });
    const dir = await writeDatasetFiles(await tempDir(), { ...files, ratings: `${files.ratings}1,2\n` });
    await expect(trainVersion({ datasetDir: dir, repository })).rejects.toThrow(
      /ratings\.csv:\d+: expected 4 fields/,
    );
    expect(await repository.currentVersion()).toBeNull();
    expect(await readdir(repository.root).catch(() => [])).toEqual([]);
  });
});

describe.skipIf(!REAL_DATASET_DIR)('trainVersion on ml-latest-small', () => {
  it('trains the catalog, kNN and DNMF the method describes', async () => {
    const repository = new ModelRepository(await tempDir());
    const result = await trainVersion({ datasetDir: REAL_DATASET_DIR!, repository });
    expect(result.published).toBe(true);
    if (!result.published) return;
    const { artifacts, manifest } = result;
    const title = (id: number) => artifacts.movies.get(id)!.title;
    expect(manifest.dataset.rows).toEqual({
      ratings: 100_836,
      movies: 9_742,
      users: 610,
      holdout: manifest.holdout!.ratings,
      memberRatings: 0,
    });
    expect(manifest.holdout!.ratings).toBeGreaterThan(3_000);
    expect(manifest.popularity.eligible).toBe(450);
    expect(manifest.popularity.m).toBeCloseTo(107.75, 6);
    expect(title(artifacts.catalog[0].movieId)).toBe('Shawshank Redemption, The (1994)');
    expect(artifacts.catalog[0].wr).toBeCloseTo(4.235, 3);
    const ironMan = [...artifacts.movies.values()].find((m) => m.title === 'Iron Man (2008)')!.movieId;
    const near = artifacts.knn.nearest(ironMan, 10);
    expect(title(near[0].movieId)).toBe('Dark Knight, The (2008)');
    expect(near[0].distance).toBeCloseTo(0.33, 2);
    expect(manifest.knn.recallAt10).toBeGreaterThanOrEqual(0.99);
    expect(manifest.dnmf.metrics.validationRmse).toBeLessThan(0.87);
    // Hidden gems are less known, not noise: every candidate has enough ratings to be judged.
    const min = manifest.dnmf.minCandidateRatings;
    // Every movie rated outside the fixed hold-out (9,724 rated in all; 126 only in the hold-out).
    expect(artifacts.dnmf.movieRows.size).toBe(9_598);
    // …and less known than the kNN neighbours, which all have ≥ 50 ratings.
    expect(manifest.ratingCounts.hiddenGems.min).toBeGreaterThanOrEqual(min);
    expect(manifest.ratingCounts.knnNeighbours.min).toBeGreaterThanOrEqual(50);
    expect(manifest.ratingCounts.hiddenGems.median).toBeLessThan(manifest.ratingCounts.knnNeighbours.median);
  });
});

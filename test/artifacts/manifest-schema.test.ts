/**
 * A version's JSON files are validated, never cast: a manifest without `files` (which would skip
 * every checksum) is refused, and so is a JSON artifact of the wrong shape even when its checksum
 * matches. At start-up a version that fails makes way for the newest one that verifies.
 */
import { cp, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { fileDigest } from '../../src/artifacts/files.ts';
import { loadArtifacts } from '../../src/artifacts/loader.ts';
import { checkCatalog, checkManifest } from '../../src/artifacts/manifest-schema.ts';
import { ModelRepository } from '../../src/artifacts/repository.ts';
import { SchemaError } from '../../src/artifacts/schema.ts';
import { loadStartupArtifacts } from '../../src/artifacts/servable.ts';
import { tempDir } from '../support/dataset.ts';
import { captureLogger, publishCopy, trainedModelsTemplate } from '../support/retrain-fixtures.ts';

let template: { datasetDir: string; modelsDir: string };
let manifest: Record<string, unknown>;
beforeAll(async () => {
  template = await trainedModelsTemplate(1);
  const version = (await new ModelRepository(template.modelsDir).currentVersion())!;
  manifest = JSON.parse(await readFile(path.join(template.modelsDir, version, 'manifest.json'), 'utf8'));
});

async function copyOfTemplate(): Promise<{ repository: ModelRepository; version: string; dir: string }> {
  const root = path.join(await tempDir('flickpick-schema-'), 'models');
  await cp(template.modelsDir, root, { recursive: true });
  const repository = new ModelRepository(root);
  const version = (await repository.currentVersion())!;
  return { repository, version, dir: repository.versionDir(version) };
}

/** Rewrites one file of a version and its checksum in the manifest, so only its shape is wrong. */
async function replaceFile(dir: string, name: string, content: string): Promise<void> {
  await writeFile(path.join(dir, name), content);
  const file = path.join(dir, 'manifest.json');
  const m = JSON.parse(await readFile(file, 'utf8'));
  m.files[name] = await fileDigest(path.join(dir, name));
  await writeFile(file, JSON.stringify(m));
}

describe('manifest schema', () => {
  it('accepts the manifest training writes', () => {
    expect(checkManifest(manifest, 'manifest.json')).toBe(manifest);
  });

  it('refuses a manifest without files, or missing one, with the path of the problem', () => {
    const { files: _files, ...withoutFiles } = manifest;
    expect(() => checkManifest(withoutFiles, 'manifest.json')).toThrow(
      'manifest.json.files must be an object, not missing',
    );
    const files = { ...(manifest.files as Record<string, unknown>) };
    delete files['knn-neighbours.bin'];
    expect(() => checkManifest({ ...manifest, files }, 'manifest.json')).toThrow(
      'manifest.json.files must list knn-neighbours.bin',
    );
    const escaping = {
      ...files,
      'knn-neighbours.bin': { bytes: 1, sha256: '0'.repeat(64) },
      '../CURRENT': files['catalog.json'],
    };
    expect(() => checkManifest({ ...manifest, files: escaping }, 'm')).toThrow(SchemaError);
  });

  it('wants the taste model: taste-model.bin, or both files of the older layout, never a mix', () => {
    const files = { ...(manifest.files as Record<string, { bytes: number; sha256: string }>) };
    const taste = files['taste-model.bin'];
    expect(taste).toBeDefined();
    delete files['taste-model.bin'];
    expect(() => checkManifest({ ...manifest, files }, 'manifest.json')).toThrow(
      'manifest.json.files must list taste-model.bin',
    );
    const older = { ...files, 'dnmf-model.json': taste, 'watch-model.bin': taste };
    expect(() => checkManifest({ ...manifest, files: older }, 'manifest.json')).toThrow(
      'manifest.json.files must list dnmf-weights.bin',
    );
    const { watch: _watch, ...beforeWatch } = manifest;
    const beforeWatchFiles = { ...files, 'dnmf-model.json': taste, 'dnmf-weights.bin': taste };
    expect(checkManifest({ ...beforeWatch, files: beforeWatchFiles }, 'm').files).toBe(beforeWatchFiles);
    expect(() => checkManifest({ ...manifest, files: beforeWatchFiles }, 'manifest.json')).toThrow(
      'manifest.json.files must list watch-model.bin (the manifest describes a watch model)',
    );
    expect(() =>
      checkManifest({ ...manifest, files: { ...beforeWatchFiles, 'taste-model.bin': taste } }, 'm'),
    ).toThrow('m.files must list taste-model.bin or dnmf-model.json and dnmf-weights.bin, not both');
  });

  it('names the field and what it found', () => {
    const dnmf = manifest.dnmf as { metrics: object };
    const broken = { ...manifest, dnmf: { ...dnmf, metrics: { ...dnmf.metrics, validationRmse: null } } };
    expect(() => checkManifest(broken, 'manifest.json')).toThrow(
      'manifest.json.dnmf.metrics.validationRmse must be a finite number, not null',
    );
    expect(() => checkCatalog([{ movieId: '1', rank: 1, count: 2, mean: 3, wr: 3 }], 'catalog.json')).toThrow(
      'catalog.json[0].movieId must be an integer, not the string "1"',
    );
  });

  it('makes loadArtifacts refuse a manifest without files instead of skipping every checksum', async () => {
    const { dir } = await copyOfTemplate();
    const { files: _files, ...withoutFiles } = manifest;
    await writeFile(path.join(dir, 'manifest.json'), JSON.stringify(withoutFiles));
    await expect(loadArtifacts(dir)).rejects.toThrow(/cannot read manifest\.json: .*files must be an object/);
  });

  it('makes loadArtifacts refuse a JSON artifact of the wrong shape even with a matching checksum', async () => {
    const { dir } = await copyOfTemplate();
    const catalog = JSON.parse(await readFile(path.join(dir, 'catalog.json'), 'utf8'));
    catalog[3].wr = 'high';
    await replaceFile(dir, 'catalog.json', JSON.stringify(catalog));
    await expect(loadArtifacts(dir)).rejects.toThrow(
      'cannot read catalog.json: catalog.json[3].wr must be a finite number, not the string "high"',
    );
  });
});

describe('start-up', () => {
  it('serves CURRENT when it verifies', async () => {
    const { repository, version } = await copyOfTemplate();
    const log = captureLogger();
    const artifacts = await loadStartupArtifacts(repository, log.logger);
    expect(artifacts.manifest.version).toBe(version);
    expect(log.entries.filter((e) => e.level >= 40)).toEqual([]);
  });

  it('falls back to the newest version that verifies when CURRENT does not, and logs which', async () => {
    const { repository, version: good } = await copyOfTemplate();
    const newer = await publishCopy(repository, good, 'other-data');
    const broken = await publishCopy(repository, newer, 'more-data');
    // newer fails verification (an empty catalog, checksums fixed up), broken fails its checksum.
    await replaceFile(repository.versionDir(newer), 'catalog.json', '[]');
    await writeFile(path.join(repository.versionDir(broken), 'movies.json'), '[]');
    const log = captureLogger();
    const artifacts = await loadStartupArtifacts(repository, log.logger);
    expect(artifacts.manifest.version).toBe(good);
    const line = log.entries.find((e) => e.level === 50);
    expect(line?.msg).toBe(
      `models/CURRENT (${broken}) does not load; serving ${good}, the newest version that verifies`,
    );
    expect(String(line?.problems)).toMatch(/movies\.json does not match its checksum/);
    expect(String(line?.problems)).toMatch(/catalog has 0 movies/);
    // CURRENT is left for the watcher, or an admin, to change.
    expect(await repository.currentVersion()).toBe(broken);
  });

  it('says what to do when there is no version at all, and why each failed otherwise', async () => {
    const empty = new ModelRepository(await tempDir());
    await expect(loadStartupArtifacts(empty, captureLogger().logger)).rejects.toThrow('run `npm run train`');
    const { repository, dir } = await copyOfTemplate();
    await writeFile(path.join(dir, 'knn-neighbours.bin'), 'x');
    await expect(loadStartupArtifacts(repository, captureLogger().logger)).rejects.toThrow(
      /no model version .* loads and verifies:\n\S+: .*knn-neighbours\.bin does not match its checksum/,
    );
  });
});

/**
 * The version history behind rollback (models/HISTORY): rollback returns to the version served
 * before, not the previous name; near-copies are pruned before real earlier versions; an
 * interrupted write leaves CURRENT the truth; a version that does not load can be withdrawn.
 */
import { cp, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { ModelRepository } from '../../src/artifacts/repository.ts';
import { tempDir } from '../support/dataset.ts';
import { publishCopy, trainedModelsTemplate } from '../support/retrain-fixtures.ts';

let template: { datasetDir: string; modelsDir: string };
beforeAll(async () => {
  template = await trainedModelsTemplate(1);
});

/** A repository holding the template's one version, and a way to publish "retrained" versions. */
async function repositoryWithOneVersion(keep = 5) {
  const root = path.join(await tempDir('flickpick-history-'), 'models');
  await cp(template.modelsDir, root, { recursive: true });
  const repository = new ModelRepository(root, keep);
  const first = (await repository.currentVersion())!;
  let fresh = 0;
  /** A version trained on data with this fingerprint (new data by default). */
  const publish = async (fingerprint = `data-${++fresh}`) =>
    publishCopy(repository, (await repository.currentVersion())!, fingerprint);
  return { repository, first, publish };
}

describe('version history', () => {
  it('rolls back to the version served before, not the previous name (B → A, then C → A)', async () => {
    const { repository, first: a, publish } = await repositoryWithOneVersion();
    const b = await publish();
    expect(await repository.rollback()).toBe(a);
    const c = await publish();
    expect(await repository.history()).toEqual([a, c]);
    // The old rule (previous name in sort order) would land on the abandoned B.
    expect((await repository.list()).indexOf(b)).toBe(-1);
    expect(await repository.rollbackTarget()).toBe(a);
    expect(await repository.rollback()).toBe(a);
    expect(await repository.currentVersion()).toBe(a);
    await expect(repository.rollback()).rejects.toThrow('no earlier version');
  });

  it('keeps real earlier versions when near-copies pile up, so rollback can still reach them', async () => {
    const { repository, first: r1, publish } = await repositoryWithOneVersion(3);
    const r2 = await publish('x');
    const r3 = await publish('y');
    // Three more runs on r3's data (an admin's /retrain run on unchanged data): near-copies.
    const copies = [await publish('y'), await publish('y'), await publish('y')];
    expect(await repository.history()).toEqual([r1, r2, copies[2]]);
    expect(await repository.list()).toEqual([r1, r2, copies[2]]);
    expect(await repository.rollback()).toBe(r2);
    expect(await repository.rollback()).toBe(r1);
    expect(r3).not.toBe(copies[2]);
  });

  it('drops the oldest version when the history is full of real ones', async () => {
    const { repository, first, publish } = await repositoryWithOneVersion(2);
    const a = await publish();
    const b = await publish();
    expect(await repository.history()).toEqual([a, b]);
    expect(await repository.list()).not.toContain(first);
  });

  it('trusts CURRENT over HISTORY after a write was interrupted between the two', async () => {
    const { repository, first: a, publish } = await repositoryWithOneVersion();
    const b = await publish();
    const historyFile = path.join(repository.root, 'HISTORY');
    // Killed after HISTORY gained c but before CURRENT named it: c was never served.
    const c = await publish();
    await writeFile(path.join(repository.root, 'CURRENT'), `${b}\n`);
    expect(await repository.history()).toEqual([a, b]);
    // Killed after a rollback popped HISTORY but before CURRENT changed: b is still served.
    await writeFile(historyFile, `${a}\n`);
    expect(await repository.history()).toEqual([a, b]);
    expect(await repository.rollback()).toBe(a);
    expect(await readFile(historyFile, 'utf8')).toBe(`${a}\n`);
    expect(c).not.toBe(b);
  });

  it('withdraws a published version that does not load: CURRENT names the one before it', async () => {
    const { repository, first: a, publish } = await repositoryWithOneVersion();
    const b = await publish();
    expect(await repository.withdraw(b)).toBe(a);
    expect(await repository.currentVersion()).toBe(a);
    expect(await repository.history()).toEqual([a]);
  });
});

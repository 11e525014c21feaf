import { mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { newVersionName, ModelRepository } from '../../src/artifacts/repository.ts';
import { writeFileAtomic } from '../../src/artifacts/files.ts';
import { tempDir } from '../support/dataset.ts';

async function stageAndPublish(repository: ModelRepository): Promise<string> {
  const { version, dir } = await repository.createStaging();
  await writeFile(path.join(dir, 'manifest.json'), JSON.stringify({ version }));
  await repository.publish(version);
  return version;
}

describe('ModelRepository', () => {
  it('names versions so that they sort by time', () => {
    const a = newVersionName(new Date('2026-11-27T03:00:00.000Z'));
    const b = newVersionName(new Date('2026-11-27T03:00:01.000Z'));
    expect(a).toMatch(/^20261127T030000000Z-[0-9a-f]{4}$/);
    expect([b, a].sort()).toEqual([a, b]);
  });

  it('has no current version in an empty folder', async () => {
    const repository = new ModelRepository(await tempDir());
    expect(await repository.currentVersion()).toBeNull();
    expect(await repository.list()).toEqual([]);
    await expect(repository.rollback()).rejects.toThrow('no earlier version');
  });

  it('publishes staged versions, makes the newest current and rolls back', async () => {
    const repository = new ModelRepository(await tempDir());
    const first = await stageAndPublish(repository);
    await new Promise((r) => setTimeout(r, 5)); // version names have millisecond resolution
    const second = await stageAndPublish(repository);
    expect(await repository.list()).toEqual([first, second]);
    expect(await repository.currentVersion()).toBe(second);
    expect(await repository.rollback()).toBe(first);
    expect(await repository.currentVersion()).toBe(first);
    expect(await readFile(path.join(repository.root, 'CURRENT'), 'utf8')).toBe(`${first}\n`);
  });

  it('keeps a rejected version aside with its reason and leaves the current one alone', async () => {
    const repository = new ModelRepository(await tempDir());
    const good = await stageAndPublish(repository);
    const { version } = await repository.createStaging();
    const rejectedDir = await repository.reject(version, 'catalog has 99 movies');
    expect(await readFile(path.join(rejectedDir, 'REJECTED.txt'), 'utf8')).toBe('catalog has 99 movies\n');
    expect(await repository.currentVersion()).toBe(good);
    expect(await repository.list()).toEqual([good]);
  });

  it('keeps the newest 2 rejected versions, and anything in .rejected/ that is not a version', async () => {
    const repository = new ModelRepository(await tempDir());
    const good = await stageAndPublish(repository);
    const rejected: string[] = [];
    for (let i = 0; i < 4; i++) {
      await new Promise((r) => setTimeout(r, 5)); // version names have millisecond resolution
      const { version, dir } = await repository.createStaging();
      await writeFile(path.join(dir, 'dnmf.bin'), 'x'.repeat(1000));
      await repository.reject(version, `attempt ${i}`);
      rejected.push(version);
      if (i === 0) await mkdir(path.join(repository.root, '.rejected', 'kept-by-hand'));
    }
    expect(await repository.rejected()).toEqual(rejected.slice(2));
    expect((await readdir(path.join(repository.root, '.rejected'))).sort()).toEqual(
      [...rejected.slice(2), 'kept-by-hand'].sort(),
    );
    expect(await readFile(path.join(repository.root, '.rejected', rejected[3], 'REJECTED.txt'), 'utf8')).toBe(
      'attempt 3\n',
    );
    expect(await repository.currentVersion()).toBe(good);
    expect(await repository.list()).toEqual([good]);
    await rm(repository.root, { recursive: true, force: true });
  });

  it('keeps only the newest versions of the history, never deleting the current one', async () => {
    const root = await tempDir();
    const names = ['20260101T000000Z-0001', '20260102T000000Z-0002', '20260103T000000Z-0003'];
    for (const name of names) await mkdir(path.join(root, name));
    const repository = new ModelRepository(root, 2);
    // A folder from before HISTORY existed: its order is the names' order up to CURRENT.
    await writeFile(path.join(root, 'CURRENT'), `${names[2]}\n`);
    expect(await repository.history()).toEqual(names);
    const { version, dir } = await repository.createStaging();
    await writeFile(path.join(dir, 'manifest.json'), '{}');
    await repository.publish(version);
    expect(await repository.list()).toEqual([names[2], version]);
    expect(await repository.history()).toEqual([names[2], version]);
  });

  it('cleans only stale staging folders, never a live run’s', async () => {
    const repository = new ModelRepository(await tempDir());
    const live = await repository.createStaging();
    await repository.cleanStaging();
    expect(await readdir(path.dirname(live.dir))).toEqual([live.version]);
    await repository.cleanStaging(0);
    expect(await readdir(path.dirname(live.dir))).toEqual([]);
  });

  it('refuses to point CURRENT at a version that does not exist', async () => {
    const repository = new ModelRepository(await tempDir());
    await expect(repository.setCurrent('20260101T000000Z-dead')).rejects.toThrow('no published version');
  });
});

describe('writeFileAtomic', () => {
  it('replaces the content and leaves no temporary file behind', async () => {
    const dir = await tempDir();
    const file = path.join(dir, 'CURRENT');
    await writeFileAtomic(file, 'a\n');
    await writeFileAtomic(file, 'b\n');
    expect(await readFile(file, 'utf8')).toBe('b\n');
    expect(await readdir(dir)).toEqual(['CURRENT']);
  });
});

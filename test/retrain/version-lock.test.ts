/**
 * Every writer of models/CURRENT takes the same lock: a rollback (from the service, another
 * process, or the CLI) and `npm run train` are refused while a retrain runs, and the two never
 * interleave when they race; a run that loses the lock mid-run, or right before publishing,
 * publishes nothing. Real training processes, a real SQLite store shared as the bot shares it.
 */
import { rm } from 'node:fs/promises';
import path from 'node:path';
import type { Keyv } from 'keyv';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { rollbackCommand } from '../../src/cli/commands/versions.ts';
import { trainWithProgress } from '../../src/cli/commands/train.ts';
import type { CliContext } from '../../src/cli/context.ts';
import type { Config } from '../../src/config.ts';
import { RETRAIN_LOCK } from '../../src/retrain/lease.ts';
import {
  RetrainService,
  VersionLockBusyError,
  type RetrainServiceOptions,
} from '../../src/retrain/service.ts';
import { acquireLock, createStore, releaseLock } from '../../src/store/index.ts';
import { MemberRatings } from '../../src/store/member-ratings.ts';
import { writeDatasetFiles } from '../support/dataset.ts';
import {
  captureLogger,
  FAST_TRAIN,
  publishCopy,
  retrainWorld,
  sameFolders,
  smallDataset,
  testConfig,
  trainedModelsTemplate,
  type RetrainWorld,
} from '../support/retrain-fixtures.ts';

let template: { datasetDir: string; modelsDir: string };
beforeAll(async () => {
  template = await trainedModelsTemplate(1);
});

const cleanups: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  while (cleanups.length > 0) await cleanups.pop()!();
});

/** The config every process of this world shares: the store is the SQLite file the CLI opens too. */
function sharedConfig(world: RetrainWorld): Config {
  return { ...testConfig(world), storeUrl: `sqlite://${path.join(world.dir, 'store.sqlite')}` };
}

function openStore(world: RetrainWorld): Keyv {
  const store = createStore({ url: sharedConfig(world).storeUrl, namespace: 'flickpick' });
  cleanups.push(() => store.disconnect());
  return store;
}

function newService(world: RetrainWorld, options: Partial<RetrainServiceOptions> = {}): RetrainService {
  const service = new RetrainService({
    config: sharedConfig(world),
    logger: captureLogger().logger,
    repository: world.repository,
    models: world.models,
    store: openStore(world),
    trainOptions: FAST_TRAIN,
    ...options,
  });
  cleanups.push(() => service.close());
  return service;
}

function cli(world: RetrainWorld): CliContext {
  return { config: sharedConfig(world), logger: captureLogger().logger, repository: world.repository };
}

/** A world with an earlier version to roll back to and new data to train on. */
async function worldWithTwoVersions(): Promise<RetrainWorld & { earlier: string }> {
  const world = await retrainWorld(template);
  const earlier = world.initialVersion;
  const current = await publishCopy(world.repository, earlier, 'other-data');
  const models = (await sameFolders(world)).models;
  await writeDatasetFiles(world.datasetDir, smallDataset(5));
  return { ...world, models, initialVersion: current, earlier };
}

/** Slow enough to still be running while the test acts on it. */
const SLOW_TRAIN = { dnmf: { ...FAST_TRAIN.dnmf, epochs: 40, patience: 40 } };

/** Another process takes the retrain lock from `service` (as if it had stalled past its lease). */
async function stealLock(store: Keyv, service: RetrainService): Promise<void> {
  await releaseLock(store, RETRAIN_LOCK, service.lockOwner);
  expect(await acquireLock(store, RETRAIN_LOCK, 60_000, 'someone-else')).toBe(true);
}

describe('one lock for every writer of CURRENT', () => {
  it('refuses every rollback and `npm run train` while a run goes on, and changes nothing', async () => {
    const world = await worldWithTwoVersions();
    const service = newService(world, { trainOptions: SLOW_TRAIN });
    const other = newService({ ...world, ...(await sameFolders(world)) });
    const started = await service.start('command');
    if (!started.started) throw new Error('did not start');

    await expect(service.rollback()).rejects.toBeInstanceOf(VersionLockBusyError);
    await expect(other.rollback()).rejects.toBeInstanceOf(VersionLockBusyError);
    await expect(rollbackCommand(cli(world))).rejects.toThrow(
      /rollback is not possible now: a retrain is running/,
    );
    await expect(
      trainWithProgress(sharedConfig(world), world.repository, captureLogger().logger),
    ).rejects.toThrow(/training a new version is not possible now/);
    expect(await world.repository.currentVersion()).toBe(world.initialVersion);

    await service.close();
    await started.done;
    // Once the run is over the lock is free: the CLI rolls back (after checking the target loads).
    await rollbackCommand(cli(world));
    expect(await world.repository.currentVersion()).toBe(world.earlier);
  });

  it('never interleaves a rollback with a run that starts at the same moment', async () => {
    for (let attempt = 0; attempt < 3; attempt++) {
      const world = await worldWithTwoVersions();
      const service = newService(world, { trainOptions: SLOW_TRAIN });
      const other = newService({ ...world, ...(await sameFolders(world)) });
      const [start, rollback] = await Promise.allSettled([service.start('command'), other.rollback()]);
      const ran = start.status === 'fulfilled' && start.value.started;
      const rolledBack = rollback.status === 'fulfilled';
      // Exactly one of the two got the lock; the other was told so.
      expect(ran !== rolledBack).toBe(true);
      if (ran) expect(rollback.status === 'rejected' && rollback.reason).toBeInstanceOf(VersionLockBusyError);
      else expect(start.status === 'fulfilled' && start.value).toMatchObject({ started: false });
      if (rolledBack) expect(await world.repository.currentVersion()).toBe(world.earlier);
      await service.close();
    }
  });

  it('lets `npm run train` publish under the lock, with the members’ ratings, and frees it after', async () => {
    const world = await worldWithTwoVersions();
    const store = openStore(world);
    const movieId = world.models.current.artifacts.catalog[0].movieId;
    await new MemberRatings(store).rate('123456789012345678', movieId, 4.5);
    const [pseudonym] = (await new MemberRatings(store).trainingRatings()).userIds;
    const result = await trainWithProgress(
      sharedConfig(world),
      world.repository,
      captureLogger().logger,
      FAST_TRAIN.dnmf,
    );
    if (!result.published) throw new Error(result.problems.join('; '));
    expect(await world.repository.currentVersion()).toBe(result.version);
    expect(result.manifest.data?.members).toMatchObject({ users: 1, ratings: 1 });
    expect(result.artifacts.dnmf.userRows.has(pseudonym)).toBe(true);
    const service = newService(world);
    const started = await service.start('command');
    expect(started.started).toBe(true);
    await service.close();
  });

  it('refuses a CLI rollback to a version that does not load, before touching CURRENT', async () => {
    const world = await worldWithTwoVersions();
    await rm(path.join(world.repository.versionDir(world.earlier), 'catalog.json'));
    await expect(rollbackCommand(cli(world))).rejects.toThrow(
      new RegExp(
        `cannot roll back to ${world.earlier}, it does not load: .*catalog\\.json is missing\\. Nothing changed`,
      ),
    );
    expect(await world.repository.currentVersion()).toBe(world.initialVersion);
  });
});

describe('a run that loses the lock', () => {
  it('stops mid-run and publishes nothing', async () => {
    const world = await worldWithTwoVersions();
    const log = captureLogger();
    const service = newService(world, { trainOptions: SLOW_TRAIN, leaseTtlMs: 600, logger: log.logger });
    const thief = openStore(world);
    let stolen: Promise<void> | undefined;
    const started = await service.start('command', (p) => {
      if (p.step === 'dnmf') stolen ??= stealLock(thief, service);
    });
    if (!started.started) throw new Error('did not start');
    const summary = await started.done;
    await stolen;
    expect(summary.outcome).toBe('failed');
    expect(summary.error).toBe('the retrain lock was lost (another process holds it); nothing was published');
    expect(await world.repository.currentVersion()).toBe(world.initialVersion);
    expect(await world.repository.list()).toHaveLength(2);
    expect(log.entries.some((e) => e.level === 50 && /lost the retrain lock/.test(String(e.msg)))).toBe(true);
    // The other process's lock was left alone.
    expect(await acquireLock(thief, RETRAIN_LOCK, 1_000, 'a-third-one')).toBe(false);
  });

  it('is refused publication when the lock is gone right before publishing', async () => {
    const world = await worldWithTwoVersions();
    const service = newService(world);
    const thief = openStore(world);
    let stolen: Promise<void> | undefined;
    const started = await service.start('command', (p) => {
      if (p.step === 'write') stolen ??= stealLock(thief, service);
    });
    if (!started.started) throw new Error('did not start');
    const summary = await started.done;
    await stolen;
    // The default lease renews every 20 s, so only the check before publishing can have noticed:
    // it refuses, and the loss also stops the training process, whichever reaches it first.
    expect(['rejected', 'failed']).toContain(summary.outcome);
    expect(`${summary.error} ${summary.problems?.join(' ')}`).toMatch(
      /the retrain lock was lost:? \(?another process holds it/,
    );
    expect(await world.repository.currentVersion()).toBe(world.initialVersion);
    expect(await world.repository.list()).toHaveLength(2);
  });
});

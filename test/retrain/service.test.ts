/**
 * The retrain job end to end with real training processes on a small generated dataset: publish and
 * hot-swap, refusal of a worse model, a killed training process, concurrent triggers (one process
 * and two services on one SQLite file), the nightly schedule on a fake clock, the CURRENT watcher,
 * the persisted summary, and rollback.
 */
import { existsSync, readFileSync } from 'node:fs';
import { readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Keyv } from 'keyv';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { loadArtifacts } from '../../src/artifacts/loader.ts';
import { loadTasteModel } from '../../src/artifacts/taste-model.ts';
import { loadDataset } from '../../src/data/movielens.ts';
import { DnmfModel, type SerializedDnmf } from '../../src/train/dnmf/index.ts';
import { scorePredictor } from '../../src/train/evaluate.ts';
import { HOLDOUT_RULE, splitHoldout } from '../../src/train/holdout.ts';
import { verifyArtifacts } from '../../src/artifacts/verify.ts';
import type { ServingSnapshot } from '../../src/serve/serving-models.ts';
import type { Config } from '../../src/config.ts';
import {
  RetrainService,
  type RetrainProgress,
  type RetrainServiceOptions,
  type RetrainSummary,
} from '../../src/retrain/service.ts';
import { catalogChanges } from '../../src/retrain/records.ts';
import { createEngine } from '../../src/serve/engine.ts';
import { createRng } from '../../src/random.ts';
import { createStore } from '../../src/store/index.ts';
import { writeDatasetFiles } from '../support/dataset.ts';
import {
  captureLogger,
  eventually,
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

/** Everything a test opened, closed after it whatever happened. */
const cleanups: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  vi.useRealTimers();
  while (cleanups.length > 0) await cleanups.pop()!();
});

function openStore(world: RetrainWorld): Keyv {
  const store = createStore({
    url: `sqlite://${path.join(world.dir, 'store.sqlite')}`,
    namespace: 'flickpick',
  });
  cleanups.push(() => store.disconnect());
  return store;
}

function newService(
  world: RetrainWorld,
  options: Partial<RetrainServiceOptions> & { retrain?: Partial<Config['retrain']> } = {},
): RetrainService {
  const { retrain, ...rest } = options;
  const service = new RetrainService({
    config: testConfig(world, retrain),
    logger: captureLogger().logger,
    repository: world.repository,
    models: world.models,
    store: openStore(world),
    trainOptions: FAST_TRAIN,
    ...rest,
  });
  cleanups.push(() => service.close());
  return service;
}

function picksOf(snapshot: ServingSnapshot): number[] {
  return snapshot.artifacts.catalog.slice(0, 3).map((entry) => entry.movieId);
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  // An exited child nobody has reaped yet still answers signal 0.
  try {
    return !/^State:\s+Z/m.test(readFileSync(`/proc/${pid}/status`, 'utf8'));
  } catch {
    return false;
  }
}

async function expectServable(world: RetrainWorld): Promise<void> {
  const dir = await world.repository.currentDir();
  expect(dir).not.toBeNull();
  expect(verifyArtifacts(await loadArtifacts(dir!))).toEqual([]);
}

describe('a retrain that publishes', () => {
  let world: RetrainWorld;
  let second: Awaited<ReturnType<typeof sameFolders>>;
  let service: RetrainService;
  let watching: RetrainService;
  let before: ServingSnapshot;
  let storeA: Keyv;
  let storeB: Keyv;
  let summary: RetrainSummary;
  const progress: RetrainProgress[] = [];
  const log = captureLogger();
  const newData = smallDataset(2);

  beforeAll(async () => {
    world = await retrainWorld(template);
    second = await sameFolders(world);
    before = world.models.current;
    // The next night's data differs, so the new version must recommend differently.
    await writeDatasetFiles(world.datasetDir, newData);
    storeA = createStore({ url: `sqlite://${path.join(world.dir, 'store.sqlite')}`, namespace: 'flickpick' });
    storeB = createStore({ url: `sqlite://${path.join(world.dir, 'store.sqlite')}`, namespace: 'flickpick' });
    const config = testConfig(world);
    service = new RetrainService({
      config,
      logger: log.logger,
      repository: world.repository,
      models: world.models,
      store: storeA,
      trainOptions: FAST_TRAIN,
    });
    // Another bot process on the same folders and store, following CURRENT.
    watching = new RetrainService({
      config,
      logger: captureLogger().logger,
      ...second,
      store: storeB,
      trainOptions: FAST_TRAIN,
    });
    watching.startWatching(50);
    const started = await service.start('command', (p) => progress.push(p));
    if (!started.started) throw new Error(`did not start: ${started.reason}`);
    summary = await started.done;
  });

  afterAll(async () => {
    await service?.close();
    await watching?.close();
    await storeA?.disconnect();
    await storeB?.disconnect();
  });

  it('publishes a new version and swaps it into the running bot', async () => {
    expect(summary.outcome).toBe('published');
    expect(summary.version).not.toBe(world.initialVersion);
    expect(world.models.current.version).toBe(summary.version);
    expect(await world.repository.currentVersion()).toBe(summary.version);
  });

  it('serves recommendations from the new artifacts', async () => {
    const fromDisk = await loadArtifacts(world.repository.versionDir(summary.version!));
    const picks = picksOf(world.models.current);
    const served = world.models.current.engine.recommend(picks, { rng: createRng(7) });
    expect(served).toEqual(createEngine(fromDisk).recommend(picks, { rng: createRng(7) }));
    expect(served).not.toEqual(before.engine.recommend(picks, { rng: createRng(7) }));
    expect(world.models.current.artifacts.catalog).toEqual(fromDisk.catalog);
  });

  it('reports progress from the training process: steps, epochs, validation RMSE', () => {
    expect(new Set(progress.map((p) => p.runId))).toEqual(new Set([summary.runId]));
    const steps = progress.map((p) => p.step).filter((step, i, all) => step !== all[i - 1]);
    expect(steps).toEqual(['load', 'popularity', 'knn', 'watch', 'dnmf', 'write', 'verify']);
    const epochs = progress.filter((p) => p.epoch !== undefined);
    expect(epochs.map((p) => p.epoch)).toEqual([1, 2]);
    expect(epochs.every((p) => p.maxEpochs === 2 && Number.isFinite(p.validationRmse))).toBe(true);
    expect(service.progress).toBeNull();
  });

  it('summarises the run: duration, rows, RMSE before and after, catalog changes', async () => {
    const newVersion = await world.repository.manifest(summary.version!);
    // Both scored on the new data's fixed hold-out, which neither trained on.
    const holdout = splitHoldout((await loadDataset(world.datasetDir)).ratings).holdout;
    const initial = await world.repository.manifest(world.initialVersion);
    const serving = DnmfModel.deserialize(
      (await loadTasteModel(world.repository.versionDir(world.initialVersion), initial.files))
        .dnmf as SerializedDnmf,
    );
    expect(summary).toMatchObject({
      trigger: 'command',
      previousVersion: world.initialVersion,
      rows: newData.ratings.trim().split('\n').length - 1,
      rmseBasis: 'holdout',
      rmseAfter: newVersion.dnmf.metrics.holdoutRmse,
      dataUnchanged: false,
    });
    expect(summary.rmseBefore).toBeCloseTo(scorePredictor(serving, holdout).rmse, 10);
    expect(newVersion.holdout).toEqual({ rule: HOLDOUT_RULE, ratings: holdout.ratings.length });
    expect(holdout.ratings.length).toBeGreaterThan(0);
    expect(summary.durationMs).toBeGreaterThan(0);
    expect(Date.parse(summary.finishedAt)).toBeGreaterThanOrEqual(Date.parse(summary.startedAt));
    const changes = catalogChanges(before.artifacts.catalog, world.models.current.artifacts.catalog);
    expect(summary.catalogChanges).toEqual(changes);
    expect(changes.entered.length + changes.left.length).toBeGreaterThan(0);
    const done = log.entries.find((e) => e.msg?.startsWith('retrain published'));
    expect(done).toMatchObject({
      runId: summary.runId,
      outcome: 'published',
      durationMs: summary.durationMs,
    });
    // The training process's own log lines come back under the run's id.
    expect(log.entries.some((e) => e.from === 'training-process' && e.runId === summary.runId)).toBe(true);
  });

  it('keeps the summary in the store for a restarted bot', async () => {
    const restarted = newService(world);
    expect(await restarted.lastRun()).toEqual(summary);
  });

  it('gives a status: serving version, its metrics and age, the last run', async () => {
    const manifest = await world.repository.manifest(summary.version!);
    const status = await service.status();
    expect(status).toMatchObject({
      serving: { version: summary.version, createdAt: manifest.createdAt, metrics: manifest.dnmf.metrics },
      lastRun: summary,
      progress: null,
      runningHere: false,
    });
    expect(status.serving.ageMs).toBeGreaterThanOrEqual(0);
  });

  it('makes a second process that watches CURRENT swap too', async () => {
    await eventually(() => second.models.current.version === summary.version, 'the watcher to swap');
    expect(second.models.current.artifacts.catalog).toEqual(world.models.current.artifacts.catalog);
  });

  it('rolls back to the previous version in this process and, through CURRENT, in the other', async () => {
    expect(await service.rollback()).toEqual({
      version: world.initialVersion,
      previousVersion: summary.version,
    });
    expect(world.models.current.version).toBe(world.initialVersion);
    expect((await readFile(path.join(world.repository.root, 'CURRENT'), 'utf8')).trim()).toBe(
      world.initialVersion,
    );
    await eventually(
      () => second.models.current.version === world.initialVersion,
      'the watcher to roll back',
    );
    await expect(service.rollback()).rejects.toThrow('no earlier version');
    expect(world.models.current.version).toBe(world.initialVersion);
  });
});

describe('a retrain that must not publish', () => {
  it('refuses a model whose validation RMSE is worse than allowed, and keeps serving', async () => {
    const world = await retrainWorld(template);
    // A negative margin demands an impossible improvement: the accept hook must refuse.
    const service = newService(world, { retrain: { maxRmseIncrease: -10 } });
    const started = await service.start('command');
    if (!started.started) throw new Error('did not start');
    const summary = await started.done;
    expect(summary.outcome).toBe('rejected');
    expect(summary.problems?.join('\n')).toMatch(/hold-out RMSE .* worse than the serving version/);
    expect(summary.rmseAfter).toBeGreaterThan(0);
    expect(existsSync(path.join(summary.rejectedDir!, 'REJECTED.txt'))).toBe(true);
    expect(path.basename(summary.rejectedDir!)).toBe(summary.version);
    expect(world.models.current.version).toBe(world.initialVersion);
    expect(await world.repository.currentVersion()).toBe(world.initialVersion);
    expect(await world.repository.list()).toEqual([world.initialVersion]);
    await expectServable(world);
    expect(await service.lastRun()).toEqual(summary);
  });

  it('fails cleanly on data it cannot read, and keeps serving', async () => {
    const world = await retrainWorld(template);
    await rm(path.join(world.datasetDir, 'ratings.csv'));
    const service = newService(world);
    const started = await service.start('command');
    if (!started.started) throw new Error('did not start');
    const summary = await started.done;
    expect(summary.outcome).toBe('failed');
    expect(summary.error).toMatch(/ratings/);
    expect(world.models.current.version).toBe(world.initialVersion);
    await expectServable(world);
  });

  it('fails cleanly when the training process dies before reporting', async () => {
    const world = await retrainWorld(template);
    const service = newService(world, { workerModule: path.join(world.dir, 'no-such-worker.ts') });
    const started = await service.start('command');
    if (!started.started) throw new Error('did not start');
    const summary = await started.done;
    expect(summary).toMatchObject({ outcome: 'failed', previousVersion: world.initialVersion });
    expect(summary.error).toMatch(/exited with code 1 without a result/);
    expect(world.models.current.version).toBe(world.initialVersion);
  });

  it('survives kill -9 of the training process: outcome failed, old version serving, lock free', async () => {
    const world = await retrainWorld(template);
    await writeDatasetFiles(world.datasetDir, smallDataset(3));
    const service = newService(world, {
      trainOptions: { dnmf: { ...FAST_TRAIN.dnmf, epochs: 50, patience: 50 } },
    });
    let killed = false;
    const started = await service.start('command', (p) => {
      if (p.step === 'dnmf' && !killed) {
        killed = true;
        process.kill(service.workerPid!, 'SIGKILL');
      }
    });
    if (!started.started) throw new Error('did not start');
    const summary = await started.done;
    expect(killed).toBe(true);
    expect(summary).toMatchObject({ outcome: 'failed', previousVersion: world.initialVersion });
    expect(summary.error).toMatch(/killed by SIGKILL/);
    expect(world.models.current.version).toBe(world.initialVersion);
    expect(await world.repository.currentVersion()).toBe(world.initialVersion);
    await expectServable(world);
    expect(world.models.current.engine.recommend(picksOf(world.models.current)).hiddenGems).toHaveLength(5);
    // The lock was released: the next trigger starts.
    const again = await service.start('command');
    expect(again.started).toBe(true);
  });
});

describe('concurrent triggers', () => {
  it('runs once in one process: a second trigger is told a run is going on', async () => {
    const world = await retrainWorld(template);
    const service = newService(world);
    const [first, second] = await Promise.all([service.start('command'), service.start('schedule')]);
    expect(first.started).toBe(true);
    expect(second).toMatchObject({ started: false, reason: 'running-here' });
    const third = await service.start('command');
    expect(third).toMatchObject({ started: false, reason: 'running-here', progress: { trigger: 'command' } });
    if (!first.started) throw new Error('unreachable');
    expect(third.started === false && third.progress?.runId).toBe(first.runId);

    await eventually(() => service.workerPid !== undefined, 'the training process to start');
    const pid = service.workerPid!;
    await service.close();
    const summary = await first.done;
    expect(summary.outcome).toBe('failed');
    expect(summary.error).toMatch(/closed/);
    await eventually(() => !isRunning(pid), 'the training process to exit');
    await expectServable(world);
  });

  it('runs once across two services sharing one SQLite store', async () => {
    const world = await retrainWorld(template);
    const other = await sameFolders(world);
    const a = newService(world);
    const b = newService({ ...world, ...other });
    const first = await a.start('command');
    expect(first.started).toBe(true);
    const second = await b.start('command');
    expect(second).toMatchObject({ started: false, reason: 'running-elsewhere' });
    if (!first.started || second.started) throw new Error('unreachable');
    expect(second.progress?.runId).toBe(first.runId);
    // The other service's status shows the run going on elsewhere.
    expect(await b.status()).toMatchObject({ progress: { runId: first.runId }, runningHere: false });

    await a.close();
    await first.done;
    // The lock was released when the first run ended, so the other service may run now.
    const third = await b.start('command');
    expect(third.started).toBe(true);
  });
});

describe('nightly schedule', () => {
  it('fires the retrain job at the scheduled time, on one of two services sharing the store', async () => {
    const world = await retrainWorld(template);
    const other = await sameFolders(world);
    const summaries: RetrainSummary[] = [];
    let notified!: () => void;
    const notification = new Promise<void>((resolve) => (notified = resolve));
    const notify = async (summary: RetrainSummary) => {
      summaries.push(summary);
      notified();
    };
    // New data since the serving version, or the nightly run would be skipped.
    await writeDatasetFiles(world.datasetDir, smallDataset(4));
    const a = newService(world, { notify, retrain: { cron: '0 3 * * *', timezone: 'Europe/Paris' } });
    const b = newService(
      { ...world, ...other },
      { notify, retrain: { cron: '0 3 * * *', timezone: 'Europe/Paris' } },
    );

    // Only the clock is fake; the training process and the store stay real.
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'Date'] });
    vi.setSystemTime(new Date('2026-03-10T01:59:58.500Z')); // 02:59:58.5 in Paris (UTC+1 in March)
    a.scheduleNightly();
    b.scheduleNightly();
    await vi.advanceTimersByTimeAsync(1_000);
    expect(a.progress ?? b.progress).toBeNull();
    await vi.advanceTimersByTimeAsync(1_000);
    const running = [a.progress, b.progress].filter((p) => p !== null);
    expect(running).toHaveLength(1);
    expect(running[0]).toMatchObject({ trigger: 'schedule', startedAt: '2026-03-10T02:00:00.000Z' });
    vi.useRealTimers();

    await notification;
    expect(summaries).toHaveLength(1);
    expect(summaries[0]).toMatchObject({ trigger: 'schedule', outcome: 'published' });
    expect(
      world.models.current.version === summaries[0].version ||
        other.models.current.version === summaries[0].version,
    ).toBe(true);
  });

  it('skips the nightly run while a /retrain run is in progress', async () => {
    const world = await retrainWorld(template);
    const log = captureLogger();
    const notify = vi.fn(async () => {});
    const service = newService(world, { logger: log.logger, notify });
    const manual = await service.start('command');
    expect(manual.started).toBe(true);

    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'Date'] });
    vi.setSystemTime(new Date('2026-03-10T02:59:59.000Z'));
    service.scheduleNightly();
    await vi.advanceTimersByTimeAsync(2_000);
    vi.useRealTimers();

    await eventually(
      () => log.entries.some((e) => e.msg?.startsWith('nightly retrain skipped')),
      'the skip to be logged',
    );
    expect(service.progress?.trigger).toBe('command');
    await service.close();
    expect(notify).not.toHaveBeenCalled();
  });
});

describe('watching CURRENT', () => {
  it('follows a version published elsewhere and a CLI rollback, and refuses a broken one', async () => {
    const world = await retrainWorld(template);
    const log = captureLogger();
    const service = newService(world, { logger: log.logger });
    service.startWatching(20);
    // Another process publishes (a copy of the current version under a new name is enough here).
    const elsewhere = await sameFolders(world);
    const published = await publishCopy(elsewhere.repository, world.initialVersion);
    await eventually(() => world.models.current.version === published, 'the watcher to swap');

    // `npm run cli rollback` in a shell: the bot follows.
    expect(await elsewhere.repository.rollback()).toBe(world.initialVersion);
    await eventually(() => world.models.current.version === world.initialVersion, 'the watcher to roll back');

    // CURRENT naming a version that does not load: the watcher says so and keeps serving.
    const { version: broken, dir } = await elsewhere.repository.createStaging();
    await writeFile(path.join(dir, 'manifest.json'), '{ not json');
    await elsewhere.repository.publish(broken);
    await eventually(
      () => log.entries.some((e) => e.level >= 50 && String(e.msg).includes('still serving the old one')),
      'the watcher to report the broken version',
    );
    expect(world.models.current.version).toBe(world.initialVersion);
    expect(world.models.current.engine.recommend(picksOf(world.models.current)).popularPicks).toHaveLength(5);
  });
});

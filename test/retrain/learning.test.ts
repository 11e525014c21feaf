/**
 * Retraining that learns (issue 10 item 5), at the service level with real training processes:
 * members' ratings become training users under pseudonymous ids, with no Discord id in the request
 * to the training process, the version folder or the logs; a forgotten member is gone from the
 * next version; the nightly run is skipped when nothing changed, an admin's run is not.
 */
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Keyv } from 'keyv';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Manifest } from '../../src/artifacts/types.ts';
import { loadTasteModel } from '../../src/artifacts/taste-model.ts';
import { summaryText } from '../../src/bot/retrain-messages.ts';
import { loadDataset } from '../../src/data/movielens.ts';
import { RetrainService, type RetrainSummary } from '../../src/retrain/service.ts';
import { createStore } from '../../src/store/index.ts';
import { MEMBER_USER_ID_BASE, MemberRatings } from '../../src/store/member-ratings.ts';
import { splitHoldout } from '../../src/train/holdout.ts';
import {
  captureLogger,
  FAST_TRAIN,
  retrainWorld,
  testConfig,
  trainedModelsTemplate,
  type RetrainWorld,
} from '../support/retrain-fixtures.ts';

const ALICE = '123456789012345678';
const BOB = '876543210987654321';
const recordingWorker = fileURLToPath(new URL('../support/recording-worker.ts', import.meta.url));

let world: RetrainWorld;
let store: Keyv;
let members: MemberRatings;
const log = captureLogger();
const notified: RetrainSummary[] = [];
let service: RetrainService;

beforeAll(async () => {
  world = await retrainWorld(await trainedModelsTemplate(1));
  store = createStore({ url: `sqlite://${path.join(world.dir, 'store.sqlite')}`, namespace: 'flickpick' });
  members = new MemberRatings(store);
  service = new RetrainService({
    config: testConfig(world),
    logger: log.logger,
    repository: world.repository,
    models: world.models,
    store,
    trainOptions: FAST_TRAIN,
    notify: async (summary) => void notified.push(summary),
  });
});

afterAll(async () => {
  await service?.close();
  await store?.disconnect();
});

async function run(trigger: 'command' | 'schedule'): Promise<RetrainSummary> {
  const started = await service.start(trigger);
  if (!started.started) throw new Error(`did not start: ${started.reason}`);
  return started.done;
}

async function trainingUsers(version: string): Promise<number[]> {
  const { files } = await world.repository.manifest(version);
  const { dnmf } = await loadTasteModel(world.repository.versionDir(version), files);
  return Array.from((dnmf.meta as { userIds: ArrayLike<number> }).userIds);
}

/** Every byte of every file of a version, and every log line so far, searched for the text. */
async function foundAnywhere(version: string, text: string): Promise<string[]> {
  const dir = world.repository.versionDir(version);
  const hits: string[] = [];
  for (const name of await readdir(dir)) {
    if ((await readFile(path.join(dir, name))).includes(text)) hits.push(name);
  }
  if (JSON.stringify(log.entries).includes(text)) hits.push('log');
  return hits;
}

describe('retraining that learns', () => {
  let pseudonyms: { alice: number; bob: number };
  let first: RetrainSummary;

  it('sends members’ ratings to the training process under pseudonymous ids only', async () => {
    const catalog = world.models.current.artifacts.catalog.map((e) => e.movieId);
    for (const [i, movieId] of catalog.slice(0, 6).entries()) await members.rate(ALICE, movieId, 5 - (i % 4));
    for (const movieId of catalog.slice(10, 14)) await members.rate(BOB, movieId, 2);
    await members.mark(BOB, catalog[20], 'seen'); // a mark is not a rating: not training data
    const training = await members.trainingRatings();
    pseudonyms = { alice: training.userIds[0], bob: training.userIds[training.userIds.length - 1] };
    expect(pseudonyms.alice).toBeGreaterThanOrEqual(MEMBER_USER_ID_BASE);
    expect(pseudonyms.bob).not.toBe(pseudonyms.alice);

    const recording = new RetrainService({
      config: testConfig(world),
      logger: captureLogger().logger,
      repository: world.repository,
      models: world.models,
      store,
      workerModule: recordingWorker,
    });
    const started = await recording.start('command');
    if (!started.started) throw new Error('did not start');
    expect((await started.done).outcome).toBe('failed');
    await recording.close();
    const request = await readFile(path.join(world.dir, 'request.json'), 'utf8');
    const sent = JSON.parse(request) as { members: { userIds: number[]; ratings: number[] } };
    expect(sent.members.userIds).toEqual(Array.from(training.userIds));
    expect(sent.members.ratings).toHaveLength(10);
    expect(request).not.toContain(ALICE);
    expect(request).not.toContain(BOB);
  });

  it('trains them in as extra users; no Discord id in the version folder or the logs', async () => {
    first = await run('command');
    expect(first).toMatchObject({ outcome: 'published', memberRatings: 10, dataUnchanged: false });
    const users = await trainingUsers(first.version!);
    expect(users).toContain(pseudonyms.alice);
    expect(users).toContain(pseudonyms.bob);
    const manifest = await world.repository.manifest(first.version!);
    expect(manifest.data?.members).toMatchObject({ users: 2, ratings: 10 });
    expect(manifest.dataset.rows.memberRatings).toBe(10);
    // Members' ratings are never in the hold-out: it is MovieLens's own.
    const movielens = (await loadDataset(world.datasetDir)).ratings;
    expect(manifest.holdout?.ratings).toBe(splitHoldout(movielens).holdout.ratings.length);
    expect(await foundAnywhere(first.version!, ALICE)).toEqual([]);
    expect(await foundAnywhere(first.version!, BOB)).toEqual([]);
    // The served version knows the member.
    expect(world.models.current.version).toBe(first.version);
  });

  it('skips the nightly run when neither the dataset nor members’ ratings changed, and says so', async () => {
    const versions = await world.repository.list();
    const summary = await run('schedule');
    expect(summary).toMatchObject({
      outcome: 'skipped',
      dataUnchanged: true,
      previousVersion: first.version,
    });
    expect(await world.repository.list()).toEqual(versions);
    expect(
      log.entries.some(
        (e) =>
          e.runId === summary.runId &&
          e.msg ===
            `nightly retrain skipped: neither the dataset nor members' ratings changed since ${first.version}`,
      ),
    ).toBe(true);
    expect(summaryText(summary, world.models.current.artifacts)).toMatch(/^⏭️ Nightly retrain `\S+` skipped/);
    await expect.poll(() => notified.map((s) => s.runId)).toContain(summary.runId);
    expect(await service.lastRun()).toEqual(summary);
  });

  it('still runs an admin’s /retrain run on unchanged data, and the summary says the data is unchanged', async () => {
    const summary = await run('command');
    expect(summary.outcome).not.toBe('skipped');
    expect(summary.dataUnchanged).toBe(true);
    expect(summaryText(summary, world.models.current.artifacts)).toContain(
      'Data unchanged since the serving version',
    );
  });

  it('after /forget-me and another retrain, that member is gone from the new version', async () => {
    await members.forget(ALICE);
    const summary = await run('schedule'); // members' ratings changed: the nightly run trains
    expect(summary).toMatchObject({ outcome: 'published', memberRatings: 4, dataUnchanged: false });
    const users = await trainingUsers(summary.version!);
    expect(users).not.toContain(pseudonyms.alice);
    expect(users).toContain(pseudonyms.bob);
    const manifest: Manifest = await world.repository.manifest(summary.version!);
    expect(manifest.data?.members).toMatchObject({ users: 1, ratings: 4 });
    expect(world.models.current.version).toBe(summary.version);
  });
});

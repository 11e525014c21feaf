/**
 * kill -9 of a whole bot process at varied moments of training and publishing: the models folder
 * must always have a current version that loads and verifies. Also: a training process whose bot
 * dies exits by itself instead of living on as an orphan.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadArtifacts } from '../../src/artifacts/loader.ts';
import { verifyArtifacts } from '../../src/artifacts/verify.ts';
import type { ModelRepository } from '../../src/artifacts/repository.ts';
import {
  eventually,
  retrainWorld,
  trainedModelsTemplate,
  type RetrainWorld,
} from '../support/retrain-fixtures.ts';
import { writeDatasetFiles } from '../support/dataset.ts';
import { smallDataset } from '../support/retrain-fixtures.ts';

const child = fileURLToPath(new URL('../support/retrain-crash-child.ts', import.meta.url));

let template: { datasetDir: string; modelsDir: string };
beforeAll(async () => {
  template = await trainedModelsTemplate(1);
});

interface Bot {
  process: ChildProcess;
  /** Resolves with the first stdout line matching `pattern`. */
  waitFor(pattern: RegExp): Promise<string>;
  exited: Promise<void>;
}

function startBot(args: string[]): Bot {
  const proc = spawn(process.execPath, ['--import', 'tsx', child, ...args], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const lines: string[] = [];
  const waiters: Array<{ pattern: RegExp; resolve: (line: string) => void }> = [];
  createInterface({ input: proc.stdout! }).on('line', (line) => {
    lines.push(line);
    for (const waiter of waiters.filter((w) => w.pattern.test(line))) {
      waiters.splice(waiters.indexOf(waiter), 1);
      waiter.resolve(line);
    }
  });
  const exited = new Promise<void>((resolve) => proc.once('exit', () => resolve()));
  return {
    process: proc,
    exited,
    waitFor: (pattern) =>
      new Promise((resolve, reject) => {
        const seen = lines.find((line) => pattern.test(line));
        if (seen) return resolve(seen);
        waiters.push({ pattern, resolve });
        void exited.then(() => reject(new Error(`child exited before printing ${pattern}`)));
      }),
  };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function killAndCheck(bot: Bot, repository: ModelRepository): Promise<string> {
  bot.process.kill('SIGKILL');
  await bot.exited;
  const dir = await repository.currentDir();
  expect(dir).not.toBeNull();
  // What the bot does at start-up; it must work whatever moment the kill hit.
  const artifacts = await loadArtifacts(dir!);
  expect(verifyArtifacts(artifacts)).toEqual([]);
  expect(artifacts.manifest.version).toBe(path.basename(dir!));
  await repository.cleanStaging(); // what the next retrain does first
  return artifacts.manifest.version;
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return !/^State:\s+Z/m.test(readFileSync(`/proc/${pid}/status`, 'utf8'));
  } catch {
    return false;
  }
}

describe('kill -9 of a whole process', () => {
  it('mid-publish, at varied moments, always leaves a loadable current version', async () => {
    // Publishing copies in a tight loop makes a kill at any moment likely to land inside publish()
    // (rename into place, fsync, CURRENT replacement, pruning).
    const delaysMs = [0, 5, 20, 60, 150];
    const worlds = await Promise.all(delaysMs.map(() => retrainWorld(template)));
    const served = await Promise.all(
      delaysMs.map(async (delay, i) => {
        const bot = startBot(['publish-loop', worlds[i].repository.root]);
        await bot.waitFor(/^ready /);
        await sleep(delay);
        return killAndCheck(bot, worlds[i].repository);
      }),
    );
    // The loop really did publish: most tries end on a version newer than the initial one.
    expect(served.filter((version, i) => version !== worlds[i].initialVersion).length).toBeGreaterThan(0);
  });

  it('while training, writing or verifying a new version, leaves a loadable current version', async () => {
    const moments: Array<[RegExp, number]> = [
      [/^step write/, 0],
      [/^step verify/, 0],
      [/^step verify/, 15],
    ];
    const worlds: RetrainWorld[] = await Promise.all(moments.map(() => retrainWorld(template)));
    await Promise.all(
      moments.map(async ([moment, delay], i) => {
        await writeDatasetFiles(worlds[i].datasetDir, smallDataset(10 + i));
        const bot = startBot(['train-loop', worlds[i].datasetDir, worlds[i].repository.root]);
        await bot.waitFor(moment);
        await sleep(delay);
        await killAndCheck(bot, worlds[i].repository);
      }),
    );
  });

  it('takes the training process down with it (no orphan), and the old version keeps loading', async () => {
    const world = await retrainWorld(template);
    const bot = startBot([
      'service',
      world.datasetDir,
      world.repository.root,
      path.join(world.dir, 'store.sqlite'),
    ]);
    const worker = Number((await bot.waitFor(/^worker \d+/)).split(' ')[1]);
    expect(isRunning(worker)).toBe(true);
    expect(await killAndCheck(bot, world.repository)).toBe(world.initialVersion);
    await eventually(() => !isRunning(worker), 'the orphaned training process to exit');
  });
});

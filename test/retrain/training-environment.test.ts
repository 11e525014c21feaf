import { readFile, rm } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { trainingEnvironment } from '../../src/retrain/training-environment.ts';
import { startTrainingProcess } from '../../src/retrain/training-process.ts';
import type { TrainRequest } from '../../src/retrain/protocol.ts';
import { tempDir } from '../support/dataset.ts';

const recordingWorker = fileURLToPath(new URL('../support/recording-worker.ts', import.meta.url));

const SECRETS = {
  DISCORD_TOKEN: 'MTEwMDAwMDAwMDAwMDAwMDAwMQ.ZmFrZQ.xxxxxxxxxxxxxxxxxxxxxxxxxxx',
  TMDB_API_KEY: '0123456789abcdef0123456789abcdef',
  TMDB_READ_TOKEN: 'eyJhbGciOiJIUzI1NiJ9.eyJhdWQiOiJmYWtlIn0.c2lnbmF0dXJl',
  STORE_URL: 'redis://:password@127.0.0.1:6379',
  ADMIN_USER_IDS: '1100000000000000777',
  RETRAIN_CHANNEL_ID: '1100000000000000200',
  AWS_SECRET_ACCESS_KEY: 'anything-else-too',
};

describe('the training process environment', () => {
  let dir: string | undefined;
  const saved = { ...process.env };
  afterEach(async () => {
    process.env = { ...saved };
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('is an allow-list: paths, locale, Node and dataset settings, nothing secret', () => {
    const env = trainingEnvironment({
      ...SECRETS,
      PATH: '/usr/bin',
      HOME: '/home/bot',
      TZ: 'UTC',
      LANG: 'C.UTF-8',
      LC_ALL: 'C.UTF-8',
      NODE_OPTIONS: '--max-old-space-size=4096',
      LOG_LEVEL: 'debug',
      MOVIELENS_DIR: '/data/ml',
      MODELS_DIR: '/models',
      TF_NUM_INTRAOP_THREADS: '2',
    });
    expect(Object.keys(env).sort()).toEqual(
      [
        'PATH',
        'HOME',
        'TZ',
        'LANG',
        'LC_ALL',
        'NODE_OPTIONS',
        'LOG_LEVEL',
        'MOVIELENS_DIR',
        'MODELS_DIR',
        'TF_NUM_INTRAOP_THREADS',
      ].sort(),
    );
  });

  it('reaches the forked training process without DISCORD_TOKEN, TMDB keys or STORE_URL', async () => {
    Object.assign(process.env, SECRETS);
    dir = await tempDir('flickpick-training-env-');
    const training = startTrainingProcess({
      workerModule: recordingWorker,
      request: { modelsDir: path.join(dir, 'models') } as TrainRequest,
      onProgress: () => {},
      onLog: () => {},
      mayPublish: async () => {},
    });
    await expect(training.outcome).rejects.toThrow('recording worker: request saved');
    const env = JSON.parse(await readFile(path.join(dir, 'env.json'), 'utf8')) as Record<string, string>;
    expect(env.PATH).toBe(process.env.PATH);
    const text = JSON.stringify(env);
    for (const [name, value] of Object.entries(SECRETS)) {
      expect(env[name]).toBeUndefined();
      expect(text).not.toContain(value);
    }
  });
});

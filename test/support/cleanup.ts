/**
 * Set up before every test file (vitest.config.ts setupFiles): once the file's tests and its own after-hooks
 * are done (hooks run in stack order, so this one last), every folder it made with tempDir is removed.
 */
import { rm } from 'node:fs/promises';
import { afterAll } from 'vitest';
import { createdTempDirs } from './dataset.ts';

afterAll(async () => {
  const dirs = createdTempDirs.splice(0);
  await Promise.all(dirs.map((dir) => rm(dir, { recursive: true, force: true, maxRetries: 3 })));
});

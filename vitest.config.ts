import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Removes the temporary folders each test file made (test/support/cleanup.ts).
    setupFiles: ['test/support/cleanup.ts'],
    // Training on the real dataset and end-to-end gateway tests take seconds, not milliseconds.
    testTimeout: 120_000,
    hookTimeout: 120_000,
    pool: 'forks',
    // Every bot the tests start logs to one folder; after the run it is scanned for tokens, keys and
    // Discord ids, and any found fails the run (test/support/log-scan).
    globalSetup: ['test/support/log-scan/global-setup.ts'],
  },
});

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
  },
});

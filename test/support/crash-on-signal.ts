// Preloaded (node --import) into a bot process by test/e2e/operations.test.ts: on SIGUSR2 the
// process fails the way a bug would, outside any handler, so the test sees what the supervisor sees.
process.on('SIGUSR2', () => {
  if (process.env.FLICKPICK_TEST_FAILURE === 'exception') {
    setImmediate(() => {
      throw new Error('injected uncaught exception');
    });
  } else {
    void Promise.reject(new Error('injected unhandled rejection'));
  }
});

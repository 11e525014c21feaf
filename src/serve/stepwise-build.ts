/**
 * An index built in small steps (a few milliseconds each) that is either pumped between other work from
 * now on, or finished at once by whoever needs it first. The big per-version indexes (the search over every
 * title for /rate, the title matcher for /import) take a second or two of CPU on ml-32m: built in the
 * background they delay nothing, and a request arriving before the build is done completes it on the spot,
 * with the same result as a build all at once.
 */
export interface StepwiseBuild<T> {
  /** Does one step; the result once the last step is done. */
  step(): T | undefined;
  /** Does every remaining step. */
  finish(): T;
}

/** The built value on first call; with `background`, built in steps between other work from now on. */
export function lazyStepwise<T>(start: () => StepwiseBuild<T>, background: boolean): () => T {
  let build: StepwiseBuild<T> | undefined;
  let built: T | undefined;
  const started = () => (build ??= start());
  if (background) {
    const pump = () => {
      if (built !== undefined) return;
      built = started().step();
      if (built === undefined) setImmediate(pump);
    };
    setImmediate(pump);
  }
  return () => (built ??= started().finish());
}

/** A build written as a generator that yields between steps and returns the index. */
export function stepsOf<T>(steps: Generator<void, T>): StepwiseBuild<T> {
  let done: T | undefined;
  const step = () => {
    if (done === undefined) {
      const next = steps.next();
      if (next.done) done = next.value;
    }
    return done;
  };
  return {
    step,
    finish() {
      for (;;) {
        const value = step();
        if (value !== undefined) return value;
      }
    },
  };
}

/** The whole build, one step per turn of the event loop (for a version being swapped in while the bot runs). */
export async function buildGently<T>(build: StepwiseBuild<T>): Promise<T> {
  for (;;) {
    const value = build.step();
    if (value !== undefined) return value;
    await new Promise((resolve) => setImmediate(resolve));
  }
}

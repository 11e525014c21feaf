/**
 * Runs one training in a child process (worker.ts) and turns its messages into callbacks and one
 * promise. The child runs what the parent runs (src/child-module.ts): compiled worker.js from dist/,
 * or worker.ts with tsx's loader under `npm run dev` and vitest, from any working directory.
 */
import { fork, type ChildProcess } from 'node:child_process';
import os from 'node:os';
import { execArgvFor, siblingModule } from '../child-module.ts';
import type { TrainProgress } from '../train/pipeline.ts';
import type { PublishPermission, TrainOutcome, TrainRequest, WorkerMessage } from './protocol.ts';
import { trainingEnvironment } from './training-environment.ts';

export const DEFAULT_WORKER_MODULE = siblingModule(import.meta.url, 'worker');

/** The training process ended without a result: killed, crashed or failed to start. */
export class TrainingProcessError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TrainingProcessError';
  }
}

export interface TrainingProcessOptions {
  workerModule?: string;
  request: TrainRequest;
  onProgress: (progress: TrainProgress) => void;
  /** A JSON log line from the worker's pino logger. */
  onLog: (line: string) => void;
  /**
   * Asked right before the child publishes; resolving lets it publish, throwing refuses with the
   * error's message (the retrain run confirms its version lock here).
   */
  mayPublish: () => Promise<void>;
}

export interface TrainingProcess {
  readonly pid: number | undefined;
  /** Resolves once the child has exited after reporting; rejects if it exited without doing so. */
  readonly outcome: Promise<TrainOutcome>;
  /** Asks the child to stop (SIGTERM), then forces it (SIGKILL) if it is still there after graceMs. */
  stop(graceMs?: number): Promise<void>;
}

export function startTrainingProcess(options: TrainingProcessOptions): TrainingProcess {
  const workerModule = options.workerModule ?? DEFAULT_WORKER_MODULE;
  const child: ChildProcess = fork(workerModule, [], {
    execArgv: execArgvFor(workerModule),
    // An allow-list: no DISCORD_TOKEN, TMDB key or STORE_URL in the child (training-environment.ts).
    env: trainingEnvironment(),
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  // Training is batch work: at the lowest priority it only takes CPU the bot is not using, so
  // answers and heartbeats keep their latency on a busy machine (measured in BENCHMARKS.md).
  if (child.pid !== undefined) {
    try {
      os.setPriority(child.pid, os.constants.priority.PRIORITY_LOW);
    } catch {
      // Not permitted on some systems; training then simply shares the CPU evenly.
    }
  }
  let exited = false;
  const exit = new Promise<void>((resolve) => child.once('exit', () => resolve()));

  const answerMayPublish = () => {
    void options
      .mayPublish()
      .then(
        () => ({ type: 'publish-permission', granted: true }) satisfies PublishPermission,
        (error: unknown) =>
          ({
            type: 'publish-permission',
            granted: false,
            reason: error instanceof Error ? error.message : String(error),
          }) satisfies PublishPermission,
      )
      .then((answer) => {
        if (child.connected) child.send(answer);
      });
  };

  const outcome = new Promise<TrainOutcome>((resolve, reject) => {
    let result: TrainOutcome | undefined;
    let failure: string | undefined;
    child.on('message', (message: WorkerMessage) => {
      if (message.type === 'progress') options.onProgress(message.progress);
      else if (message.type === 'log') options.onLog(message.line);
      else if (message.type === 'may-publish') answerMayPublish();
      else if (message.type === 'result') result = message.outcome;
      else if (message.type === 'error') failure = message.message;
    });
    // 'exit' rather than the result message settles the promise, so no caller ever moves on while
    // the child might still be touching the models folder.
    child.once('exit', (code, signal) => {
      exited = true;
      if (result) return resolve(result);
      if (failure) return reject(new Error(failure));
      reject(
        new TrainingProcessError(
          signal
            ? `the training process was killed by ${signal}`
            : `the training process exited with code ${code} without a result`,
        ),
      );
    });
    // Only when the process could not be started (or signalled); 'exit' may then never come.
    child.once('error', (error) => {
      if (child.pid === undefined) {
        exited = true;
        reject(new TrainingProcessError(`could not start the training process: ${error.message}`));
      }
    });
  });
  outcome.catch(() => {}); // The caller awaits it; this only keeps an early rejection from being "unhandled".

  child.send(options.request);

  return {
    get pid() {
      return child.pid;
    },
    outcome,
    async stop(graceMs = 5_000) {
      if (exited || child.pid === undefined) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
      await exit;
      clearTimeout(timer);
    },
  };
}

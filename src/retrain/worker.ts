/**
 * The training process of a retrain, forked by training-process.ts with tsx as loader. It receives
 * one TrainRequest, runs the whole pipeline (train, write, verify, publish or reject) and reports
 * progress, logs and the outcome to the parent over IPC, then exits. Keeping this CPU-heavy work
 * out of the bot's process is what keeps the bot answering while it runs.
 */
import pino from 'pino';
import { ModelRepository } from '../artifacts/repository.ts';
import { trainVersion, type TrainResult } from '../train/pipeline.ts';
import type { TrainOutcome, TrainRequest, WorkerMessage } from './protocol.ts';
import { rmseGate } from './rmse-gate.ts';

function send(message: WorkerMessage): Promise<void> {
  return new Promise((resolve) => {
    if (!process.send || !process.connected) return resolve();
    process.send(message, undefined, undefined, () => resolve());
  });
}

function portable(result: TrainResult): TrainOutcome {
  if (result.published) return { published: true, version: result.version, manifest: result.manifest };
  const { version, manifest, problems, rejectedDir } = result;
  return { published: false, version, manifest, problems, rejectedDir };
}

async function train(request: TrainRequest): Promise<TrainOutcome> {
  // Log lines go to the parent, which logs them under the run's id with its own logger.
  const logger = pino(
    { level: request.logLevel, base: undefined },
    { write: (line: string) => void send({ type: 'log', line }) },
  );
  const result = await trainVersion({
    ...request.options,
    datasetDir: request.datasetDir,
    repository: new ModelRepository(request.modelsDir, request.keep),
    logger,
    onProgress: (progress) => void send({ type: 'progress', progress }),
    accept: rmseGate(request.servingRmse, request.maxRmseIncrease),
  });
  return portable(result);
}

if (!process.send) {
  console.error('src/retrain/worker.ts is started by the retrain service (child_process.fork), not by hand.');
  process.exit(2);
}

// Without its parent nobody would use the result, and an orphan would keep burning CPU. A kill
// here, even mid-publish, is safe: publishing is a rename plus an atomic CURRENT replacement.
process.on('disconnect', () => process.exit(1));

process.once('message', (request: TrainRequest) => {
  train(request).then(
    async (outcome) => {
      await send({ type: 'result', outcome });
      process.exit(0);
    },
    async (error: unknown) => {
      const { message, stack } = error instanceof Error ? error : new Error(String(error));
      await send({ type: 'error', message, stack });
      process.exit(1);
    },
  );
});

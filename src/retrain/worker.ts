/**
 * The training process of a retrain, forked by training-process.ts with tsx as loader. It receives
 * one TrainRequest, runs the whole pipeline (train, write, verify, publish or reject) and reports
 * progress, logs and the outcome to the parent over IPC, then exits. Keeping this CPU-heavy work
 * out of the bot's process is what keeps the bot answering while it runs. Right before publishing
 * it asks the parent, which holds the version lock, whether it still does.
 */
import { ModelRepository } from '../artifacts/repository.ts';
import { createLogger } from '../logger.ts';
import { trainVersion, type TrainResult } from '../train/pipeline.ts';
import {
  memberRatingsFrom,
  type PublishPermission,
  type TrainOutcome,
  type TrainRequest,
  type WorkerMessage,
} from './protocol.ts';
import { rmseGate, type ServingModelRef } from './rmse-gate.ts';

function send(message: WorkerMessage): Promise<void> {
  return new Promise((resolve) => {
    if (!process.send || !process.connected) return resolve();
    process.send(message, undefined, undefined, () => resolve());
  });
}

function portable(result: TrainResult): TrainOutcome {
  if (result.published) {
    return { published: true, version: result.version, manifest: result.manifest };
  }
  const { version, manifest, problems, rejectedDir } = result;
  return { published: false, version, manifest, problems, rejectedDir };
}

/** Asks the parent for permission to publish; throws with its reason when refused. */
function askToPublish(): Promise<void> {
  return new Promise((resolve, reject) => {
    const answer = (message: PublishPermission) => {
      if (message?.type !== 'publish-permission') return;
      process.off('message', answer);
      if (message.granted) resolve();
      else reject(new Error(message.reason ?? 'the bot refused publication'));
    };
    process.on('message', answer);
    void send({ type: 'may-publish' });
  });
}

async function train(request: TrainRequest): Promise<TrainOutcome> {
  // Log lines go to the parent, which logs them under the run's id with its own logger; they are
  // made safe here already (the same serialisers and scrubber as every FlickPick logger).
  const logger = createLogger({
    level: request.logLevel,
    base: null,
    destination: { write: (line: string) => void send({ type: 'log', line }) },
  });
  const repository = new ModelRepository(request.modelsDir, request.keep);
  let serving: ServingModelRef | null = null;
  if (request.servingVersion !== null) {
    const manifest = await repository.manifest(request.servingVersion).catch(() => undefined);
    if (manifest) serving = { dir: repository.versionDir(request.servingVersion), manifest };
  }
  const gate = rmseGate(serving, request.maxRmseIncrease);
  const result = await trainVersion({
    ...request.options,
    datasetDir: request.datasetDir,
    repository,
    logger,
    onProgress: (progress) => void send({ type: 'progress', progress }),
    accept: gate.accept,
    beforePublish: askToPublish,
    memberRatings: request.members ? memberRatingsFrom(request.members) : undefined,
  });
  return { ...portable(result), gate: gate.scores };
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

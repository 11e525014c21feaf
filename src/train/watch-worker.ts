/**
 * Worker-thread entry of the watch model (watch-model.ts): training runs beside the DNMF, on the second
 * core. Receives the rating pairs in workerData and posts the trained model back, buffers transferred.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { trainWatchModel, type WatchModelOptions } from './watch-model.ts';

interface WatchJob {
  userIds: Int32Array;
  movieIds: Int32Array;
  options: Partial<WatchModelOptions>;
}

const job = workerData as WatchJob;
const model = trainWatchModel({ userIds: job.userIds, movieIds: job.movieIds }, job.options);
parentPort!.postMessage(model, [model.movieIds.buffer as ArrayBuffer, model.vectors.buffer as ArrayBuffer]);

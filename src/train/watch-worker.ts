/**
 * Worker-thread entry of the watch model (watch-model.ts): training, and the gem band's exposure prices
 * (watch-prices.ts), run beside the DNMF, on the second core. Receives the rating pairs in workerData and
 * posts the trained model back, buffers transferred.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { trainPricedWatchModel, type WatchModelOptions } from './watch-model.ts';
import type { PricingInput } from './watch-prices.ts';

interface WatchJob {
  userIds: Int32Array;
  movieIds: Int32Array;
  options: Partial<WatchModelOptions>;
  pricing?: PricingInput;
}

const job = workerData as WatchJob;
const model = trainPricedWatchModel(
  { userIds: job.userIds, movieIds: job.movieIds },
  job.options,
  job.pricing,
);
const buffers = [
  model.movieIds.buffer,
  model.vectors.buffer,
  model.norms.buffer,
  model.gramian.buffer,
  ...(model.prices ? [model.prices.buffer] : []),
];
parentPort!.postMessage(model, buffers as ArrayBuffer[]);

/** Training progress in words, for the CLI's terminal line and the bot's /retrain messages. */
import type { TrainProgress } from './pipeline.ts';

const STEP_NAMES: Record<TrainProgress['step'], string> = {
  load: 'Loading the dataset',
  popularity: 'Building the popularity catalog',
  knn: 'Building the kNN index',
  watch: 'Training the watch model',
  dnmf: 'Training the DNMF model',
  write: 'Writing artifacts',
  verify: 'Verifying the new version',
};

export function describeProgress(p: TrainProgress): string {
  let text = STEP_NAMES[p.step];
  if (p.epoch !== undefined) {
    text += ` — epoch ${p.epoch}/${p.maxEpochs}`;
    if (p.validationRmse !== undefined) text += `, validation RMSE ${p.validationRmse.toFixed(4)}`;
  }
  return text;
}

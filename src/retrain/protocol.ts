/**
 * Messages between the bot and its training process (src/retrain/worker.ts), over the IPC channel
 * of child_process.fork. Everything here must survive JSON serialisation: no functions, no Maps.
 */
import type { Manifest } from '../artifacts/types.ts';
import type { TrainOptions, TrainProgress } from '../train/pipeline.ts';

/** The pipeline options that can cross a process boundary (functions and loaded data cannot). */
export type PortableTrainOptions = Pick<TrainOptions, 'dnmf' | 'tableSize' | 'minCandidateRatings'>;

export function portableTrainOptions(options: Partial<TrainOptions> = {}): PortableTrainOptions {
  const { dnmf, tableSize, minCandidateRatings } = options;
  return { dnmf, tableSize, minCandidateRatings };
}

/** Parent → worker, sent once: what to train and the serving version's RMSE to beat. */
export interface TrainRequest {
  type: 'train';
  datasetDir: string;
  modelsDir: string;
  /** Published versions the repository keeps (it prunes older ones on publish). */
  keep: number;
  /** Validation RMSE of the version serving now; null when there is nothing to compare with. */
  servingRmse: number | null;
  maxRmseIncrease: number;
  options: PortableTrainOptions;
  /** The parent's log level, so the worker does not ship lines the parent would drop. */
  logLevel: string;
}

/** What trainVersion returned, minus the loaded artifacts (the parent loads them from disk). */
export type TrainOutcome =
  | { published: true; version: string; manifest: Manifest }
  | { published: false; version: string; manifest?: Manifest; problems: string[]; rejectedDir: string };

/** Worker → parent. */
export type WorkerMessage =
  | { type: 'progress'; progress: TrainProgress }
  /** One pino log line from the worker, re-logged by the parent under the run's id. */
  | { type: 'log'; line: string }
  | { type: 'result'; outcome: TrainOutcome }
  | { type: 'error'; message: string; stack?: string };

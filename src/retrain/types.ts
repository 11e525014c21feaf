/** The retrain job's public shapes (re-exported by service.ts, which the /retrain command imports). */
import type { TrainStep } from '../train/pipeline.ts';

export type RetrainTrigger = 'command' | 'schedule';

export interface RetrainProgress {
  runId: string;
  trigger: RetrainTrigger;
  step: TrainStep;
  epoch?: number;
  maxEpochs?: number;
  validationRmse?: number;
  startedAt: string;
  elapsedMs: number;
}

export interface RetrainSummary {
  runId: string;
  trigger: RetrainTrigger;
  startedAt: string;
  finishedAt: string;
  durationMs: number;
  outcome: 'published' | 'rejected' | 'failed';
  version?: string;
  previousVersion?: string;
  /** Ratings the new version was trained on. */
  rows?: number;
  /** Validation RMSE of the version serving before the run, and of the new version. */
  rmseBefore?: number;
  rmseAfter?: number;
  /** Movies (ids) that entered or left the popularity catalog. */
  catalogChanges?: { entered: number[]; left: number[] };
  problems?: string[];
  error?: string;
  rejectedDir?: string;
}

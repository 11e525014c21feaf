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
  /** 'skipped': a nightly run found neither the dataset nor members' ratings changed. */
  outcome: 'published' | 'rejected' | 'failed' | 'skipped';
  version?: string;
  previousVersion?: string;
  /** Ratings the new version was trained on. */
  rows?: number;
  /** Ratings of members (pseudonymous training users) among them. */
  memberRatings?: number;
  /**
   * RMSE of the version serving before the run and of the new version, as the gate compared them:
   * on the fixed hold-out (`rmseBasis` 'holdout'), or on each version's own validation slice when
   * the serving version predates the hold-out ('validation').
   */
  rmseBefore?: number;
  rmseAfter?: number;
  rmseBasis?: 'holdout' | 'validation';
  /**
   * The data was the same as the serving version's: an admin's run (a nightly one is skipped),
   * which publishes a near-copy if it passes the gate (see ModelRepository on how the history
   * keeps real earlier versions anyway).
   */
  dataUnchanged?: boolean;
  /** Movies (ids) that entered or left the popularity catalog. */
  catalogChanges?: { entered: number[]; left: number[] };
  problems?: string[];
  error?: string;
  rejectedDir?: string;
}

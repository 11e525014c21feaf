/**
 * Messages between the bot and its training process (src/retrain/worker.ts), over the IPC channel
 * of child_process.fork. Everything here must survive JSON serialisation: no functions, no Maps,
 * no typed arrays. Members' ratings cross as pseudonymous training ids only: no Discord id ever
 * reaches the training process.
 */
import type { Manifest } from '../artifacts/types.ts';
import type { TrainOptions, TrainProgress } from '../train/pipeline.ts';
import type { MemberTrainingRatings } from '../train/training-data.ts';
import type { GateScores } from './rmse-gate.ts';

/** The pipeline options that can cross a process boundary (functions and loaded data cannot). */
export type PortableTrainOptions = Pick<TrainOptions, 'dnmf' | 'minCandidateRatings'>;

export function portableTrainOptions(options: Partial<TrainOptions> = {}): PortableTrainOptions {
  const { dnmf, minCandidateRatings } = options;
  return { dnmf, minCandidateRatings };
}

/** Members' ratings as plain arrays (IPC is JSON). */
export interface PortableMemberRatings {
  userIds: number[];
  movieIds: number[];
  ratings: number[];
  fingerprint: string;
}

export function portableMemberRatings(members: MemberTrainingRatings): PortableMemberRatings {
  return {
    userIds: Array.from(members.userIds),
    movieIds: Array.from(members.movieIds),
    ratings: Array.from(members.ratings),
    fingerprint: members.fingerprint,
  };
}

export function memberRatingsFrom(portable: PortableMemberRatings): MemberTrainingRatings {
  return {
    userIds: Int32Array.from(portable.userIds),
    movieIds: Int32Array.from(portable.movieIds),
    ratings: Float32Array.from(portable.ratings),
    fingerprint: portable.fingerprint,
  };
}

/** Parent → worker, sent once: what to train and the version to beat. */
export interface TrainRequest {
  type: 'train';
  datasetDir: string;
  modelsDir: string;
  /** Published versions the repository keeps (it prunes older ones on publish). */
  keep: number;
  /** The version serving now, which the gate scores on the same hold-out; null when none. */
  servingVersion: string | null;
  maxRmseIncrease: number;
  options: PortableTrainOptions;
  members?: PortableMemberRatings;
  /** The parent's log level, so the worker does not ship lines the parent would drop. */
  logLevel: string;
}

/** What trainVersion returned, minus the loaded artifacts (the parent loads them from disk). */
export type TrainOutcome = (
  | { published: true; version: string; manifest: Manifest }
  | { published: false; version: string; manifest?: Manifest; problems: string[]; rejectedDir: string }
) & { gate?: GateScores };

/** Parent → worker, the answer to 'may-publish'. */
export interface PublishPermission {
  type: 'publish-permission';
  granted: boolean;
  reason?: string;
}

/** Worker → parent. */
export type WorkerMessage =
  | { type: 'progress'; progress: TrainProgress }
  /** One pino log line from the worker, re-logged by the parent under the run's id. */
  | { type: 'log'; line: string }
  /** Sent right before publishing: the parent confirms it still holds the version lock. */
  | { type: 'may-publish' }
  | { type: 'result'; outcome: TrainOutcome }
  | { type: 'error'; message: string; stack?: string };

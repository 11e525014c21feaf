/**
 * One retrain run, from the moment it holds the retrain lease to its summary: reads the members'
 * ratings, skips a nightly run whose data has not changed, trains in a child process, which
 * verifies and publishes (or rejects) the new version itself once this process has confirmed it
 * still holds the lease, then makes this process serve whatever CURRENT names, records the summary
 * and frees the lease. The bot keeps answering from its current snapshot throughout.
 */
import { randomBytes } from 'node:crypto';
import type { Logger } from 'pino';
import type { Config } from '../config.ts';
import type { TrainOptions } from '../train/pipeline.ts';
import {
  dataFingerprint,
  datasetChecksums,
  membersFingerprint,
  NO_MEMBER_RATINGS,
  type MemberTrainingRatings,
} from '../train/training-data.ts';
import type { RetrainLease } from './lease.ts';
import { portableMemberRatings, portableTrainOptions, type TrainOutcome } from './protocol.ts';
import { catalogChanges, type RetrainRecords } from './records.ts';
import { logOutcome, relog } from './run-log.ts';
import { RunProgress } from './run-progress.ts';
import { startTrainingProcess, type TrainingProcess } from './training-process.ts';
import type { RetrainProgress, RetrainSummary, RetrainTrigger } from './types.ts';
import type { VersionControl } from './version-control.ts';

/** Where members' ratings come from (MemberRatings in src/store/member-ratings.ts). */
export interface MemberRatingsSource {
  trainingRatings(): Promise<MemberTrainingRatings>;
}

/** What every run of one service shares. */
export interface RunContext {
  config: Config;
  logger: Logger;
  records: RetrainRecords;
  versions: VersionControl;
  memberRatings?: MemberRatingsSource;
  /** Called with the summary of every scheduled run. */
  notify?: (summary: RetrainSummary) => Promise<void>;
  trainOptions?: Partial<TrainOptions>;
  workerModule?: string;
}

/** A summary without the parts every run fills in the same way. */
type RunResult = Omit<RetrainSummary, 'runId' | 'trigger' | 'startedAt' | 'finishedAt' | 'durationMs'>;

/** Sortable and readable in logs: 20261127T030000Z-1a2b. */
function newRunId(now: Date): string {
  return `${now
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d+Z$/, 'Z')}-${randomBytes(2).toString('hex')}`;
}

function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

export class RetrainRun {
  readonly id: string;
  readonly startedAt = new Date();
  readonly progress: RunProgress;
  private readonly log: Logger;
  private process: TrainingProcess | undefined;
  /** Why the run is being stopped on purpose (the service closes, the lease was lost). */
  private stopReason: string | undefined;

  constructor(
    private readonly context: RunContext,
    readonly trigger: RetrainTrigger,
    private readonly lease: RetrainLease,
    onProgress?: (p: RetrainProgress) => void,
  ) {
    this.id = newRunId(this.startedAt);
    this.log = context.logger.child({ runId: this.id, trigger });
    this.progress = new RunProgress(context.records, this.id, trigger, this.startedAt, this.log, onProgress);
    lease.onLost((reason) => void this.stop(`the retrain lock was lost (${reason}); nothing was published`));
  }

  /** Pid of the training process, once started. */
  get workerPid(): number | undefined {
    return this.process?.pid;
  }

  /**
   * Runs to the end. `announced` resolves once the run's progress is in the store (so another
   * process asking right after sees it); `done` always resolves, a failure being a summary.
   */
  start(): { announced: Promise<void>; done: Promise<RetrainSummary> } {
    const announced = this.progress.announce();
    return { announced, done: this.execute() };
  }

  /** Stops the training process; the summary says the service was closed. */
  cancel(): Promise<void> {
    return this.stop('stopped because the retrain service was closed (bot shutting down)');
  }

  private async stop(reason: string): Promise<void> {
    this.stopReason ??= reason;
    await this.process?.stop();
  }

  private async execute(): Promise<RetrainSummary> {
    const serving = this.context.versions.serving;
    this.log.info({ servingVersion: serving.version }, 'retrain started');
    let result: RunResult;
    try {
      result = await this.train();
    } catch (error) {
      result = {
        outcome: 'failed',
        previousVersion: serving.version,
        error: this.stopReason ?? errorMessage(error),
      };
    }
    const summary: RetrainSummary = {
      runId: this.id,
      trigger: this.trigger,
      startedAt: this.startedAt.toISOString(),
      finishedAt: new Date().toISOString(),
      durationMs: this.progress.elapsedMs(),
      ...result,
    };
    logOutcome(this.log, summary, this.context.versions.serving.version);
    await this.context.records.saveLastRun(summary).catch((error: unknown) => {
      this.log.warn({ err: error }, 'could not save the retrain summary in the store');
    });
    await this.progress.stop();
    await this.lease.release();
    const { notify } = this.context;
    if (this.trigger === 'schedule' && notify) {
      // Not awaited: a slow chat post must not hold the run (or the next night's) open.
      notify(summary).catch((error: unknown) =>
        this.log.warn({ err: error }, 'could not post the retrain summary'),
      );
    }
    return summary;
  }

  /** Members' ratings with pseudonymous ids; a store failure fails the run rather than forget them. */
  private async memberRatings(): Promise<MemberTrainingRatings> {
    const source = this.context.memberRatings;
    if (!source) return NO_MEMBER_RATINGS;
    try {
      return await source.trainingRatings();
    } catch (error) {
      throw new Error(`could not read the members' ratings from the store: ${errorMessage(error)}`, {
        cause: error,
      });
    }
  }

  /** True when the serving version was trained on exactly this data (undefined: cannot tell). */
  private async sameDataAsServing(members: MemberTrainingRatings): Promise<boolean | undefined> {
    const served = this.context.versions.serving.artifacts.manifest.data?.fingerprint;
    if (served === undefined) return undefined;
    try {
      const checksums = await datasetChecksums(this.context.config.movielensDir);
      return dataFingerprint(checksums, membersFingerprint(members)) === served;
    } catch {
      return undefined; // The training process will say clearly what is wrong with the dataset.
    }
  }

  private async train(): Promise<RunResult> {
    const { config, versions } = this.context;
    const { repository } = versions;
    const serving = versions.serving;
    const members = await this.memberRatings();
    const dataUnchanged = (await this.sameDataAsServing(members)) === true;
    if (dataUnchanged && this.trigger === 'schedule') {
      return {
        outcome: 'skipped',
        previousVersion: serving.version,
        dataUnchanged,
      };
    }
    // We hold the retrain lock, so whatever is in staging was left by a killed run.
    await repository.cleanStaging();
    if (this.stopReason) throw new Error(this.stopReason);
    this.process = startTrainingProcess({
      workerModule: this.context.workerModule,
      request: {
        type: 'train',
        datasetDir: config.movielensDir,
        modelsDir: repository.root,
        keep: repository.keep,
        servingVersion: serving.version,
        maxRmseIncrease: config.retrain.maxRmseIncrease,
        options: portableTrainOptions(this.context.trainOptions),
        members: members.ratings.length > 0 ? portableMemberRatings(members) : undefined,
        logLevel: this.context.logger.level,
      },
      onProgress: (progress) => this.progress.report(progress),
      onLog: (line) => relog(this.log, line),
      mayPublish: async () => {
        if (this.stopReason) throw new Error(this.stopReason);
        await this.lease.confirm();
      },
    });
    this.log.debug(
      { pid: this.process.pid, memberRatings: members.ratings.length },
      'training process started',
    );
    let outcome: TrainOutcome;
    try {
      outcome = await this.process.outcome;
    } finally {
      // Whatever happened, serve what CURRENT names: a training process killed right after
      // publishing leaves a verified new version current without having said so.
      await versions.serveCurrent(`retrain ${this.id} ended`).catch((error: unknown) => {
        this.log.error({ err: error }, 'could not load the version in models/CURRENT');
      });
    }
    const base = {
      version: outcome.version,
      previousVersion: serving.version,
      rows: outcome.manifest?.dataset.rows.ratings,
      memberRatings: outcome.manifest?.data?.members.ratings,
      rmseBefore: outcome.gate?.servingRmse ?? undefined,
      rmseAfter: outcome.gate?.candidateRmse,
      rmseBasis: outcome.gate?.basis,
      dataUnchanged,
    };
    if (!outcome.published) {
      return { ...base, outcome: 'rejected', problems: outcome.problems, rejectedDir: outcome.rejectedDir };
    }
    await versions.confirmPublished(outcome.version, serving, this.log);
    return {
      ...base,
      outcome: 'published',
      catalogChanges: catalogChanges(serving.artifacts.catalog, await versions.catalogOf(outcome.version)),
    };
  }
}

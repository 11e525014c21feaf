/**
 * Retraining in production: one job for both triggers (/retrain and the nightly schedule). This
 * module coordinates runs (one at a time, here and across processes sharing the store) and answers
 * status; a run itself is RetrainRun (run.ts), its progress RunProgress (run-progress.ts), and
 * which version is served, rollback included, is VersionControl (version-control.ts).
 */
import { randomBytes } from 'node:crypto';
import type { Keyv } from 'keyv';
import type { ScheduledTask } from 'node-cron';
import type { Logger } from 'pino';
import type { ModelRepository } from '../artifacts/repository.ts';
import type { Manifest } from '../artifacts/types.ts';
import type { ServingModels } from '../serve/serving-models.ts';
import type { Config } from '../config.ts';
import { processLockOwner } from '../store/index.ts';
import { MemberRatings } from '../store/member-ratings.ts';
import type { TrainOptions } from '../train/pipeline.ts';
import { RetrainLease, VersionLockBusyError, withVersionLock } from './lease.ts';
import { RetrainRecords } from './records.ts';
import { RetrainRun, type MemberRatingsSource, type RunContext } from './run.ts';
import { progressElsewhere } from './run-progress.ts';
import { scheduleNightly } from './schedule.ts';
import type { RetrainProgress, RetrainSummary, RetrainTrigger } from './types.ts';
import { VersionControl } from './version-control.ts';

export type { RetrainProgress, RetrainSummary, RetrainTrigger } from './types.ts';
export { VersionLockBusyError } from './lease.ts';
export type { MemberRatingsSource } from './run.ts';
export type { TrainStep } from '../train/pipeline.ts';

export type StartResult =
  | { started: true; runId: string; done: Promise<RetrainSummary> }
  | { started: false; reason: 'running-here' | 'running-elsewhere'; progress?: RetrainProgress };

export interface RetrainStatus {
  serving: {
    version: string;
    /** When the serving version was trained; ageMs is now minus that. */
    createdAt: string;
    ageMs: number;
    /** When this process swapped it in. */
    loadedAt: string;
    metrics: Manifest['dnmf']['metrics'];
  };
  lastRun: RetrainSummary | null;
  /** The run in progress in this process or, read from the store, in another one. */
  progress: RetrainProgress | null;
  runningHere: boolean;
}

export interface RetrainServiceOptions {
  config: Config;
  logger: Logger;
  repository: ModelRepository;
  models: ServingModels;
  store: Keyv;
  /** Called with the summary of every scheduled run (the bot posts it to RETRAIN_CHANNEL_ID). */
  notify?: (summary: RetrainSummary) => Promise<void>;
  /** Members' ratings to train on as extra users (pseudonymous ids only); defaults to the store's. */
  memberRatings?: MemberRatingsSource;
  /**
   * Test seam: pipeline options for the training process. Only `dnmf` and
   * `minCandidateRatings` are used; the rest cannot cross the process boundary.
   */
  trainOptions?: Partial<TrainOptions>;
  /** Test seam: the module the training process runs (defaults to src/retrain/worker.ts). */
  workerModule?: string;
  /** Test seam: the retrain lease's TTL (DEFAULT_LEASE_TTL_MS). */
  leaseTtlMs?: number;
}

export class RetrainService {
  private readonly config: Config;
  private readonly logger: Logger;
  private readonly models: ServingModels;
  private readonly store: Keyv;
  private readonly records: RetrainRecords;
  private readonly versions: VersionControl;
  private readonly runContext: RunContext;
  private readonly leaseTtlMs?: number;
  /** Unique per service, not just per process, so two services in one process exclude each other too. */
  private readonly owner = `${processLockOwner()}:${randomBytes(4).toString('hex')}`;

  private active: { run: RetrainRun; done: Promise<RetrainSummary> } | null = null;
  /** True between start()'s check and its lock answer, so two quick starts cannot both pass. */
  private starting = false;
  private nightly: ScheduledTask | undefined;
  private closed = false;

  constructor(options: RetrainServiceOptions) {
    this.config = options.config;
    this.logger = options.logger;
    this.models = options.models;
    this.store = options.store;
    this.records = new RetrainRecords(options.store);
    this.leaseTtlMs = options.leaseTtlMs;
    this.versions = new VersionControl(options.repository, options.models, options.logger);
    this.runContext = {
      config: options.config,
      logger: options.logger,
      records: this.records,
      versions: this.versions,
      memberRatings: options.memberRatings ?? new MemberRatings(options.store),
      notify: options.notify,
      trainOptions: options.trainOptions,
      workerModule: options.workerModule,
    };
  }

  /**
   * Starts a run unless one is already going on, here or in another process sharing the store.
   * `done` always resolves (a failure is a summary with outcome 'failed'), never rejects.
   */
  async start(trigger: RetrainTrigger, onProgress?: (p: RetrainProgress) => void): Promise<StartResult> {
    if (this.closed) throw new Error('the retrain service is closed');
    if (this.active || this.starting) {
      return { started: false, reason: 'running-here', progress: this.progress ?? undefined };
    }
    this.starting = true;
    let lease: RetrainLease | null;
    try {
      lease = await RetrainLease.acquire(this.store, this.owner, this.logger, this.leaseTtlMs);
    } finally {
      this.starting = false;
    }
    if (lease && this.closed) {
      await lease.release();
      throw new Error('the retrain service is closed');
    }
    if (!lease) {
      this.logger.info({ trigger }, 'retrain not started: a run is in progress in another process');
      return { started: false, reason: 'running-elsewhere', progress: await progressElsewhere(this.records) };
    }
    const run = new RetrainRun(this.runContext, trigger, lease, onProgress);
    const { announced, done } = run.start();
    const active = {
      run,
      done: done.then((summary) => {
        this.active = null;
        return summary;
      }),
    };
    this.active = active;
    await announced;
    return { started: true, runId: run.id, done: active.done };
  }

  /** The run going on in this process, if any. */
  get progress(): RetrainProgress | null {
    return this.active?.run.progress.snapshot() ?? null;
  }

  /** The owner id this service's runs hold the retrain lock under (for diagnostics and tests). */
  get lockOwner(): string {
    return this.owner;
  }

  /** Pid of the running training process (for diagnostics and tests). */
  get workerPid(): number | undefined {
    return this.active?.run.workerPid;
  }

  /** The last finished run, whichever process ran it. */
  lastRun(): Promise<RetrainSummary | null> {
    return this.records.lastRun();
  }

  /** Everything `/retrain status` shows, the same on every shard. */
  async status(): Promise<RetrainStatus> {
    const { version, artifacts, loadedAt } = this.models.current;
    const { createdAt, dnmf } = artifacts.manifest;
    const [lastRun, progress] = await Promise.all([
      this.records.lastRun().catch(() => null),
      this.progress ?? progressElsewhere(this.records),
    ]);
    return {
      serving: {
        version,
        createdAt,
        ageMs: Date.now() - Date.parse(createdAt),
        loadedAt: loadedAt.toISOString(),
        metrics: dnmf.metrics,
      },
      lastRun,
      progress: progress ?? null,
      runningHere: this.active !== null,
    };
  }

  /**
   * Makes the version served before the current one current again and serves it. Holds the
   * version lock while it does, so it cannot interleave with a run publishing (here or in another
   * process): while a run goes on it throws VersionLockBusyError and changes nothing. A target
   * that does not load is refused before CURRENT changes.
   */
  async rollback(): Promise<{ version: string; previousVersion: string }> {
    if (this.closed) throw new Error('the retrain service is closed');
    if (this.active || this.starting) throw new VersionLockBusyError('rollback');
    // Its own owner id: under the service's, a run starting meanwhile would share the lease.
    const owner = `${this.owner}:rollback-${randomBytes(2).toString('hex')}`;
    return withVersionLock(this.store, owner, this.logger, 'rollback', () => this.versions.rollback());
  }

  /** Follows models/CURRENT, so this process also serves what other processes publish or roll back to. */
  startWatching(intervalMs?: number): void {
    if (this.closed) return;
    this.versions.startWatching(intervalMs);
  }

  /** Schedules the nightly run (config.retrain.cron in config.retrain.timezone). */
  scheduleNightly(): void {
    if (this.closed || this.nightly) return;
    this.nightly = scheduleNightly({
      expression: this.config.retrain.cron,
      timezone: this.config.retrain.timezone,
      store: this.store,
      owner: this.owner,
      logger: this.logger,
      run: () => this.runScheduled(),
    });
  }

  /** Stops the schedule and the watcher, and stops a running training (its summary says so). */
  async close(): Promise<void> {
    this.closed = true;
    await this.nightly?.destroy();
    this.versions.stopWatching();
    const active = this.active;
    if (active) {
      await active.run.cancel();
      await active.done;
    }
  }

  private async runScheduled(): Promise<void> {
    try {
      const result = await this.start('schedule');
      if (result.started) await result.done;
      else
        this.logger.info({ reason: result.reason }, 'nightly retrain skipped: a run is already in progress');
    } catch (error) {
      this.logger.error({ err: error }, 'nightly retrain could not start');
    }
  }
}

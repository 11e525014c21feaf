/**
 * Retraining in production: one job for both triggers (/retrain and the nightly schedule) that
 * trains in a child process, lets trainVersion verify and publish (or reject) the new version, and
 * hot-swaps it into the running bot. The bot keeps answering from its current snapshot throughout,
 * and only ever swaps to a version that loaded and verified.
 */
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import type { Keyv } from 'keyv';
import type { ScheduledTask } from 'node-cron';
import type { Logger } from 'pino';
import { loadArtifacts } from '../artifacts/loader.ts';
import type { ModelRepository } from '../artifacts/repository.ts';
import type { CatalogEntry, Manifest } from '../artifacts/types.ts';
import type { ServingModels, ServingSnapshot } from '../serve/serving-models.ts';
import type { Config } from '../config.ts';
import { processLockOwner } from '../store/index.ts';
import type { TrainOptions, TrainProgress } from '../train/pipeline.ts';
import { CurrentWatcher } from './current-watcher.ts';
import { DEFAULT_LEASE_TTL_MS, RetrainLease } from './lease.ts';
import { portableTrainOptions, type TrainOutcome } from './protocol.ts';
import { catalogChanges, RetrainRecords } from './records.ts';
import { scheduleNightly } from './schedule.ts';
import { ServingSync } from './serving-sync.ts';
import { startTrainingProcess, type TrainingProcess } from './training-process.ts';
import type { RetrainProgress, RetrainSummary, RetrainTrigger } from './types.ts';

export type { RetrainProgress, RetrainSummary, RetrainTrigger } from './types.ts';
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
  /**
   * Test seam: pipeline options for the training process. Only `dnmf`, `tableSize` and
   * `minCandidateRatings` are used; the rest cannot cross the process boundary.
   */
  trainOptions?: Partial<TrainOptions>;
  /** Test seam: the module the training process runs (defaults to src/retrain/worker.ts). */
  workerModule?: string;
}

/**
 * The progress row expires like the lock, so a crashed run's progress vanishes with its lock; a
 * running one refreshes it (PROGRESS_HEARTBEAT_MS) even through long steps without progress events.
 */
const PROGRESS_TTL_MS = DEFAULT_LEASE_TTL_MS;
const PROGRESS_HEARTBEAT_MS = PROGRESS_TTL_MS / 3;
/** Epoch progress is written to the store at most this often (step changes always are). */
const PROGRESS_WRITE_INTERVAL_MS = 2_000;

/** A summary without the parts execute() fills in for every run. */
type RunResult = Omit<RetrainSummary, 'runId' | 'trigger' | 'startedAt' | 'finishedAt' | 'durationMs'>;

interface ActiveRun {
  id: string;
  trigger: RetrainTrigger;
  startedAt: Date;
  startedMs: number;
  progress: RetrainProgress;
  lastProgressWrite: number;
  process?: TrainingProcess;
  /** Set by close(): the run is being stopped on purpose. */
  cancelled: boolean;
  done?: Promise<RetrainSummary>;
}

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

export class RetrainService {
  private readonly config: Config;
  private readonly logger: Logger;
  private readonly repository: ModelRepository;
  private readonly models: ServingModels;
  private readonly store: Keyv;
  private readonly notify?: (summary: RetrainSummary) => Promise<void>;
  private readonly trainOptions?: Partial<TrainOptions>;
  private readonly workerModule?: string;
  private readonly records: RetrainRecords;
  private readonly sync: ServingSync;
  /** Unique per service, not just per process, so two services in one process exclude each other too. */
  private readonly owner = `${processLockOwner()}:${randomBytes(4).toString('hex')}`;

  private active: ActiveRun | null = null;
  /** True between start()'s check and its lock answer, so two quick starts cannot both pass. */
  private starting = false;
  private watcher: CurrentWatcher | undefined;
  private nightly: ScheduledTask | undefined;
  private closed = false;

  constructor(options: RetrainServiceOptions) {
    this.config = options.config;
    this.logger = options.logger;
    this.repository = options.repository;
    this.models = options.models;
    this.store = options.store;
    this.notify = options.notify;
    this.trainOptions = options.trainOptions;
    this.workerModule = options.workerModule;
    this.records = new RetrainRecords(options.store);
    this.sync = new ServingSync(options.repository, options.models, options.logger);
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
      lease = await RetrainLease.acquire(this.store, this.owner, this.logger);
    } finally {
      this.starting = false;
    }
    if (lease && this.closed) {
      await lease.release();
      throw new Error('the retrain service is closed');
    }
    if (!lease) {
      this.logger.info({ trigger }, 'retrain not started: a run is in progress in another process');
      return { started: false, reason: 'running-elsewhere', progress: await this.progressElsewhere() };
    }
    const startedAt = new Date();
    const id = newRunId(startedAt);
    const run: ActiveRun = {
      id,
      trigger,
      startedAt,
      startedMs: performance.now(),
      progress: { runId: id, trigger, step: 'load', startedAt: startedAt.toISOString(), elapsedMs: 0 },
      lastProgressWrite: 0,
      cancelled: false,
    };
    this.active = run;
    // Written before start() returns, so another process asking right after sees this run's progress.
    const announced = this.saveProgress(run);
    run.done = this.execute(run, lease, onProgress);
    await announced;
    return { started: true, runId: id, done: run.done };
  }

  /** The run going on in this process, if any. */
  get progress(): RetrainProgress | null {
    const run = this.active;
    return run ? { ...run.progress, elapsedMs: Math.round(performance.now() - run.startedMs) } : null;
  }

  /** Pid of the running training process (for diagnostics and tests). */
  get workerPid(): number | undefined {
    return this.active?.process?.pid;
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
      this.progress ?? this.progressElsewhere(),
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
   * Makes the version published before the current one current again and serves it. If it cannot
   * be loaded, CURRENT is put back and the error thrown, so nothing is left pointing at it.
   */
  async rollback(): Promise<{ version: string; previousVersion: string }> {
    const previousVersion = (await this.repository.currentVersion()) ?? this.models.current.version;
    const version = await this.repository.rollback();
    try {
      await this.sync.sync('rollback');
    } catch (error) {
      await this.repository.setCurrent(previousVersion);
      throw new Error(`cannot roll back to ${version}: ${errorMessage(error)}`, { cause: error });
    }
    this.logger.info({ version, previousVersion }, `rolled back to model version ${version}`);
    return { version, previousVersion };
  }

  /** Follows models/CURRENT, so this process also serves what other processes publish or roll back to. */
  startWatching(intervalMs?: number): void {
    if (this.closed || this.watcher) return;
    // CURRENT's file name is the repository's convention (see ModelRepository).
    this.watcher = new CurrentWatcher(
      path.join(this.repository.root, 'CURRENT'),
      () => this.sync.sync('models/CURRENT changed'),
      this.logger,
    );
    this.watcher.start(intervalMs);
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
    this.watcher?.stop();
    const run = this.active;
    if (run) {
      run.cancelled = true;
      await run.process?.stop();
      await run.done;
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

  private async execute(
    run: ActiveRun,
    lease: RetrainLease,
    onProgress?: (p: RetrainProgress) => void,
  ): Promise<RetrainSummary> {
    const log = this.logger.child({ runId: run.id, trigger: run.trigger });
    const serving = this.models.current;
    log.info({ servingVersion: serving.version }, 'retrain started');
    const heartbeat = setInterval(() => this.saveProgress(run), PROGRESS_HEARTBEAT_MS);
    heartbeat.unref();
    let result: RunResult;
    try {
      result = await this.train(run, serving, log, onProgress);
    } catch (error) {
      result = {
        outcome: 'failed',
        previousVersion: serving.version,
        rmseBefore: serving.artifacts.manifest.dnmf.metrics.validationRmse,
        error: run.cancelled
          ? 'stopped because the retrain service was closed (bot shutting down)'
          : errorMessage(error),
      };
    }
    const summary: RetrainSummary = {
      runId: run.id,
      trigger: run.trigger,
      startedAt: run.startedAt.toISOString(),
      finishedAt: new Date().toISOString(),
      durationMs: Math.round(performance.now() - run.startedMs),
      ...result,
    };
    clearInterval(heartbeat);
    this.logOutcome(log, summary);
    await this.records.saveLastRun(summary).catch((error: unknown) => {
      log.warn({ err: error }, 'could not save the retrain summary in the store');
    });
    await this.records.clearProgress().catch(() => {});
    await lease.release();
    this.active = null;
    if (run.trigger === 'schedule' && this.notify) {
      // Not awaited: a slow chat post must not hold the run (or the next night's) open.
      this.notify(summary).catch((error: unknown) =>
        log.warn({ err: error }, 'could not post the retrain summary'),
      );
    }
    return summary;
  }

  private async train(
    run: ActiveRun,
    serving: ServingSnapshot,
    log: Logger,
    onProgress?: (p: RetrainProgress) => void,
  ): Promise<RunResult> {
    const rmseBefore = serving.artifacts.manifest.dnmf.metrics.validationRmse;
    // We hold the retrain lock, so whatever is in staging was left by a killed run.
    await this.repository.cleanStaging();
    if (run.cancelled) throw new Error('cancelled');
    run.process = startTrainingProcess({
      workerModule: this.workerModule,
      request: {
        type: 'train',
        datasetDir: this.config.movielensDir,
        modelsDir: this.repository.root,
        keep: this.repository.keep,
        servingRmse: Number.isFinite(rmseBefore) ? rmseBefore : null,
        maxRmseIncrease: this.config.retrain.maxRmseIncrease,
        options: portableTrainOptions(this.trainOptions),
        logLevel: this.logger.level,
      },
      onProgress: (progress) => this.reportProgress(run, progress, log, onProgress),
      onLog: (line) => relog(log, line),
    });
    log.debug({ pid: run.process.pid }, 'training process started');
    let outcome: TrainOutcome;
    try {
      outcome = await run.process.outcome;
    } finally {
      // Whatever happened, serve what CURRENT names: a training process killed right after
      // publishing leaves a verified new version current without having said so.
      await this.sync.sync(`retrain ${run.id} ended`).catch((error: unknown) => {
        log.error({ err: error }, 'could not load the version in models/CURRENT');
      });
    }
    const base = {
      version: outcome.version,
      previousVersion: serving.version,
      rows: outcome.manifest?.dataset.rows.ratings,
      rmseBefore,
      rmseAfter: outcome.manifest?.dnmf.metrics.validationRmse,
    };
    if (!outcome.published) {
      return { ...base, outcome: 'rejected', problems: outcome.problems, rejectedDir: outcome.rejectedDir };
    }
    const now = this.models.current;
    if (now.version !== outcome.version) {
      if ((await this.repository.currentVersion()) === outcome.version) {
        // Verified in the training process yet unloadable here: put the old version back so no
        // process picks it up.
        await this.repository.setCurrent(serving.version);
        throw new Error(
          `version ${outcome.version} was published but could not be loaded; ${serving.version} is current again`,
        );
      }
      log.warn(
        { version: outcome.version, current: now.version },
        'models/CURRENT was changed by someone else right after publishing (rollback?); serving that',
      );
    }
    return {
      ...base,
      outcome: 'published',
      catalogChanges: catalogChanges(serving.artifacts.catalog, await this.catalogOf(outcome.version)),
    };
  }

  private async catalogOf(version: string): Promise<CatalogEntry[]> {
    const current = this.models.current;
    if (current.version === version) return current.artifacts.catalog;
    return (await loadArtifacts(this.repository.versionDir(version))).catalog;
  }

  private reportProgress(
    run: ActiveRun,
    progress: TrainProgress,
    log: Logger,
    onProgress?: (p: RetrainProgress) => void,
  ): void {
    const stepChanged = progress.step !== run.progress.step;
    run.progress = {
      runId: run.id,
      trigger: run.trigger,
      step: progress.step,
      epoch: progress.epoch,
      maxEpochs: progress.maxEpochs,
      validationRmse: progress.validationRmse,
      startedAt: run.startedAt.toISOString(),
      elapsedMs: Math.round(performance.now() - run.startedMs),
    };
    if (stepChanged)
      log.info({ step: progress.step, elapsedMs: run.progress.elapsedMs }, `retrain step ${progress.step}`);
    if (progress.epoch !== undefined) {
      log.debug({ epoch: progress.epoch, validationRmse: progress.validationRmse }, 'retrain epoch done');
    }
    if (stepChanged || performance.now() - run.lastProgressWrite >= PROGRESS_WRITE_INTERVAL_MS) {
      this.saveProgress(run);
    }
    try {
      onProgress?.(run.progress);
    } catch (error) {
      log.warn({ err: error }, 'retrain progress callback threw');
    }
  }

  /** Best effort: progress in the store is for other processes' status displays only. */
  private saveProgress(run: ActiveRun): Promise<void> {
    run.lastProgressWrite = performance.now();
    const progress = { ...run.progress, elapsedMs: Math.round(performance.now() - run.startedMs) };
    return this.records.saveProgress(progress, PROGRESS_TTL_MS).catch(() => {});
  }

  /** Another process's run, from the store, with its elapsed time brought up to now. */
  private async progressElsewhere(): Promise<RetrainProgress | undefined> {
    const progress = await this.records.progress().catch(() => null);
    if (!progress) return undefined;
    return {
      ...progress,
      elapsedMs: Math.max(progress.elapsedMs, Date.now() - Date.parse(progress.startedAt)),
    };
  }

  private logOutcome(log: Logger, summary: RetrainSummary): void {
    const { durationMs, version, previousVersion, rows, rmseBefore, rmseAfter } = summary;
    const fields = {
      outcome: summary.outcome,
      durationMs,
      version,
      previousVersion,
      rows,
      rmseBefore,
      rmseAfter,
    };
    if (summary.outcome === 'published') {
      log.info(
        {
          ...fields,
          catalogEntered: summary.catalogChanges?.entered.length,
          catalogLeft: summary.catalogChanges?.left.length,
        },
        `retrain published model version ${version}`,
      );
    } else if (summary.outcome === 'rejected') {
      log.warn(
        { ...fields, problems: summary.problems, rejectedDir: summary.rejectedDir },
        `retrain rejected model version ${version}; still serving ${previousVersion}`,
      );
    } else {
      log.error(
        { ...fields, error: summary.error },
        `retrain failed; still serving ${this.models.current.version}`,
      );
    }
  }
}

/** Re-logs one JSON line from the training process's pino logger under this run's logger. */
function relog(log: Logger, line: string): void {
  let entry: Record<string, unknown>;
  try {
    entry = JSON.parse(line) as Record<string, unknown>;
  } catch {
    log.info({ line }, 'training process output');
    return;
  }
  const { level, msg, time: _time, ...fields } = entry;
  const label = log.levels.labels[Number(level)] ?? 'info';
  const method = (log as unknown as Record<string, (obj: object, msg?: string) => void>)[label];
  method.call(log, { ...fields, from: 'training-process' }, typeof msg === 'string' ? msg : undefined);
}

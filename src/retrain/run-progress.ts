/**
 * Progress of the run going on in this process: what `/retrain status` and the progress callback
 * show, and its copy in the shared store for the other processes' status displays. The store row
 * expires like the lock, so a crashed run's progress vanishes with its lock; a running one refreshes
 * it (HEARTBEAT_MS) even through long steps without progress events.
 */
import type { Logger } from 'pino';
import type { TrainProgress } from '../train/pipeline.ts';
import { DEFAULT_LEASE_TTL_MS } from './lease.ts';
import type { RetrainRecords } from './records.ts';
import type { RetrainProgress, RetrainTrigger } from './types.ts';

const PROGRESS_TTL_MS = DEFAULT_LEASE_TTL_MS;
const HEARTBEAT_MS = PROGRESS_TTL_MS / 3;
/** Epoch progress is written to the store at most this often (step changes always are). */
const WRITE_INTERVAL_MS = 2_000;

export class RunProgress {
  private current: RetrainProgress;
  private lastWrite = 0;
  private heartbeat: NodeJS.Timeout | undefined;
  private readonly startedMs = performance.now();

  constructor(
    private readonly records: RetrainRecords,
    private readonly runId: string,
    private readonly trigger: RetrainTrigger,
    private readonly startedAt: Date,
    private readonly log: Logger,
    private readonly onProgress?: (p: RetrainProgress) => void,
  ) {
    this.current = { runId, trigger, step: 'load', startedAt: startedAt.toISOString(), elapsedMs: 0 };
  }

  /** Milliseconds since the run started. */
  elapsedMs(): number {
    return Math.round(performance.now() - this.startedMs);
  }

  /** The progress now, with its elapsed time brought up to date. */
  snapshot(): RetrainProgress {
    return { ...this.current, elapsedMs: this.elapsedMs() };
  }

  /** Writes the first row and keeps it alive until stop(); resolves once the first row is written. */
  announce(): Promise<void> {
    this.heartbeat = setInterval(() => void this.save(), HEARTBEAT_MS);
    this.heartbeat.unref();
    return this.save();
  }

  /** One progress event from the training process. */
  report(progress: TrainProgress): void {
    const stepChanged = progress.step !== this.current.step;
    this.current = {
      runId: this.runId,
      trigger: this.trigger,
      step: progress.step,
      epoch: progress.epoch,
      maxEpochs: progress.maxEpochs,
      validationRmse: progress.validationRmse,
      startedAt: this.startedAt.toISOString(),
      elapsedMs: this.elapsedMs(),
    };
    if (stepChanged)
      this.log.info(
        { step: progress.step, elapsedMs: this.current.elapsedMs },
        `retrain step ${progress.step}`,
      );
    if (progress.epoch !== undefined) {
      this.log.debug(
        { epoch: progress.epoch, validationRmse: progress.validationRmse },
        'retrain epoch done',
      );
    }
    if (stepChanged || performance.now() - this.lastWrite >= WRITE_INTERVAL_MS) void this.save();
    try {
      this.onProgress?.(this.current);
    } catch (error) {
      this.log.warn({ err: error }, 'retrain progress callback threw');
    }
  }

  /** Stops the heartbeat and removes the row from the store. */
  async stop(): Promise<void> {
    clearInterval(this.heartbeat);
    await this.records.clearProgress().catch(() => {});
  }

  /** Best effort: progress in the store is for other processes' status displays only. */
  private save(): Promise<void> {
    this.lastWrite = performance.now();
    return this.records.saveProgress(this.snapshot(), PROGRESS_TTL_MS).catch(() => {});
  }
}

/** Another process's run, from the store, with its elapsed time brought up to now. */
export async function progressElsewhere(records: RetrainRecords): Promise<RetrainProgress | undefined> {
  const progress = await records.progress().catch(() => null);
  if (!progress) return undefined;
  return {
    ...progress,
    elapsedMs: Math.max(progress.elapsedMs, Date.now() - Date.parse(progress.startedAt)),
  };
}

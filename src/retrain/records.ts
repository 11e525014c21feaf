/**
 * What the retrain job keeps in the shared store: the last run's summary (so `/retrain status`
 * survives restarts and is the same on every shard) and the running one's progress (so a shard that
 * is not running the job can still say how far it is).
 */
import type { Keyv } from 'keyv';
import type { CatalogEntry } from '../artifacts/types.ts';
import type { RetrainProgress, RetrainSummary } from './types.ts';

const LAST_RUN_KEY = 'retrain:last-run';
const PROGRESS_KEY = 'retrain:progress';

export class RetrainRecords {
  constructor(private readonly store: Keyv) {}

  async saveLastRun(summary: RetrainSummary): Promise<void> {
    await this.store.set(LAST_RUN_KEY, summary);
  }

  async lastRun(): Promise<RetrainSummary | null> {
    return ((await this.store.get(LAST_RUN_KEY)) as RetrainSummary | undefined) ?? null;
  }

  /** Expires by itself (ttlMs) so a crashed run does not look like it is still going. */
  async saveProgress(progress: RetrainProgress, ttlMs: number): Promise<void> {
    await this.store.set(PROGRESS_KEY, progress, ttlMs);
  }

  async progress(): Promise<RetrainProgress | null> {
    return ((await this.store.get(PROGRESS_KEY)) as RetrainProgress | undefined) ?? null;
  }

  async clearProgress(): Promise<void> {
    await this.store.delete(PROGRESS_KEY);
  }
}

/** Movies that entered and left the popularity catalog between two versions, ascending ids. */
export function catalogChanges(
  before: readonly CatalogEntry[],
  after: readonly CatalogEntry[],
): { entered: number[]; left: number[] } {
  const was = new Set(before.map((e) => e.movieId));
  const is = new Set(after.map((e) => e.movieId));
  return {
    entered: [...is].filter((id) => !was.has(id)).sort((a, b) => a - b),
    left: [...was].filter((id) => !is.has(id)).sort((a, b) => a - b),
  };
}

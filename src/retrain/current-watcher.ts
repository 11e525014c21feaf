/**
 * Polls models/CURRENT so every bot process serves what was published last, wherever it was
 * published (another shard's retrain, a CLI `rollback`). A poll is one stat(); CURRENT is replaced
 * by rename, so a new inode or mtime is the cheap signal that it changed and is worth acting on.
 */
import { stat } from 'node:fs/promises';
import type { Logger } from 'pino';

export const DEFAULT_WATCH_INTERVAL_MS = 5_000;

export class CurrentWatcher {
  private timer: NodeJS.Timeout | undefined;
  /** Identity of CURRENT at the last check that acted; undefined forces the next check to act. */
  private seen: string | undefined;
  private checking = false;

  constructor(
    private readonly currentFile: string,
    /** Serves what CURRENT names (ServingSync.sync). */
    private readonly onChange: () => Promise<unknown>,
    private readonly logger: Logger,
  ) {}

  start(intervalMs = DEFAULT_WATCH_INTERVAL_MS): void {
    if (this.timer) return;
    this.timer = setInterval(() => void this.check(), intervalMs);
    // The watcher alone should not keep a process alive that is otherwise done.
    this.timer.unref();
    void this.check();
  }

  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }

  /** One poll; public so tests need not wait for the interval. */
  async check(): Promise<void> {
    if (this.checking) return;
    this.checking = true;
    try {
      const identity = await this.identity();
      if (identity === this.seen) return;
      // Remembered before acting: a version that fails to load stays failed (published versions
      // never change), so retrying it every few seconds would only repeat the error.
      this.seen = identity;
      await this.onChange();
    } catch (error) {
      this.logger.error(
        { err: error },
        'could not switch to the version in models/CURRENT; still serving the old one',
      );
    } finally {
      this.checking = false;
    }
  }

  private async identity(): Promise<string> {
    try {
      const info = await stat(this.currentFile);
      return `${info.ino}:${info.mtimeMs}:${info.size}`;
    } catch {
      return 'missing';
    }
  }
}

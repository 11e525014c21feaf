/**
 * The cross-process retrain lock: a lease in the shared store, renewed while the run lasts, so a
 * bot that crashes mid-run blocks the others for at most one TTL, while a long run never loses it.
 *
 * It is also the lock on models/CURRENT: every writer of CURRENT (a retrain's publication, the
 * service's and the CLI's rollback, `npm run train`) holds it while it writes. A holder that lost
 * it (another process got it, or no renewal succeeded for a whole TTL, so someone may have had it
 * meanwhile) stays lost: `confirm()` then fails, and publication is refused.
 */
import type { Keyv } from 'keyv';
import type { Logger } from 'pino';
import { acquireLock, releaseLock } from '../store/index.ts';

export const RETRAIN_LOCK = 'retrain';
export const DEFAULT_LEASE_TTL_MS = 60_000;

export class RetrainLease {
  private renewal: NodeJS.Timeout | undefined;
  private lastHeld = performance.now();
  private lostReason: string | undefined;
  private readonly lostListeners: Array<(reason: string) => void> = [];

  private constructor(
    private readonly store: Keyv,
    readonly owner: string,
    private readonly ttlMs: number,
    private readonly logger: Logger,
  ) {}

  /** The lease if nobody else holds it, null otherwise. */
  static async acquire(
    store: Keyv,
    owner: string,
    logger: Logger,
    ttlMs = DEFAULT_LEASE_TTL_MS,
  ): Promise<RetrainLease | null> {
    if (!(await acquireLock(store, RETRAIN_LOCK, ttlMs, owner))) return null;
    const lease = new RetrainLease(store, owner, ttlMs, logger);
    lease.keepRenewing();
    return lease;
  }

  /** Why the lease was lost, or undefined while it is held. */
  get lost(): string | undefined {
    return this.lostReason;
  }

  /** Called once if the lease is lost. */
  onLost(listener: (reason: string) => void): void {
    this.lostListeners.push(listener);
  }

  /**
   * Renews the lease now and resolves once this owner holds it for another full TTL; throws when
   * it was lost. Called right before writing CURRENT, so the write happens well inside the lease.
   */
  async confirm(): Promise<void> {
    if (this.lostReason === undefined) await this.renew();
    if (this.lostReason !== undefined) throw new Error(`the retrain lock was lost: ${this.lostReason}`);
  }

  private keepRenewing(): void {
    // A third of the TTL leaves two more tries before the lease could lapse.
    this.renewal = setInterval(() => void this.renew(), Math.max(1, Math.floor(this.ttlMs / 3)));
    this.renewal.unref();
  }

  private async renew(): Promise<void> {
    if (this.lostReason !== undefined) return;
    const askedAt = performance.now();
    let held: boolean;
    try {
      held = await acquireLock(this.store, RETRAIN_LOCK, this.ttlMs, this.owner);
    } catch (error) {
      this.logger.warn({ err: error }, 'could not renew the retrain lock');
      if (performance.now() - this.lastHeld >= this.ttlMs)
        this.lose('no renewal succeeded for a whole lease');
      return;
    }
    if (!held) return this.lose('another process holds it');
    if (askedAt - this.lastHeld >= this.ttlMs) {
      // It lapsed before this renewal: someone may have held (and freed) it in between.
      return this.lose('it lapsed between two renewals');
    }
    this.lastHeld = askedAt;
  }

  private lose(reason: string): void {
    if (this.lostReason !== undefined) return;
    this.lostReason = reason;
    clearInterval(this.renewal);
    this.logger.error({ owner: this.owner, reason }, `lost the retrain lock: ${reason}`);
    for (const listener of this.lostListeners) listener(reason);
  }

  async release(): Promise<void> {
    clearInterval(this.renewal);
    // Even when lost: a late renewal may have taken it again, and release frees only our own.
    try {
      await releaseLock(this.store, RETRAIN_LOCK, this.owner);
    } catch (error) {
      // It expires by itself after one TTL.
      this.logger.warn({ err: error }, 'could not release the retrain lock');
    }
  }
}

/** Thrown when CURRENT cannot be changed now because a retrain (or another writer) holds the lock. */
export class VersionLockBusyError extends Error {
  constructor(what: string) {
    super(`${what} is not possible now: a retrain is running (or another process is changing the version)`);
    this.name = 'VersionLockBusyError';
  }
}

/**
 * Runs `write` holding the lock on models/CURRENT, for writers outside a retrain run (rollback,
 * the CLI). Throws VersionLockBusyError without running it when someone else holds the lock.
 */
export async function withVersionLock<T>(
  store: Keyv,
  owner: string,
  logger: Logger,
  what: string,
  write: (lease: RetrainLease) => Promise<T>,
  ttlMs?: number,
): Promise<T> {
  const lease = await RetrainLease.acquire(store, owner, logger, ttlMs);
  if (!lease) throw new VersionLockBusyError(what);
  try {
    return await write(lease);
  } finally {
    await lease.release();
  }
}

/**
 * The cross-process retrain lock: a lease in the shared store, renewed while the run lasts, so a
 * bot that crashes mid-run blocks the others for at most one TTL, while a long run never loses it.
 */
import type { Keyv } from 'keyv';
import type { Logger } from 'pino';
import { acquireLock, releaseLock } from '../store/index.ts';

export const RETRAIN_LOCK = 'retrain';
export const DEFAULT_LEASE_TTL_MS = 60_000;

export class RetrainLease {
  private renewal: NodeJS.Timeout | undefined;

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

  private keepRenewing(): void {
    // A third of the TTL leaves two more tries before the lease could lapse.
    this.renewal = setInterval(
      () => {
        acquireLock(this.store, RETRAIN_LOCK, this.ttlMs, this.owner).then(
          (held) => {
            if (!held) this.logger.error({ owner: this.owner }, 'lost the retrain lock to another process');
          },
          (error: unknown) => this.logger.warn({ err: error }, 'could not renew the retrain lock'),
        );
      },
      Math.max(1, Math.floor(this.ttlMs / 3)),
    );
    this.renewal.unref();
  }

  async release(): Promise<void> {
    clearInterval(this.renewal);
    try {
      await releaseLock(this.store, RETRAIN_LOCK, this.owner);
    } catch (error) {
      // It expires by itself after one TTL.
      this.logger.warn({ err: error }, 'could not release the retrain lock');
    }
  }
}

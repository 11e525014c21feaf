/**
 * Makes the running bot serve the version models/CURRENT names. The one way anything here swaps
 * models — after a publish, a rollback, or when the watcher sees CURRENT change — so the three can
 * never interleave: calls run one after another, and each re-reads CURRENT, so whatever wrote it
 * last wins in every process.
 */
import type { Logger } from 'pino';
import { loadArtifacts } from '../artifacts/loader.ts';
import { FOR_SERVING } from '../artifacts/servable.ts';
import type { ModelRepository } from '../artifacts/repository.ts';
import type { Artifacts } from '../artifacts/types.ts';
import type { ServingModels } from '../serve/serving-models.ts';

export interface SyncResult {
  /** The version served after the call. */
  version: string;
  /** Set when the call swapped models: the version served before. */
  swappedFrom?: string;
  /** The newly loaded artifacts, when swapped. */
  artifacts?: Artifacts;
}

export class ServingSync {
  private queue: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly repository: ModelRepository,
    private readonly models: ServingModels,
    private readonly logger: Logger,
  ) {}

  /**
   * Loads and swaps in CURRENT's version unless it is already served. Rejects if it cannot be
   * loaded. `preloaded` is used instead of loading when it is the version CURRENT names.
   */
  sync(reason: string, preloaded?: Artifacts): Promise<SyncResult> {
    const next = this.queue.then(() => this.syncNow(reason, preloaded));
    this.queue = next.catch(() => {});
    return next;
  }

  private async syncNow(reason: string, preloaded?: Artifacts): Promise<SyncResult> {
    const served = this.models.current.version;
    const version = await this.repository.currentVersion();
    if (version === null || version === served) return { version: served };
    const started = performance.now();
    // Loading verifies every file's checksum; a broken version throws here and is never swapped in.
    const artifacts =
      preloaded?.manifest.version === version
        ? preloaded
        : await loadArtifacts(this.repository.versionDir(version), FOR_SERVING);
    await this.models.swapGently(artifacts);
    this.logger.info(
      { version, previousVersion: served, reason, ms: Math.round(performance.now() - started) },
      `now serving model version ${version}`,
    );
    return { version, swappedFrom: served, artifacts };
  }
}

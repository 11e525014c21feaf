/**
 * Which model version this process serves, and every change to it: following models/CURRENT,
 * rolling back, and taking over what a retrain run published. All swaps go through one ServingSync,
 * so they never interleave.
 */
import path from 'node:path';
import type { Logger } from 'pino';
import { loadArtifacts } from '../artifacts/loader.ts';
import { loadServable } from '../artifacts/servable.ts';
import type { ModelRepository } from '../artifacts/repository.ts';
import type { CatalogEntry } from '../artifacts/types.ts';
import type { ServingModels, ServingSnapshot } from '../serve/serving-models.ts';
import { CurrentWatcher } from './current-watcher.ts';
import { ServingSync } from './serving-sync.ts';

function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

export class VersionControl {
  private readonly sync: ServingSync;
  private watcher: CurrentWatcher | undefined;

  constructor(
    readonly repository: ModelRepository,
    private readonly models: ServingModels,
    private readonly logger: Logger,
  ) {
    this.sync = new ServingSync(repository, models, logger);
  }

  /** The snapshot being served now. */
  get serving(): ServingSnapshot {
    return this.models.current;
  }

  /** Serves what models/CURRENT names; rejects when it cannot be loaded (the old one keeps serving). */
  serveCurrent(reason: string): Promise<unknown> {
    return this.sync.sync(reason);
  }

  /**
   * Makes the version served before the current one current again and serves it. The caller holds
   * the version lock. The target is loaded and verified first, so CURRENT never names a version
   * that does not load; if the swap still fails, CURRENT is put back and the error thrown.
   */
  async rollback(): Promise<{ version: string; previousVersion: string }> {
    const previousVersion = (await this.repository.currentVersion()) ?? this.models.current.version;
    const target = await this.repository.rollbackTarget();
    if (target === null) throw new Error('there is no earlier version to roll back to');
    const artifacts = await loadServable(this.repository.versionDir(target)).catch((error: unknown) => {
      throw new Error(`cannot roll back to ${target}: ${errorMessage(error)}`, { cause: error });
    });
    const version = await this.repository.rollback();
    try {
      await this.sync.sync('rollback', artifacts);
    } catch (error) {
      await this.repository.setCurrent(previousVersion);
      throw new Error(`cannot roll back to ${version}: ${errorMessage(error)}`, { cause: error });
    }
    this.logger.info({ version, previousVersion }, `rolled back to model version ${version}`);
    return { version, previousVersion };
  }

  /**
   * After a run published `version` (the run holds the version lock): checks this process serves it. A version that verified in
   * the training process yet does not load here is taken out of CURRENT again (throws), so no
   * process picks it up; one replaced by someone else right away is only logged.
   */
  async confirmPublished(version: string, before: ServingSnapshot, log: Logger): Promise<void> {
    const now = this.models.current;
    if (now.version === version) return;
    if ((await this.repository.currentVersion()) === version) {
      const restored = await this.repository.withdraw(version);
      throw new Error(
        `version ${version} was published but could not be loaded; ${restored} is current again`,
      );
    }
    log.warn(
      { version, current: now.version },
      'models/CURRENT was changed by someone else right after publishing (rollback?); serving that',
    );
  }

  /** The catalog of a published version (the served one from memory). */
  async catalogOf(version: string): Promise<CatalogEntry[]> {
    const current = this.models.current;
    if (current.version === version) return current.artifacts.catalog;
    return (await loadArtifacts(this.repository.versionDir(version))).catalog;
  }

  /** Follows models/CURRENT, so this process also serves what other processes publish or roll back to. */
  startWatching(intervalMs?: number): void {
    if (this.watcher) return;
    // CURRENT's file name is the repository's convention (see ModelRepository).
    this.watcher = new CurrentWatcher(
      path.join(this.repository.root, 'CURRENT'),
      () => this.sync.sync('models/CURRENT changed'),
      this.logger,
    );
    this.watcher.start(intervalMs);
  }

  stopWatching(): void {
    this.watcher?.stop();
  }
}

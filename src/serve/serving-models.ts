import type { Artifacts } from '../artifacts/types.ts';
import { createCatalogSearch, createMovieSearch, type CatalogSearch } from './catalog-search.ts';
import type { TitleSearch } from './title-search.ts';
import { createEngine, type Engine } from './engine.ts';

/** One loaded version with everything derived from it, built once when it is swapped in. */
export interface ServingSnapshot {
  version: string;
  artifacts: Artifacts;
  engine: Engine;
  search: CatalogSearch;
  /** Every movie of the dataset, for what members rate (/rate). */
  movieSearch: TitleSearch;
  loadedAt: Date;
}

export function createSnapshot(artifacts: Artifacts, warm: 'now' | 'later' = 'now'): ServingSnapshot {
  return {
    version: artifacts.manifest.version,
    artifacts,
    engine: createEngine(artifacts, { warm }),
    search: createCatalogSearch(artifacts),
    movieSearch: createMovieSearch(artifacts),
    loadedAt: new Date(),
  };
}

/**
 * The version the bot serves from, swappable while it runs. A handler takes `current` once and
 * uses that snapshot to the end, so a swap mid-request never mixes two versions.
 */
export class ServingModels {
  private snapshot: ServingSnapshot;

  constructor(artifacts: Artifacts) {
    this.snapshot = createSnapshot(artifacts);
  }

  get current(): ServingSnapshot {
    return this.snapshot;
  }

  /** Builds the new snapshot first, then switches in one assignment. */
  swap(artifacts: Artifacts): ServingSnapshot {
    const previous = this.snapshot;
    this.snapshot = createSnapshot(artifacts);
    return previous;
  }

  /**
   * The same for a running bot: the new engine warms in small steps between other work, and the
   * switch happens once it is warm, so neither the swap nor the first requests after it stall.
   */
  async swapGently(artifacts: Artifacts): Promise<ServingSnapshot> {
    const next = createSnapshot(artifacts, 'later');
    await next.engine.warmed;
    const previous = this.snapshot;
    this.snapshot = next;
    return previous;
  }
}

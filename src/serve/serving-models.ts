import type { Artifacts } from '../artifacts/types.ts';
import {
  createCatalogSearch,
  createMovieSearchGently,
  startMovieSearchBuild,
  type CatalogSearch,
} from './catalog-search.ts';
import type { TitleSearch } from './title-search.ts';
import { createEngine, type Engine } from './engine.ts';
import { startTitleMatcherBuild, type TitleMatcher } from './import/title-matcher.ts';
import { buildGently, lazyStepwise } from './stepwise-build.ts';

/** One loaded version with everything derived from it, built once when it is swapped in. */
export interface ServingSnapshot {
  version: string;
  artifacts: Artifacts;
  engine: Engine;
  search: CatalogSearch;
  /** Every movie of the dataset, for what members rate (/rate). */
  movieSearch: TitleSearch;
  /** Export titles and IMDb ids → this version's movies (/import). */
  titleMatcher: TitleMatcher;
  loadedAt: Date;
}

export function createSnapshot(
  artifacts: Artifacts,
  warm: 'now' | 'later' = 'now',
  movieSearch: TitleSearch = lazyMovieSearch(artifacts, false),
  titleMatcher: TitleMatcher = lazyTitleMatcher(artifacts, false),
): ServingSnapshot {
  return {
    version: artifacts.manifest.version,
    artifacts,
    engine: createEngine(artifacts, { warm }),
    search: createCatalogSearch(artifacts),
    movieSearch,
    titleMatcher,
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
    // Start-up: the all-title search and the import matcher (a second or two each on ml-32m) are built in
    // steps after the bot is ready.
    this.snapshot = createSnapshot(
      artifacts,
      'now',
      lazyMovieSearch(artifacts, true),
      lazyTitleMatcher(artifacts, true),
    );
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
    // The search over every title and the /import matcher are the other big builds (a second or two each on
    // ml-32m): also in steps, and done before the switch, so the new version's first import never waits.
    const [movieSearch, titleMatcher] = await Promise.all([
      createMovieSearchGently(artifacts),
      buildGently(startTitleMatcherBuild(artifacts.movies.values())),
    ]);
    const next = createSnapshot(artifacts, 'later', movieSearch, titleMatcher);
    await next.engine.warmed;
    const previous = this.snapshot;
    this.snapshot = next;
    return previous;
  }
}

/**
 * The search over every title (/rate), built when first asked, or, with `background`, in small steps from
 * now on (a few milliseconds between other work): a bot is ready a second sooner on ml-32m, and a /rate in
 * that second finishes the same build at once.
 */
export function lazyMovieSearch(artifacts: Artifacts, background: boolean): TitleSearch {
  const search = lazyStepwise(() => startMovieSearchBuild(artifacts), background);
  return {
    suggest: (query, exclude, limit) => search().suggest(query, exclude, limit),
    resolve: (typed, options) => search().resolve(typed, options),
    has: (movieId) => search().has(movieId),
    get size() {
      return search().size;
    },
  };
}

/**
 * The /import matcher over every title, the same way: with `background`, built in steps from the moment the
 * version loads (87k titles take 1–2 s of CPU: the first import's preview no longer pays for it), and an
 * import arriving before the build is done finishes it at once.
 */
export function lazyTitleMatcher(artifacts: Pick<Artifacts, 'movies'>, background: boolean): TitleMatcher {
  const matcher = lazyStepwise(() => startTitleMatcherBuild(artifacts.movies.values()), background);
  return {
    matchTitle: (name, year) => matcher().matchTitle(name, year),
    matchImdb: (imdbId) => matcher().matchImdb(imdbId),
  };
}

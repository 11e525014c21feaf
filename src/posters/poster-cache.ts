/**
 * What the poster service remembers in keyv, and the reading/writing of it. A cache that fails is treated as a
 * miss (logged), never as a failed lookup: posters are decoration, the reply must still go out.
 */
import type { Keyv } from 'keyv';
import type { PosterLogger } from './logger.ts';
import type { MovieExtras } from './tmdb-client.ts';

/**
 * - `poster`: TMDB has one; only the path is kept, so a change of image host or size needs no re-fetch.
 * - `none`: TMDB has no poster for it, or does not know the id (404). Kept for long: looked up once.
 * - `unavailable`: the last try failed for a passing reason (timeout, 5xx, rate limit). Kept briefly so a
 *   struggling TMDB is not asked again for every card, and so that it is asked again soon.
 */
export type MovieEntry =
  ({ kind: 'poster'; path: string } & WatchPart) | ({ kind: 'none' } & WatchPart) | { kind: 'unavailable' };

/**
 * Where to watch and the trailer, from the same request as the poster, with when it was fetched: providers
 * change, so they are used for a day (then the movie is fetched again), while the poster path keeps longer.
 */
interface WatchPart {
  watch?: MovieExtras;
  /** ms since the epoch. */
  at?: number;
}

export interface ImageConfiguration {
  secureBaseUrl: string;
  posterSizes: string[];
}

const movieKey = (tmdbId: number) => `movie:${tmdbId}`;
const CONFIGURATION_KEY = 'configuration';

export class PosterCache {
  constructor(
    private readonly store: Keyv,
    private readonly logger: PosterLogger | undefined,
  ) {}

  async readMovie(tmdbId: number): Promise<MovieEntry | undefined> {
    const value = await this.read(movieKey(tmdbId));
    return isMovieEntry(value) ? value : undefined;
  }

  /** `ttlMs` must be positive: keyv reads a ttl of 0 as "keep forever", the opposite of what 0 would suggest. */
  async writeMovie(tmdbId: number, entry: MovieEntry, ttlMs: number): Promise<void> {
    await this.write(movieKey(tmdbId), entry, ttlMs);
  }

  async readConfiguration(): Promise<ImageConfiguration | undefined> {
    const value = await this.read(CONFIGURATION_KEY);
    return isImageConfiguration(value) ? value : undefined;
  }

  async writeConfiguration(configuration: ImageConfiguration, ttlMs: number): Promise<void> {
    await this.write(CONFIGURATION_KEY, configuration, ttlMs);
  }

  private async read(key: string): Promise<unknown> {
    try {
      return await this.store.get(key);
    } catch (error) {
      this.logger?.warn({ key, reason: errorMessage(error) }, 'poster cache read failed; treating as a miss');
      return undefined;
    }
  }

  private async write(key: string, value: MovieEntry | ImageConfiguration, ttlMs: number): Promise<void> {
    if (!(ttlMs > 0)) return;
    try {
      await this.store.set(key, value, ttlMs);
    } catch (error) {
      this.logger?.warn({ key, reason: errorMessage(error) }, 'poster cache write failed');
    }
  }
}

function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function isMovieEntry(value: unknown): value is MovieEntry {
  const entry = value as Partial<{ kind: string; path: unknown }> | null | undefined;
  if (entry?.kind === 'poster') return typeof entry.path === 'string';
  return entry?.kind === 'none' || entry?.kind === 'unavailable';
}

function isImageConfiguration(value: unknown): value is ImageConfiguration {
  const configuration = value as Partial<ImageConfiguration> | null | undefined;
  return typeof configuration?.secureBaseUrl === 'string' && Array.isArray(configuration.posterSizes);
}

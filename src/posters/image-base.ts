/**
 * Where poster images live. TMDB asks clients to read it from GET /configuration (and to re-check every few
 * days) rather than hard-code it; the documented value is the fallback when that call fails, so a hiccup
 * there never costs a poster.
 */
import type { ConcurrencyLimiter } from './limiter.ts';
import type { PosterLogger } from './logger.ts';
import type { PosterCache } from './poster-cache.ts';
import type { TmdbClient } from './tmdb-client.ts';

export const DEFAULT_IMAGE_BASE_URL = 'https://image.tmdb.org/t/p/';

export interface ImageBaseOptions {
  client: TmdbClient;
  cache: PosterCache;
  limiter: ConcurrencyLimiter;
  /** How long a fetched configuration is trusted (kept in the shared cache). */
  configurationTtlMs: number;
  /** After a failed fetch, the fallback is used this long before /configuration is tried again. */
  retryAfterFailureMs: number;
  logger?: PosterLogger;
  /** Use this base and never call /configuration. */
  fixedBase?: string;
}

/** Re-read the shared cache this often, so one process notices another's refresh without asking TMDB. */
const MEMORY_TTL_MS = 10 * 60_000;

export class ImageBaseResolver {
  private remembered: { base: string; until: number } | undefined;
  private loading: Promise<string> | undefined;

  constructor(private readonly options: ImageBaseOptions) {}

  /** Always resolves (never rejects), ending in "/". Concurrent callers share one load. */
  async resolve(): Promise<string> {
    if (this.options.fixedBase) return withTrailingSlash(this.options.fixedBase);
    if (this.remembered && this.remembered.until > Date.now()) return this.remembered.base;
    this.loading ??= this.load().finally(() => {
      this.loading = undefined;
    });
    return this.loading;
  }

  private async load(): Promise<string> {
    try {
      return await this.loadOrFallBack();
    } catch (error) {
      // Only a bug gets here; a poster must still not fail because of it.
      this.options.logger?.warn({ reason: (error as Error).message }, 'image base lookup failed');
      return DEFAULT_IMAGE_BASE_URL;
    }
  }

  private async loadOrFallBack(): Promise<string> {
    const cached = await this.options.cache.readConfiguration();
    if (cached) return this.remember(cached.secureBaseUrl, MEMORY_TTL_MS);

    const outcome = await this.options.limiter
      .run(() => this.options.client.fetchConfiguration())
      .catch((error: unknown) => ({ kind: 'failed' as const, reason: (error as Error).message }));
    if (outcome.kind === 'ok') {
      await this.options.cache.writeConfiguration(
        { secureBaseUrl: outcome.secureBaseUrl, posterSizes: outcome.posterSizes },
        this.options.configurationTtlMs,
      );
      return this.remember(outcome.secureBaseUrl, MEMORY_TTL_MS);
    }
    this.options.logger?.warn(
      { outcome: outcome.kind, reason: 'reason' in outcome ? outcome.reason : undefined },
      'TMDB configuration unavailable; using the documented image base URL',
    );
    return this.remember(DEFAULT_IMAGE_BASE_URL, this.options.retryAfterFailureMs);
  }

  private remember(base: string, forMs: number): string {
    const normalised = withTrailingSlash(base);
    this.remembered = { base: normalised, until: Date.now() + forMs };
    return normalised;
  }
}

function withTrailingSlash(base: string): string {
  return base.endsWith('/') ? base : `${base}/`;
}

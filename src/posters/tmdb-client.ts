/**
 * The two TMDB v3 calls the poster service needs, each answered as a plain outcome rather than an exception,
 * so the caller's cache/retry policy is one `switch`. No retries, caching or logging here.
 */
import { parseRetryAfter } from './retry-after.ts';
import { redactSecrets } from './redact.ts';

export const DEFAULT_TMDB_BASE_URL = 'https://api.themoviedb.org/3';

/** v3 API key (sent as `api_key`) or v4 read access token (sent as `Authorization: Bearer`). */
export type TmdbCredentials = { kind: 'api-key'; apiKey: string } | { kind: 'read-token'; token: string };

/** Why a call produced nothing usable; `failed` covers timeouts, network errors, 5xx and malformed bodies. */
export type TmdbFailure =
  | { kind: 'unauthorized' }
  | { kind: 'rate-limited'; retryAfterMs: number | undefined }
  | { kind: 'failed'; reason: string };

/** Where to watch in one country (TMDB's watch/providers, data from JustWatch): provider names, best first. */
export interface RegionProviders {
  flatrate: string[];
  rent: string[];
  buy: string[];
  /** TMDB's page for the movie's providers in that country (TMDB gives no deep links). */
  link?: string;
}

/** What the same movie request brings besides the poster (append_to_response=watch/providers,videos). */
export interface MovieExtras {
  /** By ISO 3166-1 country code ("US", "DE"). */
  providers: Record<string, RegionProviders>;
  /** The official YouTube trailer's video key, if TMDB lists one. */
  trailerKey?: string;
}

export type MovieOutcome =
  | { kind: 'poster'; posterPath: string; extras?: MovieExtras }
  | { kind: 'no-poster'; extras?: MovieExtras }
  | { kind: 'not-found' }
  | TmdbFailure;

export type ConfigurationOutcome = { kind: 'ok'; secureBaseUrl: string; posterSizes: string[] } | TmdbFailure;

export interface TmdbClientOptions {
  credentials: TmdbCredentials;
  baseUrl?: string;
  /** Per request, covering connect, headers and body. */
  timeoutMs: number;
  fetch?: typeof fetch;
}

// TMDB poster paths look like "/qJ2tW6WMUDux911r6m7haRef0WH.jpg"; anything else must not be pasted into a URL.
const POSTER_PATH = /^\/[A-Za-z0-9._-]+$/;

type HttpResult = { kind: 'ok'; body: unknown } | { kind: 'not-found' } | TmdbFailure;

export class TmdbClient {
  private readonly baseUrl: string;
  private readonly fetchImpl: typeof fetch;

  constructor(private readonly options: TmdbClientOptions) {
    this.baseUrl = (options.baseUrl ?? DEFAULT_TMDB_BASE_URL).replace(/\/+$/, '');
    this.fetchImpl = options.fetch ?? fetch;
  }

  /** The request URL, credentials included when they travel in the query string. Never log it unredacted. */
  urlFor(path: string, query: Record<string, string> = {}): URL {
    const url = new URL(`${this.baseUrl}${path}`);
    for (const [name, value] of Object.entries(query)) url.searchParams.set(name, value);
    if (this.options.credentials.kind === 'api-key')
      url.searchParams.set('api_key', this.options.credentials.apiKey);
    return url;
  }

  /**
   * GET /movie/{id} with `append_to_response=watch/providers,videos`: one request per movie brings the poster,
   * where to watch it and its trailer.
   */
  async fetchMovie(tmdbId: number): Promise<MovieOutcome> {
    const result = await this.getJson(`/movie/${tmdbId}`, { append_to_response: 'watch/providers,videos' });
    if (result.kind !== 'ok') return result;
    const body = result.body as { poster_path?: unknown } | null;
    const extras = parseExtras(body);
    const posterPath = body?.poster_path;
    if (posterPath === null || posterPath === undefined || posterPath === '')
      return { kind: 'no-poster', extras };
    if (typeof posterPath === 'string' && POSTER_PATH.test(posterPath))
      return { kind: 'poster', posterPath, extras };
    return { kind: 'failed', reason: 'unexpected poster_path in movie details' };
  }

  /** GET /configuration: where images live and which sizes exist. */
  async fetchConfiguration(): Promise<ConfigurationOutcome> {
    const result = await this.getJson('/configuration');
    if (result.kind === 'not-found') return { kind: 'failed', reason: 'configuration endpoint not found' };
    if (result.kind !== 'ok') return result;
    const images = (result.body as { images?: { secure_base_url?: unknown; poster_sizes?: unknown } } | null)
      ?.images;
    const secureBaseUrl = images?.secure_base_url;
    if (typeof secureBaseUrl !== 'string' || !/^https?:\/\//.test(secureBaseUrl)) {
      return { kind: 'failed', reason: 'configuration has no images.secure_base_url' };
    }
    const sizes = Array.isArray(images?.poster_sizes) ? images.poster_sizes : [];
    return { kind: 'ok', secureBaseUrl, posterSizes: sizes.filter((size) => typeof size === 'string') };
  }

  private async getJson(path: string, query: Record<string, string> = {}): Promise<HttpResult> {
    const headers: Record<string, string> = { accept: 'application/json' };
    if (this.options.credentials.kind === 'read-token') {
      headers.authorization = `Bearer ${this.options.credentials.token}`;
    }
    // One signal for the whole exchange, so a server that sends headers and then stalls the body still times out.
    const signal = AbortSignal.timeout(this.options.timeoutMs);
    try {
      const response = await this.fetchImpl(this.urlFor(path, query), { headers, signal });
      if (response.ok) {
        try {
          return { kind: 'ok', body: await response.json() };
        } catch (error) {
          return { kind: 'failed', reason: this.describe(error, 'unreadable JSON body') };
        }
      }
      // Drain error bodies so the keep-alive connection can be reused.
      await response.body?.cancel().catch(() => undefined);
      switch (response.status) {
        case 401:
          return { kind: 'unauthorized' };
        case 404:
          return { kind: 'not-found' };
        case 429:
          return { kind: 'rate-limited', retryAfterMs: parseRetryAfter(response.headers.get('retry-after')) };
        default:
          return { kind: 'failed', reason: `HTTP ${response.status}` };
      }
    } catch (error) {
      return { kind: 'failed', reason: this.describe(error, 'request failed') };
    }
  }

  /** A short, secret-free reason: fetch errors can carry the request URL, which may hold the key. */
  private describe(error: unknown, fallback: string): string {
    if (error instanceof Error && error.name === 'TimeoutError')
      return `timed out after ${this.options.timeoutMs} ms`;
    const cause = error instanceof Error && error.cause instanceof Error ? `: ${error.cause.message}` : '';
    const message = error instanceof Error ? `${error.message}${cause}` : fallback;
    const credentials = this.options.credentials;
    return redactSecrets(message, [credentials.kind === 'api-key' ? credentials.apiKey : credentials.token]);
  }
}

/** YouTube video keys are 11 characters of this alphabet; anything else must not be pasted into a link. */
const YOUTUBE_KEY = /^[A-Za-z0-9_-]{6,20}$/;
const COUNTRY = /^[A-Z]{2}$/;
/** Provider names shown on a card; TMDB lists them by display_priority. */
const MAX_PROVIDERS = 8;

/** The appended watch/providers and videos, read defensively (a malformed part is simply absent). */
export function parseExtras(body: unknown): MovieExtras {
  const record = (body ?? {}) as Record<string, unknown>;
  const providers: Record<string, RegionProviders> = {};
  const results = (record['watch/providers'] as { results?: unknown } | undefined)?.results;
  if (results && typeof results === 'object') {
    for (const [country, value] of Object.entries(results as Record<string, unknown>)) {
      if (!COUNTRY.test(country) || !value || typeof value !== 'object') continue;
      const region = value as Record<string, unknown>;
      const names = (list: unknown) =>
        (Array.isArray(list) ? list : [])
          .filter(
            (p): p is { provider_name: string; display_priority?: number } =>
              typeof p?.provider_name === 'string',
          )
          .sort((a, b) => (a.display_priority ?? 0) - (b.display_priority ?? 0))
          .map((p) => p.provider_name.slice(0, 60))
          .slice(0, MAX_PROVIDERS);
      const link =
        typeof region.link === 'string' && /^https:\/\/www\.themoviedb\.org\//.test(region.link)
          ? region.link
          : undefined;
      providers[country] = {
        flatrate: names(region.flatrate),
        rent: names(region.rent),
        buy: names(region.buy),
        ...(link ? { link } : {}),
      };
    }
  }
  const videos = (record.videos as { results?: unknown } | undefined)?.results;
  const trailers = (Array.isArray(videos) ? videos : []).filter(
    (v): v is { site: string; key: string; type: string; official?: boolean } =>
      v?.site === 'YouTube' && v?.type === 'Trailer' && typeof v?.key === 'string' && YOUTUBE_KEY.test(v.key),
  );
  const trailer = trailers.find((v) => v.official === true);
  return { providers, ...(trailer ? { trailerKey: trailer.key } : {}) };
}

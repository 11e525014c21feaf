/**
 * Poster URLs for MovieLens movies (by their links.csv tmdbId), fetched from TMDB politely and remembered in
 * keyv, so each movie is looked up once across restarts and shards. Every failure ends in `null`: a card
 * without a poster is fine, a late or failed reply is not.
 */
import type { Keyv } from 'keyv';
import { ImageBaseResolver } from './image-base.ts';
import { ConcurrencyLimiter, QueueFullError } from './limiter.ts';
import type { PosterLogger } from './logger.ts';
import { PosterCache, type MovieEntry } from './poster-cache.ts';
import { redactUrl } from './redact.ts';
import { TmdbClient, type MovieExtras, type MovieOutcome, type TmdbCredentials } from './tmdb-client.ts';

export interface PosterServiceOptions {
  /** Where lookups are remembered; give it its own namespace, e.g. createStore({ namespace: 'tmdb' }). */
  cache: Keyv;
  /** TMDB v3 API key, sent as the `api_key` query parameter. */
  apiKey?: string;
  /** TMDB v4 read access token, sent as `Authorization: Bearer`. Preferred over apiKey when both are set. */
  readToken?: string;
  /** Default https://api.themoviedb.org/3. */
  baseUrl?: string;
  /** Skips GET /configuration and builds image URLs on this base (e.g. https://image.tmdb.org/t/p/). */
  imageBaseUrl?: string;
  /** One of TMDB's poster_sizes; default w342, crisp in a Discord embed thumbnail. */
  posterSize?: string;
  /** Per HTTP request; default 2500. */
  requestTimeoutMs?: number;
  /** Requests in flight at once; default 4. */
  maxConcurrent?: number;
  /** Lookups allowed to wait for a slot; beyond that they give up at once. Default 100. */
  maxQueued?: number;
  /** Extra attempts after a 429; default 2. */
  maxRetries?: number;
  /** Longest wait for a 429 to pass (Retry-After or backoff); a longer one gives up. Default 5000. */
  maxRetryWaitMs?: number;
  /** Default 30 days. TMDB's terms allow caching its data for up to six months. */
  posterTtlMs?: number;
  /** For "TMDB has no poster" and "TMDB does not know this id"; default 7 days, in case one is added. */
  noPosterTtlMs?: number;
  /** For passing failures (timeout, 5xx, rate limit); default 60 s. 0 remembers nothing. */
  failureTtlMs?: number;
  /** Default 3 days, as TMDB suggests for /configuration. */
  configurationTtlMs?: number;
  /** Where-to-watch data is used this long before the movie is fetched again; default 1 day. */
  providersTtlMs?: number;
  /** After a 401 no request is sent for this long; default 10 minutes. */
  unauthorizedPauseMs?: number;
  logger?: PosterLogger;
  /** For tests: a different fetch or sleep. */
  fetch?: typeof fetch;
  sleep?: (ms: number) => Promise<void>;
}

export interface GetPostersOptions {
  /**
   * Overall budget for all lookups; default 2500. Lookups still running then yield null, and carry on in the
   * background to warm the cache.
   */
  deadlineMs?: number;
}

const DAY_MS = 24 * 60 * 60_000;
const DEFAULT_POSTER_SIZE = 'w342';
const DEFAULT_DEADLINE_MS = 2_500;

/**
 * Lookups that end without an answer about the movie: `failed` (reason already logged; remembered briefly) or
 * `skipped` (nothing was sent because the credentials were just rejected; not remembered).
 */
type NoAnswer = { kind: 'failed' } | { kind: 'skipped' };

const realSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export class PosterService {
  /** Absent without credentials. */
  private readonly tmdb: { client: TmdbClient; imageBase: ImageBaseResolver } | undefined;
  private readonly cache: PosterCache;
  private readonly limiter: ConcurrencyLimiter;
  private readonly inFlight = new Map<number, Promise<string | null>>();
  private readonly watchInFlight = new Map<number, Promise<MovieExtras | null>>();
  private readonly settings: Required<
    Pick<
      PosterServiceOptions,
      | 'posterSize'
      | 'maxRetries'
      | 'maxRetryWaitMs'
      | 'posterTtlMs'
      | 'noPosterTtlMs'
      | 'failureTtlMs'
      | 'unauthorizedPauseMs'
      | 'providersTtlMs'
    >
  >;
  private readonly logger: PosterLogger | undefined;
  private readonly sleep: (ms: number) => Promise<void>;
  /** TMDB's rate limit is per client, not per movie: a 429 pauses every lookup until this time. */
  private rateLimitedUntil = 0;
  private credentialsRejectedUntil = 0;

  constructor(options: PosterServiceOptions) {
    this.logger = options.logger;
    this.sleep = options.sleep ?? realSleep;
    this.settings = {
      posterSize: options.posterSize ?? DEFAULT_POSTER_SIZE,
      maxRetries: options.maxRetries ?? 2,
      maxRetryWaitMs: options.maxRetryWaitMs ?? 5_000,
      posterTtlMs: options.posterTtlMs ?? 30 * DAY_MS,
      noPosterTtlMs: options.noPosterTtlMs ?? 7 * DAY_MS,
      failureTtlMs: options.failureTtlMs ?? 60_000,
      unauthorizedPauseMs: options.unauthorizedPauseMs ?? 10 * 60_000,
      providersTtlMs: options.providersTtlMs ?? DAY_MS,
    };
    this.cache = new PosterCache(options.cache, options.logger);
    this.limiter = new ConcurrencyLimiter(options.maxConcurrent ?? 4, options.maxQueued ?? 100);

    const credentials = pickCredentials(options);
    if (!credentials) {
      this.logger?.info('TMDB posters are off: set TMDB_READ_TOKEN or TMDB_API_KEY to show them');
      return;
    }
    const client = new TmdbClient({
      credentials,
      baseUrl: options.baseUrl,
      timeoutMs: options.requestTimeoutMs ?? 2_500,
      fetch: options.fetch,
    });
    const imageBase = new ImageBaseResolver({
      client,
      cache: this.cache,
      limiter: this.limiter,
      configurationTtlMs: options.configurationTtlMs ?? 3 * DAY_MS,
      retryAfterFailureMs: Math.max(this.settings.failureTtlMs, 1_000),
      logger: options.logger,
      fixedBase: options.imageBaseUrl,
    });
    this.tmdb = { client, imageBase };
  }

  /** False without credentials: every lookup then answers null at once without touching the network. */
  get enabled(): boolean {
    return this.tmdb !== undefined;
  }

  /** Full image URL of the movie's poster, or null (no id, no credentials, no poster, or TMDB unavailable). */
  async getPoster(tmdbId: number | undefined): Promise<string | null> {
    if (!this.tmdb || tmdbId === undefined || !Number.isSafeInteger(tmdbId) || tmdbId <= 0) return null;
    if (Date.now() < this.credentialsRejectedUntil) return null;
    const pending = this.inFlight.get(tmdbId);
    if (pending) return pending;
    const lookup = this.lookUp(this.tmdb, tmdbId).finally(() => this.inFlight.delete(tmdbId));
    this.inFlight.set(tmdbId, lookup);
    return lookup;
  }

  /**
   * Posters for a set of cards, in the same order, within one overall deadline: a slow TMDB costs the reply at
   * most `deadlineMs`. Lookups cut off by the deadline keep going and fill the cache for next time.
   */
  async getPosters(
    tmdbIds: ReadonlyArray<number | undefined>,
    options: GetPostersOptions = {},
  ): Promise<Array<string | null>> {
    return allWithin(
      tmdbIds.map((id) => this.getPoster(id)),
      options.deadlineMs ?? DEFAULT_DEADLINE_MS,
    );
  }

  /**
   * Where to watch and the trailer for a set of cards, in order, within one deadline (null: unknown or late).
   * Read from what the poster lookup of the same movies just stored, so an answer costs one request per
   * movie; fetched again (poster included) once a day's old.
   */
  async getWatchInfos(
    tmdbIds: ReadonlyArray<number | undefined>,
    options: GetPostersOptions = {},
  ): Promise<Array<MovieExtras | null>> {
    return allWithin(
      tmdbIds.map((id) => this.getWatchInfo(id)),
      options.deadlineMs ?? DEFAULT_DEADLINE_MS,
    );
  }

  async getWatchInfo(tmdbId: number | undefined): Promise<MovieExtras | null> {
    if (!this.tmdb || tmdbId === undefined || !Number.isSafeInteger(tmdbId) || tmdbId <= 0) return null;
    // A poster lookup of the same movie under way brings the same answer: wait for it, never ask twice.
    const posterLookup = this.inFlight.get(tmdbId);
    if (posterLookup) await posterLookup;
    const cached = await this.cache.readMovie(tmdbId);
    const fresh =
      cached !== undefined &&
      cached.kind !== 'unavailable' &&
      cached.watch !== undefined &&
      Date.now() - (cached.at ?? 0) < this.settings.providersTtlMs;
    if (fresh) return cached.watch ?? null;
    if (posterLookup || cached?.kind === 'unavailable' || Date.now() < this.credentialsRejectedUntil)
      return null;
    const pending = this.watchInFlight.get(tmdbId);
    if (pending) return pending;
    const lookup = this.refresh(this.tmdb.client, tmdbId).finally(() => this.watchInFlight.delete(tmdbId));
    this.watchInFlight.set(tmdbId, lookup);
    return lookup;
  }

  private async refresh(client: TmdbClient, tmdbId: number): Promise<MovieExtras | null> {
    const outcome = await this.fetchMovie(client, tmdbId);
    const entry = this.entryFor(outcome);
    if (entry) await this.cache.writeMovie(tmdbId, entry.value, entry.ttlMs);
    return outcome.kind === 'poster' || outcome.kind === 'no-poster' ? (outcome.extras ?? null) : null;
  }

  private async lookUp(
    { client, imageBase }: { client: TmdbClient; imageBase: ImageBaseResolver },
    tmdbId: number,
  ): Promise<string | null> {
    const cached = await this.cache.readMovie(tmdbId);
    if (cached) {
      this.logger?.debug({ tmdbId, cached: cached.kind }, 'poster cache hit');
      return cached.kind === 'poster' ? this.imageUrl(cached.path, imageBase.resolve()) : null;
    }

    // Start resolving the image base now so a first-ever lookup waits for one round trip, not two.
    const base = imageBase.resolve();
    const outcome = await this.fetchMovie(client, tmdbId);
    const entry = this.entryFor(outcome);
    if (entry) await this.cache.writeMovie(tmdbId, entry.value, entry.ttlMs);
    if (outcome.kind !== 'poster') return null;
    return this.imageUrl(outcome.posterPath, base);
  }

  /** What to remember about an outcome, and for how long; nothing for outcomes that say nothing about the movie. */
  private entryFor(outcome: MovieOutcome | NoAnswer): { value: MovieEntry; ttlMs: number } | undefined {
    switch (outcome.kind) {
      case 'poster':
        return {
          value: { kind: 'poster', path: outcome.posterPath, ...watchPart(outcome.extras) },
          ttlMs: this.settings.posterTtlMs,
        };
      case 'no-poster':
        return { value: { kind: 'none', ...watchPart(outcome.extras) }, ttlMs: this.settings.noPosterTtlMs };
      case 'not-found':
        return { value: { kind: 'none' }, ttlMs: this.settings.noPosterTtlMs };
      case 'failed':
      case 'rate-limited':
        return { value: { kind: 'unavailable' }, ttlMs: this.settings.failureTtlMs };
      case 'unauthorized': // a configuration problem, not a fact about the movie
      case 'skipped':
        return undefined;
    }
  }

  /** GET /movie/{id} within the concurrency limit, waiting out 429s (bounded); never throws. */
  private async fetchMovie(client: TmdbClient, tmdbId: number): Promise<MovieOutcome | NoAnswer> {
    let retries = 0;
    for (;;) {
      const pause = this.rateLimitedUntil - Date.now();
      if (pause > this.settings.maxRetryWaitMs) {
        this.logger?.warn({ tmdbId, pauseMs: pause }, 'TMDB rate limit pause too long; skipping poster');
        return { kind: 'failed' };
      }
      // Sleep outside the limiter: a lookup waiting out a 429 must not hold a slot.
      if (pause > 0) await this.sleep(pause);

      const outcome = await this.request(client, tmdbId, retries);
      if (outcome.kind === 'paused') continue; // a 429 came back while this one queued: wait it out first
      if (outcome.kind === 'failed') {
        this.logger?.warn({ tmdbId, reason: outcome.reason }, 'TMDB movie lookup failed');
        return outcome;
      }
      if (outcome.kind !== 'rate-limited') return outcome;
      if (retries >= this.settings.maxRetries) {
        this.logger?.warn({ tmdbId, attempts: retries + 1 }, 'TMDB still rate limiting; giving up on poster');
        return { kind: 'failed' };
      }
      retries++;
      this.logger?.warn(
        { tmdbId, retryAfterMs: outcome.retryAfterMs, retry: retries },
        'TMDB rate limited; will retry',
      );
    }
  }

  /**
   * One request once a slot is free. A 429 or 401 pauses all lookups, and both the pause and its check happen
   * while holding the slot: the next queued lookup takes the slot the moment it is freed, so setting the pause
   * any later would let it send a request that can only earn another 429.
   * A rate-limited outcome comes back with `retryAfterMs` filled in (Retry-After, else backoff by `retries`).
   */
  private async request(
    client: TmdbClient,
    tmdbId: number,
    retries: number,
  ): Promise<MovieOutcome | { kind: 'skipped' } | { kind: 'paused' }> {
    const started = performance.now();
    try {
      return await this.limiter.run(async () => {
        if (Date.now() < this.credentialsRejectedUntil) return { kind: 'skipped' as const };
        if (Date.now() < this.rateLimitedUntil) return { kind: 'paused' as const };
        const outcome = await client.fetchMovie(tmdbId);
        this.logger?.debug(
          {
            url: redactUrl(client.urlFor(`/movie/${tmdbId}`)),
            outcome: outcome.kind,
            ms: Math.round(performance.now() - started),
          },
          'TMDB request',
        );
        if (outcome.kind === 'unauthorized') this.rejectCredentials(tmdbId);
        if (outcome.kind !== 'rate-limited') return outcome;
        const retryAfterMs = outcome.retryAfterMs ?? backoffMs(retries);
        this.rateLimitedUntil = Math.max(this.rateLimitedUntil, Date.now() + retryAfterMs);
        return { kind: 'rate-limited' as const, retryAfterMs };
      });
    } catch (error) {
      if (!(error instanceof QueueFullError)) throw error;
      return { kind: 'failed', reason: error.message };
    }
  }

  private rejectCredentials(tmdbId: number): void {
    const alreadyPaused = Date.now() < this.credentialsRejectedUntil;
    this.credentialsRejectedUntil = Date.now() + this.settings.unauthorizedPauseMs;
    if (alreadyPaused) return;
    this.logger?.error(
      { tmdbId, pauseMs: this.settings.unauthorizedPauseMs },
      'TMDB rejected the credentials (401); posters paused. Check TMDB_READ_TOKEN / TMDB_API_KEY',
    );
  }

  private async imageUrl(posterPath: string, base: Promise<string>): Promise<string> {
    return `${await base}${this.settings.posterSize}${posterPath}`;
  }
}

/** Every lookup's answer, or null for those still running at the deadline (they carry on and fill the cache). */
async function allWithin<T>(lookups: Promise<T | null>[], deadlineMs: number): Promise<Array<T | null>> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<null>((resolve) => {
    timer = setTimeout(() => resolve(null), deadlineMs);
  });
  try {
    return await Promise.all(lookups.map((lookup) => Promise.race([lookup, deadline])));
  } finally {
    clearTimeout(timer);
  }
}

function watchPart(extras: MovieExtras | undefined): { watch?: MovieExtras; at?: number } {
  return extras ? { watch: extras, at: Date.now() } : {};
}

/** 429 without Retry-After: 0.5 s, 1 s, 2 s … */
function backoffMs(attempt: number): number {
  return 500 * 2 ** attempt;
}

function pickCredentials(
  options: Pick<PosterServiceOptions, 'apiKey' | 'readToken'>,
): TmdbCredentials | undefined {
  // The token is preferred: in a header it stays out of proxies' access logs, where a query-string key lands.
  const token = options.readToken?.trim();
  if (token) return { kind: 'read-token', token };
  const apiKey = options.apiKey?.trim();
  if (apiKey) return { kind: 'api-key', apiKey };
  return undefined;
}

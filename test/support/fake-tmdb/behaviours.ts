/** What the fake TMDB does for a movie id; tests script failure modes with these. */

export type MovieBehaviour =
  /** 200 with `poster_path` (default `/poster-<id>.jpg`), optionally after a delay to make requests overlap. */
  | { kind: 'poster'; posterPath?: string; delayMs?: number; watch?: WatchBehaviour }
  /** 200 with `poster_path: null`, as TMDB answers for movies nobody uploaded a poster for. */
  | { kind: 'no-poster'; delayMs?: number }
  /** 404 with status_code 34, as for an id TMDB does not know. */
  | { kind: 'not-found' }
  /** 429 with Retry-After for the first `times` requests, then `then` (default: poster). */
  | { kind: 'rate-limited'; times: number; retryAfter?: string; then?: MovieBehaviour }
  /** 500 with status_code 11. */
  | { kind: 'server-error' }
  /** Never answers; the client must time out. The connection is dropped when the fake closes. */
  | { kind: 'hang' };

export type ConfigurationBehaviour = 'ok' | 'server-error' | 'hang';

export type AuthKind = 'api_key' | 'bearer' | 'both' | 'none';

export interface RecordedRequest {
  method: string;
  /** Path without the query string (which may hold the key), e.g. `/3/movie/603`. */
  path: string;
  auth: AuthKind;
  /** Whether the credentials were accepted. */
  authorized: boolean;
  movieId?: number;
  /** What `append_to_response` asked for (movie requests). */
  append?: string[];
  /** The status answered, once answered (absent while pending or for hangs). */
  status?: number;
}

/**
 * What `append_to_response=watch/providers,videos` adds (only when asked, as TMDB does). Default: US streams on
 * "Netflix", rents on "Apple TV", sells on "Google Play Movies"; DE streams on "MUBI"; an official YouTube
 * trailer with key `trailer<id>` beside an unofficial teaser.
 */
export interface WatchBehaviour {
  /** Country → provider names per kind; replaces the default regions. */
  providers?: Record<string, { flatrate?: string[]; rent?: string[]; buy?: string[] }>;
  /** null: no official trailer (only a teaser). */
  trailerKey?: string | null;
}

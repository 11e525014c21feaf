/**
 * A loopback HTTP server that answers like TMDB v3 for `/3/configuration` and `/3/movie/{id}`, with a
 * per-movie behaviour table to script failures, and a record of what was asked (to assert caching and
 * concurrency). Credentials: `api_key` query parameter or `Authorization: Bearer`, checked as TMDB does.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import type { AuthKind, ConfigurationBehaviour, MovieBehaviour, RecordedRequest } from './behaviours.ts';
import {
  appendedParts,
  CONFIGURATION,
  INTERNAL_ERROR,
  INVALID_API_KEY,
  movieDetails,
  RATE_LIMITED,
  RESOURCE_NOT_FOUND,
} from './responses.ts';

export type { AuthKind, ConfigurationBehaviour, MovieBehaviour, RecordedRequest } from './behaviours.ts';

export interface FakeTmdbOptions {
  apiKey?: string;
  readToken?: string;
  /** For ids without a `setMovie` entry; default `{ kind: 'poster' }`. */
  defaultMovie?: MovieBehaviour;
}

export interface FakeTmdb {
  /** Like TMDB's own, ending in `/3`. */
  baseUrl: string;
  /** The credentials it accepts. */
  apiKey: string;
  readToken: string;
  setMovie(id: number, behaviour: MovieBehaviour): void;
  setConfiguration(behaviour: ConfigurationBehaviour): void;
  /**
   * A client-wide limit, as TMDB's is: from the next movie request on, every movie request within `windowMs`
   * is answered 429 with this Retry-After, whatever its id's behaviour.
   */
  startRateLimitWindow(windowMs: number, retryAfter: string): void;
  /** Every request so far, in arrival order (live array). */
  requests: RecordedRequest[];
  /** Requests to /3/movie/{id}, optionally for one id. */
  movieRequests(id?: number): RecordedRequest[];
  /** Most requests that were open at the same moment, since start or the last reset(). */
  readonly maxInFlight: number;
  readonly inFlight: number;
  /** Forgets recorded requests and maxInFlight; behaviours stay. */
  reset(): void;
  close(): Promise<void>;
}

export async function startFakeTmdb(options: FakeTmdbOptions = {}): Promise<FakeTmdb> {
  const apiKey = options.apiKey ?? 'fake-tmdb-api-key';
  const readToken = options.readToken ?? 'fake-tmdb-read-token';
  const movies = new Map<number, MovieBehaviour>();
  // 429 answers still owed per movie id, counted down as they are served.
  const rateLimitsLeft = new Map<number, number>();
  let configuration: ConfigurationBehaviour = 'ok';
  let rateLimitWindow: { windowMs: number; retryAfter: string; endsAt?: number } | undefined;
  const requests: RecordedRequest[] = [];
  let inFlight = 0;
  let maxInFlight = 0;

  const authorize = (request: IncomingMessage, url: URL): { auth: AuthKind; authorized: boolean } => {
    const header = request.headers.authorization;
    const bearer = header?.startsWith('Bearer ') ? header.slice('Bearer '.length) : undefined;
    const key = url.searchParams.get('api_key') ?? undefined;
    const auth: AuthKind = bearer && key ? 'both' : bearer ? 'bearer' : key ? 'api_key' : 'none';
    return { auth, authorized: bearer === readToken || key === apiKey };
  };

  const serveMovie = (
    id: number,
    behaviour: MovieBehaviour,
    response: ServerResponse,
    append: readonly string[],
  ): void => {
    switch (behaviour.kind) {
      case 'poster':
        return later(behaviour.delayMs, response, () =>
          json(response, 200, {
            ...movieDetails(id, behaviour.posterPath ?? `/poster-${id}.jpg`),
            ...appendedParts(id, append, behaviour.watch),
          }),
        );
      case 'no-poster':
        return later(behaviour.delayMs, response, () =>
          json(response, 200, { ...movieDetails(id, null), ...appendedParts(id, append) }),
        );
      case 'not-found':
        return json(response, 404, RESOURCE_NOT_FOUND);
      case 'server-error':
        return json(response, 500, INTERNAL_ERROR);
      case 'hang':
        return;
      case 'rate-limited': {
        const left = rateLimitsLeft.get(id) ?? behaviour.times;
        if (left > 0) {
          rateLimitsLeft.set(id, left - 1);
          return json(response, 429, RATE_LIMITED, { 'retry-after': behaviour.retryAfter ?? '1' });
        }
        return serveMovie(id, behaviour.then ?? { kind: 'poster' }, response, append);
      }
    }
  };

  const serveConfiguration = (response: ServerResponse): void => {
    if (configuration === 'ok') json(response, 200, CONFIGURATION);
    else if (configuration === 'server-error') json(response, 500, INTERNAL_ERROR);
  };

  const server = createServer((request, response) => {
    inFlight++;
    maxInFlight = Math.max(maxInFlight, inFlight);
    // 'close' fires once whether the response finished or the client gave up, so hangs are counted out too.
    response.once('close', () => inFlight--);

    const url = new URL(request.url ?? '/', 'http://fake-tmdb');
    const movieMatch = /^\/3\/movie\/(\d+)$/.exec(url.pathname);
    const movieId = movieMatch ? Number(movieMatch[1]) : undefined;
    const { auth, authorized } = authorize(request, url);
    const record: RecordedRequest = {
      method: request.method ?? 'GET',
      path: url.pathname,
      auth,
      authorized,
      movieId,
    };
    requests.push(record);
    response.once('finish', () => (record.status = response.statusCode));

    if (request.method !== 'GET') return json(response, 404, RESOURCE_NOT_FOUND);
    if (!authorized) return json(response, 401, INVALID_API_KEY);
    if (url.pathname === '/3/configuration') return serveConfiguration(response);
    if (movieId !== undefined && rateLimitWindow) {
      rateLimitWindow.endsAt ??= Date.now() + rateLimitWindow.windowMs;
      if (Date.now() < rateLimitWindow.endsAt) {
        return json(response, 429, RATE_LIMITED, { 'retry-after': rateLimitWindow.retryAfter });
      }
    }
    if (movieId !== undefined) {
      // append_to_response bundles sub-requests into the one answer (comma-separated, as TMDB takes it).
      const append = (url.searchParams.get('append_to_response') ?? '').split(',').filter(Boolean);
      record.append = append;
      return serveMovie(
        movieId,
        movies.get(movieId) ?? options.defaultMovie ?? { kind: 'poster' },
        response,
        append,
      );
    }
    json(response, 404, RESOURCE_NOT_FOUND);
  });

  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;

  return {
    baseUrl: `http://127.0.0.1:${port}/3`,
    apiKey,
    readToken,
    setMovie(id, behaviour) {
      movies.set(id, behaviour);
      rateLimitsLeft.delete(id);
    },
    setConfiguration(behaviour) {
      configuration = behaviour;
    },
    startRateLimitWindow(windowMs, retryAfter) {
      rateLimitWindow = { windowMs, retryAfter };
    },
    requests,
    movieRequests: (id) =>
      requests.filter((r) => r.movieId !== undefined && (id === undefined || r.movieId === id)),
    get maxInFlight() {
      return maxInFlight;
    },
    get inFlight() {
      return inFlight;
    },
    reset() {
      requests.length = 0;
      maxInFlight = inFlight;
    },
    async close() {
      // Hanging requests would otherwise keep close() waiting forever.
      server.closeAllConnections();
      server.close();
      await once(server, 'close');
    },
  };
}

function json(
  response: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  if (response.destroyed) return;
  response.writeHead(status, { 'content-type': 'application/json;charset=utf-8', ...headers });
  response.end(JSON.stringify(body));
}

function later(delayMs: number | undefined, response: ServerResponse, answer: () => void): void {
  if (!delayMs) return answer();
  const timer = setTimeout(answer, delayMs);
  response.once('close', () => clearTimeout(timer));
}

import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { TMDB_ATTRIBUTION } from '../../src/posters/index.ts';
import { startHarness, type Harness } from './harness.ts';

const IMAGE_BASE = 'https://image.tmdb.org/t/p/';

let h: Harness;
beforeEach(async () => {
  h = await startHarness();
});
afterEach(async () => {
  await h.dispose();
});

describe('PosterService: URLs and credentials', () => {
  it('builds the image URL from /configuration and the movie poster_path', async () => {
    h.tmdb.setMovie(603, { kind: 'poster', posterPath: '/f89U3ADr1oiB1s9GkdPOEpXUk5H.jpg' });
    const posters = h.service();
    expect(await posters.getPoster(603)).toBe(`${IMAGE_BASE}w342/f89U3ADr1oiB1s9GkdPOEpXUk5H.jpg`);
    expect(h.tmdb.requests.map((r) => r.path).sort()).toEqual(['/3/configuration', '/3/movie/603']);
  });

  it('uses a fixed image base and size when given, without asking /configuration', async () => {
    const posters = h.service({ imageBaseUrl: 'https://img.example/t/p', posterSize: 'w500' });
    expect(await posters.getPoster(862)).toBe('https://img.example/t/p/w500/poster-862.jpg');
    expect(h.tmdb.requests.map((r) => r.path)).toEqual(['/3/movie/862']);
  });

  it('sends a v3 key as the api_key query parameter', async () => {
    expect(await h.service().getPoster(1)).not.toBeNull();
    expect(h.tmdb.requests.every((r) => r.auth === 'api_key' && r.authorized)).toBe(true);
  });

  it('sends a v4 read token as a Bearer header, preferring it when both are set', async () => {
    const posters = h.service({ readToken: h.tmdb.readToken, apiKey: h.tmdb.apiKey });
    expect(await posters.getPoster(1)).not.toBeNull();
    expect(h.tmdb.requests.length).toBeGreaterThan(0);
    expect(h.tmdb.requests.every((r) => r.auth === 'bearer' && r.authorized)).toBe(true);
  });

  it('still builds URLs on the documented image base when /configuration fails', async () => {
    h.tmdb.setConfiguration('server-error');
    expect(await h.service().getPoster(5)).toBe(`${IMAGE_BASE}w342/poster-5.jpg`);
  });

  it('answers null at once, with no request at all, without credentials', async () => {
    const posters = h.service({ apiKey: undefined, readToken: '  ' });
    expect(posters.enabled).toBe(false);
    expect(await posters.getPoster(603)).toBeNull();
    expect(await posters.getPosters([603, 604])).toEqual([null, null]);
    expect(h.tmdb.requests).toHaveLength(0);
  });

  it('answers null for missing or invalid ids without asking TMDB', async () => {
    const posters = h.service();
    expect(await posters.getPoster(undefined)).toBeNull();
    expect(await posters.getPoster(0)).toBeNull();
    expect(await posters.getPoster(Number.NaN)).toBeNull();
    expect(h.tmdb.requests).toHaveLength(0);
  });

  it('exports the TMDB attribution text for the cards', () => {
    expect(TMDB_ATTRIBUTION).toBe('This product uses the TMDB API but is not endorsed or certified by TMDB.');
  });
});

describe('PosterService: caching', () => {
  it('looks a movie up once: the second call makes no request', async () => {
    const posters = h.service();
    const first = await posters.getPoster(603);
    const before = h.tmdb.requests.length;
    expect(await posters.getPoster(603)).toBe(first);
    expect(h.tmdb.requests).toHaveLength(before);
  });

  it('keeps the cache across a restart (new store instance and service on the same file)', async () => {
    const first = await h.service().getPoster(603);
    await h.restart();
    h.tmdb.reset();
    expect(await h.service().getPoster(603)).toBe(first);
    expect(h.tmdb.requests).toHaveLength(0);
  });

  it('remembers "no poster" (poster_path null) and unknown ids (404)', async () => {
    h.tmdb.setMovie(10, { kind: 'no-poster' });
    h.tmdb.setMovie(11, { kind: 'not-found' });
    const posters = h.service();
    expect(await posters.getPoster(10)).toBeNull();
    expect(await posters.getPoster(11)).toBeNull();
    await h.restart();
    const afterRestart = h.service();
    expect(await afterRestart.getPoster(10)).toBeNull();
    expect(await afterRestart.getPoster(11)).toBeNull();
    expect(h.tmdb.movieRequests(10)).toHaveLength(1);
    expect(h.tmdb.movieRequests(11)).toHaveLength(1);
  });

  it('shares one request between concurrent lookups of the same id', async () => {
    h.tmdb.setMovie(42, { kind: 'poster', delayMs: 100 });
    const posters = h.service();
    const [a, b, c] = await Promise.all([
      posters.getPoster(42),
      posters.getPoster(42),
      posters.getPoster(42),
    ]);
    expect(a).toBe(`${IMAGE_BASE}w342/poster-42.jpg`);
    expect([b, c]).toEqual([a, a]);
    expect(h.tmdb.movieRequests(42)).toHaveLength(1);
  });

  it('still answers when the cache itself fails (treated as a miss)', async () => {
    const posters = h.service();
    await h.store.disconnect();
    expect(await posters.getPoster(7)).toBe(`${IMAGE_BASE}w342/poster-7.jpg`);
    expect(h.log.text()).toContain('poster cache read failed');
  });
});

describe('PosterService: failures', () => {
  it('waits out a 429 as Retry-After says, then succeeds', async () => {
    h.tmdb.setMovie(20, { kind: 'rate-limited', times: 1, retryAfter: '1' });
    const sleep = vi.fn((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
    const posters = h.service({ sleep });
    expect(await posters.getPoster(20)).toBe(`${IMAGE_BASE}w342/poster-20.jpg`);
    expect(h.tmdb.movieRequests(20)).toHaveLength(2);
    expect(sleep).toHaveBeenCalledTimes(1);
    const waited = sleep.mock.calls[0][0];
    expect(waited).toBeGreaterThan(0);
    expect(waited).toBeLessThanOrEqual(1000);
    expect(h.log.text()).toContain('"retryAfterMs":1000');
  });

  it('gives up after the bounded retries and does not remember that for good', async () => {
    h.tmdb.setMovie(21, { kind: 'rate-limited', times: 100, retryAfter: '0' });
    const posters = h.service({ maxRetries: 2, failureTtlMs: 0 });
    expect(await posters.getPoster(21)).toBeNull();
    expect(h.tmdb.movieRequests(21)).toHaveLength(3);
    h.tmdb.setMovie(21, { kind: 'poster' });
    expect(await posters.getPoster(21)).toBe(`${IMAGE_BASE}w342/poster-21.jpg`);
  });

  it('does not wait for a Retry-After longer than allowed', async () => {
    h.tmdb.setMovie(22, { kind: 'rate-limited', times: 1, retryAfter: '120' });
    const sleep = vi.fn(async () => undefined);
    const posters = h.service({ sleep, maxRetryWaitMs: 5_000 });
    expect(await posters.getPoster(22)).toBeNull();
    expect(sleep).not.toHaveBeenCalled();
    expect(h.tmdb.movieRequests(22)).toHaveLength(1);
  });

  it('answers null on a 500 and only briefly remembers it', async () => {
    h.tmdb.setMovie(30, { kind: 'server-error' });
    const posters = h.service({ failureTtlMs: 1_000 });
    expect(await posters.getPoster(30)).toBeNull();
    // Within the short failure ttl TMDB is left alone...
    expect(await posters.getPoster(30)).toBeNull();
    expect(h.tmdb.movieRequests(30)).toHaveLength(1);
    // ...and asked again once it has passed.
    h.tmdb.setMovie(30, { kind: 'poster' });
    await vi.waitFor(
      async () => expect(await posters.getPoster(30)).toBe(`${IMAGE_BASE}w342/poster-30.jpg`),
      {
        timeout: 10_000,
        interval: 100,
      },
    );
  });

  it('answers null when TMDB hangs (client timeout) and asks again later', async () => {
    h.tmdb.setMovie(31, { kind: 'hang' });
    const posters = h.service({ requestTimeoutMs: 200, failureTtlMs: 300 });
    expect(await posters.getPoster(31)).toBeNull();
    expect(h.log.text()).toContain('timed out after 200 ms');
    h.tmdb.setMovie(31, { kind: 'poster' });
    await vi.waitFor(
      async () => expect(await posters.getPoster(31)).toBe(`${IMAGE_BASE}w342/poster-31.jpg`),
      {
        timeout: 10_000,
        interval: 100,
      },
    );
  });

  it('does not retry or cache a 401, and pauses further lookups', async () => {
    const posters = h.service({ apiKey: 'revoked-key-0000' });
    expect(await posters.getPoster(40)).toBeNull();
    expect(await posters.getPoster(41)).toBeNull();
    expect(h.tmdb.movieRequests()).toHaveLength(1);
    expect(h.tmdb.movieRequests()[0].authorized).toBe(false);
    // A working service on the same cache still finds the poster: the 401 was not stored.
    expect(await h.service().getPoster(40)).toBe(`${IMAGE_BASE}w342/poster-40.jpg`);
  });
});

describe('PosterService: load on TMDB', () => {
  it('keeps at most maxConcurrent requests in flight for 10 cards at once', async () => {
    const ids = Array.from({ length: 10 }, (_, i) => 100 + i);
    for (const id of ids) h.tmdb.setMovie(id, { kind: 'poster', delayMs: 100 });
    const posters = h.service({ maxConcurrent: 4 });
    const urls = await Promise.all(ids.map((id) => posters.getPoster(id)));
    expect(urls).toEqual(ids.map((id) => `${IMAGE_BASE}w342/poster-${id}.jpg`));
    expect(h.tmdb.maxInFlight).toBeLessThanOrEqual(4);
    expect(h.tmdb.maxInFlight).toBeGreaterThan(1);
  });

  it('pauses every lookup on a 429, not only the one that got it', async () => {
    const ids = Array.from({ length: 10 }, (_, i) => 200 + i);
    h.tmdb.startRateLimitWindow(1_000, '1');
    const posters = h.service({ maxConcurrent: 4, imageBaseUrl: IMAGE_BASE });
    const urls = await Promise.all(ids.map((id) => posters.getPoster(id)));
    expect(urls).toEqual(ids.map((id) => `${IMAGE_BASE}w342/poster-${id}.jpg`));
    // Only the 4 already in flight met the limit; the 6 queued ones waited instead of earning more 429s.
    expect(h.tmdb.movieRequests().filter((r) => r.status === 429)).toHaveLength(4);
    expect(h.tmdb.movieRequests()).toHaveLength(14);
  });

  it('getPosters answers within its deadline with what it has, and finishes the rest in the background', async () => {
    h.tmdb.setMovie(51, { kind: 'poster', delayMs: 2_000 });
    h.tmdb.setMovie(52, { kind: 'hang' });
    const posters = h.service({ requestTimeoutMs: 5_000 });
    const urls = await posters.getPosters([50, 51, 52, undefined], { deadlineMs: 1_000 });
    expect(urls).toEqual([`${IMAGE_BASE}w342/poster-50.jpg`, null, null, null]);
    // The slow lookup was not abandoned: it lands in the cache, and the next reply gets it without a request.
    await vi.waitFor(() => expect(h.tmdb.movieRequests(51)).toHaveLength(1));
    await vi.waitFor(async () => expect(await h.store.get('movie:51')).toBeDefined(), { timeout: 10_000 });
    expect(await posters.getPosters([51])).toEqual([`${IMAGE_BASE}w342/poster-51.jpg`]);
    expect(h.tmdb.movieRequests(51)).toHaveLength(1);
  });
});

describe('PosterService: logs', () => {
  it('never writes the API key, even in failure paths', async () => {
    h.tmdb.setMovie(60, { kind: 'server-error' });
    h.tmdb.setMovie(61, { kind: 'hang' });
    h.tmdb.setMovie(62, { kind: 'rate-limited', times: 1, retryAfter: '0' });
    h.tmdb.setMovie(63, { kind: 'not-found' });
    const posters = h.service({ requestTimeoutMs: 200 });
    await posters.getPosters([1, 60, 61, 62, 63]);
    await h.service({ apiKey: 'wrong-key-1234567' }).getPoster(64);

    const logs = h.log.text();
    expect(logs).toContain('api_key=***'); // request URLs are logged, redacted
    expect(logs).toContain('TMDB rejected the credentials');
    expect(logs).not.toContain(h.tmdb.apiKey);
    expect(logs).not.toContain('wrong-key-1234567');
  });
});

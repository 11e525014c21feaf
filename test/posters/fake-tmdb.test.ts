/** The fake must speak TMDB's protocol faithfully, or the poster tests prove nothing. */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startFakeTmdb, type FakeTmdb } from '../support/fake-tmdb/index.ts';

let tmdb: FakeTmdb;
beforeEach(async () => {
  tmdb = await startFakeTmdb({ apiKey: 'k3y', readToken: 't0ken' });
});
afterEach(async () => {
  await tmdb.close();
});

const get = (path: string, init?: RequestInit) => fetch(`${tmdb.baseUrl}${path}`, init);

/** The fields of TMDB bodies these tests look at. */
interface TmdbBody {
  id?: number;
  poster_path?: string | null;
  status_code?: number;
  images?: { secure_base_url: string };
}
const body = async (response: Response | Promise<Response>) => (await (await response).json()) as TmdbBody;

describe('fake TMDB', () => {
  it('rejects missing or wrong credentials with TMDB status_code 7', async () => {
    for (const response of [await get('/movie/1'), await get('/movie/1?api_key=nope')]) {
      expect(response.status).toBe(401);
      expect(await response.json()).toEqual({
        status_code: 7,
        status_message: 'Invalid API key: You must be granted a valid key.',
        success: false,
      });
    }
    expect(tmdb.requests.map((r) => [r.auth, r.authorized])).toEqual([
      ['none', false],
      ['api_key', false],
    ]);
  });

  it('accepts the api_key query parameter and the Bearer header', async () => {
    const byKey = await get('/movie/603?api_key=k3y');
    const byToken = await get('/movie/603', { headers: { authorization: 'Bearer t0ken' } });
    expect((await body(byKey)).poster_path).toBe('/poster-603.jpg');
    expect(await body(byToken)).toMatchObject({ id: 603, poster_path: '/poster-603.jpg' });
    expect(tmdb.requests.map((r) => r.auth)).toEqual(['api_key', 'bearer']);
  });

  it('serves configuration, null posters, 404 (status_code 34), 500 and 429 with Retry-After', async () => {
    const auth = { headers: { authorization: 'Bearer t0ken' } };
    expect((await body(get('/configuration', auth))).images?.secure_base_url).toBe(
      'https://image.tmdb.org/t/p/',
    );
    tmdb.setMovie(1, { kind: 'no-poster' });
    expect((await body(get('/movie/1', auth))).poster_path).toBeNull();
    tmdb.setMovie(2, { kind: 'not-found' });
    const missing = await get('/movie/2', auth);
    expect([missing.status, (await body(missing)).status_code]).toEqual([404, 34]);
    tmdb.setMovie(3, { kind: 'server-error' });
    expect((await get('/movie/3', auth)).status).toBe(500);
    tmdb.setMovie(4, { kind: 'rate-limited', times: 2, retryAfter: '3' });
    const limited = await get('/movie/4', auth);
    expect([limited.status, limited.headers.get('retry-after')]).toEqual([429, '3']);
    expect((await get('/movie/4', auth)).status).toBe(429);
    expect((await get('/movie/4', auth)).status).toBe(200);
  });

  it('counts a hanging request as in flight until the client gives up', async () => {
    tmdb.setMovie(5, { kind: 'hang' });
    const request = get('/movie/5?api_key=k3y', { signal: AbortSignal.timeout(100) });
    await expect(request).rejects.toThrow();
    expect(tmdb.maxInFlight).toBe(1);
    await expect.poll(() => tmdb.inFlight).toBe(0);
  });
});

/**
 * "Schedule it" pieces without Discord: the modal's day and time read in the server's zone (DST both
 * ways), refused specifically when wrong; the event description within 1000; the poster cover fetched as a
 * data URI from a real local HTTP server, and skipped (null) when fetching fails.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MovieInfo } from '../../src/artifacts/types.ts';
import type { BotContext } from '../../src/bot/context.ts';
import { eventDescription, parseEventTime, posterDataUri } from '../../src/bot/schedule-event.ts';

const PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==',
  'base64',
);
const movie: MovieInfo = {
  movieId: 1,
  title: 'Toy Story (1995)',
  genres: ['Animation', 'Comedy'],
  imdbId: '0114709',
  tmdbId: 862,
  count: 10,
  mean: 4,
};

describe('schedule it: times', () => {
  it('reads the day and time in the server’s zone, summer and winter', () => {
    expect(parseEventTime('2027-07-15', '20:30', 'Europe/Berlin').toISOString()).toBe(
      '2027-07-15T18:30:00.000Z',
    );
    expect(parseEventTime(' 2027-01-10 ', '9:05', 'Europe/Berlin').toISOString()).toBe(
      '2027-01-10T08:05:00.000Z',
    );
    expect(parseEventTime('2027-01-10', '19:00', 'UTC').toISOString()).toBe('2027-01-10T19:00:00.000Z');
    expect(parseEventTime('2027-03-14', '21:00', 'America/New_York').toISOString()).toBe(
      '2027-03-15T01:00:00.000Z',
    );
  });

  it('refuses a day or time that is not one, saying which', () => {
    expect(() => parseEventTime('15.07.2027', '20:30', 'UTC')).toThrow(
      /^\*\*Day\*\*: “15\.07\.2027” is not a date/,
    );
    expect(() => parseEventTime('2027-02-29', '20:30', 'UTC')).toThrow(
      '2027-02-29 is not a day of the calendar',
    );
    expect(() => parseEventTime('2027-07-15', '24:00', 'UTC')).toThrow(/^\*\*Time\*\*: “24:00”/);
    expect(() => parseEventTime('2027-07-15', '20:60', 'UTC')).toThrow(/^\*\*Time\*\*/);
  });

  it('keeps the description within Discord’s 1000 characters', () => {
    expect(eventDescription(movie)).toBe(
      'Movie night: Toy Story (1995)\nAnimation, Comedy · 1995 · https://www.imdb.com/title/tt0114709/',
    );
    const long = { ...movie, genres: Array.from({ length: 200 }, (_, i) => `Genre${i}`) };
    const text = eventDescription(long);
    expect(text).toHaveLength(1000);
    expect(text.endsWith('…')).toBe(true);
  });
});

describe('schedule it: the poster as cover', () => {
  let server: Server;
  let base: string;
  beforeAll(async () => {
    server = createServer((req, res) => {
      if (req.url === '/poster.png') {
        res.writeHead(200, { 'content-type': 'image/png' });
        res.end(PNG);
      } else if (req.url === '/page.html') {
        res.writeHead(200, { 'content-type': 'text/html' });
        res.end('<html></html>');
      } else {
        res.writeHead(404);
        res.end();
      }
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await new Promise((resolve) => server.close(resolve));
  });

  const contextWith = (poster: string | null) =>
    ({
      posters: { getPoster: async () => poster },
      logger: { debug: () => {} },
    }) as unknown as BotContext;

  it('sends the poster bytes as a data URI', async () => {
    expect(await posterDataUri(contextWith(`${base}/poster.png`), movie)).toBe(
      `data:image/png;base64,${PNG.toString('base64')}`,
    );
  });

  it('skips the cover silently without TMDB, on a 404, a non-image or an unreachable host', async () => {
    expect(await posterDataUri(contextWith(null), movie)).toBeNull();
    expect(await posterDataUri(contextWith(`${base}/missing.png`), movie)).toBeNull();
    expect(await posterDataUri(contextWith(`${base}/page.html`), movie)).toBeNull();
    expect(await posterDataUri(contextWith('http://127.0.0.1:1/poster.png'), movie)).toBeNull();
  });
});

import { DiscordAPIError, HTTPError } from 'discord.js';
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { pseudonym, scrubLogLine, serializeError } from '../src/log-safety.ts';
import { createLogger } from '../src/logger.ts';

const BOT_TOKEN = 'MTEwMDAwMDAwMDAwMDAwMDAwMQ.ZmFrZQ.xxxxxxxxxxxxxxxxxxxxxxxxxxx';
const INTERACTION_TOKEN = `aW50ZXJhY3Rpb246${'Ab3_-9'.repeat(30)}`;
const WEBHOOK_URL = `https://discord.com/api/v10/webhooks/1100000000000000001/${INTERACTION_TOKEN}/messages/@original`;
const JWT =
  'eyJhbGciOiJIUzI1NiJ9.eyJhdWQiOiJmYWtlIiwic2NvcGVzIjpbImFwaV9yZWFkIl19.c2lnbmF0dXJlLWZha2UtZmFrZQ';
const TMDB_KEY = '0123456789abcdef0123456789abcdef';
const USER_ID = '1100000000000000300';

/** A discord.js error exactly as a failed interaction edit produces it. */
function discordError(): DiscordAPIError {
  return new DiscordAPIError({ code: 10015, message: 'Unknown Webhook' }, 10015, 404, 'PATCH', WEBHOOK_URL, {
    body: { content: `<@${USER_ID}> Because you like Heat`, embeds: [] },
    files: undefined,
  });
}

/** Everything one logger call writes. */
function logged(log: (logger: pino.Logger) => void, logger?: (d: pino.DestinationStream) => pino.Logger) {
  const lines: string[] = [];
  const destination = { write: (line: string) => void lines.push(line) };
  log(logger ? logger(destination) : createLogger({ level: 'trace', destination }));
  return lines.join('');
}

describe('serializeError', () => {
  it('keeps what went wrong and drops the request of a DiscordAPIError', () => {
    const out = serializeError(discordError()) as Record<string, unknown>;
    expect(out).toMatchObject({
      type: 'DiscordAPIError',
      message: 'Unknown Webhook',
      code: 10015,
      status: 404,
    });
    expect(out.method).toBe('PATCH');
    expect(String(out.stack)).toContain('Unknown Webhook');
    expect(out).not.toHaveProperty('url');
    expect(out).not.toHaveProperty('requestBody');
    expect(out).not.toHaveProperty('rawError');
  });

  it('does the same for an HTTPError, causes and plain objects carrying a url', () => {
    const http = new HTTPError(502, 'Bad Gateway', 'POST', WEBHOOK_URL, {
      body: { token: 'x' },
      files: undefined,
    });
    const wrapped = new Error('edit failed', { cause: http });
    const out = serializeError(wrapped) as { cause: Record<string, unknown> };
    expect(out.cause).toMatchObject({ type: 'HTTPError', status: 502, method: 'POST' });
    expect(out.cause).not.toHaveProperty('url');
    expect(out.cause).not.toHaveProperty('requestBody');
    expect(serializeError({ message: 'relogged', url: WEBHOOK_URL, body: 'x' })).toEqual({
      message: 'relogged',
    });
    expect(serializeError('just text')).toBe('just text');
  });
});

describe('scrubLogLine', () => {
  it('replaces bot tokens, JWTs, interaction tokens, webhook URLs and TMDB keys', () => {
    const line = JSON.stringify({
      a: `Bot ${BOT_TOKEN}`,
      b: BOT_TOKEN,
      c: `Bearer ${JWT}`,
      d: JWT,
      e: INTERACTION_TOKEN,
      f: WEBHOOK_URL,
      g: `https://api.themoviedb.org/3/movie/603?api_key=${TMDB_KEY}`,
      h: `key ${TMDB_KEY} here`,
      i: `/interactions/1579007293876338713/${INTERACTION_TOKEN}/callback`,
    });
    const clean = scrubLogLine(line);
    for (const secret of [BOT_TOKEN, JWT, INTERACTION_TOKEN, TMDB_KEY, 'aW50ZXJhY3Rpb246']) {
      expect(clean).not.toContain(secret);
    }
    expect(JSON.parse(clean)).toMatchObject({
      f: 'https://discord.com/api/v10/webhooks/[app]/[token]/messages/@original',
      g: 'https://api.themoviedb.org/3/movie/603?api_key=[redacted]',
      h: 'key [key] here',
      i: '/interactions/[id]/[token]/callback',
    });
  });

  it('pseudonymises Discord ids, the same id the same way within the process', () => {
    const clean = scrubLogLine(`{"interaction":"${USER_ID}","msg":"<@${USER_ID}> and 1579007293876338713"}`);
    expect(clean).not.toContain(USER_ID);
    expect(clean).not.toContain('1579007293876338713');
    const parsed = JSON.parse(clean) as { interaction: string; msg: string };
    expect(parsed.interaction).toBe(pseudonym(USER_ID));
    expect(parsed.interaction).toMatch(/^id#[0-9a-f]{8}$/);
    expect(parsed.msg).toBe(`<@${pseudonym(USER_ID)}> and ${pseudonym('1579007293876338713')}`);
    expect(pseudonym(USER_ID)).not.toBe(pseudonym('1579007293876338713'));
  });

  it('leaves ordinary log content alone', () => {
    const line = JSON.stringify({
      time: 1796535075052,
      version: '20261206T053114363Z-99a5',
      path: '/work/models/.rejected/20261206T053114363Z-99a5/manifest.json',
      rmse: 0.8765432101234568,
      rows: 100836,
      msg: 'retrain published model version 20261206T053114363Z-99a5',
    });
    expect(scrubLogLine(line)).toBe(line);
  });
});

describe('createLogger', () => {
  it('writes a failed interaction edit without its URL, token, body or ids', () => {
    const line = logged((logger) =>
      logger.error({ err: discordError(), interaction: USER_ID }, 'interaction failed'),
    );
    expect(JSON.parse(line)).toMatchObject({ msg: 'interaction failed', err: { code: 10015, status: 404 } });
    for (const secret of [INTERACTION_TOKEN, USER_ID, '1100000000000000001', 'Because you like']) {
      expect(line).not.toContain(secret);
    }
  });

  it('where a plain pino logger would have leaked them (so the check above can fail)', () => {
    const line = logged(
      (logger) => logger.error({ err: discordError(), interaction: USER_ID }, 'interaction failed'),
      (destination) => pino({ level: 'trace' }, destination),
    );
    expect(line).toContain(INTERACTION_TOKEN);
    expect(line).toContain(USER_ID);
  });

  it('scrubs secrets in messages and child bindings too', () => {
    const line = logged((logger) =>
      logger.child({ guild: '1100000000000000100' }).warn(`login with ${BOT_TOKEN} failed at ${WEBHOOK_URL}`),
    );
    expect(line).not.toContain(BOT_TOKEN);
    expect(line).not.toContain('1100000000000000100');
    expect(line).not.toContain(INTERACTION_TOKEN);
  });
});

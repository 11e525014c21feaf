import { describe, expect, it } from 'vitest';
import { ConcurrencyLimiter, QueueFullError } from '../../src/posters/limiter.ts';
import { redactSecrets, redactUrl } from '../../src/posters/redact.ts';
import { parseRetryAfter } from '../../src/posters/retry-after.ts';

describe('parseRetryAfter', () => {
  it('reads delta-seconds, fractional seconds and HTTP dates', () => {
    expect(parseRetryAfter('2')).toBe(2000);
    expect(parseRetryAfter('0')).toBe(0);
    expect(parseRetryAfter('0.25')).toBe(250);
    const now = Date.parse('Wed, 21 Oct 2015 07:28:00 GMT');
    expect(parseRetryAfter('Wed, 21 Oct 2015 07:28:03 GMT', now)).toBe(3000);
    expect(parseRetryAfter('Wed, 21 Oct 2015 07:27:00 GMT', now)).toBe(0);
  });

  it('gives undefined for missing or unreadable values', () => {
    expect(parseRetryAfter(null)).toBeUndefined();
    expect(parseRetryAfter('')).toBeUndefined();
    expect(parseRetryAfter('-1')).toBeUndefined();
    expect(parseRetryAfter('soon')).toBeUndefined();
  });
});

describe('redaction', () => {
  it('hides api_key in URLs and keeps the rest readable', () => {
    expect(redactUrl('https://api.themoviedb.org/3/movie/603?api_key=abc123&language=en-US')).toBe(
      'https://api.themoviedb.org/3/movie/603?api_key=***&language=en-US',
    );
    expect(redactUrl('not a url ?api_key=abc123')).toBe('not a url ?api_key=***');
  });

  it('hides literal secrets in free text', () => {
    expect(redactSecrets('GET /x?api_key=abc123 failed (abc123)', ['abc123', undefined])).toBe(
      'GET /x?api_key=*** failed (***)',
    );
  });
});

describe('ConcurrencyLimiter', () => {
  it('runs at most N tasks at once and refuses beyond the queue limit', async () => {
    const limiter = new ConcurrencyLimiter(2, 1);
    let running = 0;
    let peak = 0;
    const gates: Array<() => void> = [];
    const task = () =>
      limiter.run(async () => {
        running++;
        peak = Math.max(peak, running);
        await new Promise<void>((resolve) => gates.push(resolve));
        running--;
      });
    const first = [task(), task(), task()];
    await expect(task()).rejects.toBeInstanceOf(QueueFullError);
    expect(limiter.inFlight).toBe(2);
    expect(limiter.queued).toBe(1);
    // Open the gates one at a time; the queued task takes the first slot that frees up.
    while (running > 0) {
      gates.shift()?.();
      await new Promise((resolve) => setImmediate(resolve));
    }
    await Promise.all(first);
    expect(peak).toBe(2);
    expect(limiter.inFlight).toBe(0);
  });
});

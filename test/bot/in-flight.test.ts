import { describe, expect, it } from 'vitest';
import { DRAIN_TIMEOUT_MS, InFlight } from '../../src/bot/in-flight.ts';

describe('InFlight', () => {
  it('waits for what is running, and stops accepting', async () => {
    const inFlight = new InFlight();
    let finished = false;
    const work = inFlight.track(
      new Promise<void>((resolve) => setTimeout(resolve, 30)).then(() => (finished = true)),
    );
    expect(inFlight.size).toBe(1);
    expect(inFlight.isAccepting).toBe(true);
    const unfinished = await inFlight.drain(5_000);
    expect(finished).toBe(true);
    expect(unfinished).toBe(0);
    expect(inFlight.isAccepting).toBe(false);
    await work;
    expect(inFlight.size).toBe(0);
  });

  it('gives up after the time limit and says how many are left; a failed one counts as done', async () => {
    const inFlight = new InFlight();
    void inFlight.track(new Promise(() => {})); // never settles
    void inFlight.track(Promise.reject(new Error('handler failed'))).catch(() => {});
    expect(await inFlight.drain(50)).toBe(1);
    expect(DRAIN_TIMEOUT_MS).toBe(10_000); // the bot's stop() default
  });
});

/** Timed interactions through the fake Discord, as a user produces them. */
import { setTimeout as sleep } from 'node:timers/promises';
import type { FakeDiscord } from '../../test/support/fake-discord/index.ts';
import type { AutocompleteRequest, PickTriple, Workload } from './workload.ts';

/** /recommend → the deferred reply edited into its final message (10 recommendation cards). */
export async function timedRecommend(fake: FakeDiscord, picks: PickTriple): Promise<number> {
  const started = performance.now();
  const handle = await fake.command('recommend', {
    movie1: String(picks[0]),
    movie2: String(picks[1]),
    movie3: String(picks[2]),
  });
  const message = await handle.waitForMessage();
  const elapsed = performance.now() - started;
  // A fast error reply would flatter the figures: insist on the real answer.
  if ((message.embeds?.length ?? 0) < 10) {
    throw new Error(`/recommend ${picks.join(' ')} answered without 10 cards: ${message.content ?? ''}`);
  }
  return elapsed;
}

/** Typing into one /recommend option → the choices the bot answers with. */
export async function timedAutocomplete(fake: FakeDiscord, request: AutocompleteRequest): Promise<number> {
  const options: Record<string, string> = {};
  request.chosen.forEach((id, i) => (options[`movie${i + 1}`] = String(id)));
  options[request.focused] = request.query;
  const started = performance.now();
  const choices = await fake.autocomplete('recommend', options, request.focused);
  const elapsed = performance.now() - started;
  if (choices.length === 0) throw new Error(`autocomplete "${request.query}" found nothing`);
  return elapsed;
}

export interface TrafficSamples {
  recommendMs: number[];
  autocompleteMs: number[];
}

export interface TrafficOptions {
  /** Pairs of (autocomplete, /recommend) to send; or run until `until()` says stop. */
  pairs?: number;
  until?: () => boolean;
  /** Idle time between interactions: real traffic is not back to back. */
  pauseMs?: number;
}

/** Alternates autocomplete and /recommend, one at a time (sequential, so each figure is one round trip). */
export async function runTraffic(
  fake: FakeDiscord,
  workload: Workload,
  options: TrafficOptions,
): Promise<TrafficSamples> {
  const samples: TrafficSamples = { recommendMs: [], autocompleteMs: [] };
  const more = () =>
    options.pairs !== undefined ? samples.recommendMs.length < options.pairs : !options.until?.();
  while (more()) {
    samples.autocompleteMs.push(await timedAutocomplete(fake, workload.autocomplete()));
    if (options.pauseMs) await sleep(options.pauseMs);
    samples.recommendMs.push(await timedRecommend(fake, workload.picks()));
    if (options.pauseMs) await sleep(options.pauseMs);
  }
  return samples;
}

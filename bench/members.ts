/**
 * Members' commands through the fake Discord on loopback, with the bot in its own process as in production
 * (SQLite store in a temporary folder): a rating confirmed (/rate → its private reply, and a click in the star
 * panel → the panel updated to "Saved"; both are sent only after the store acknowledged the write),
 * /foryou → its final message, and /movienight for three members → its final message. Sequential: each figure
 * is one member's wait. The machine is shared; the bot's CPU per interaction is reported beside wall time.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { APIMessage } from 'discord-api-types/v10';
import type { Artifacts } from '../src/artifacts/types.ts';
import { createRng } from '../src/random.ts';
import { startFakeDiscord, type FakeDiscord } from '../test/support/fake-discord/index.ts';
import type { Benchmark } from './lib/benchmark.ts';
import { startBotProcess, type BotProcess } from './lib/bot-process.ts';
import { loadCurrent } from './lib/models.ts';
import { summarize } from './lib/stats.ts';

const SAMPLES = 300;
const WARM_UP = 20;
/** /foryou and /movienight edit their deferred reply: paced under discord.js's 50 REST requests/s (see gateway.ts). */
const ANSWER_INTERVAL_MS = 25;
const STARS = ['0.5', '1', '1.5', '2', '2.5', '3', '3.5', '4', '4.5', '5'];
const MEMBERS = ['1100000000000000801', '1100000000000000802', '1100000000000000803'];
const RATER = '1100000000000000809';

interface LooseComponent {
  custom_id?: string;
  options?: { value: string }[];
}

function component(message: APIMessage, prefix: string): LooseComponent & { custom_id: string } {
  const rows = (message.components ?? []) as unknown as { components?: LooseComponent[] }[];
  const found = rows.flatMap((row) => row.components ?? []).find((c) => c.custom_id?.startsWith(prefix));
  if (!found?.custom_id) throw new Error(`no ${prefix}… component on the message`);
  return found as LooseComponent & { custom_id: string };
}

async function measure(bot: BotProcess, count: number, interact: (i: number) => Promise<number>, paceMs = 0) {
  const before = await bot.usage();
  const samples: number[] = [];
  for (let i = 0; i < count; i++) {
    const started = performance.now();
    samples.push(await interact(i));
    const rest = paceMs - (performance.now() - started);
    if (rest > 0) await sleep(rest);
  }
  const after = await bot.usage();
  return {
    latency: summarize(samples),
    botCpuMsEach: (after.cpuMs - before.cpuMs) / count,
    rateLimited: after.rateLimited - before.rateLimited,
  };
}

/** /rate with a movie id (what autocomplete sends) → the private "Saved" reply. */
async function timedRate(fake: FakeDiscord, userId: string, movieId: number, stars: number): Promise<number> {
  const started = performance.now();
  const handle = await fake.command('rate', { movie: `#${movieId}`, stars }, { userId });
  const reply = handle.finalMessage();
  const elapsed = performance.now() - started;
  if (!reply.content?.startsWith('Saved:')) throw new Error(`/rate answered: ${reply.content ?? ''}`);
  return elapsed;
}

async function timedAnswer(fake: FakeDiscord, name: string, options: Record<string, string>, userId: string) {
  const started = performance.now();
  const message = await (await fake.command(name, options, { userId })).waitForMessage();
  const elapsed = performance.now() - started;
  if ((message.embeds?.length ?? 0) < 10)
    throw new Error(`/${name} answered without 10 cards: ${message.content}`);
  return { elapsed, message };
}

export const members: Benchmark = {
  name: 'members',
  description:
    'members through the local fake Discord: rating confirmed, /foryou and /movienight → final message',
  async run(context) {
    const modelsDir = await context.models();
    const artifacts: Artifacts = await loadCurrent(modelsDir);
    const rng = createRng(20261201);
    // Movies the model knows well enough to appear anywhere: the most rated ones.
    const movies = [...artifacts.movies.values()].sort((a, b) => b.count - a.count).slice(0, 2000);
    const randomMovie = () => movies[Math.floor(rng() * movies.length)].movieId;
    const randomStars = () => Number(STARS[Math.floor(rng() * STARS.length)]);
    const fake = await startFakeDiscord();
    const bot = await startBotProcess({ fake, modelsDir });
    try {
      // Each member rates 20 movies first (through /rate, as members would).
      for (const userId of MEMBERS)
        for (let i = 0; i < 20; i++) await timedRate(fake, userId, randomMovie(), randomStars());
      for (let i = 0; i < WARM_UP; i++) await timedAnswer(fake, 'foryou', {}, MEMBERS[i % 3]);

      const rate = await measure(bot, SAMPLES, () => timedRate(fake, RATER, randomMovie(), randomStars()));

      // The two-click path from a card: the star panel's select → the panel updated to "Saved".
      const { message: answer } = await timedAnswer(fake, 'foryou', {}, MEMBERS[0]);
      const pick = component(answer, 'rate:pick:');
      const panelClick = await measure(bot, SAMPLES, async (i) => {
        const movieId = pick.options![i % pick.options!.length].value;
        const panel = (
          await fake.selectMenu(answer, pick.custom_id, [movieId], { userId: RATER })
        ).finalMessage();
        const stars = component(panel, 'rate:stars:');
        const started = performance.now();
        const saved = (
          await fake.selectMenu(panel, stars.custom_id, [STARS[i % 10]], { userId: RATER })
        ).finalMessage();
        const elapsed = performance.now() - started;
        if (!saved.content?.startsWith('Saved:')) throw new Error(`panel answered: ${saved.content ?? ''}`);
        return elapsed;
      });

      const foryou = await measure(
        bot,
        SAMPLES,
        async (i) => (await timedAnswer(fake, 'foryou', {}, MEMBERS[i % 3])).elapsed,
        ANSWER_INTERVAL_MS,
      );
      // The same run's /recommend, for comparison: on a shared machine the absolute p99s move with the load.
      const catalog = artifacts.catalog.map((e) => String(e.movieId));
      const recommend = await measure(
        bot,
        SAMPLES,
        async (i) =>
          (
            await timedAnswer(
              fake,
              'recommend',
              { movie1: catalog[i % 100], movie2: catalog[(i + 1) % 100], movie3: catalog[(i + 2) % 100] },
              MEMBERS[i % 3],
            )
          ).elapsed,
        ANSWER_INTERVAL_MS,
      );
      const movienight = await measure(
        bot,
        SAMPLES,
        async (i) =>
          (
            await timedAnswer(
              fake,
              'movienight pick',
              { member1: MEMBERS[(i + 1) % 3], member2: MEMBERS[(i + 2) % 3] },
              MEMBERS[i % 3],
            )
          ).elapsed,
        ANSWER_INTERVAL_MS,
      );
      const note = 'shared 2-core machine; SQLite store; no TMDB';
      return {
        rows: [
          {
            metric: '/rate → "Saved" reply p99',
            unit: 'ms',
            measured: rate.latency.p99,
            target: 50,
            summary: rate.latency,
            note,
          },
          {
            metric: 'star panel click → "Saved" p99',
            unit: 'ms',
            measured: panelClick.latency.p99,
            target: 50,
            summary: panelClick.latency,
            note,
          },
          {
            metric: '/foryou → final message p99',
            unit: 'ms',
            measured: foryou.latency.p99,
            target: 30,
            summary: foryou.latency,
            note: `${note}; ${foryou.rateLimited} rate-limited`,
          },
          {
            metric: '/movienight (3 members) → final message p99',
            unit: 'ms',
            measured: movienight.latency.p99,
            target: 30,
            summary: movienight.latency,
            note: `${note}; ${movienight.rateLimited} rate-limited`,
          },
          {
            metric: '/recommend → final message p99, same run (for comparison)',
            unit: 'ms',
            measured: recommend.latency.p99,
            summary: recommend.latency,
            note,
          },
          { metric: 'bot CPU per /rate', unit: 'ms', measured: rate.botCpuMsEach },
          { metric: 'bot CPU per /foryou', unit: 'ms', measured: foryou.botCpuMsEach },
          { metric: 'bot CPU per /movienight', unit: 'ms', measured: movienight.botCpuMsEach },
          {
            metric: 'bot CPU per /recommend (members excluded)',
            unit: 'ms',
            measured: recommend.botCpuMsEach,
          },
        ],
        raw: {
          samples: SAMPLES,
          rate,
          panelClick,
          foryou,
          recommend,
          movienight,
          fakeStats: { ...fake.stats },
        },
      };
    } finally {
      await bot.stop();
      await fake.close();
    }
  },
};

import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Artifacts } from '../../src/artifacts/types.ts';
import { createEngine } from '../../src/serve/engine.ts';
import { createRng } from '../../src/random.ts';
import { runCli } from '../support/cli.ts';
import { trainedModelForCli } from '../support/trained-model.ts';

type Answer = { popular: number[]; gems: number[] } | { error: string };

const parse = (stdout: string) =>
  stdout
    .trimEnd()
    .split('\n')
    .map((line) => JSON.parse(line) as Answer);

describe('foryou --batch and movienight --batch against a trained model', () => {
  let env: Record<string, string>;
  let artifacts: Artifacts;
  let dir: string;

  beforeAll(async () => {
    ({ dir, artifacts, env } = await trainedModelForCli('flickpick-personal-batch-'));
  }, 120_000);

  const titleOf = (id: number) => artifacts.movies.get(id)!.title;

  it('answers /foryou per line as the engine does, by ids or titles, with a specific error for each bad line', async () => {
    const member = [
      { movieId: 1, rating: 5 },
      { movieId: 2, rating: 4.5 },
      { movieId: 3, rating: 2 },
      { movieId: 200, rating: 4 },
    ];
    const requests = [
      JSON.stringify(member),
      JSON.stringify(member.map(({ movieId, rating }) => ({ title: titleOf(movieId), rating }))),
      JSON.stringify(member.slice(0, 2)),
      JSON.stringify([{ movieId: 1, rating: 6 }]),
      JSON.stringify([{ title: 'No Such Movie At All', rating: 4 }]),
      JSON.stringify([
        { movieId: 1, rating: 4 },
        { movieId: 1, rating: 3 },
      ]),
      '{"movieId": 1}',
      JSON.stringify([{ movieId: 1, title: titleOf(1), rating: 4 }]),
    ];
    const file = path.join(dir, 'foryou.txt');
    await writeFile(file, requests.join('\n') + '\n');
    const run = await runCli(['foryou', '--batch', file, '--seed', '3'], env);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const answers = parse(run.stdout);
    expect(answers).toHaveLength(requests.length);

    // The first line is what the engine answers with one RNG seeded 3, first request.
    const expected = createEngine(artifacts).forYou(member, {
      rng: createRng(3),
      exclude: new Set(member.map((r) => r.movieId)),
    });
    expect(answers[0]).toEqual({
      popular: expected.popularPicks.map((r) => r.movieId),
      gems: expected.hiddenGems.map((r) => r.movieId),
    });
    for (const answer of answers.slice(0, 2)) {
      if ('error' in answer) throw new Error(answer.error);
      const served = [...answer.popular, ...answer.gems];
      expect(served).toHaveLength(10);
      expect(new Set(served).size).toBe(10);
      for (const r of member) expect(served).not.toContain(r.movieId);
    }
    expect(answers[2]).toEqual({
      error: expect.stringMatching(/^line 3: Personal picks need at least 3 ratings/),
    });
    expect(answers[3]).toEqual({
      error: 'line 4: rating 1: "rating" must be ½ to 5 stars in half steps, got the number 6',
    });
    expect(answers[4]).toEqual({
      error: 'line 5: rating 1: "No Such Movie At All" is not a title of the dataset',
    });
    expect(answers[5]).toEqual({ error: 'line 6: rating 2: the same movie as rating 1' });
    expect(answers[6]).toEqual({
      error: 'line 7: expected a JSON array of {"movieId" or "title", "rating"} objects, got an object',
    });
    expect(answers[7]).toEqual({ error: 'line 8: rating 1: give "movieId" or "title", not both' });

    const again = await runCli(['foryou', '--batch', file, '--seed', '3'], env);
    expect(again.stdout).toBe(run.stdout);
  }, 60_000);

  it('answers /movienight per group, leaving out what anyone rated, and names the bad member', async () => {
    const group = [
      [
        { movieId: 1, rating: 5 },
        { movieId: 2, rating: 4 },
        { movieId: 3, rating: 4.5 },
      ],
      [
        { movieId: 4, rating: 5 },
        { movieId: 5, rating: 3.5 },
        { movieId: 6, rating: 4 },
      ],
    ];
    const requests = [
      JSON.stringify(group),
      JSON.stringify([group[0], [{ movieId: 999_999, rating: 4 }]]),
      JSON.stringify(group[0]),
      JSON.stringify(Array.from({ length: 7 }, () => group[0])),
    ];
    const run = await runCli(['movienight', '--batch', '-', '--seed', '5'], env, requests.join('\n') + '\n');
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const answers = parse(run.stdout);
    expect(answers).toHaveLength(4);
    const expected = createEngine(artifacts).movieNight(group, {
      rng: createRng(5),
      exclude: new Set(group.flat().map((r) => r.movieId)),
    });
    expect(answers[0]).toEqual({
      popular: expected.popularPicks.map((r) => r.movieId),
      gems: expected.hiddenGems.map((r) => r.movieId),
    });
    const first = answers[0] as { popular: number[]; gems: number[] };
    for (const movieId of [...first.popular, ...first.gems])
      expect(group.flat().map((r) => r.movieId)).not.toContain(movieId);
    expect(answers[1]).toEqual({
      error: 'line 2: member 2: rating 1: 999999 is not a movie id of the dataset',
    });
    expect(answers[2]).toEqual({
      error: expect.stringMatching(/^line 3: expected a JSON array of members, each an array of ratings/),
    });
    expect(answers[3]).toEqual({
      error: expect.stringMatching(/^line 4: A movie night needs 1–6 members \(got 7\)/),
    });
  }, 60_000);

  it('needs --batch', async () => {
    const run = await runCli(['foryou', 'Toy Story'], env);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('Error: foryou takes --batch FILE (one request per line) and nothing else');
    const missing = await runCli(['movienight', '--batch', path.join(dir, 'missing.txt')], env);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('Error: --batch: no such file');
  }, 30_000);
});

import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Artifacts } from '../../src/artifacts/types.ts';
import { runCli } from '../support/cli.ts';
import { trainedModelForCli } from '../support/trained-model.ts';

type Answer = { picks: number[]; popular: number[]; gems: number[] } | { error: string };

describe('recommend --batch against a trained model', () => {
  let env: Record<string, string>;
  let artifacts: Artifacts;
  let dir: string;

  beforeAll(async () => {
    ({ dir, artifacts, env } = await trainedModelForCli('flickpick-batch-'));
  }, 60_000);

  it('answers every line in order: ids, titles, and a specific error for each bad line', async () => {
    const catalog = artifacts.catalog.map((entry) => entry.movieId);
    const titleOf = (id: number) => artifacts.movies.get(id)!.title;
    const requests = [
      JSON.stringify(catalog.slice(0, 3)),
      'not json',
      JSON.stringify(catalog.slice(3, 6).map(titleOf)),
      JSON.stringify(catalog.slice(0, 2)),
      JSON.stringify([catalog[0], catalog[1], catalog[0]]),
      JSON.stringify(['No Such Movie At All', catalog[1], catalog[2]]),
      JSON.stringify(catalog.slice(6, 9)),
    ];
    const file = path.join(dir, 'requests.txt');
    await writeFile(file, requests.join('\n') + '\n');
    const run = await runCli(['recommend', '--batch', file, '--seed', '3', '--json'], env);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const answers = run.stdout
      .trimEnd()
      .split('\n')
      .map((line) => JSON.parse(line) as Answer);
    expect(answers).toHaveLength(requests.length);
    // Good lines and where their picks start in the catalog.
    const good: [number, number][] = [
      [0, 0],
      [2, 3],
      [6, 6],
    ];
    for (const [i, start] of good) {
      const answer = answers[i];
      if ('error' in answer) throw new Error(`line ${i + 1}: ${answer.error}`);
      expect(answer.picks).toEqual(catalog.slice(start, start + 3));
      expect(answer.popular).toHaveLength(5);
      expect(answer.gems).toHaveLength(5);
      const served = [...answer.popular, ...answer.gems];
      expect(new Set(served).size).toBe(10);
      for (const movieId of served) expect(catalog).not.toContain(movieId);
    }
    expect(answers[1]).toEqual({ error: expect.stringMatching(/^line 2: not JSON/) });
    expect(answers[3]).toEqual({ error: 'line 4: expected 3 picks, got 2' });
    expect(answers[4]).toEqual({
      error: expect.stringMatching(/^line 5: duplicate pick: picks 1 and 3 are both /),
    });
    expect(answers[5]).toEqual({
      error: 'line 6: pick 1: "No Such Movie At All" is not a title in the top-100 catalog',
    });

    // The same seed gives the same answers.
    const again = await runCli(['recommend', '--batch', file, '--seed', '3', '--json'], env);
    expect(again.stdout).toBe(run.stdout);
  }, 60_000);

  it('reads stdin for FILE "-"', async () => {
    const picks = artifacts.catalog.slice(0, 3).map((entry) => entry.movieId);
    const run = await runCli(['recommend', '--batch', '-', '--json'], env, `${JSON.stringify(picks)}\n[1]\n`);
    expect(run.code).toBe(0);
    const [first, second] = run.stdout
      .trimEnd()
      .split('\n')
      .map((line) => JSON.parse(line) as Answer);
    expect(first).toMatchObject({ picks });
    expect(second).toEqual({ error: 'line 2: expected 3 picks, got 1' });
  }, 30_000);

  it('stops with a usage error for a missing file', async () => {
    const run = await runCli(['recommend', '--batch', path.join(dir, 'missing.txt'), '--json'], env);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('Error: --batch: no such file');
  }, 30_000);
});

import { rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadLinks, loadMovies, loadRatings } from '../../src/data/movielens.ts';
import type { RatingTable } from '../../src/data/types.ts';
import { evaluateNewMembers, type ResultLine } from '../../src/eval/new-member-evaluation.ts';
import { chooseNewMembers, dealGroups, tell } from '../../src/eval/new-members.ts';
import { expectedRandomNdcg } from '../../src/eval/server-list.ts';
import { compareRuns, type PerUnitHits } from '../../src/eval/per-unit.ts';
import { runCli } from '../support/cli.ts';
import { ratingTable, seeded, syntheticDataset, tempDir, writeDatasetFiles } from '../support/dataset.ts';

describe('who the new members are and what they tell', () => {
  // Users 1–4 rate 40 movies (half liked), user 5 only 20, user 6 40 movies all at 2 stars.
  const rows: [number, number, number][] = [];
  for (let user = 1; user <= 6; user++)
    for (let movie = 1; movie <= (user === 5 ? 20 : 40); movie++)
      rows.push([user, movie, user === 6 ? 2 : movie % 2 === 0 ? 4.5 : 3]);
  const table = ratingTable(rows);
  const protocol = {
    members: 3,
    told: [5, 25],
    likedThreshold: 4,
    spareRatings: 10,
    minLiked: 10,
    groupSize: 3,
  };

  it('chooses among users with enough ratings and enough liked ones, seeded', () => {
    const members = chooseNewMembers(table, 1, protocol);
    expect(members).toHaveLength(3);
    for (const member of members) {
      expect([1, 2, 3, 4]).toContain(member.userId);
      expect(member.ratings).toHaveLength(40);
    }
    expect(chooseNewMembers(table, 1, protocol)).toEqual(members);
    const all = chooseNewMembers(table, 1, { ...protocol, members: 10 });
    expect(all.map((m) => m.userId)).toEqual([1, 2, 3, 4]);
  });

  it('tells nested samples: the 5 told are among the 25, relevant = untold liked', () => {
    const [member] = chooseNewMembers(table, 2, protocol);
    const five = tell(member, 5, 4);
    const twentyFive = tell(member, 25, 4);
    for (const movieId of five.toldMovies) expect(twentyFive.toldMovies.has(movieId)).toBe(true);
    expect(twentyFive.toldMovies.size).toBe(25);
    for (const told of [five, twentyFive]) {
      for (const movieId of told.relevant) {
        expect(told.toldMovies.has(movieId)).toBe(false);
        expect(movieId % 2).toBe(0);
      }
      const liked = member.ratings.filter((r) => r.rating >= 4 && !told.toldMovies.has(r.movieId));
      expect(told.relevant.size).toBe(liked.length);
    }
    // Not the file's order: the told sample is shuffled.
    expect(five.told.map((r) => r.movieId)).not.toEqual([1, 2, 3, 4, 5]);
  });

  it('deals groups of three, leaving a remainder out', () => {
    const groups = dealGroups([1, 2, 3, 4, 5, 6, 7], 3, 9);
    expect(groups).toHaveLength(2);
    expect(new Set(groups.flat()).size).toBe(6);
  });
});

/** A generated dataset with a gem band (10–49 ratings at 120 users), its ratings cut 80/20. */
async function generatedSplit(dir: string): Promise<void> {
  const files = syntheticDataset({ users: 120, movies: 320, popular: 110, band: 120, seed: 8 });
  await writeDatasetFiles(dir, files);
  const [header, ...rows] = files.ratings.trimEnd().split('\n');
  const random = seeded(13);
  const train = [header];
  const test = [header];
  for (const row of rows) (random() < 0.2 ? test : train).push(row);
  await writeFile(path.join(dir, 'train.csv'), train.join('\n') + '\n');
  await writeFile(path.join(dir, 'test.csv'), test.join('\n') + '\n');
}

describe('evaluate-ranking --protocol new-members on a generated dataset', () => {
  let dir: string;
  let lines: ResultLine[];
  let train: RatingTable;
  const perUnit: PerUnitHits = {};
  const protocol = { members: 30, told: [5, 10] };

  beforeAll(async () => {
    dir = await tempDir('flickpick-new-members-');
    await generatedSplit(dir);
    const movies = await loadMovies(path.join(dir, 'movies.csv'));
    await loadLinks(path.join(dir, 'links.csv'), movies);
    train = (await loadRatings(path.join(dir, 'train.csv'), { movies })).ratings;
    const test = (await loadRatings(path.join(dir, 'test.csv'), { movies })).ratings;
    lines = await evaluateNewMembers({
      train,
      extra: test,
      movies,
      seed: 3,
      draws: 2,
      resamples: 200,
      protocol,
      dnmf: { epochs: 2 },
      perUnit,
      toldVia: 'letterboxd',
    });
  }, 90_000);

  afterAll(() => rm(dir, { recursive: true, force: true }));

  const named = (name: string) => lines.filter((line) => line.name === name);
  const list = (told: number, name: string) =>
    named('new-members').find((line) => line.told === told && line.list === name)!;

  it('--told-via letterboxd: an import that places every told rating tells /foryou exactly what typing does', () => {
    // The generated titles are unshared ("Movie 12 (1962)"), so the Letterboxd rewriting (article first, a
    // year one off now and then) is matched back in full, and /foryou answers as it does told directly.
    for (const told of [5, 10]) {
      const via = named('new-members.told-via').find((line) => line.told === told)!;
      expect(via).toMatchObject({
        via: 'letterboxd',
        members: 30,
        rows: 30 * told,
        right: 30 * told,
        wrong: 0,
      });
      const pairs = named('new-members.compare').filter(
        (line) => line.told === told && String(line.a).endsWith(' via letterboxd'),
      );
      expect(pairs.map((line) => line.b).sort()).toEqual([
        'foryou.gems',
        'foryou.gems@top',
        'foryou.popular',
        'foryou.popular@top',
      ]);
      for (const line of pairs) {
        expect(line.difference).toBe(0);
        expect(line.meanA).toBe(line.meanB);
      }
    }
  });

  it('holds the members out of training and says how it was run', async () => {
    const [head] = lines;
    expect(head).toMatchObject({
      name: 'new-members.protocol',
      seed: 3,
      members: 30,
      groups: 10,
      told: [5, 10],
    });
    expect(head.rows).toBe('train + test');
    // The members (chosen from train + test: the whole ratings file, whatever its row order) are not trained on.
    const movies = await loadMovies(path.join(dir, 'movies.csv'));
    const everything = (await loadRatings(path.join(dir, 'ratings.csv'), { movies })).ratings;
    const members = new Set(
      chooseNewMembers(everything, 3, { ...defaults(), ...protocol }).map((m) => m.userId),
    );
    expect(members.size).toBe(30);
    expect(head.trainRows).toBe(train.userIds.filter((userId) => !members.has(userId)).length);
    // Versions store the MF path's fold-in data (watch.foldIn): the baseline's solve is the exact one.
    expect((head.foldIn as { normalised: boolean }).normalised).toBe(false);
  });

  it('reports every list at every N: drawn over seeds, the top beside, baselines on the same members', () => {
    for (const told of protocol.told) {
      for (const name of ['foryou.gems', 'foryou.popular', 'random-band']) {
        const drawn = list(told, name);
        expect(drawn.draw).toBe('mean of 2 seeds');
        const perSeed = drawn.hitsPer100PerSeed as number[];
        expect(perSeed).toHaveLength(2);
        expect(drawn.hitsPer100).toBeCloseTo((perSeed[0] + perSeed[1]) / 2, 0);
        // A random list has no top; the engine's lists have their deterministic top beside them.
        if (name === 'random-band') expect(list(told, `${name}@top`)).toBeUndefined();
        else expect(list(told, `${name}@top`).draw).toBe('top');
      }
      for (const name of ['most-rated', 'fold-in-band', 'fold-in-all', 'knn-summed'])
        expect(list(told, name).draw).toBe('deterministic');
      expect(list(told, 'foryou.gems').members).toBe(30);
      // The most-rated list is the same few movies for everyone; the fold-in follows the member.
      expect(list(told, 'most-rated').distinct as number).toBeLessThan(
        list(told, 'fold-in-band').distinct as number,
      );
      // (No quality check here: the generated data plants tastes in the stars, not in who rated what,
      // which is all the fold-in sees. The real-data figures are in the README.)
      expect(list(told, 'fold-in-band').distinct as number).toBeGreaterThan(5);
      expect(list(told, 'movienight.gems')).toMatchObject({ groups: 10 });
      expect(list(told, 'movienight.gems')).toHaveProperty('hitsPer100.two');
    }
  });

  it('compares pairs with an interval around the difference', () => {
    const comparisons = named('new-members.compare');
    expect(comparisons.length).toBeGreaterThan(10);
    for (const c of comparisons) {
      expect(c.low as number).toBeLessThanOrEqual((c.difference as number) + 1e-9);
      expect(c.high as number).toBeGreaterThanOrEqual((c.difference as number) - 1e-9);
    }
    const gems = comparisons.find((c) => c.told === 5 && c.a === 'foryou.gems' && c.b === 'fold-in-band')!;
    expect(gems.meanA).toBe(list(5, 'foryou.gems').hitsPer100);
    expect(gems.meanB).toBe(list(5, 'fold-in-band').hitsPer100);
    expect(comparisons.some((c) => c.relevance === 'two' && c.a === 'movienight.gems')).toBe(true);
  });

  it("keeps each list's per-member hits for comparing two runs, paired", () => {
    const gems = perUnit['N=5 foryou.gems'];
    expect(Object.keys(gems)).toHaveLength(30);
    const mean = Object.values(gems).reduce((a, b) => a + b, 0) / 30;
    expect(100 * mean).toBeCloseTo(list(5, 'foryou.gems').hitsPer100 as number, 1);
    const twos = perUnit['N=10 groups movienight.gems.two'];
    expect(Object.keys(twos)).toHaveLength(10);
    for (const id of Object.keys(twos)) expect(id).toMatch(/^\d+\+\d+\+\d+$/);
    // A run against itself: every difference 0, every interval [0, 0].
    const same = compareRuns(
      perUnit,
      { kind: 'flickpick-per-unit-hits', protocol: {}, hits: perUnit },
      { seed: 1 },
    );
    expect(same).toHaveLength(Object.keys(perUnit).length);
    for (const line of same) expect([line.difference, line.low, line.high]).toEqual([0, 0, 0]);
    // One member with one more hit in an "earlier" run: the difference is -100 / 30 per 100 members.
    const [first] = Object.keys(gems);
    const earlier = { ...perUnit, 'N=5 foryou.gems': { ...gems, [first]: gems[first] + 1 } };
    const changed = compareRuns(
      perUnit,
      { kind: 'flickpick-per-unit-hits', protocol: {}, hits: earlier },
      { seed: 1 },
    );
    expect(changed.find((line) => line.list === 'N=5 foryou.gems')!.difference).toBeCloseTo(-3.3, 1);
  });

  it("ranks the groups' server lists against random order", () => {
    const server = named('new-members.server-list').filter((line) => line.told === 5);
    // The engine ranks a given list for a group (rankForGroup, what /movienight pick from:list uses).
    expect(server.map((line) => line.ranker)).toEqual([
      'random',
      'engine',
      'pooled-fold-in',
      'mean-member-fold-in',
      'most-rated',
    ]);
    const random = server[0];
    // Five liked movies in every list of 20: random order's exact expectation.
    expect(random.likedInList).toBe(5);
    expect(random.ndcg).toBeCloseTo(expectedRandomNdcg(20, 5, 5), 4);
    for (const line of server.slice(1)) {
      expect(line.ndcg as number).toBeGreaterThan(0);
      expect(line.ndcg as number).toBeLessThan(1);
      expect(line.todo).toBeUndefined();
    }
  });

  it('gives the same JSON through the CLI, and a validation run never reads the test file', async () => {
    const env = { MOVIELENS_DIR: dir, MODELS_DIR: path.join(dir, 'never-used-models'), LOG_LEVEL: 'error' };
    const args = [
      'evaluate-ranking',
      '--protocol',
      'new-members',
      '--train',
      path.join(dir, 'train.csv'),
      '--seed',
      '3',
      '--epochs',
      '2',
      '--members',
      '30',
      '--told',
      '10,5',
      '--draws',
      '2',
      '--told-via',
      'letterboxd',
    ];
    const run = await runCli([...args, '--test', path.join(dir, 'test.csv')], env);
    expect(run.stderr).toContain('new members held out');
    expect(run.code).toBe(0);
    const printed = run.stdout
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as ResultLine);
    // The CLI bootstraps with the default 2,000 resamples; everything but the intervals is the same.
    const withoutIntervals = (all: ResultLine[]) =>
      all.map(({ low: _low, high: _high, resamples: _resamples, ...rest }) => rest);
    expect(withoutIntervals(printed)).toEqual(withoutIntervals(lines));

    const validation = await runCli([...args, '--validation'], env);
    expect(validation.code).toBe(0);
    const head = JSON.parse(validation.stdout.split('\n')[0]) as ResultLine;
    expect(head.rows).toBe('validation: train rows only');
    expect(head.trainRows).toBeLessThan(train.ratings.length);

    const both = await runCli([...args, '--validation', '--test', path.join(dir, 'test.csv')], env);
    expect(both.code).toBe(1);
    expect(both.stderr).toContain('--validation evaluates on a split of the train rows: leave out --test');
    const unknown = await runCli([...args, '--protocol', 'everyone'], env);
    expect(unknown.stderr).toContain('--protocol must be one of recommend, new-members, got "everyone"');
    const told = await runCli([...args, '--validation', '--told', '5,x'], env);
    expect(told.stderr).toContain('--told takes positive whole numbers');
    const notAFile = path.join(dir, 'train.csv');
    const compare = await runCli([...args, '--validation', '--compare-with', notAFile], env);
    expect(compare.code).toBe(1);
    expect(compare.stderr).toContain(`--compare-with: ${notAFile}: not a per-user hits file`);
    const engine = await runCli([...args, '--validation', '--engine', '[1]'], env);
    expect(engine.stderr).toContain("--engine takes the engine's options as a JSON object");
  }, 120_000);
});

function defaults() {
  return { members: 150, told: [5, 10, 25], likedThreshold: 4, spareRatings: 10, minLiked: 10, groupSize: 3 };
}

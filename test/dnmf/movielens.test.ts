/**
 * The DNMF on real MovieLens data. Runs only where MOVIELENS_DIR names an ml-latest-small style folder
 * (CI sets it); with MOVIELENS_SPLIT_DIR it uses the fixed 80/20 split and holds the RMSE target.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { RatingTable } from '../../src/data/types.ts';
import { fitBiasBaseline } from '../../src/train/baselines.ts';
import { trainDnmf } from '../../src/train/dnmf/index.ts';
import { createRandom } from '../../src/train/dnmf/random.ts';
import { rmse } from '../../src/train/metrics.ts';

const dir = process.env.MOVIELENS_DIR;
const splitDir = process.env.MOVIELENS_SPLIT_DIR;

/** ratings.csv (header userId,movieId,rating,timestamp; CRLF or LF) as a columnar table. */
function readRatings(path: string): RatingTable {
  const lines = readFileSync(path, 'utf8').split(/\r?\n/).slice(1).filter(Boolean);
  const t = {
    userIds: new Int32Array(lines.length),
    movieIds: new Int32Array(lines.length),
    ratings: new Float32Array(lines.length),
  };
  lines.forEach((line, i) => {
    const [u, m, r] = line.split(',');
    t.userIds[i] = Number(u);
    t.movieIds[i] = Number(m);
    t.ratings[i] = Number(r);
  });
  return t;
}

function split(all: RatingTable, isTest: (i: number) => boolean): { train: RatingTable; test: RatingTable } {
  const pick = (keep: boolean): RatingTable => {
    const idx = Array.from(all.ratings.keys()).filter((i) => isTest(i) === keep);
    return {
      userIds: Int32Array.from(idx, (i) => all.userIds[i]),
      movieIds: Int32Array.from(idx, (i) => all.movieIds[i]),
      ratings: Float32Array.from(idx, (i) => all.ratings[i]),
    };
  };
  return { train: pick(false), test: pick(true) };
}

describe.skipIf(!dir)('DNMF on MovieLens', () => {
  it('beats the bias baseline on held-out ratings and builds sane tables', async () => {
    const all = readRatings(`${dir}/ratings.csv`);
    let data: { train: RatingTable; test: RatingTable };
    if (splitDir) {
      const testRows = new Set(
        readFileSync(`${splitDir}/test_idx.txt`, 'utf8').split(/\s+/).filter(Boolean).map(Number),
      );
      data = split(all, (i) => testRows.has(i));
    } else {
      const random = createRandom(11);
      const draws = Float64Array.from(all.ratings, () => random());
      data = split(all, (i) => draws[i] < 0.2);
    }
    const { train, test } = data;

    const { model, report } = await trainDnmf(train);
    const dnmf = rmse(model.predict(test.userIds, test.movieIds), test.ratings);
    const bias = rmse(fitBiasBaseline(train).predict(test.userIds, test.movieIds), test.ratings);
    expect(report.bestEpoch).toBeLessThan(report.options.epochs);
    expect(dnmf).toBeLessThan(bias - 0.005);
    if (splitDir) expect(dnmf).toBeLessThanOrEqual(0.855);
  });
});

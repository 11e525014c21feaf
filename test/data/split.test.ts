import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { writeRandomSplit, writeSplit } from '../../src/data/split.ts';
import { tempDir } from '../support/dataset.ts';

const HEADER = 'userId,movieId,rating,timestamp';
const ROWS = Array.from({ length: 50 }, (_, i) => `${1 + (i % 5)},${10 + i},${(1 + (i % 9) / 2).toFixed(1)},${1000 + i}`);

async function ratingsFile(lineEnding = '\r\n'): Promise<string> {
  const dir = await tempDir('flickpick-split-');
  const file = path.join(dir, 'ratings.csv');
  await writeFile(file, [HEADER, ...ROWS, ''].join(lineEnding));
  return file;
}

const lines = async (file: string) => (await readFile(file, 'utf8')).trimEnd().split('\n');

describe('splitting a ratings file', () => {
  it('takes the listed rows as the test set, copied verbatim', async () => {
    const source = await ratingsFile();
    const index = path.join(path.dirname(source), 'test_idx.txt');
    await writeFile(index, '0\n7\n49\n');
    const result = await writeSplit(source, index, path.join(path.dirname(source), 'out'));
    expect(result).toMatchObject({ trainRows: 47, testRows: 3 });
    expect(await lines(result.test)).toEqual([HEADER, ROWS[0], ROWS[7], ROWS[49]]);
    await writeFile(index, '50\n');
    await expect(writeSplit(source, index, path.join(path.dirname(source), 'out'))).rejects.toThrow(
      'row index 50 is past the last row (49)',
    );
  });

  it('makes a seeded random 80/20 split: every row once, the same for the same seed, another for another', async () => {
    const source = await ratingsFile('\n');
    const out = (name: string) => path.join(path.dirname(source), name);
    const a = await writeRandomSplit(source, out('a'), 1);
    const again = await writeRandomSplit(source, out('again'), 1);
    const other = await writeRandomSplit(source, out('other'), 2);
    expect(a).toMatchObject({ trainRows: 40, testRows: 10 });
    const test = (await lines(a.test)).slice(1);
    const train = (await lines(a.train)).slice(1);
    expect([...test, ...train].sort()).toEqual([...ROWS].sort());
    expect(await lines(again.test)).toEqual(await lines(a.test));
    expect(await lines(other.test)).not.toEqual(await lines(a.test));
    await expect(writeRandomSplit(source, out('bad'), 1, 1)).rejects.toThrow('between 0 and 1');
  });
});

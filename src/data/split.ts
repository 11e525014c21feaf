import { createReadStream } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { createRng, shuffleInPlace } from '../random.ts';
import { DatasetError } from './errors.ts';

/**
 * Writes train.csv and test.csv from a ratings file and a list of 0-based data-row indices that
 * form the test set (the format of ../shared/movielens/split-80-20/test_idx.txt). Rows are copied
 * verbatim, so both files keep the source's columns.
 */
export async function writeSplit(ratingsFile: string, testIndexFile: string, outDir: string) {
  const indexText = await readFile(testIndexFile, 'utf8');
  const testRows = new Set<number>();
  indexText.split(/\r?\n/).forEach((line, i) => {
    if (line.trim() === '') return;
    const index = Number(line);
    if (!Number.isInteger(index) || index < 0) {
      throw new DatasetError(`expected a row index, found "${line}"`, testIndexFile, i + 1);
    }
    testRows.add(index);
  });
  const { header, rows } = await readRows(ratingsFile);
  const beyond = [...testRows].find((i) => i >= rows.length);
  if (beyond !== undefined)
    throw new DatasetError(`row index ${beyond} is past the last row (${rows.length - 1})`, testIndexFile);
  return writeRows(outDir, header, rows, testRows);
}

/**
 * A seeded random split in the fixed split's manner: a uniform random permutation of the data rows (the
 * project's PRNG, Fisher–Yates), the first `testFraction` of it is the test set. Same seed, same split.
 */
export async function writeRandomSplit(ratingsFile: string, outDir: string, seed: number, testFraction = 0.2) {
  if (!(testFraction > 0 && testFraction < 1))
    throw new RangeError(`the test fraction must be between 0 and 1, got ${testFraction}`);
  const { header, rows } = await readRows(ratingsFile);
  const order = shuffleInPlace(
    Array.from(rows, (_, i) => i),
    createRng(seed),
  );
  return writeRows(outDir, header, rows, new Set(order.slice(0, Math.round(rows.length * testFraction))));
}

async function readRows(ratingsFile: string): Promise<{ header: string; rows: string[] }> {
  let header: string | undefined;
  const rows: string[] = [];
  for await (const line of createInterface({ input: createReadStream(ratingsFile), crlfDelay: Infinity })) {
    if (header === undefined) header = line;
    else if (line !== '') rows.push(line);
  }
  if (header === undefined) throw new DatasetError('empty file: expected a header line', ratingsFile);
  return { header, rows };
}

async function writeRows(outDir: string, header: string, rows: readonly string[], testRows: ReadonlySet<number>) {
  const train: string[] = [];
  const test: string[] = [];
  rows.forEach((row, i) => (testRows.has(i) ? test : train).push(row));
  await mkdir(outDir, { recursive: true });
  const files = { train: path.join(outDir, 'train.csv'), test: path.join(outDir, 'test.csv') };
  await writeFile(files.train, [header, ...train, ''].join('\n'));
  await writeFile(files.test, [header, ...test, ''].join('\n'));
  return { ...files, trainRows: train.length, testRows: test.length };
}

import { createReadStream } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { createInterface } from 'node:readline';
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
  const train: string[] = [];
  const test: string[] = [];
  let header: string | undefined;
  let row = 0;
  for await (const line of createInterface({ input: createReadStream(ratingsFile), crlfDelay: Infinity })) {
    if (header === undefined) {
      header = line;
      continue;
    }
    if (line === '') continue;
    (testRows.has(row) ? test : train).push(line);
    row++;
  }
  const beyond = [...testRows].find((i) => i >= row);
  if (beyond !== undefined) throw new DatasetError(`row index ${beyond} is past the last row (${row - 1})`, testIndexFile);
  await mkdir(outDir, { recursive: true });
  const files = { train: path.join(outDir, 'train.csv'), test: path.join(outDir, 'test.csv') };
  await writeFile(files.train, [header, ...train, ''].join('\n'));
  await writeFile(files.test, [header, ...test, ''].join('\n'));
  return { ...files, trainRows: train.length, testRows: test.length };
}

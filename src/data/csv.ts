import { createReadStream } from 'node:fs';
import { access } from 'node:fs/promises';
import { parse } from 'csv-parse';
import { DatasetError, DatasetMissingError } from './errors.ts';

export interface CsvRow {
  /** Field values keyed by the requested column names. */
  values: Record<string, string>;
  /** 1-based line number in the file (the header is line 1). */
  line: number;
}

export const MISSING_DATASET_HINT =
  'Run `npm run cli -- download` to fetch MovieLens ml-latest-small, or set MOVIELENS_DIR to a folder that holds ratings.csv, movies.csv and links.csv.';

/**
 * Streams a CSV file with a header row, yielding only the requested columns.
 * Handles CRLF and LF line endings and quoted fields; a missing column or a row with the wrong
 * number of fields is a DatasetError that names the file and line.
 */
export async function* readCsv(file: string, columns: readonly string[]): AsyncGenerator<CsvRow> {
  try {
    await access(file);
  } catch {
    throw new DatasetMissingError(file, MISSING_DATASET_HINT);
  }
  const parser = createReadStream(file).pipe(
    parse({ info: true, bom: true, relax_column_count: true, skip_empty_lines: true }),
  );
  let indexes: number[] | undefined;
  let width = 0;
  try {
    for await (const record of parser as AsyncIterable<{ record: string[]; info: { lines: number } }>) {
      const { record: fields, info } = record;
      if (!indexes) {
        const header = fields.map((f) => f.trim());
        const missing = columns.filter((c) => !header.includes(c));
        if (missing.length > 0) {
          throw new DatasetError(
            `missing column${missing.length > 1 ? 's' : ''} ${missing.join(', ')} (header is "${header.join(',')}")`,
            file,
            info.lines,
          );
        }
        indexes = columns.map((c) => header.indexOf(c));
        width = header.length;
        continue;
      }
      if (fields.length !== width) {
        throw new DatasetError(`expected ${width} fields, found ${fields.length}`, file, info.lines);
      }
      const values: Record<string, string> = {};
      for (let i = 0; i < columns.length; i++) values[columns[i]] = fields[indexes[i]];
      yield { values, line: info.lines };
    }
  } catch (error) {
    if (error instanceof DatasetError) throw error;
    // csv-parse reports e.g. unclosed quotes with its own line counter.
    const line = (error as { lines?: number }).lines;
    throw new DatasetError(`malformed CSV: ${(error as Error).message}`, file, line);
  }
  if (!indexes) throw new DatasetError('empty file: expected a header row', file);
}

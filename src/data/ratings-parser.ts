/**
 * A streaming parser for the ratings file's simple format (integer, integer, decimal[, more]): bytes in,
 * numbers out, no string or object per row. csv-parse builds an array of strings and an info object per
 * record, which is most of the cost of loading 32 million rows; movies.csv, with quoted titles, still goes
 * through csv-parse (csv.ts). Same rules as readCsv: a header row, CRLF or LF, empty lines skipped, a
 * missing column or a row with the wrong number of fields is a DatasetError naming the file and line.
 */
import { createReadStream } from 'node:fs';
import { access } from 'node:fs/promises';
import { MISSING_DATASET_HINT } from './csv.ts';
import { DatasetError, DatasetMissingError } from './errors.ts';

/** Receives each data row's three values and its 1-based line number (the header is line 1). */
export type RatingRowSink = (userId: number, movieId: number, rating: number, line: number) => void;

const COMMA = 0x2c;
const NEWLINE = 0x0a;
const RETURN = 0x0d;
const QUOTE = 0x22;
const REQUIRED = ['userId', 'movieId', 'rating'] as const;

/** Parses `file`, calling `sink` for every data row in file order. */
export async function parseRatingsFile(file: string, sink: RatingRowSink): Promise<void> {
  try {
    await access(file);
  } catch {
    throw new DatasetMissingError(file, MISSING_DATASET_HINT);
  }
  const parser = new RatingsParser(file, sink);
  for await (const chunk of createReadStream(file, { highWaterMark: 1 << 20 })) parser.push(chunk as Buffer);
  parser.end();
}

/** Field boundaries of the line being parsed, reused for every line. */
const MAX_FIELDS = 64;

class RatingsParser {
  private carry: Buffer | undefined;
  private line = 0;
  private headerDone = false;
  private width = 0;
  private readonly columns = new Int32Array(3);
  private readonly starts = new Int32Array(MAX_FIELDS + 1);
  private readonly ends = new Int32Array(MAX_FIELDS + 1);
  private firstChunk = true;

  constructor(
    private readonly file: string,
    private readonly sink: RatingRowSink,
  ) {}

  push(chunk: Buffer): void {
    let bytes = chunk;
    if (this.firstChunk) {
      this.firstChunk = false;
      // A UTF-8 byte order mark before the header is not part of the first column's name.
      if (bytes.length >= 3 && bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) bytes = bytes.subarray(3);
    }
    if (this.carry) bytes = Buffer.concat([this.carry, bytes]);
    let start = 0;
    for (let end = bytes.indexOf(NEWLINE, start); end !== -1; end = bytes.indexOf(NEWLINE, start)) {
      this.parseLine(bytes, start, end);
      start = end + 1;
    }
    this.carry = start < bytes.length ? Buffer.from(bytes.subarray(start)) : undefined;
  }

  end(): void {
    if (this.carry) this.parseLine(this.carry, 0, this.carry.length);
    this.carry = undefined;
    if (!this.headerDone) throw new DatasetError('empty file: expected a header row', this.file);
  }

  private parseLine(bytes: Buffer, start: number, end: number): void {
    this.line++;
    if (end > start && bytes[end - 1] === RETURN) end--;
    if (end === start) return; // an empty line, as csv-parse's skip_empty_lines
    const { starts, ends } = this;
    let fields = 0;
    starts[0] = start;
    for (let i = start; i < end; i++) {
      if (bytes[i] === COMMA) {
        if (fields < MAX_FIELDS) ends[fields] = i;
        fields++;
        if (fields < MAX_FIELDS) starts[fields] = i + 1;
      }
    }
    if (fields < MAX_FIELDS) ends[fields] = end;
    fields++;
    if (!this.headerDone) return this.parseHeader(bytes, fields);
    if (fields !== this.width) {
      throw new DatasetError(`expected ${this.width} fields, found ${fields}`, this.file, this.line);
    }
    const [u, m, r] = this.columns;
    const userId = this.integer(bytes, starts[u], ends[u], 'userId');
    const movieId = this.integer(bytes, starts[m], ends[m], 'movieId');
    const rating = this.decimal(bytes, starts[r], ends[r]);
    this.sink(userId, movieId, rating, this.line);
  }

  private parseHeader(bytes: Buffer, fields: number): void {
    const header: string[] = [];
    for (let f = 0; f < Math.min(fields, MAX_FIELDS); f++) header.push(this.text(bytes, this.starts[f], this.ends[f]).trim());
    const missing = REQUIRED.filter((c) => !header.includes(c));
    if (missing.length > 0) {
      throw new DatasetError(
        `missing column${missing.length > 1 ? 's' : ''} ${missing.join(', ')} (header is "${header.join(',')}")`,
        this.file,
        this.line,
      );
    }
    REQUIRED.forEach((c, i) => (this.columns[i] = header.indexOf(c)));
    this.width = fields;
    this.headerDone = true;
  }

  /** Digits only is the fast path; anything else gets the exact rules and message of the slow one. */
  private integer(bytes: Buffer, start: number, end: number, column: string): number {
    let value = 0;
    if (end > start && end - start <= 9) {
      let i = start;
      for (; i < end; i++) {
        const digit = bytes[i] - 48;
        if (digit < 0 || digit > 9) break;
        value = value * 10 + digit;
      }
      if (i === end) return value;
    }
    const text = this.text(bytes, start, end).trim();
    const parsed = Number(text);
    if (text === '' || !Number.isInteger(parsed)) {
      throw new DatasetError(`${column} must be an integer, found "${text}"`, this.file, this.line);
    }
    return parsed;
  }

  /** "4", "4.0", "3.5": digits, one point, digits. Anything else goes through Number(). */
  private decimal(bytes: Buffer, start: number, end: number): number {
    if (end > start && end - start <= 12) {
      let whole = 0;
      let fraction = 0;
      let scale = 1;
      let point = false;
      let i = start;
      for (; i < end; i++) {
        const c = bytes[i];
        if (c === 0x2e && !point) {
          point = true;
          continue;
        }
        const digit = c - 48;
        if (digit < 0 || digit > 9) break;
        if (point) {
          fraction = fraction * 10 + digit;
          scale *= 10;
        } else whole = whole * 10 + digit;
      }
      if (i === end && !(point && i === start + 1)) return whole + fraction / scale;
    }
    const text = this.text(bytes, start, end).trim();
    const parsed = Number(text);
    if (text === '' || !Number.isFinite(parsed)) {
      throw new DatasetError(`rating must be a number, found "${text}"`, this.file, this.line);
    }
    return parsed;
  }

  /** A field as text; a field in double quotes loses them ("4.0" is 4.0), as a CSV reader would. */
  private text(bytes: Buffer, start: number, end: number): string {
    if (end - start >= 2 && bytes[start] === QUOTE && bytes[end - 1] === QUOTE) {
      return bytes.toString('utf8', start + 1, end - 1).replace(/""/g, '"');
    }
    return bytes.toString('utf8', start, end);
  }
}

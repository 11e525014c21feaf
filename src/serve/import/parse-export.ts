/**
 * An attached export file → its rows, or one specific reason why not (shown to the member as is).
 *
 * The whole file is refused on the first malformed line rather than imported in part: a member who fixes
 * the file and tries again gets exactly what they see in the preview, and nothing is half-written.
 */
import { parse } from 'csv-parse/sync';
import { detectExportKind, KIND_LABEL, KNOWN_HEADERS, type ExportKind } from './export-format.ts';

/** Generous for real accounts: a 10,000-film Letterboxd diary is about 1 MB. */
export const MAX_EXPORT_BYTES = 2 * 1024 * 1024;
export const MAX_EXPORT_ROWS = 20_000;

/** One movie line of an export, as written there (stars already on FlickPick's ½–5 scale). */
export interface ExportRow {
  /** 1-based line in the file (the header is line 1). */
  line: number;
  /** The title as the export writes it (IMDb's too, for messages). */
  name: string;
  year?: number;
  /** IMDb id as a number (tt0114709 → 114709), for IMDb exports. */
  imdbId?: number;
  /** ½–5 in halves, for rating exports; absent for rows without a rating (diary rewatches). */
  stars?: number;
  /** The export's date of the entry (YYYY-MM-DD), to keep the latest when a film appears twice. */
  date?: string;
}

export interface ParsedExport {
  kind: ExportKind;
  rows: ExportRow[];
  /** Rating-export lines without a rating (a diary's unrated watches): not errors, just nothing to import. */
  unrated: number;
}

export class ExportProblem extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ExportProblem';
  }
}

/** Refuses a file by its announced size before it is even downloaded. */
export function checkExportSize(bytes: number): void {
  if (bytes > MAX_EXPORT_BYTES) {
    throw new ExportProblem(
      `The file is ${megabytes(bytes)}; FlickPick reads exports of up to ${megabytes(MAX_EXPORT_BYTES)} ` +
        `(about ${MAX_EXPORT_ROWS.toLocaleString('en-US')} movies). Attach ratings.csv, watched.csv or ` +
        'watchlist.csv on their own rather than a bigger file.',
    );
  }
}

/**
 * Parses an export. `chosen` is the kind the member picked (optional: the header usually says);
 * `fileName` tells Letterboxd's watched.csv from watchlist.csv when nothing was chosen.
 */
export function parseExport(bytes: Uint8Array, fileName: string, chosen?: ExportKind): ParsedExport {
  checkExportSize(bytes.byteLength);
  if (isZip(bytes)) {
    throw new ExportProblem(
      `**${fileName}** is a zip archive (the whole Letterboxd export). Unzip it and attach ratings.csv, ` +
        'watched.csv or watchlist.csv from inside it.',
    );
  }
  const text = decodeText(bytes, fileName);
  let records: { record: string[]; info: { lines: number } }[];
  try {
    records = parse(text, {
      bom: true,
      info: true,
      relax_column_count: true,
      skip_empty_lines: true,
    }) as unknown as { record: string[]; info: { lines: number } }[];
  } catch (error) {
    const line = (error as { lines?: number }).lines;
    throw new ExportProblem(
      `**${fileName}** is not valid CSV${line ? ` at line ${line}` : ''}: ${csvReason(error)}. ` +
        'Attach the file exactly as the export wrote it.',
    );
  }
  if (records.length === 0) throw new ExportProblem(`**${fileName}** is empty.`);
  const header = records[0].record.map((column) => column.trim());
  if (header.length < 2) throw notCsv(fileName);
  const detected = detectExportKind(header, fileName, chosen);
  if (!detected.ok) throw headerProblem(detected, header, fileName, chosen);
  const rowCount = records.length - 1;
  if (rowCount > MAX_EXPORT_ROWS) {
    throw new ExportProblem(
      `**${fileName}** has ${rowCount.toLocaleString('en-US')} movies; FlickPick imports up to ` +
        `${MAX_EXPORT_ROWS.toLocaleString('en-US')} at a time.`,
    );
  }
  const columns = columnIndexes(header);
  const rows: ExportRow[] = [];
  let unrated = 0;
  for (let i = 1; i < records.length; i++) {
    const { record, info } = records[i];
    const row = readRow(detected.kind, record, header.length, columns, info.lines);
    if (row === 'unrated') unrated++;
    else rows.push(row);
  }
  return { kind: detected.kind, rows, unrated };
}

interface Columns {
  name: number;
  year: number;
  rating: number;
  date: number;
  imdbId: number;
  title: number;
  yourRating: number;
  dateRated: number;
}

function columnIndexes(header: readonly string[]): Columns {
  const lower = header.map((column) => column.toLowerCase());
  const at = (name: string) => lower.indexOf(name);
  return {
    name: at('name'),
    year: at('year'),
    rating: at('rating'),
    // diary.csv has both: the watched date is when the member saw it.
    date: at('watched date') >= 0 ? at('watched date') : at('date'),
    imdbId: at('const'),
    title: at('title'),
    yourRating: at('your rating'),
    dateRated: at('date rated'),
  };
}

function readRow(
  kind: ExportKind,
  record: string[],
  width: number,
  columns: Columns,
  line: number,
): ExportRow | 'unrated' {
  if (record.length !== width) {
    throw new ExportProblem(
      `Line ${line} is malformed: it has ${record.length} field${record.length === 1 ? '' : 's'} where the ` +
        `header has ${width}. Nothing was imported; attach the file exactly as the export wrote it.`,
    );
  }
  const field = (index: number) => (index >= 0 ? (record[index] ?? '').trim() : '');
  const year = readYear(field(columns.year), line);
  if (kind === 'imdb-ratings') {
    const constant = field(columns.imdbId);
    const id = /^tt(\d{1,10})$/.exec(constant);
    if (!id) throw malformed(line, `“${constant}” is not an IMDb id (tt followed by digits)`);
    const rating = field(columns.yourRating);
    if (!/^(?:[1-9]|10)$/.test(rating)) throw malformed(line, `Your Rating “${rating}” is not 1–10`);
    return {
      line,
      name: field(columns.title) || constant,
      year,
      imdbId: Number(id[1]),
      stars: Number(rating) / 2,
      date: field(columns.dateRated) || undefined,
    };
  }
  const name = field(columns.name);
  if (name === '') throw malformed(line, 'the Name is empty');
  const row: ExportRow = { line, name, year, date: field(columns.date) || undefined };
  if (kind === 'letterboxd-ratings') {
    const rating = field(columns.rating);
    if (rating === '') return 'unrated';
    const stars = Number(rating);
    if (!(Number.isFinite(stars) && stars >= 0.5 && stars <= 5 && Number.isInteger(stars * 2))) {
      throw malformed(line, `Rating “${rating}” is not ½–5 in half stars`);
    }
    row.stars = stars;
  }
  return row;
}

function readYear(text: string, line: number): number | undefined {
  if (text === '') return undefined;
  if (!/^\d{4}$/.test(text)) throw malformed(line, `Year “${text}” is not a year`);
  return Number(text);
}

function malformed(line: number, what: string): ExportProblem {
  return new ExportProblem(`Line ${line} is malformed: ${what}. Nothing was imported.`);
}

function headerProblem(
  detected: Exclude<ReturnType<typeof detectExportKind>, { ok: true }>,
  header: readonly string[],
  fileName: string,
  chosen: ExportKind | undefined,
): ExportProblem {
  if (detected.reason === 'watched-or-watchlist') {
    return new ExportProblem(
      `**${fileName}** is a Letterboxd list, but its name does not say whether it is watched.csv or ` +
        'watchlist.csv. Run /import again and choose the kind.',
    );
  }
  if (detected.reason === 'not-the-chosen-kind' && chosen) {
    const actually =
      detected.detected === 'letterboxd-list'
        ? 'a Letterboxd watched/watchlist file'
        : KIND_LABEL[detected.detected];
    return new ExportProblem(
      `You chose ${KIND_LABEL[chosen]}, but **${fileName}** is ${actually}. Choose “detect” or the matching kind.`,
    );
  }
  const shown = header.join(',').slice(0, 120);
  return new ExportProblem(
    `**${fileName}** starts with \`${shown.replace(/`/g, "'")}\`, which is no export FlickPick knows. ` +
      `It reads ${KNOWN_HEADERS}.`,
  );
}

function notCsv(fileName: string): ExportProblem {
  return new ExportProblem(
    `**${fileName}** is not a CSV file. Attach ratings.csv, watched.csv or watchlist.csv from your ` +
      'Letterboxd export, or the ratings CSV IMDb exports.',
  );
}

/** UTF-8 text, or "not CSV" for binary files (images, spreadsheets) whose bytes are not text. */
function decodeText(bytes: Uint8Array, fileName: string): string {
  if (bytes.includes(0)) throw notCsv(fileName);
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    // Old IMDb exports were Latin-1; those bytes are never valid UTF-8, and every byte is a Latin-1 character.
    return new TextDecoder('latin1').decode(bytes);
  }
}

function isZip(bytes: Uint8Array): boolean {
  return (
    bytes.length >= 4 && bytes[0] === 0x50 && bytes[1] === 0x4b && bytes[2] === 0x03 && bytes[3] === 0x04
  );
}

function csvReason(error: unknown): string {
  const code = (error as { code?: string }).code;
  if (code === 'CSV_QUOTE_NOT_CLOSED') return 'a quoted field is never closed';
  if (code === 'CSV_INVALID_CLOSING_QUOTE') return 'a quote is closed in the middle of a field';
  const message = error instanceof Error ? error.message : String(error);
  return message.replace(/^Invalid Record Length:.*/, 'a row has the wrong number of fields').slice(0, 160);
}

function megabytes(bytes: number): string {
  return `${(bytes / (1024 * 1024)).toFixed(1)} MB`;
}

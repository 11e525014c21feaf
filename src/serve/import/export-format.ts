/**
 * Which export a file is, read from its header row (and, for Letterboxd's two look-alike lists, its name).
 *
 * Letterboxd's account export holds `ratings.csv` (`Date,Name,Year,Letterboxd URI,Rating`), `diary.csv`
 * (the same plus `Rewatch,Tags,Watched Date`), `watched.csv` and `watchlist.csv` (both `Date,Name,Year,
 * Letterboxd URI`: the header alone cannot tell them apart, so the file name or the member's choice does).
 * IMDb's ratings export starts `Const,Your Rating,Date Rated,Title,…` with `Year` further on.
 */

export type ExportKind =
  'letterboxd-ratings' | 'letterboxd-watched' | 'letterboxd-watchlist' | 'imdb-ratings';

/** What an import does with its rows: ratings, "seen" marks or watchlist entries. */
export type ImportTarget = 'ratings' | 'seen' | 'watchlist';

export const TARGET_OF: Record<ExportKind, ImportTarget> = {
  'letterboxd-ratings': 'ratings',
  'letterboxd-watched': 'seen',
  'letterboxd-watchlist': 'watchlist',
  'imdb-ratings': 'ratings',
};

/** Where the rows came from, kept with each imported entry so a newer export updates only its own. */
export type ImportSource = 'letterboxd' | 'imdb';

export const SOURCE_OF: Record<ExportKind, ImportSource> = {
  'letterboxd-ratings': 'letterboxd',
  'letterboxd-watched': 'letterboxd',
  'letterboxd-watchlist': 'letterboxd',
  'imdb-ratings': 'imdb',
};

export const KIND_LABEL: Record<ExportKind, string> = {
  'letterboxd-ratings': 'Letterboxd ratings',
  'letterboxd-watched': 'Letterboxd watched list',
  'letterboxd-watchlist': 'Letterboxd watchlist',
  'imdb-ratings': 'IMDb ratings',
};

/** The formats named in the "unknown header" message, so a member knows what to attach instead. */
export const KNOWN_HEADERS =
  'Letterboxd `ratings.csv` (Date,Name,Year,Letterboxd URI,Rating), `watched.csv` or `watchlist.csv` ' +
  '(Date,Name,Year,Letterboxd URI), or IMDb’s ratings export (Const,Your Rating,Date Rated,Title,…,Year,…)';

export type DetectResult =
  | { ok: true; kind: ExportKind }
  | { ok: false; reason: 'unknown-header' }
  /** The header is a known export, but not the one the member chose. */
  | { ok: false; reason: 'not-the-chosen-kind'; detected: ExportKind | 'letterboxd-list' }
  /** A Letterboxd list whose name does not say whether it is watched.csv or watchlist.csv. */
  | { ok: false; reason: 'watched-or-watchlist' };

/**
 * The kind of export a header is. `chosen` is the member's choice (it must fit the header); without one,
 * Letterboxd's watched/watchlist pair is told apart by the file name.
 */
export function detectExportKind(
  header: readonly string[],
  fileName: string,
  chosen?: ExportKind,
): DetectResult {
  const columns = new Set(header.map((column) => column.trim().toLowerCase()));
  const has = (...names: string[]) => names.every((name) => columns.has(name));
  let detected: ExportKind | 'letterboxd-list' | undefined;
  if (has('const', 'your rating')) detected = 'imdb-ratings';
  else if (has('name', 'year', 'rating')) detected = 'letterboxd-ratings';
  else if (has('name', 'year', 'letterboxd uri')) detected = 'letterboxd-list';
  if (!detected) return { ok: false, reason: 'unknown-header' };
  if (detected !== 'letterboxd-list') {
    return chosen === undefined || chosen === detected
      ? { ok: true, kind: detected }
      : { ok: false, reason: 'not-the-chosen-kind', detected };
  }
  if (chosen === 'letterboxd-watched' || chosen === 'letterboxd-watchlist') return { ok: true, kind: chosen };
  if (chosen !== undefined) return { ok: false, reason: 'not-the-chosen-kind', detected };
  const base = fileName.toLowerCase().replace(/^.*[\\/]/, '');
  if (base.startsWith('watchlist')) return { ok: true, kind: 'letterboxd-watchlist' };
  if (base.startsWith('watched')) return { ok: true, kind: 'letterboxd-watched' };
  return { ok: false, reason: 'watched-or-watchlist' };
}

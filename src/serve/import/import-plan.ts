/**
 * A parsed export matched against the dataset: what an import would write, and what it could not place.
 * Pure: the bot shows it as the preview and hands `entries` to the store on Confirm; the CLI and the bench
 * can use it as is.
 */
import { SOURCE_OF, TARGET_OF, type ImportSource, type ImportTarget } from './export-format.ts';
import type { ExportRow, ParsedExport } from './parse-export.ts';
import type { TitleMatcher } from './title-matcher.ts';

/** One movie to write: its stars for a rating import, nothing more for seen marks and watchlists. */
export interface PlannedEntry {
  movieId: number;
  stars?: number;
}

export interface ImportPlan {
  kind: ParsedExport['kind'];
  target: ImportTarget;
  source: ImportSource;
  /** Lines with a movie (the header and blank lines aside). */
  rows: number;
  /** One per matched movie (a film listed twice counts once: the latest line wins). */
  entries: PlannedEntry[];
  notFound: ExportRow[];
  ambiguous: { row: ExportRow; movieIds: number[] }[];
  /** Rating-export lines without a rating (diary rewatches). */
  unrated: number;
}

export function planImport(parsed: ParsedExport, matcher: TitleMatcher): ImportPlan {
  const target = TARGET_OF[parsed.kind];
  const byMovie = new Map<number, { row: ExportRow; entry: PlannedEntry }>();
  const notFound: ExportRow[] = [];
  const ambiguous: ImportPlan['ambiguous'] = [];
  for (const row of parsed.rows) {
    const match =
      row.imdbId !== undefined ? matcher.matchImdb(row.imdbId) : matcher.matchTitle(row.name, row.year);
    if (match.kind === 'not-found') notFound.push(row);
    else if (match.kind === 'ambiguous') ambiguous.push({ row, movieIds: match.movieIds });
    else {
      const earlier = byMovie.get(match.movieId);
      // A diary lists a film once per watch; the latest dated line is the member's current opinion.
      if (earlier && (earlier.row.date ?? '') > (row.date ?? '')) continue;
      const entry: PlannedEntry =
        target === 'ratings' ? { movieId: match.movieId, stars: row.stars } : { movieId: match.movieId };
      byMovie.set(match.movieId, { row, entry });
    }
  }
  return {
    kind: parsed.kind,
    target,
    source: SOURCE_OF[parsed.kind],
    rows: parsed.rows.length + parsed.unrated,
    entries: [...byMovie.values()].map((value) => value.entry),
    notFound,
    ambiguous,
    unrated: parsed.unrated,
  };
}

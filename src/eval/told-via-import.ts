/**
 * `--told-via letterboxd` (issue 17: "a member who imported 25 ratings gets /foryou as good as the new-member
 * figures at N = 25"): a new member's N told ratings are not typed into the bot one by one but brought in
 * with /import. They are written as a Letterboxd ratings.csv, the way the test exports write MovieLens titles
 * (member-exports.ts: article first, accents, alternate titles, a year one off now and then), then run
 * through the bot's real parse and match (src/serve/import/); what the import matched is what the engine is
 * told. Relevance stays the direct protocol's (the member's untold ratings ≥ 4), so each member is compared
 * with themself told directly: what the import loses (rows left ambiguous or not found) shows as the
 * difference.
 */
import type { Movie } from '../data/types.ts';
import { createRng } from '../random.ts';
import { planImport } from '../serve/import/import-plan.ts';
import { parseExport } from '../serve/import/parse-export.ts';
import type { TitleMatcher } from '../serve/import/title-matcher.ts';
import { letterboxdLine, letterboxdRatingsCsv, type ExportLine } from './member-exports.ts';
import type { ToldMember } from './new-members.ts';

export const TOLD_VIA = ['direct', 'letterboxd'] as const;
export type ToldVia = (typeof TOLD_VIA)[number];

/** What the imports of every member's told ratings did, summed. */
export interface ImportTally {
  /** Told ratings written into the exports. */
  rows: number;
  /** Matched to the movie the row was written from, with the same stars. */
  right: number;
  /** Matched to another movie, or with other stars (must stay 0). */
  wrong: number;
  ambiguous: number;
  notFound: number;
}

/** The member as the bot knows them after importing their told ratings from a Letterboxd export. */
export function toldViaLetterboxd(
  member: ToldMember,
  movies: ReadonlyMap<number, Movie>,
  matcher: TitleMatcher,
  seed: number,
  tally: ImportTally,
): ToldMember {
  const rng = createRng(seed * 1_000_003 + member.userId);
  const lines: ExportLine[] = member.told.map((rating) => {
    const movie = movies.get(rating.movieId);
    if (!movie) throw new Error(`told movie ${rating.movieId} is not in movies.csv`);
    return { ...letterboxdLine(movie, rng), stars: rating.rating };
  });
  const csv = letterboxdRatingsCsv(lines);
  const plan = planImport(parseExport(new TextEncoder().encode(csv), 'ratings.csv'), matcher);
  const toldStars = new Map(member.told.map((rating) => [rating.movieId, rating.rating]));
  tally.rows += lines.length;
  tally.ambiguous += plan.ambiguous.length;
  tally.notFound += plan.notFound.length;
  for (const entry of plan.entries) {
    if (toldStars.get(entry.movieId) === entry.stars) tally.right++;
    else tally.wrong++;
  }
  const told = plan.entries.map((entry) => ({ movieId: entry.movieId, rating: entry.stars! }));
  return {
    userId: member.userId,
    told,
    toldMovies: new Set(told.map((rating) => rating.movieId)),
    relevant: member.relevant,
  };
}

export function emptyTally(): ImportTally {
  return { rows: 0, right: 0, wrong: 0, ambiguous: 0, notFound: 0 };
}

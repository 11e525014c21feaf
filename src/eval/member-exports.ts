/**
 * Member exports built from real MovieLens titles, written the way Letterboxd and IMDb write them:
 * TMDB-style names with the article first ("The Matrix", not "Matrix, The"), accents a plain MovieLens title
 * lacks ("Amélie"), the alternate (often English or original) title instead of MovieLens's main one, a
 * release year one off now and then, quoted fields with commas. Each row remembers the movie it was built
 * from, so a test can count right, wrong and ambiguous matches. Also: films MovieLens does not have.
 *
 * Shared by the matching tests, the import bench and the new-member evaluation's `--told-via letterboxd`
 * (a member's told ratings brought in as such an export), so all three rewrite titles the same way.
 */
import type { Movie } from '../data/types.ts';
import { createRng, shuffleInPlace, type Rng } from '../random.ts';
import { moveArticle, parseTitle } from '../serve/titles.ts';

export interface ExportLine {
  /** The MovieLens movie the line was written from; undefined for films not in the dataset. */
  movieId: number | undefined;
  name: string;
  year: number | undefined;
  stars: number;
}

/** Recent films (after ml-latest-small's 2018 cut), some sharing a title with an older MovieLens movie. */
export const NOT_IN_MOVIELENS: [string, number][] = [
  ['Oppenheimer', 2023],
  ['Barbie', 2023],
  ['Past Lives', 2023],
  ['Everything Everywhere All at Once', 2022],
  ['Dune: Part Two', 2024],
  ['Anora', 2024],
  ['Nosferatu', 2024],
  ['Wicked', 2024],
  ['The Substance', 2024],
  ['Conclave', 2024],
  ['Perfect Days', 2023],
  ['Aftersun', 2022],
  ['The Zone of Interest', 2023],
  ['Poor Things', 2023],
  ['Drive My Car', 2021],
  ['Parasite', 2019],
  ['Little Women', 2019],
  ['The Batman', 2022],
  ['Emma.', 2020],
  ['Dune', 2021],
];

const ACCENTED: Record<string, string> = { e: 'é', a: 'à', o: 'ö', u: 'ü', i: 'í', c: 'ç', n: 'ñ' };

/** Adds an accent to one letter the way original titles have them ("Amelie" → "Amélie"). */
function accent(name: string, rng: Rng): string {
  const places = [...name].flatMap((letter, i) => (ACCENTED[letter] ? [i] : []));
  if (places.length === 0) return name;
  const at = places[Math.floor(rng() * places.length)];
  return [...name].map((letter, i) => (i === at ? ACCENTED[letter] : letter)).join('');
}

/** The name Letterboxd would show for a MovieLens title (one of its realistic variants). */
export function letterboxdName(title: string, rng: Rng): string {
  const parsed = parseTitle(title);
  const roll = rng();
  if (parsed.alternates.length > 0 && roll < 0.3) {
    // Letterboxd shows TMDB's title, which is often MovieLens's alternate (English or original).
    const alternate = parsed.alternates[Math.floor(rng() * parsed.alternates.length)];
    return moveArticle(alternate.replace(/^a\.?k\.?a\.?\s+/i, '')).moved;
  }
  if (roll < 0.5) return accent(parsed.main, rng);
  // TMDB writes "and" where MovieLens has "&" (or the other way round).
  if (roll < 0.55 && / & | and /.test(parsed.main)) {
    return parsed.main.includes(' & ')
      ? parsed.main.replace(' & ', ' and ')
      : parsed.main.replace(' and ', ' & ');
  }
  return parsed.main;
}

/** How often an export's year is one off MovieLens's (TMDB's release year vs MovieLens's). */
export const YEAR_OFF_BY_ONE = 0.1;

/** One movie written as a Letterboxd line would name it: its name and (now and then one off) year. */
export function letterboxdLine(
  movie: Pick<Movie, 'movieId' | 'title'>,
  rng: Rng,
  yearOffByOne = YEAR_OFF_BY_ONE,
): Omit<ExportLine, 'stars'> {
  const year = parseTitle(movie.title).year;
  const shifted = year !== undefined && rng() < yearOffByOne ? year + (rng() < 0.5 ? -1 : 1) : year;
  return { movieId: movie.movieId, name: letterboxdName(movie.title, rng), year: shifted };
}

/** `count` real MovieLens movies (plus `missing` films it lacks), as export lines with ratings. */
export function exportLines(
  movies: Map<number, Movie>,
  count: number,
  options: { seed?: number; missing?: number; yearOffByOne?: number } = {},
): ExportLine[] {
  const rng = createRng(options.seed ?? 17);
  const all = shuffleInPlace([...movies.values()], rng).slice(0, count);
  const lines: ExportLine[] = all.map((movie) => ({
    ...letterboxdLine(movie, rng, options.yearOffByOne),
    stars: halfStar(rng),
  }));
  for (const [name, year] of NOT_IN_MOVIELENS.slice(0, options.missing ?? 0)) {
    lines.push({ movieId: undefined, name, year, stars: halfStar(rng) });
  }
  return shuffleInPlace(lines, rng);
}

function halfStar(rng: Rng): number {
  return (1 + Math.floor(rng() * 10)) / 2;
}

/** RFC 4180 quoting, as Letterboxd writes fields holding commas or quotes. */
export function csvField(value: string): string {
  return /[",\r\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}

const dateOf = (i: number) =>
  `2024-${String(1 + (i % 12)).padStart(2, '0')}-${String(1 + (i % 28)).padStart(2, '0')}`;

/** Letterboxd ratings.csv. */
export function letterboxdRatingsCsv(lines: readonly ExportLine[]): string {
  const rows = lines.map(
    (line, i) =>
      `${dateOf(i)},${csvField(line.name)},${line.year ?? ''},https://boxd.it/${(1000 + i).toString(36)},${line.stars}`,
  );
  return `Date,Name,Year,Letterboxd URI,Rating\n${rows.join('\n')}\n`;
}

/** Letterboxd watched.csv or watchlist.csv (the same columns). */
export function letterboxdListCsv(lines: readonly ExportLine[]): string {
  const rows = lines.map(
    (line, i) =>
      `${dateOf(i)},${csvField(line.name)},${line.year ?? ''},https://boxd.it/${(1000 + i).toString(36)}`,
  );
  return `Date,Name,Year,Letterboxd URI\n${rows.join('\n')}\n`;
}

/** IMDb's ratings export for movies with an IMDb id, 1–10 from the stars; `unknownIds` adds ids not in links.csv. */
export function imdbRatingsCsv(
  movies: readonly Movie[],
  stars: readonly number[],
  unknownIds: number[] = [],
): string {
  const header =
    'Const,Your Rating,Date Rated,Title,Original Title,URL,Title Type,IMDb Rating,Runtime (mins),Year,Genres,Num Votes,Release Date,Directors';
  const row = (id: string, rating: number, title: string, year: number | undefined) =>
    [
      `tt${id}`,
      rating,
      '2024-05-01',
      csvField(title),
      csvField(title),
      `https://www.imdb.com/title/tt${id}`,
      'Movie',
      '7.5',
      '120',
      year ?? '',
      csvField('Drama, Comedy'),
      '12345',
      `${year ?? 2000}-01-01`,
      csvField('Someone, Someone Else'),
    ].join(',');
  const rows = movies.map((movie, i) =>
    row(movie.imdbId!, stars[i] * 2, parseTitle(movie.title).main, parseTitle(movie.title).year),
  );
  for (const id of unknownIds) rows.push(row(String(id).padStart(7, '0'), 8, 'Not In MovieLens', 2024));
  return `${header}\r\n${rows.join('\r\n')}\r\n`;
}

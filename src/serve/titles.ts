/**
 * MovieLens title forms → what people read and type.
 *
 * movies.csv writes titles library-style: "Matrix, The (1999)", with alternate (often original-language)
 * titles in trailing parentheses: "Amelie (Fabuleux destin d'Amélie Poulain, Le) (2001)". Only the main
 * title's article is moved to the front; alternates keep the form MovieLens gives them.
 */

/**
 * Articles MovieLens moves behind the title. Matched case-sensitively and only as the last ", X" of the main
 * title, so "Honey, I Blew Up the Kid" and "I, Robot" stay as they are while "Vitelloni, I" becomes
 * "I Vitelloni". Words that are also common English words ("Die", "I") only ever appear in this position as
 * articles in MovieLens titles.
 */
const ARTICLES = new Set([
  'The',
  'A',
  'An',
  // French
  'Le',
  'La',
  'Les',
  "L'",
  'Un',
  'Une',
  // Italian
  'Il',
  'Lo',
  'I',
  'Gli',
  'Uno',
  'Una',
  // Spanish, Portuguese
  'El',
  'Los',
  'Las',
  'O',
  'Os',
  'As',
  // German, Dutch, Scandinavian
  'Der',
  'Die',
  'Das',
  'Ein',
  'Eine',
  'De',
  'Het',
  'Den',
  'Det',
  // Slang article used by MovieLens ("Hip Hop Witch, Da")
  'Da',
]);

/** "(1999)" or a series range "(2006–2007)" / "(2006-2007)" / "(2006-)" at the very end. */
const YEAR_SUFFIX = /\s*\((\d{4})(?:\s*[-–]\s*(?:\d{4})?)?\)$/;

/** A trailing " (…)" group without nested parentheses: an alternate title. */
const TRAILING_GROUP = /\s+\(([^()]*)\)$/;

export interface ParsedTitle {
  /** Main title with its article moved to the front: "The Matrix". */
  main: string;
  /** Main title without its moved article: "Matrix" (equal to main when there was none). */
  mainWithoutArticle: string;
  /** Main title as MovieLens writes it: "Matrix, The". */
  mainAsWritten: string;
  /** Alternate titles as MovieLens writes them, in order: ["Fabuleux destin d'Amélie Poulain, Le"]. */
  alternates: string[];
  /** The year suffix as written, with parentheses: "(1999)", "(2006–2007)". */
  yearText?: string;
  year?: number;
}

/** Splits a MovieLens title into main title, alternates and year. */
export function parseTitle(title: string): ParsedTitle {
  let rest = title.trim();
  let yearText: string | undefined;
  let year: number | undefined;
  const yearMatch = YEAR_SUFFIX.exec(rest);
  // A title that is only "(1999)" has no name to keep; treat the parentheses as the name then.
  if (yearMatch && yearMatch.index > 0) {
    yearText = yearMatch[0].trim();
    year = Number(yearMatch[1]);
    rest = rest.slice(0, yearMatch.index).trimEnd();
  }
  const alternates: string[] = [];
  for (let group = TRAILING_GROUP.exec(rest); group && group.index > 0; group = TRAILING_GROUP.exec(rest)) {
    alternates.unshift(group[1].trim());
    rest = rest.slice(0, group.index).trimEnd();
  }
  const { moved, withoutArticle } = moveArticle(rest);
  return { main: moved, mainWithoutArticle: withoutArticle, mainAsWritten: rest, alternates, yearText, year };
}

/** "Matrix, The" → "The Matrix"; "Avventura, L'" → "L'Avventura"; anything else unchanged. */
export function moveArticle(name: string): { moved: string; withoutArticle: string } {
  const comma = name.lastIndexOf(', ');
  if (comma > 0) {
    const article = name.slice(comma + 2).trim();
    if (ARTICLES.has(article)) {
      const body = name.slice(0, comma).trim();
      const separator = article.endsWith("'") ? '' : ' ';
      return { moved: `${article}${separator}${body}`, withoutArticle: body };
    }
  }
  return { moved: name, withoutArticle: name };
}

/** "Matrix, The (1999)" → "The Matrix (1999)"; alternates and year are kept. */
export function displayTitle(title: string): string {
  const parsed = parseTitle(title);
  return joinTitle(parsed.main, parsed.alternates, parsed.yearText);
}

/** The main title as people say it, without alternates or year: "Matrix, The (1999)" → "The Matrix". */
export function baseTitle(title: string): string {
  return parseTitle(title).main;
}

/** The (first) release year, or undefined when the title has none. */
export function titleYear(title: string): number | undefined {
  return parseTitle(title).year;
}

function joinTitle(main: string, alternates: string[], yearText: string | undefined): string {
  const parts = [main, ...alternates.map((alternate) => `(${alternate})`)];
  if (yearText) parts.push(yearText);
  return parts.join(' ');
}

/**
 * The display title cut to at most maxLength characters (UTF-16 units, as Discord counts), ending with "…".
 * The year is kept when it fits, because it is what tells remakes apart.
 */
export function truncatedDisplayTitle(title: string, maxLength: number): string {
  const full = displayTitle(title);
  if (full.length <= maxLength) return full;
  const yearText = parseTitle(title).yearText;
  const suffix = yearText && yearText.length + 2 < maxLength ? `… ${yearText}` : '…';
  const withoutYear = yearText ? full.slice(0, full.length - yearText.length).trimEnd() : full;
  return `${cutToLength(withoutYear, maxLength - suffix.length).trimEnd()}${suffix}`;
}

/** Cuts on code points so an emoji or other astral character is never split in half. */
function cutToLength(text: string, maxLength: number): string {
  let result = '';
  for (const codePoint of text) {
    if (result.length + codePoint.length > maxLength) break;
    result += codePoint;
  }
  return result;
}

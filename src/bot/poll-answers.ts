/**
 * Movie titles as poll answers. Discord caps an answer at 55 characters and a poll at 10 answers; MovieLens
 * titles run to ~200 characters (alternate titles in parentheses), so an answer is the main title and the
 * year ("Amelie (2001)"), cut at a word with "…" before the year when even that is too long; two answers that
 * would read the same get their position added so voters can tell them apart.
 */
import { parseTitle, truncatedDisplayTitle } from '../serve/titles.ts';

export const POLL_ANSWER_MAX = 55;
export const POLL_MAX_ANSWERS = 10;
export const POLL_QUESTION_MAX = 300;

export function pollAnswerText(title: string, max = POLL_ANSWER_MAX): string {
  const { main, yearText } = parseTitle(title);
  const short = yearText ? `${main} ${yearText}` : main;
  if (short.length <= max) return short;
  // truncatedDisplayTitle keeps the year; on "Main (year)" it has no alternates left to show.
  const cut = truncatedDisplayTitle(short, max);
  const word = /^(.*\S)\s+\S*…( \(\d{4}[^)]*\))?$/u.exec(cut);
  // Prefer ending on a whole word when that keeps most of the title.
  if (word && word[1].length >= max / 2) return `${word[1]}…${word[2] ?? ''}`;
  return cut;
}

/** The answers for a poll over these titles (at most 10), distinct. */
export function pollAnswers(titles: readonly string[]): string[] {
  const texts = titles.slice(0, POLL_MAX_ANSWERS).map((title) => pollAnswerText(title));
  return texts.map((text, i) => {
    if (texts.indexOf(text) === i && texts.lastIndexOf(text) === i) return text;
    const tag = ` #${i + 1}`;
    return text.length + tag.length <= POLL_ANSWER_MAX
      ? `${text}${tag}`
      : `${pollAnswerText(text, POLL_ANSWER_MAX - tag.length)}${tag}`;
  });
}

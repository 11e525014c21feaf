/** Text normalisation shared by title and genre search, so typed queries and indexed keys compare equal. */

/** Letters NFD does not decompose but people type as plain Latin letters. */
const LETTER_FOLDS: Record<string, string> = {
  ß: 'ss',
  æ: 'ae',
  œ: 'oe',
  ø: 'o',
  ł: 'l',
  đ: 'd',
  ð: 'd',
  þ: 'th',
  ı: 'i',
};
const FOLDABLE = new RegExp(`[${Object.keys(LETTER_FOLDS).join('')}]`, 'g');
const COMBINING_MARKS = /\p{M}+/gu;
const NOT_LETTER_OR_DIGIT = /[^\p{L}\p{N}]+/gu;
/** Punctuation inside words: "Schindler's", "Spider-Man", "E.T.". */
const IN_WORD_PUNCTUATION = /['’`.\-‐–]/g;

/** Lowercase, accents stripped (NFD + drop combining marks), punctuation → space, whitespace collapsed. */
export function normalizeForSearch(text: string): string {
  return foldLetters(text).replace(NOT_LETTER_OR_DIGIT, ' ').trim();
}

/**
 * Like normalizeForSearch, but apostrophes, hyphens and dots are removed instead of becoming spaces:
 * "Schindler's List" → "schindlers list", "Spider-Man" → "spiderman", "E.T." → "et". Indexing both forms
 * lets "schindlers", "schindler's", "spiderman" and "spider man" all match.
 */
export function normalizeJoiningWords(text: string): string {
  return normalizeForSearch(foldLetters(text).replace(IN_WORD_PUNCTUATION, ''));
}

function foldLetters(text: string): string {
  return text
    .normalize('NFD')
    .replace(COMBINING_MARKS, '')
    .toLowerCase()
    .replace(FOLDABLE, (letter) => LETTER_FOLDS[letter]);
}

import { describe, expect, it } from 'vitest';
import { normalizeForSearch, normalizeJoiningWords } from '../../src/serve/normalize.ts';
import {
  baseTitle,
  displayTitle,
  moveArticle,
  parseTitle,
  titleYear,
  truncatedDisplayTitle,
} from '../../src/serve/titles.ts';

describe('displayTitle', () => {
  it.each([
    ['Matrix, The (1999)', 'The Matrix (1999)'],
    ['Shawshank Redemption, The (1994)', 'The Shawshank Redemption (1994)'],
    ['American President, The (1995)', 'The American President (1995)'],
    [
      'Lord of the Rings: The Fellowship of the Ring, The (2001)',
      'The Lord of the Rings: The Fellowship of the Ring (2001)',
    ],
    // Only the main title's article moves; the alternate keeps its MovieLens form.
    [
      "Amelie (Fabuleux destin d'Amélie Poulain, Le) (2001)",
      "Amelie (Fabuleux destin d'Amélie Poulain, Le) (2001)",
    ],
    ['Postman, The (Postino, Il) (1994)', 'The Postman (Postino, Il) (1994)'],
    ['Boot, Das (Boat, The) (1981)', 'Das Boot (Boat, The) (1981)'],
    ['Walk in the Clouds, A (1995)', 'A Walk in the Clouds (1995)'],
    ['Awfully Big Adventure, An (1995)', 'An Awfully Big Adventure (1995)'],
    ['Misérables, Les (1995)', 'Les Misérables (1995)'],
    ['Femme Nikita, La (Nikita) (1990)', 'La Femme Nikita (Nikita) (1990)'],
    ['Colonel Chabert, Le (1994)', 'Le Colonel Chabert (1994)'],
    ["Avventura, L' (Adventure, The) (1960)", "L'Avventura (Adventure, The) (1960)"],
    ['Divo, Il (2008)', 'Il Divo (2008)'],
    ['Vitelloni, I (1953)', 'I Vitelloni (1953)'],
    ['Baader Meinhof Komplex, Der (2008)', 'Der Baader Meinhof Komplex (2008)'],
    ['Mariachi, El (1992)', 'El Mariachi (1992)'],
    [
      'Good, the Bad and the Ugly, The (Buono, il brutto, il cattivo, Il) (1966)',
      'The Good, the Bad and the Ugly (Buono, il brutto, il cattivo, Il) (1966)',
    ],
    // Commas that are not articles stay.
    ['I, Robot (2004)', 'I, Robot (2004)'],
    ['Honey, I Shrunk the Kids (1989)', 'Honey, I Shrunk the Kids (1989)'],
    ['Monsters, Inc. (2001)', 'Monsters, Inc. (2001)'],
    ['Paris, Texas (1984)', 'Paris, Texas (1984)'],
    // No year, trailing spaces, a year range.
    ['Babylon 5', 'Babylon 5'],
    ['OA, The', 'The OA'],
    ['Runaway Brain (1995) ', 'Runaway Brain (1995)'],
    ['Death Note: Desu nôto (2006–2007)', 'Death Note: Desu nôto (2006–2007)'],
    ['(500) Days of Summer (2009)', '(500) Days of Summer (2009)'],
    [
      'Léon: The Professional (a.k.a. The Professional) (Léon) (1994)',
      'Léon: The Professional (a.k.a. The Professional) (Léon) (1994)',
    ],
  ])('%s → %s', (title, expected) => {
    expect(displayTitle(title)).toBe(expected);
  });
});

describe('titleYear, baseTitle, parseTitle', () => {
  it.each([
    ['Matrix, The (1999)', 1999, 'The Matrix'],
    ["Amelie (Fabuleux destin d'Amélie Poulain, Le) (2001)", 2001, 'Amelie'],
    ['Babylon 5', undefined, 'Babylon 5'],
    ['Death Note: Desu nôto (2006–2007)', 2006, 'Death Note: Desu nôto'],
    ['Runaway Brain (1995) ', 1995, 'Runaway Brain'],
    ['1917 (2019)', 2019, '1917'],
  ])('%s → year %s, base %s', (title, year, base) => {
    expect(titleYear(title)).toBe(year);
    expect(baseTitle(title)).toBe(base);
  });

  it('splits main title, alternates and year', () => {
    expect(parseTitle('Postman, The (Postino, Il) (1994)')).toEqual({
      main: 'The Postman',
      mainWithoutArticle: 'Postman',
      mainAsWritten: 'Postman, The',
      alternates: ['Postino, Il'],
      yearText: '(1994)',
      year: 1994,
    });
  });

  it('moveArticle leaves text without a trailing article alone', () => {
    expect(moveArticle('Paris, Texas')).toEqual({ moved: 'Paris, Texas', withoutArticle: 'Paris, Texas' });
    expect(moveArticle('Fabuleux destin d’Amélie Poulain, Le')).toEqual({
      moved: 'Le Fabuleux destin d’Amélie Poulain',
      withoutArticle: 'Fabuleux destin d’Amélie Poulain',
    });
  });
});

describe('truncatedDisplayTitle', () => {
  const long = `${'Very Long Words '.repeat(10).trim()}, The (2001)`;

  it('keeps titles that fit', () => {
    expect(truncatedDisplayTitle('Matrix, The (1999)', 100)).toBe('The Matrix (1999)');
  });

  it('cuts to the limit with an ellipsis and keeps the year', () => {
    const cut = truncatedDisplayTitle(long, 100);
    expect(cut.length).toBeLessThanOrEqual(100);
    expect(cut).toMatch(/^The Very Long Words .*… \(2001\)$/);
    expect(cut.length).toBeGreaterThan(90);
  });

  it('never splits a surrogate pair', () => {
    const cut = truncatedDisplayTitle(`${'😀'.repeat(80)} (1999)`, 100);
    // 100 − "… (1999)" leaves 92 UTF-16 units: 46 two-unit emoji.
    expect(cut).toBe(`${'😀'.repeat(46)}… (1999)`);
    expect(truncatedDisplayTitle(`${'😀'.repeat(80)} (1999)`, 99)).toBe(`${'😀'.repeat(45)}… (1999)`);
  });
});

describe('normalizeForSearch', () => {
  it.each([
    ['The Matrix', 'the matrix'],
    ['Amélie', 'amelie'],
    ["Schindler's List", 'schindler s list'],
    ['  Lord of the Rings:   The Fellowship  ', 'lord of the rings the fellowship'],
    ['Spider-Man 2', 'spider man 2'],
    ['Straße', 'strasse'],
    ['WALL·E', 'wall e'],
    ['Æon Flux', 'aeon flux'],
    ['!!!', ''],
  ])('%s → %s', (text, expected) => {
    expect(normalizeForSearch(text)).toBe(expected);
  });

  it('normalizeJoiningWords removes in-word punctuation instead', () => {
    expect(normalizeJoiningWords("Schindler's List")).toBe('schindlers list');
    expect(normalizeJoiningWords('Spider-Man')).toBe('spiderman');
    expect(normalizeJoiningWords('E.T. the Extra-Terrestrial')).toBe('et the extraterrestrial');
  });
});

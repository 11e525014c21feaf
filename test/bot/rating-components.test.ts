import { describe, expect, it } from 'vitest';
import type { MovieInfo } from '../../src/artifacts/types.ts';
import {
  parseMarkButtonId,
  parseMarkSelectId,
  parseMarkValue,
  parsePickId,
  parseStarsId,
  ratingPanelRows,
  ratingRows,
  starsText,
} from '../../src/bot/rating-components.ts';
import type { Recommendation } from '../../src/serve/recommendation.ts';

const VERSION = '20261201T120000000Z-ab12';

function movie(movieId: number, title: string): MovieInfo {
  return { movieId, title, genres: ['Drama'], count: 10, mean: 4 };
}

const longTitle = `${'Extremely Long Title '.repeat(10).trim()}, The (1999)`;
const answer = Array.from({ length: 10 }, (_, i) => ({
  recommendation: {
    movieId: 100_000 + i,
    movie: movie(100_000 + i, i === 0 ? longTitle : `Film ${i} (2001)`),
    reason: { kind: 'popular-fallback', count: 10, mean: 4, weightedRating: 3.9 },
  } as Recommendation,
  label: i < 5 ? `Popular pick ${i + 1}/5` : `Hidden gem ${i - 4}/5`,
}));

interface Select {
  type: number;
  custom_id: string;
  options: { label: string; value: string; description?: string; default?: boolean }[];
}

describe('rating controls', () => {
  it('fit Discord’s limits: 2 rows, 10 and 20 options, labels ≤ 100, custom ids ≤ 100', () => {
    const rows = ratingRows(answer, VERSION);
    expect(rows).toHaveLength(2);
    const [pick, mark] = rows.map((row) => row.components[0] as unknown as Select);
    expect(pick.options).toHaveLength(10);
    expect(mark.options).toHaveLength(20);
    for (const select of [pick, mark]) {
      expect(select.custom_id.length).toBeLessThanOrEqual(100);
      expect(new Set(select.options.map((o) => o.value)).size).toBe(select.options.length);
      for (const option of select.options) {
        expect(option.label.length).toBeGreaterThan(0);
        expect(option.label.length).toBeLessThanOrEqual(100);
        expect(option.description?.length ?? 0).toBeLessThanOrEqual(100);
      }
    }
    expect(pick.options[0].label.endsWith('… (1999)')).toBe(true);
    expect(pick.options[0].description).toBe('Popular pick 1/5');
    expect(ratingRows([], VERSION)).toEqual([]);
  });

  it('carry the movie and the version in their ids, and parse back only what they made', () => {
    const [pick, mark] = ratingRows(answer, VERSION).map((row) => row.components[0] as unknown as Select);
    expect(parsePickId(pick.custom_id)).toEqual({ version: VERSION });
    expect(parseMarkSelectId(mark.custom_id)).toEqual({ version: VERSION });
    expect(parseMarkValue(mark.options[1].value)).toEqual({ movieId: 100_000, mark: 'not-interested' });
    const [stars, buttons] = ratingPanelRows(100_007, VERSION, 3.5);
    const starSelect = stars.components[0] as unknown as Select;
    expect(parseStarsId(starSelect.custom_id)).toEqual({ movieId: 100_007, version: VERSION });
    expect(starSelect.options.map((o) => o.value)).toEqual([
      '5',
      '4.5',
      '4',
      '3.5',
      '3',
      '2.5',
      '2',
      '1.5',
      '1',
      '0.5',
    ]);
    expect(starSelect.options.filter((o) => o.default).map((o) => o.value)).toEqual(['3.5']);
    const ids = buttons.components.map((b) => (b as { custom_id: string }).custom_id);
    expect(ids.map(parseMarkButtonId)).toEqual([
      { mark: 'seen', movieId: 100_007, version: VERSION },
      { mark: 'not-interested', movieId: 100_007, version: VERSION },
    ]);
    for (const forged of [
      'rate:stars:abc:v',
      'rate:pick:',
      'rate:loved:1:v',
      `rate:stars:1:${'x'.repeat(60)}`,
    ])
      expect([parsePickId, parseStarsId, parseMarkButtonId].map((parse) => parse(forged))).toEqual([
        null,
        null,
        null,
      ]);
    expect(parseMarkValue('12:loved')).toBeNull();
  });

  it('write stars the same way everywhere', () => {
    expect(starsText(4.5)).toBe('★★★★½ 4.5/5');
    expect(starsText(0.5)).toBe('½ 0.5/5');
    expect(starsText(5)).toBe('★★★★★ 5/5');
  });
});

import { describe, expect, it } from 'vitest';
import { encodePageState, parsePageState } from '../../src/bot/popular-pages.ts';

describe('/popular button state', () => {
  const state = {
    ownerId: '1100000000000000300',
    version: '20261127T030000Z-ab12',
    genre: 'Sci-Fi',
    page: 3,
  };

  it('round-trips through the custom id within Discord’s 100 characters', () => {
    const id = encodePageState(state);
    expect(id).toBe('popular:1100000000000000300:20261127T030000Z-ab12:3:Sci-Fi');
    expect(id.length).toBeLessThanOrEqual(100);
    expect(parsePageState(id)).toEqual(state);
    expect(parsePageState(encodePageState({ ...state, genre: null }))).toEqual({ ...state, genre: null });
  });

  it.each([
    'popular:123:20261127T030000Z-ab12:3:',
    'popular:1100000000000000300:20261127T030000Z-ab12:x:',
    'popular:1100000000000000300:20261127T030000Z-ab12:3:Drama;drop',
    'other:1100000000000000300:v:1:',
    '',
  ])('rejects the malformed id %j', (id) => {
    expect(parsePageState(id)).toBeNull();
  });
});

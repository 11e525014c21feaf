import { describe, expect, it } from 'vitest';
import { consentMessage, parseConsentButton, parsePickNow } from '../../src/bot/movie-night-consent.ts';
import { REQUEST_LIFETIME_MS, type MovieNightRequest } from '../../src/store/movie-night-consent.ts';

const CALLER = '1100000000000000601';
const BOB = '1100000000000000602';
const CAROL = '1100000000000000603';

function request(answers: MovieNightRequest['answers']): MovieNightRequest {
  return {
    id: '1300000000000000001',
    guildId: '1200000000000000001',
    callerId: CALLER,
    memberIds: [BOB, CAROL],
    answers,
    createdAt: 1_000_000,
    status: 'open',
  };
}

const ids = (message: ReturnType<typeof consentMessage>) =>
  message.components.flatMap((row) => row.components.map((c) => ('custom_id' in c ? c.custom_id : '')));

describe('the movie night question', () => {
  it('asks those not yet answered, with the three answers and Pick now, each id parsing back', () => {
    const open = consentMessage(request({ [BOB]: 'in' }), 1_000_000 + 60_000);
    expect(open.content).toContain(`**In**: <@${CALLER}> and <@${BOB}>\n**Waiting for**: <@${CAROL}>`);
    expect(open.content).toContain(`<@${CAROL}>: count you in?`);
    expect(open.content).toMatch(/answers close <t:\d+:R>\.$/);
    const customIds = ids(open);
    expect(customIds.map((id) => parseConsentButton(id)?.choice ?? parsePickNow(id)?.ownerId)).toEqual([
      'in',
      'always',
      'out',
      CALLER,
    ]);
    for (const id of customIds) expect(id.length).toBeLessThanOrEqual(100);
  });

  it('after answers close, keeps only Pick now (with whoever is in), or nothing when nobody said yes', () => {
    const late = 1_000_000 + REQUEST_LIFETIME_MS + 1;
    const someone = consentMessage(request({ [BOB]: 'in' }), late);
    expect(someone.content).toContain('Answers have closed.');
    expect(ids(someone).map((id) => parsePickNow(id)?.ownerId)).toEqual([CALLER]);
    const nobody = consentMessage(request({ [BOB]: 'out' }), late);
    expect(nobody.content).toContain('Answers have closed and nobody else said yes.');
    expect(nobody.components).toEqual([]);
  });

  it('refuses forged ids', () => {
    expect(parseConsentButton('movienight:answer:1300000000000000001:maybe')).toBeNull();
    expect(parsePickNow(`movienight:pick:1300000000000000001:${CALLER}x`)).toBeNull();
  });
});

/** Imports into a member's store: one write, idempotent, never over the member's own word, forgotten with them. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Keyv } from 'keyv';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createStore } from '../../src/store/index.ts';
import { MemberRatings } from '../../src/store/member-ratings.ts';
import { memberSettings, setMemberRegion } from '../../src/store/member-settings.ts';

const ALICE = '111111111111111111';

describe('member imports', () => {
  let dir: string;
  let store: Keyv;
  let members: MemberRatings;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'flickpick-import-'));
    store = createStore({ url: `sqlite://${join(dir, 'state.sqlite')}`, namespace: 'flickpick' });
    members = new MemberRatings(store);
  });
  afterEach(async () => {
    await store.disconnect();
    rmSync(dir, { recursive: true, force: true });
  });

  const ratings = (entries: [number, number][]) => ({
    target: 'ratings' as const,
    source: 'letterboxd' as const,
    entries: entries.map(([movieId, stars]) => ({ movieId, stars })),
  });

  it('adds ratings with their source; importing the same file again changes nothing', async () => {
    const first = await members.importEntries(
      ALICE,
      ratings([
        [1, 4],
        [2, 2.5],
        [3, 5],
      ]),
    );
    expect(first).toEqual({ added: 3, updated: 0, unchanged: 0, keptYours: 0 });
    const before = await store.get(`member:${ALICE}`);
    expect(await members.list(ALICE)).toHaveLength(3);
    expect((await members.list(ALICE)).every((e) => e.source === 'letterboxd')).toBe(true);
    const again = await members.importEntries(
      ALICE,
      ratings([
        [1, 4],
        [2, 2.5],
        [3, 5],
      ]),
    );
    expect(again).toEqual({ added: 0, updated: 0, unchanged: 3, keptYours: 0 });
    expect(await store.get(`member:${ALICE}`)).toEqual(before);
    // Imported ratings are ratings: /foryou and training read them like any other.
    expect((await members.ratings(ALICE)).map((r) => r.movieId).sort()).toEqual([1, 2, 3]);
    expect((await members.trainingRatings()).ratings.length).toBe(3);
  });

  it('a newer export updates what it imported, never what the member rated with /rate', async () => {
    await members.importEntries(
      ALICE,
      ratings([
        [1, 4],
        [2, 2.5],
      ]),
    );
    await members.rate(ALICE, 2, 1); // the member changes their mind in Discord afterwards
    await members.rate(ALICE, 9, 3); // and rates a movie the export also has
    const newer = await members.importEntries(
      ALICE,
      ratings([
        [1, 3.5],
        [2, 5],
        [9, 4.5],
        [4, 2],
      ]),
    );
    expect(newer).toEqual({ added: 1, updated: 1, unchanged: 0, keptYours: 2 });
    const stars = new Map((await members.ratings(ALICE)).map((r) => [r.movieId, r.rating]));
    expect(Object.fromEntries(stars)).toEqual({ 1: 3.5, 2: 1, 9: 3, 4: 2 });
    const own = (await members.list(ALICE)).find((e) => e.movieId === 2);
    expect(own?.source).toBeUndefined();
  });

  it('watched marks seen without touching ratings; a watchlist import saves without hiding', async () => {
    await members.rate(ALICE, 1, 4);
    const seen = await members.importEntries(ALICE, {
      target: 'seen',
      source: 'letterboxd',
      entries: [{ movieId: 1 }, { movieId: 2 }],
    });
    expect(seen).toEqual({ added: 1, updated: 0, unchanged: 0, keptYours: 1 });
    const saved = await members.importEntries(ALICE, {
      target: 'watchlist',
      source: 'letterboxd',
      entries: [{ movieId: 2 }, { movieId: 3 }, { movieId: 4 }],
    });
    expect(saved).toEqual({ added: 2, updated: 0, unchanged: 1, keptYours: 0 });
    expect((await members.watchlist(ALICE)).map((e) => e.movieId).sort()).toEqual([3, 4]);
    // Saved movies stay recommendable (marked on cards instead of hidden); rated and seen ones do not.
    expect([...(await members.excluded(ALICE))].sort()).toEqual([1, 2]);
    // Rating a saved movie takes it off the list.
    await members.rate(ALICE, 3, 5);
    expect((await members.watchlist(ALICE)).map((e) => e.movieId)).toEqual([4]);
  });

  it('save for later and remove; a rated movie is not saved over', async () => {
    await members.rate(ALICE, 1, 4);
    expect(await members.saveForLater(ALICE, 1)).toBe(false);
    expect(await members.saveForLater(ALICE, 2)).toBe(true);
    expect(await members.saveForLater(ALICE, 2)).toBe(true);
    expect((await members.watchlist(ALICE)).map((e) => e.movieId)).toEqual([2]);
    expect(await members.removeFromWatchlist(ALICE, 1)).toBe(false);
    expect(await members.removeFromWatchlist(ALICE, 2)).toBe(true);
    expect(await members.watchlist(ALICE)).toEqual([]);
    expect(await members.ratings(ALICE)).toEqual([{ movieId: 1, rating: 4 }]);
  });

  it('/forget-me forgets imports, the watchlist and the member’s region with everything else', async () => {
    await members.importEntries(ALICE, ratings([[1, 4]]));
    await members.saveForLater(ALICE, 2);
    await setMemberRegion(store, ALICE, 'DE');
    expect(await memberSettings(store, ALICE)).toEqual({ region: 'DE' });
    await members.forget(ALICE);
    expect(await memberSettings(store, ALICE)).toEqual({});
    expect(await members.list(ALICE)).toEqual([]);
    expect(await members.watchlist(ALICE)).toEqual([]);
    expect((await members.trainingRatings()).ratings.length).toBe(0);
  });

  it('refuses a batch with a bad rating before writing any of it', async () => {
    await expect(
      members.importEntries(
        ALICE,
        ratings([
          [1, 4],
          [2, 7],
        ]),
      ),
    ).rejects.toThrow(/stars/);
    expect(await members.list(ALICE)).toEqual([]);
  });
});

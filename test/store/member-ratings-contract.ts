/**
 * What MemberRatings must do on every backend (SQLite always, Redis when a redis-server is installed).
 * `open` returns a new store instance (its own connection) onto the same shared data each time.
 */
import { afterEach, expect, it } from 'vitest';
import type { Keyv } from 'keyv';
import { MEMBER_USER_ID_BASE, MemberRatings } from '../../src/store/member-ratings.ts';

export interface MemberStoreFixture {
  open(): Keyv;
}

const ALICE = '111111111111111111';
const BOB = '222222222222222222';

export function defineMemberRatingsContract(fixture: () => MemberStoreFixture): void {
  const opened: Keyv[] = [];
  const open = (): MemberRatings => {
    const store = fixture().open();
    opened.push(store);
    return new MemberRatings(store);
  };
  afterEach(async () => {
    await Promise.all(opened.splice(0).map((store) => store.disconnect()));
  });

  it('lists ratings and marks newest first, and excludes all of them', async () => {
    const members = open();
    await members.rate(ALICE, 1, 4.5);
    await members.mark(ALICE, 2, 'seen');
    await members.mark(ALICE, 3, 'not-interested');
    const list = await members.list(ALICE);
    expect(list.map((entry) => [entry.movieId, entry.kind])).toEqual([
      [3, 'not-interested'],
      [2, 'seen'],
      [1, 'rating'],
    ]);
    expect(list[2]).toMatchObject({ kind: 'rating', stars: 4.5 });
    expect([...(await members.excluded(ALICE))].sort()).toEqual([1, 2, 3]);
    expect(await members.ratings(ALICE)).toEqual([{ movieId: 1, rating: 4.5 }]);
    expect(await members.list(BOB)).toEqual([]);
    expect(await members.excluded(BOB)).toEqual(new Set());
  });

  it('orders newest first exactly, even for entries within one millisecond', async () => {
    const members = open();
    const ids = [9, 3, 7, 1, 5, 8, 2, 6, 4, 10];
    for (const id of ids) await members.rate(ALICE, id, 3);
    await members.rate(ALICE, 3, 4); // re-rating makes it the newest
    expect((await members.list(ALICE)).map((e) => e.movieId)).toEqual([
      3,
      ...ids.filter((id) => id !== 3).reverse(),
    ]);
  });

  it('keeps one entry per movie: the latest opinion, except that "seen" keeps a rating', async () => {
    const members = open();
    await members.rate(ALICE, 10, 2);
    await members.rate(ALICE, 10, 3.5);
    expect(await members.list(ALICE)).toMatchObject([{ movieId: 10, kind: 'rating', stars: 3.5 }]);
    await members.mark(ALICE, 10, 'seen');
    expect(await members.list(ALICE)).toMatchObject([{ movieId: 10, kind: 'rating', stars: 3.5 }]);
    await members.mark(ALICE, 10, 'not-interested');
    expect(await members.list(ALICE)).toMatchObject([{ movieId: 10, kind: 'not-interested' }]);
    await members.rate(ALICE, 10, 5);
    expect(await members.list(ALICE)).toMatchObject([{ movieId: 10, kind: 'rating', stars: 5 }]);
    await members.remove(ALICE, 10);
    expect(await members.list(ALICE)).toEqual([]);
    await members.remove(ALICE, 999); // removing what is not there is fine
  });

  it('keeps members apart and survives a reopen (a restart)', async () => {
    const before = open();
    await before.rate(ALICE, 1, 5);
    await before.rate(BOB, 1, 1);
    const after = open();
    expect(await after.ratings(ALICE)).toEqual([{ movieId: 1, rating: 5 }]);
    expect(await after.ratings(BOB)).toEqual([{ movieId: 1, rating: 1 }]);
  });

  it('loses no write when many land at once, from one or two connections', async () => {
    const [a, b] = [open(), open()];
    await Promise.all(
      Array.from({ length: 40 }, (_, i) => (i % 2 === 0 ? a : b).rate(ALICE, i + 1, ((i % 10) + 1) / 2)),
    );
    expect((await a.list(ALICE)).length).toBe(40);
    const training = await b.trainingRatings();
    expect(training.userIds.length).toBe(40);
  });

  it('rejects what is not a rating', async () => {
    const members = open();
    for (const stars of [0, 0.25, 5.5, -1, Number.NaN, 3.3])
      await expect(members.rate(ALICE, 1, stars)).rejects.toThrow(/0\.5–5 in halves/);
    await expect(members.rate(ALICE, 0, 3)).rejects.toThrow(/movieId/);
    await expect(members.rate('not-an-id', 1, 3)).rejects.toThrow(/snowflake/);
    await expect(members.mark(ALICE, 1, 'loved' as never)).rejects.toThrow(/mark/);
    expect(await members.list(ALICE)).toEqual([]);
  });

  it('gives training data under pseudonyms only, with a fingerprint of exactly its content', async () => {
    const members = open();
    const empty = await members.trainingRatings();
    expect(empty.userIds.length).toBe(0);
    await members.rate(ALICE, 5, 4);
    await members.rate(ALICE, 2, 3);
    await members.mark(ALICE, 7, 'seen'); // marks are not ratings
    await members.rate(BOB, 5, 1.5);
    const training = await members.trainingRatings();
    expect(training.userIds.length).toBe(3);
    for (const id of training.userIds) expect(id).toBeGreaterThanOrEqual(MEMBER_USER_ID_BASE);
    const ids = [...new Set(training.userIds)];
    expect(ids).toHaveLength(2);
    expect([...training.movieIds]).toEqual([2, 5, 5]);
    expect([...training.ratings]).toEqual([3, 4, 1.5]);
    expect(training.fingerprint).toMatch(/^[0-9a-f]{64}$/);
    expect(training.fingerprint).not.toBe(empty.fingerprint);
    // The same content gives the same fingerprint; any change gives another.
    expect((await open().trainingRatings()).fingerprint).toBe(training.fingerprint);
    await members.mark(BOB, 8, 'not-interested');
    expect((await members.trainingRatings()).fingerprint).toBe(training.fingerprint);
    await members.rate(BOB, 5, 2);
    expect((await members.trainingRatings()).fingerprint).not.toBe(training.fingerprint);
  });

  it('forgets a member at once: entries, pseudonym and training rows; a comeback is a new training user', async () => {
    const members = open();
    await members.rate(ALICE, 1, 4);
    await members.mark(ALICE, 2, 'seen');
    await members.rate(BOB, 1, 2);
    const before = await members.trainingRatings();
    const aliceId = before.userIds[before.movieIds.indexOf(1)];
    await members.forget(ALICE);
    expect(await members.list(ALICE)).toEqual([]);
    expect(await members.excluded(ALICE)).toEqual(new Set());
    const after = await members.trainingRatings();
    expect([...after.ratings]).toEqual([2]);
    expect([...after.userIds]).not.toContain(aliceId);
    await members.forget(ALICE); // forgetting twice is fine
    await members.rate(ALICE, 3, 5);
    const comeback = await members.trainingRatings();
    const newAliceId = comeback.userIds[comeback.movieIds.indexOf(3)];
    expect(newAliceId).not.toBe(aliceId);
    expect([...comeback.userIds]).toHaveLength(2);
  });
}

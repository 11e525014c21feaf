import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ListNeighbourIndex, neighbourListsFrom, packNeighbourLists } from '../../src/artifacts/knn-index.ts';
import {
  decodeTypedArrays,
  encodeTypedArrays,
  readTypedArrays,
  writeTypedArrays,
} from '../../src/artifacts/typed-arrays.ts';
import { tempDir } from '../support/dataset.ts';

describe('typed-array files', () => {
  it('round-trip named arrays of every type and the meta, through a file', async () => {
    const arrays = {
      ids: Int32Array.from([3, -1, 2_000_000_000]),
      odd: Uint8Array.from([1, 2, 3]),
      scores: Float32Array.from([0.5, -2.25]),
      wide: Float64Array.from([Math.PI]),
      empty: new Float32Array(0),
    };
    const file = path.join(await tempDir(), 'a.bin');
    await writeTypedArrays(file, { kind: 'test', n: 3 }, arrays);
    const back = await readTypedArrays<{ kind: string; n: number }>(file);
    expect(back.meta).toEqual({ kind: 'test', n: 3 });
    for (const [name, array] of Object.entries(arrays)) {
      expect(back.arrays[name]).toBeInstanceOf(array.constructor);
      expect([...back.arrays[name]]).toEqual([...array]);
    }
  });

  it('decodes from an unaligned buffer and rejects a file that is not one or is truncated', async () => {
    const bytes = encodeTypedArrays({}, { x: Float64Array.from([1, 2]) });
    const shifted = new Uint8Array(bytes.length + 1).subarray(1);
    shifted.set(bytes);
    expect([...decodeTypedArrays(shifted, 'x').arrays.x]).toEqual([1, 2]);
    expect(() => decodeTypedArrays(Buffer.from('{"json": true}'), 'f.json')).toThrow(
      'f.json is not a typed-array file',
    );
    expect(() => decodeTypedArrays(bytes.subarray(0, bytes.length - 4), 'cut')).toThrow(
      'array x does not fit the file',
    );
    const file = path.join(await tempDir(), 'b.bin');
    await writeFile(file, 'nope');
    await expect(readTypedArrays(file)).rejects.toThrow('is not a typed-array file');
  });

  it('stores neighbour lists and serves them nearest first, at most k, memoised', () => {
    const lists = new Map([
      [20, [{ movieId: 10, distance: 0.25 }]],
      [
        10,
        [
          { movieId: 20, distance: 0.25 },
          { movieId: 30, distance: 0.5 },
        ],
      ],
      [30, []],
    ]);
    const decoded = decodeTypedArrays(encodeTypedArrays({}, { ...packNeighbourLists(lists) }), 'knn');
    const index = new ListNeighbourIndex(neighbourListsFrom(decoded.arrays));
    expect(index.size).toBe(3);
    expect(index.has(30)).toBe(true);
    expect(index.has(40)).toBe(false);
    expect(index.nearest(10, 5)).toEqual(lists.get(10));
    expect(index.nearest(10, 1)).toEqual([{ movieId: 20, distance: 0.25 }]);
    expect(index.nearest(10, 1)).toBe(index.nearest(10, 1));
    expect(index.nearest(30, 5)).toEqual([]);
    expect(index.nearest(40, 5)).toEqual([]);
    expect(() => neighbourListsFrom({ ...decoded.arrays, start: new Int32Array(1) })).toThrow('inconsistent');
  });
});

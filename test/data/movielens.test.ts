import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { DatasetError, DatasetMissingError } from '../../src/data/errors.ts';
import { loadDataset, loadRatings, type SkipReason } from '../../src/data/movielens.ts';
import { REAL_DATASET_DIR, tempDir, writeDatasetFiles } from '../support/dataset.ts';

const MOVIES = `movieId,title,genres
1,Toy Story (1995),Adventure|Animation|Children
2,"Matrix, The (1999)",Action|Sci-Fi
3,Unknown Film (2000),(no genres listed)
`;
const LINKS = `movieId,imdbId,tmdbId
1,0114709,862
2,0133093,603
3,0000003,
`;
const RATINGS = `userId,movieId,rating,timestamp
1,1,4.0,964982703
1,2,5.0,964981247
2,1,3.5,964982224
`;

describe('loadDataset', () => {
  it.each([
    ['LF', '\n'],
    ['CRLF', '\r\n'],
  ])('reads movies, links and ratings with %s line endings', async (_name, eol) => {
    const dir = await writeDatasetFiles(await tempDir(), { movies: MOVIES, links: LINKS, ratings: RATINGS }, eol);
    const data = await loadDataset(dir);
    expect(data.movies.get(2)).toEqual({
      movieId: 2,
      title: 'Matrix, The (1999)',
      genres: ['Action', 'Sci-Fi'],
      imdbId: '0133093',
      tmdbId: 603,
    });
    expect(data.movies.get(3)).toEqual({ movieId: 3, title: 'Unknown Film (2000)', genres: [], imdbId: '0000003' });
    expect([...data.ratings.userIds]).toEqual([1, 1, 2]);
    expect([...data.ratings.movieIds]).toEqual([1, 2, 1]);
    expect([...data.ratings.ratings]).toEqual([4, 5, 3.5]);
    expect(data.skipped).toEqual({ ratingOutOfRange: 0, unknownMovie: 0, duplicatePair: 0 });
    expect(data.checksums['ratings.csv']).toMatch(/^[0-9a-f]{64}$/);
  });

  it('names the missing file and says how to get the dataset', async () => {
    const dir = await writeDatasetFiles(await tempDir(), { movies: MOVIES, links: LINKS });
    const error = await loadDataset(dir).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DatasetMissingError);
    expect((error as Error).message).toContain(path.join(dir, 'ratings.csv'));
    expect((error as Error).message).toContain('MOVIELENS_DIR');
  });

  it('stops on a missing column, naming the file, line and column', async () => {
    const dir = await writeDatasetFiles(await tempDir(), {
      movies: MOVIES,
      links: LINKS,
      ratings: 'userId,movieId,timestamp\n1,1,964982703\n',
    });
    await expect(loadDataset(dir)).rejects.toThrow(`${path.join(dir, 'ratings.csv')}:1: missing column rating`);
  });

  it('stops on a malformed row with its file and line', async () => {
    const dir = await writeDatasetFiles(await tempDir(), {
      movies: MOVIES,
      links: LINKS,
      ratings: `${RATINGS}3,abc,4.0,1\n`,
    });
    const error = (await loadDataset(dir).catch((e: unknown) => e)) as DatasetError;
    expect(error).toBeInstanceOf(DatasetError);
    expect(error.file).toBe(path.join(dir, 'ratings.csv'));
    expect(error.line).toBe(5);
    expect(error.message).toContain('movieId must be an integer, found "abc"');
  });

  it('stops on a row with too few fields', async () => {
    const dir = await writeDatasetFiles(await tempDir(), { movies: MOVIES, links: LINKS, ratings: `${RATINGS}4,1\n` });
    await expect(loadDataset(dir)).rejects.toThrow(':5: expected 4 fields, found 2');
  });

  it('stops on an unclosed quote in movies.csv', async () => {
    const dir = await writeDatasetFiles(await tempDir(), {
      movies: 'movieId,title,genres\n1,"Broken (1999),Drama\n',
      links: LINKS,
      ratings: RATINGS,
    });
    await expect(loadDataset(dir)).rejects.toThrow(/movies\.csv:\d+: malformed CSV/);
  });

  it('skips and counts out-of-range ratings, unknown movies and duplicate pairs, reporting each line', async () => {
    const dir = await writeDatasetFiles(await tempDir(), {
      movies: MOVIES,
      links: LINKS,
      ratings: `${RATINGS}2,2,5.5,1\n2,99,4.0,1\n2,3,0.0,1\n1,1,2.0,1\n`,
    });
    const seen: [SkipReason, number][] = [];
    const data = await loadDataset(dir, (reason, _file, line) => seen.push([reason, line]));
    expect(data.skipped).toEqual({ ratingOutOfRange: 2, unknownMovie: 1, duplicatePair: 1 });
    expect(seen).toEqual([
      ['ratingOutOfRange', 5],
      ['unknownMovie', 6],
      ['ratingOutOfRange', 7],
      ['duplicatePair', 8],
    ]);
    // The later rating of (1, 1) replaces the earlier one.
    expect([...data.ratings.userIds]).toEqual([1, 2, 1]);
    expect([...data.ratings.movieIds]).toEqual([2, 1, 1]);
    expect([...data.ratings.ratings]).toEqual([5, 3.5, 2]);
  });

  it('reads a ratings file without a timestamp column', async () => {
    const dir = await writeDatasetFiles(await tempDir(), { ratings: 'userId,movieId,rating\n7,1,4.5\n' });
    const { ratings } = await loadRatings(path.join(dir, 'ratings.csv'));
    expect([...ratings.ratings]).toEqual([4.5]);
  });
});

describe.skipIf(!REAL_DATASET_DIR)('the real ml-latest-small', () => {
  it('loads all rows with nothing skipped and the published checksums', async () => {
    const data = await loadDataset(REAL_DATASET_DIR!);
    expect(data.ratings.ratings.length).toBe(100_836);
    expect(data.movies.size).toBe(9_742);
    expect(new Set(data.ratings.userIds).size).toBe(610);
    expect(data.skipped).toEqual({ ratingOutOfRange: 0, unknownMovie: 0, duplicatePair: 0 });
    expect(data.checksums['ratings.csv']).toBe('aa289ca83157595d0df6aea1be6a4ded676ddc4385472e8313a8ed9805352646');
    expect(data.movies.get(2571)?.title).toBe('Matrix, The (1999)');
    expect(data.movies.get(2571)?.tmdbId).toBe(603);
  });
});

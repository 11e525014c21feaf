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

  it('reports each repeat of a pair at its own line, after empty lines and skipped rows (CRLF)', async () => {
    const ratings = 'userId,movieId,rating,timestamp\n5,1,1.0,1\n\n5,2,9.0,1\n5,1,2.0,1\n6,1,3.0,1\n\n5,1,4.5,1\n';
    const dir = await writeDatasetFiles(await tempDir(), { ratings }, '\r\n');
    const seen: string[] = [];
    const { ratings: table, skipped } = await loadRatings(path.join(dir, 'ratings.csv'), {
      onSkip: (reason, _file, line, detail) => seen.push(`${reason}@${line}: ${detail}`),
    });
    expect(skipped).toEqual({ ratingOutOfRange: 1, unknownMovie: 0, duplicatePair: 2 });
    expect(seen).toEqual([
      'ratingOutOfRange@4: rating 9 is outside 0.5–5',
      'duplicatePair@5: user 5 rated movie 1 again (first at line 2)',
      'duplicatePair@8: user 5 rated movie 1 again (first at line 5)',
    ]);
    expect([...table.userIds]).toEqual([6, 5]);
    expect([...table.ratings]).toEqual([3, 4.5]);
  });

  it('reads a byte order mark, quoted numbers and decimals without a fraction', async () => {
    const dir = await writeDatasetFiles(await tempDir(), {
      ratings: '\uFEFFuserId,movieId,rating\n"7",1,4.\n8, 2 ,"3.5"\n9,3,5',
    });
    const { ratings } = await loadRatings(path.join(dir, 'ratings.csv'));
    expect([...ratings.userIds]).toEqual([7, 8, 9]);
    expect([...ratings.movieIds]).toEqual([1, 2, 3]);
    expect([...ratings.ratings]).toEqual([4, 3.5, 5]);
  });

  it('stops on a non-numeric rating and on an empty ratings file, naming the file', async () => {
    const bad = await writeDatasetFiles(await tempDir(), { ratings: 'userId,movieId,rating\n1,1,4.0\n1,2,good\n' });
    await expect(loadRatings(path.join(bad, 'ratings.csv'))).rejects.toThrow(
      `${path.join(bad, 'ratings.csv')}:3: rating must be a number, found "good"`,
    );
    const empty = await writeDatasetFiles(await tempDir(), { ratings: '' });
    await expect(loadRatings(path.join(empty, 'ratings.csv'))).rejects.toThrow('empty file: expected a header row');
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

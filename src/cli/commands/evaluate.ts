import { loadMovies, loadRatings } from '../../data/movielens.ts';
import { writeRandomSplit, writeSplit } from '../../data/split.ts';
import { evaluateSplit } from '../../train/evaluate.ts';
import { UsageError, type CliContext } from '../context.ts';

/** Trains the DNMF on one file and scores another: one JSON line with the DNMF and baselines. */
export async function evaluateCommand(
  context: CliContext,
  options: { train?: string; test?: string; movies?: string; epochs?: number },
): Promise<void> {
  if (!options.train || !options.test)
    throw new UsageError('evaluate needs --train A.csv --test B.csv [--movies M.csv]');
  const onSkip = (reason: string, file: string, line: number, detail: string) =>
    context.logger.warn({ reason, file, line }, `skipped rating: ${detail}`);
  const movies = options.movies ? await loadMovies(options.movies) : undefined;
  const train = await loadRatings(options.train, { movies, onSkip });
  const test = await loadRatings(options.test, { movies, onSkip });
  const result = await evaluateSplit(
    train.ratings,
    test.ratings,
    options.epochs ? { epochs: options.epochs } : {},
  );
  console.log(JSON.stringify(result));
}

export async function splitCommand(
  context: CliContext,
  options: { ratings?: string; testIdx?: string; seed?: number; out?: string },
): Promise<void> {
  if (!options.out || (options.testIdx === undefined) === (options.seed === undefined)) {
    throw new UsageError(
      'split needs --out DIR and either --test-idx test_idx.txt or --seed N (a random 80/20 split) [--ratings ratings.csv]',
    );
  }
  const ratings = options.ratings ?? `${context.config.movielensDir}/ratings.csv`;
  const result =
    options.testIdx !== undefined
      ? await writeSplit(ratings, options.testIdx, options.out)
      : await writeRandomSplit(ratings, options.out, options.seed!);
  console.log(
    `Wrote ${result.train} (${result.trainRows} rows) and ${result.test} (${result.testRows} rows).`,
  );
}

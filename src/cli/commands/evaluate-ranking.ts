import path from 'node:path';
import { loadLinks, loadMovies, loadRatings, sha256File } from '../../data/movielens.ts';
import { evaluateRanking } from '../../eval/ranking-evaluation.ts';
import type { Band } from '../../eval/methods.ts';
import { UsageError, type CliContext } from '../context.ts';
import { DEFAULT_WATCH_MODEL } from '../../train/watch-model.ts';
import { DEFAULT_EXPOSURE_PRICES } from '../../train/watch-prices.ts';

export interface EvaluateRankingArgs {
  train?: string;
  test?: string;
  movies?: string;
  links?: string;
  seed?: number;
  band?: string;
  epochs?: number;
  foldInFolds?: number;
  /** Watch-model options as name=value pairs, e.g. "dim=96,lambda=50" (see train/watch-model.ts). */
  watch?: string;
  /** Exposure-price options as name=value pairs, e.g. "cap=0.03" (see train/watch-prices.ts). */
  prices?: string;
}

/** Ranking quality of what /recommend serves, next to baselines: one JSON line per list (README "Evaluation"). */
export async function evaluateRankingCommand(context: CliContext, args: EvaluateRankingArgs): Promise<void> {
  if (!args.train || !args.test) {
    throw new UsageError(
      'evaluate-ranking needs --train A.csv --test B.csv [--movies M.csv] [--links L.csv] [--seed N] [--band MIN-MAX] [--fold-in-folds N]',
    );
  }
  const band = args.band === undefined ? undefined : parseBand(args.band);
  const movieFile = args.movies ?? path.join(context.config.movielensDir, 'movies.csv');
  const linkFile = args.links ?? path.join(context.config.movielensDir, 'links.csv');
  const onSkip = (reason: string, file: string, line: number, detail: string) =>
    context.logger.warn({ reason, file, line }, `skipped rating: ${detail}`);
  const movies = await loadMovies(movieFile);
  await loadLinks(linkFile, movies);
  const train = await loadRatings(args.train, { movies, onSkip });
  const test = await loadRatings(args.test, { movies, onSkip });
  const checksums: Record<string, string> = {};
  for (const [name, file] of [
    ['ratings.csv', args.train],
    ['movies.csv', movieFile],
    ['links.csv', linkFile],
  ] as const)
    checksums[name] = await sha256File(file);
  const lines = await evaluateRanking({
    train: train.ratings,
    test: test.ratings,
    movies,
    checksums,
    seed: args.seed,
    band,
    dnmf: args.epochs ? { epochs: args.epochs } : undefined,
    foldInFolds: args.foldInFolds,
    watch: args.watch === undefined ? undefined : parsePairs('--watch', args.watch, DEFAULT_WATCH_MODEL),
    watchPrices:
      args.prices === undefined ? undefined : parsePairs('--prices', args.prices, DEFAULT_EXPOSURE_PRICES),
    logger: context.logger,
    onProgress: (text) => process.stderr.write(`evaluate-ranking: ${text}\n`),
  });
  for (const line of lines) console.log(JSON.stringify(line));
}

function parseBand(text: string): Band {
  const match = /^(\d+)-(\d+)$/.exec(text);
  if (!match || Number(match[1]) > Number(match[2]))
    throw new UsageError(`--band must be MIN-MAX training ratings, e.g. 10-60, got "${text}"`);
  return { min: Number(match[1]), max: Number(match[2]) };
}

function parsePairs<T extends object>(flag: string, text: string, defaults: T): Partial<T> {
  const options: Record<string, number> = {};
  for (const pair of text.split(',')) {
    const [name, value] = pair.split('=');
    if (!(name in defaults) || value === undefined || !Number.isFinite(Number(value)))
      throw new UsageError(
        `${flag} takes name=number pairs of ${Object.keys(defaults).join(', ')}; got "${pair}"`,
      );
    options[name] = Number(value);
  }
  return options as Partial<T>;
}

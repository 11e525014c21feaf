import path from 'node:path';
import { loadLinks, loadMovies, loadRatings, sha256File } from '../../data/movielens.ts';
import type { RatingTable } from '../../data/types.ts';
import { evaluateNewMembers } from '../../eval/new-member-evaluation.ts';
import { newMemberTables } from '../../eval/new-member-table.ts';
import { TOLD_VIA, type ToldVia } from '../../eval/told-via-import.ts';
import { DEFAULT_RANKING, evaluateRanking } from '../../eval/ranking-evaluation.ts';
import { validationSplit } from '../../eval/validation.ts';
import { compareRuns, readPerUnit, writePerUnit, type PerUnitHits } from '../../eval/per-unit.ts';
import type { CreateEngineOptions } from '../../serve/engine.ts';
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
  /** Watch-model options as name=value pairs, e.g. "dim=96,lambda=50" (see train/watch-model.ts). */
  watch?: string;
  /** Exposure-price options as name=value pairs, e.g. "cap=0.03" (see train/watch-prices.ts). */
  prices?: string;
  /** 'recommend' (default: /recommend for the test file's users) or 'new-members' (issue 14). */
  protocol?: string;
  /** Evaluate on a split of the train rows only (for choosing hyperparameters); the test file is not read. */
  validation?: boolean;
  /** New members held out (default 150). */
  members?: number;
  /** Ratings each new member tells, e.g. "5,10,25". */
  told?: string;
  /** New-member protocol: 'letterboxd' also tells the ratings through /import (told-via-import.ts). */
  toldVia?: string;
  /** Seeds each drawn list is scored over (default 5). */
  draws?: number;
  /** New-member protocol: print the README's markdown tables instead of the JSON lines. */
  markdown?: boolean;
  /** New-member protocol: engine options as JSON, e.g. an ablation the engine offers. */
  engine?: string;
  /** Write each list's per-user hits to this file (for a later --compare-with). */
  perUser?: string;
  /** A --per-user file of an earlier run: adds paired differences against it, list by list. */
  compareWith?: string;
}

export const PROTOCOLS = ['recommend', 'new-members'] as const;

/** Ranking quality of what /recommend serves, next to baselines: one JSON line per list (README "Evaluation"). */
export async function evaluateRankingCommand(context: CliContext, args: EvaluateRankingArgs): Promise<void> {
  const protocol = args.protocol ?? 'recommend';
  if (!(PROTOCOLS as readonly string[]).includes(protocol))
    throw new UsageError(`--protocol must be one of ${PROTOCOLS.join(', ')}, got "${protocol}"`);
  if (!args.train || (!args.test && !args.validation)) {
    throw new UsageError(
      'evaluate-ranking needs --train A.csv --test B.csv (or --train A.csv --validation) [--protocol recommend|new-members] [--movies M.csv] [--links L.csv] [--seed N] [--band MIN-MAX]',
    );
  }
  if (args.validation && args.test)
    throw new UsageError('--validation evaluates on a split of the train rows: leave out --test');
  if (
    protocol !== 'new-members' &&
    ((args.members ?? args.told ?? args.draws ?? args.toldVia) !== undefined || args.markdown)
  )
    throw new UsageError(
      '--members, --told, --told-via, --draws and --markdown belong to --protocol new-members',
    );
  if (args.toldVia !== undefined && !(TOLD_VIA as readonly string[]).includes(args.toldVia))
    throw new UsageError(`--told-via must be one of ${TOLD_VIA.join(', ')}, got "${args.toldVia}"`);
  if (protocol !== 'new-members' && args.engine !== undefined)
    throw new UsageError('--engine belongs to --protocol new-members');
  const engineOptions = args.engine === undefined ? undefined : parseEngineOptions(args.engine);
  // Read first: a wrong file should stop the run before minutes of training, not after.
  const before = args.compareWith === undefined ? undefined : await readPerUnitFile(args.compareWith);
  const perUnit: PerUnitHits | undefined = args.perUser !== undefined || before ? {} : undefined;
  const band = args.band === undefined ? undefined : parseBand(args.band);
  const movieFile = args.movies ?? path.join(context.config.movielensDir, 'movies.csv');
  const linkFile = args.links ?? path.join(context.config.movielensDir, 'links.csv');
  const onSkip = (reason: string, file: string, line: number, detail: string) =>
    context.logger.warn({ reason, file, line }, `skipped rating: ${detail}`);
  const movies = await loadMovies(movieFile);
  await loadLinks(linkFile, movies);
  const train = await loadRatings(args.train, { movies, onSkip });
  // A validation run never reads the test file.
  const test = args.test === undefined ? undefined : await loadRatings(args.test, { movies, onSkip });
  const checksums: Record<string, string> = {};
  for (const [name, file] of [
    ['ratings.csv', args.train],
    ['movies.csv', movieFile],
    ['links.csv', linkFile],
  ] as const)
    checksums[name] = await sha256File(file);
  const model = {
    movies,
    checksums,
    seed: args.seed,
    dnmf: args.epochs ? { epochs: args.epochs } : undefined,
    watch: args.watch === undefined ? undefined : parsePairs('--watch', args.watch, DEFAULT_WATCH_MODEL),
    watchPrices:
      args.prices === undefined ? undefined : parsePairs('--prices', args.prices, DEFAULT_EXPOSURE_PRICES),
    logger: context.logger,
    onProgress: (text: string) => process.stderr.write(`evaluate-ranking: ${text}\n`),
  };
  let lines: Record<string, unknown>[];
  if (protocol === 'new-members') {
    if (band !== undefined)
      throw new UsageError("--band: the new-member protocol uses the engine's gem band");
    lines = await evaluateNewMembers({
      ...model,
      train: train.ratings,
      extra: test?.ratings,
      validation: args.validation,
      draws: args.draws,
      toldVia: args.toldVia as ToldVia | undefined,
      engineOptions,
      perUnit,
      protocol: {
        ...(args.members === undefined ? {} : { members: args.members }),
        ...(args.told === undefined ? {} : { told: parseTold(args.told) }),
      },
    });
    if (args.markdown && !perUnit) return void process.stdout.write(newMemberTables(lines));
  } else {
    const rows = args.validation
      ? validationRows(train.ratings, args.seed ?? DEFAULT_RANKING.seed)
      : { train: train.ratings, test: test!.ratings };
    lines = await evaluateRanking({ ...model, ...rows, band, perUnit });
    if (args.validation)
      lines[0] = { ...lines[0], rows: 'validation: a seeded 80/20 split of the train rows' };
  }
  if (perUnit && args.perUser !== undefined) await writePerUnit(args.perUser, lines[0], perUnit);
  if (perUnit && before)
    lines.push(...compareRuns(perUnit, before, { seed: args.seed ?? DEFAULT_RANKING.seed }));
  if (args.markdown) return void process.stdout.write(newMemberTables(lines));
  for (const line of lines) console.log(JSON.stringify(line));
}

function parseEngineOptions(text: string): CreateEngineOptions {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    value = undefined;
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    throw new UsageError(
      `--engine takes the engine's options as a JSON object, e.g. '{"taste":false}'; got ${text}`,
    );
  return value as CreateEngineOptions;
}

async function readPerUnitFile(file: string) {
  try {
    return await readPerUnit(file);
  } catch (error) {
    throw new UsageError(`--compare-with: ${(error as Error).message}`);
  }
}

function validationRows(train: RatingTable, seed: number): { train: RatingTable; test: RatingTable } {
  const split = validationSplit(train, seed);
  return { train: split.train, test: split.validation };
}

function parseTold(text: string): number[] {
  const told = text.split(',').map(Number);
  if (told.some((n) => !Number.isInteger(n) || n < 1))
    throw new UsageError(
      `--told takes positive whole numbers separated by commas, e.g. 5,10,25; got "${text}"`,
    );
  return [...new Set(told)].sort((a, b) => a - b);
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

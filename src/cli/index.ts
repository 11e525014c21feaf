import { parseArgs } from 'node:util';
import { ConfigError } from '../config.ts';
import { DatasetError } from '../data/errors.ts';
import { DownloadError } from '../data/download.ts';
import { createCliContext, UsageError } from './context.ts';
import { evaluateCommand, splitCommand } from './commands/evaluate.ts';
import { evaluateRankingCommand } from './commands/evaluate-ranking.ts';
import { generateCommand } from './commands/generate.ts';
import { popularCommand, similarCommand } from './commands/inspect.ts';
import { personalBatchCommand } from './commands/personal-batch.ts';
import { recommendBatchCommand, recommendCommand } from './commands/recommend.ts';
import { downloadCommand, trainCommand } from './commands/train.ts';
import { rollbackCommand, versionsCommand } from './commands/versions.ts';

const USAGE = `Usage: npm run cli -- <command> [options]

  download                       fetch MovieLens ml-latest-small into MOVIELENS_DIR
  train [--epochs N]             train all models and publish a new version (also: npm run train)
  evaluate --train A.csv --test B.csv [--movies M.csv]
                                 train the DNMF on A, score B; prints one JSON line
  evaluate-ranking --train A.csv --test B.csv [--movies M.csv] [--links L.csv] [--seed N] [--band MIN-MAX]
                   [--watch dim=64,lambda=50,...] [--prices cap=0.027,referenceTriples=2000,...]
                                 train the pipeline on A, simulate /recommend for B's users next to
                                 baselines; one JSON line per list (README "Evaluation")
  evaluate-ranking --protocol new-members --train A.csv --test B.csv [--members 150] [--told 5,10,25]
                   [--draws 5] [--seed N] [--markdown] [--engine '{"option":value}']
                                 users held out of training tell /foryou and /movienight N ratings;
                                 lists, baselines and paired intervals (README "New members")
  evaluate-ranking --protocol new-members ... --told-via letterboxd
                                 also tell them through /import (a Letterboxd export of the N ratings,
                                 the real matching); /foryou paired with the direct telling
  evaluate-ranking ... --validation (instead of --test B.csv)
                                 the same on a split of A only, for choosing hyperparameters
  evaluate-ranking ... --per-user FILE / --compare-with FILE
                                 write each list's per-user hits / compare with an earlier run's, paired
  generate --out DIR --size N [--seed S]
                                 write a MovieLens-shaped synthetic dataset of ~N ratings
  split --test-idx FILE --out DIR [--ratings FILE]
                                 write train.csv/test.csv from a list of test row indices
  split --seed N --out DIR [--ratings FILE]
                                 the same from a seeded random permutation cut at 80/20
  similar "<title>" [--json]     kNN neighbours of a movie, with cosine distances
  popular [--genre G] [--json]   the top-100 catalog
  recommend "<t1>" "<t2>" "<t3>" [--seed N] [--json]
                                 the 5 + 5 recommendations the bot would give
  recommend --batch FILE [--seed N] [--json]
                                 one request per line (JSON array of 3 ids or titles; FILE - = stdin),
                                 one JSON line per request: {"picks","popular","gems"} or {"error"}
  foryou --batch FILE [--seed N] one member per line: a JSON array of {"movieId" or "title", "rating"};
                                 one JSON line per request: {"popular","gems"} or {"error"}
  movienight --batch FILE [--seed N]
                                 one group per line: a JSON array of members' rating arrays; the same out
  versions                       trained versions (* = current)
  rollback                       make the previous version current`;

async function main(argv: string[]): Promise<void> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      train: { type: 'string' },
      test: { type: 'string' },
      movies: { type: 'string' },
      links: { type: 'string' },
      band: { type: 'string' },
      watch: { type: 'string' },
      prices: { type: 'string' },
      protocol: { type: 'string' },
      validation: { type: 'boolean', default: false },
      members: { type: 'string' },
      told: { type: 'string' },
      'told-via': { type: 'string' },
      draws: { type: 'string' },
      markdown: { type: 'boolean', default: false },
      engine: { type: 'string' },
      'per-user': { type: 'string' },
      'compare-with': { type: 'string' },
      ratings: { type: 'string' },
      'test-idx': { type: 'string' },
      out: { type: 'string' },
      genre: { type: 'string' },
      seed: { type: 'string' },
      batch: { type: 'string' },
      epochs: { type: 'string' },
      size: { type: 'string' },
      json: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  const [command, ...args] = positionals;
  if (!command || values.help) return console.log(USAGE);
  const integer = (name: string, text: string | undefined) => {
    if (text === undefined) return undefined;
    const n = Number(text);
    if (!Number.isInteger(n) || n < 0)
      throw new UsageError(`--${name} must be a whole number, got "${text}"`);
    return n;
  };
  const context = createCliContext();
  const epochs = integer('epochs', values.epochs);
  switch (command) {
    case 'download':
      return downloadCommand(context);
    case 'train':
      return trainCommand(context, { epochs });
    case 'evaluate':
      return evaluateCommand(context, {
        train: values.train,
        test: values.test,
        movies: values.movies,
        epochs,
      });
    case 'generate':
      return generateCommand({
        out: values.out,
        size: integer('size', values.size),
        seed: integer('seed', values.seed),
      });
    case 'evaluate-ranking':
      return evaluateRankingCommand(context, {
        train: values.train,
        test: values.test,
        movies: values.movies,
        links: values.links,
        seed: integer('seed', values.seed),
        band: values.band,
        epochs,
        watch: values.watch,
        prices: values.prices,
        protocol: values.protocol,
        validation: values.validation,
        members: integer('members', values.members),
        told: values.told,
        toldVia: values['told-via'],
        draws: integer('draws', values.draws),
        markdown: values.markdown,
        engine: values.engine,
        perUser: values['per-user'],
        compareWith: values['compare-with'],
      });
    case 'split':
      return splitCommand(context, {
        ratings: values.ratings,
        testIdx: values['test-idx'],
        seed: integer('seed', values.seed),
        out: values.out,
      });
    case 'similar':
      return similarCommand(context, args.join(' ') || undefined, values.json);
    case 'popular':
      return popularCommand(context, values.genre, values.json);
    case 'recommend':
      if (values.batch !== undefined) {
        if (args.length > 0) throw new UsageError('recommend --batch FILE takes no titles: they are in FILE');
        await recommendBatchCommand(context, values.batch, { seed: integer('seed', values.seed) });
        return;
      }
      return recommendCommand(context, args, { seed: integer('seed', values.seed), json: values.json });
    case 'foryou':
    case 'movienight':
      if (values.batch === undefined || args.length > 0)
        throw new UsageError(`${command} takes --batch FILE (one request per line) and nothing else`);
      await personalBatchCommand(context, command, values.batch, { seed: integer('seed', values.seed) });
      return;
    case 'versions':
      return versionsCommand(context);
    case 'rollback':
      return rollbackCommand(context);
    default:
      throw new UsageError(`unknown command "${command}"\n\n${USAGE}`);
  }
}

const KNOWN_ERRORS = [UsageError, ConfigError, DatasetError, DownloadError];

// `npm run cli -- popular | head` closes stdout early; that is not an error.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code === 'EPIPE') process.exit(0);
  throw error;
});

main(process.argv.slice(2)).catch((error: unknown) => {
  // Mistakes in input get their message only; anything else is a bug and keeps its stack.
  const known =
    KNOWN_ERRORS.some((kind) => error instanceof kind) ||
    (error as { code?: string }).code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION';
  console.error(known ? `Error: ${(error as Error).message}` : error);
  process.exitCode = 1;
});

import { movieLensShape, writeSyntheticDataset } from '../../data/synthetic.ts';
import { UsageError } from '../context.ts';

/** `generate --out DIR --size N [--seed S]`: a MovieLens-shaped synthetic dataset of about N ratings. */
export function generateCommand(options: { out?: string; size?: number; seed?: number }): void {
  if (!options.out) throw new UsageError('generate needs --out DIR');
  if (!options.size || options.size < 1000)
    throw new UsageError('generate needs --size N (at least 1000 ratings)');
  const shape = movieLensShape(options.size, options.seed ?? 1);
  const started = performance.now();
  const { ratings } = writeSyntheticDataset(options.out, shape);
  const seconds = ((performance.now() - started) / 1000).toFixed(1);
  console.log(
    `Wrote ${ratings.toLocaleString('en')} ratings by ${shape.users.toLocaleString('en')} users on ${shape.movies.toLocaleString('en')} movies to ${options.out} in ${seconds} s.`,
  );
}

import 'dotenv/config';
import { ModelRepository } from '../artifacts/repository.ts';
import { loadArtifacts } from '../artifacts/loader.ts';
import type { Artifacts } from '../artifacts/types.ts';
import { loadConfig, type Config } from '../config.ts';
import { createLogger, type Logger } from '../logger.ts';

/** What every CLI command gets: settings, a logger on stderr-friendly level, the models folder. */
export interface CliContext {
  config: Config;
  logger: Logger;
  repository: ModelRepository;
}

export function createCliContext(): CliContext {
  const config = loadConfig();
  // The CLI prints results on stdout; logs stay quiet unless asked for, so output can be piped.
  const logger = createLogger({ level: process.env.LOG_LEVEL ?? 'warn' });
  return { config, logger, repository: new ModelRepository(config.modelsDir) };
}

/** Thrown for a user mistake on the command line: printed without a stack trace. */
export class UsageError extends Error {}

export async function loadCurrentArtifacts(context: CliContext): Promise<Artifacts> {
  const dir = await context.repository.currentDir();
  if (!dir)
    throw new UsageError(`no trained model in ${context.config.modelsDir}: run \`npm run train\` first`);
  return loadArtifacts(dir);
}

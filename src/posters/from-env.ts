/** Builds the PosterService the way the bot runs it: credentials and endpoint from the environment. */
import { PosterService, type PosterServiceOptions } from './poster-service.ts';

/**
 * Reads TMDB_READ_TOKEN (v4, preferred), TMDB_API_KEY (v3) and TMDB_BASE_URL; values given in `options` win.
 * With neither credential the service answers null without any network traffic.
 */
export function createPosterServiceFromEnv(
  options: PosterServiceOptions,
  env: NodeJS.ProcessEnv = process.env,
): PosterService {
  return new PosterService({
    ...options,
    readToken: options.readToken ?? env.TMDB_READ_TOKEN,
    apiKey: options.apiKey ?? env.TMDB_API_KEY,
    baseUrl: options.baseUrl ?? (env.TMDB_BASE_URL || undefined),
  });
}

/**
 * Loading a version the way a process about to serve it must: every checksum, every JSON shape,
 * then verifyArtifacts. At start-up, when CURRENT names a version that fails, the newest version
 * that passes is served instead, and the log says which and why.
 */
import type { Logger } from 'pino';
import { ArtifactError, loadArtifacts } from './loader.ts';
import type { ModelRepository } from './repository.ts';
import type { Artifacts } from './types.ts';
import { verifyArtifacts } from './verify.ts';

/** How a bot loads a version: it folds members in, so the trained users' embeddings are left out. */
export const FOR_SERVING = { trainedUsers: false } as const;

/** loadArtifacts (for serving) plus verifyArtifacts: throws an ArtifactError listing the problems. */
export async function loadServable(dir: string): Promise<Artifacts> {
  const artifacts = await loadArtifacts(dir, FOR_SERVING);
  const problems = verifyArtifacts(artifacts);
  if (problems.length > 0) throw new ArtifactError(`fails verification: ${problems.join('; ')}`, dir);
  return artifacts;
}

/**
 * What a starting bot serves: CURRENT's version when it loads and verifies; otherwise the newest
 * one that does — the versions of the history from the most recently served down (what rollback
 * would reach), then any other published version, newest name first. CURRENT is left as it is
 * (another process, or an admin, may be about to fix it; the watcher follows it when it changes).
 * Throws when no version can be served, with each version's reason.
 */
export async function loadStartupArtifacts(
  repository: ModelRepository,
  logger: Pick<Logger, 'warn' | 'error'>,
): Promise<Artifacts> {
  const current = await repository.currentVersion();
  const [history, published] = await Promise.all([repository.history(), repository.list()]);
  if (current === null && published.length === 0)
    throw new Error(`no current model version in ${repository.root}: run \`npm run train\``);
  const candidates = [
    ...new Set([...(current ? [current] : []), ...history.toReversed(), ...published.toReversed()]),
  ];
  const failures: string[] = [];
  for (const version of candidates) {
    try {
      const artifacts = await loadServable(repository.versionDir(version));
      if (version !== current) {
        logger.error(
          { current, serving: version, problems: failures },
          `models/CURRENT (${current ?? 'missing'}) does not load; serving ${version}, the newest version that verifies`,
        );
      }
      return artifacts;
    } catch (error) {
      failures.push(`${version}: ${(error as Error).message}`);
    }
  }
  throw new Error(`no model version in ${repository.root} loads and verifies:\n${failures.join('\n')}`);
}

import { loadServable } from '../../artifacts/servable.ts';
import type { CliContext } from '../context.ts';
import { UsageError } from '../context.ts';
import { withCliVersionLock } from '../version-lock.ts';

export async function versionsCommand(context: CliContext): Promise<void> {
  const { repository } = context;
  const current = await repository.currentVersion();
  const versions = await repository.list();
  const served = new Set(await repository.history());
  if (versions.length === 0) console.log(`No versions in ${repository.root}. Run \`npm run train\`.`);
  for (const version of versions) {
    const manifest = await repository.manifest(version).catch(() => undefined);
    const rmse = manifest ? manifest.dnmf.metrics.validationRmse.toFixed(4) : '?';
    const holdout = manifest?.dnmf.metrics.holdoutRmse;
    const notes = [
      holdout !== undefined ? `hold-out RMSE ${holdout.toFixed(4)}` : undefined,
      manifest?.data ? `${manifest.data.members.ratings} member ratings` : undefined,
      served.has(version) ? undefined : 'not in the history',
    ].filter(Boolean);
    console.log(
      `${version === current ? '*' : ' '} ${version}  validation RMSE ${rmse}${notes.length ? `  (${notes.join(', ')})` : ''}`,
    );
  }
  const history = [...(await repository.history())].reverse();
  if (history.length > 1) console.log(`Rollback order: ${history.join(' → ')}`);
}

/**
 * Makes the version served before the current one current again, under the bot's version lock
 * (refused while a retrain runs), and only after that version has loaded and verified here.
 */
export async function rollbackCommand(context: CliContext): Promise<void> {
  const { repository } = context;
  const version = await withCliVersionLock(context, 'rollback', async () => {
    const target = await repository.rollbackTarget();
    if (target === null) throw new UsageError('there is no earlier version to roll back to');
    await loadServable(repository.versionDir(target)).catch((error: unknown) => {
      throw new UsageError(
        `cannot roll back to ${target}, it does not load: ${(error as Error).message}. Nothing changed.`,
      );
    });
    return repository.rollback();
  });
  console.log(
    `Version ${version} is current again. A running bot picks it up at its next swap check or restart.`,
  );
}

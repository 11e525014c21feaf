import type { CliContext } from '../context.ts';

export async function versionsCommand(context: CliContext): Promise<void> {
  const { repository } = context;
  const current = await repository.currentVersion();
  const versions = await repository.list();
  if (versions.length === 0) console.log(`No versions in ${repository.root}. Run \`npm run train\`.`);
  for (const version of versions) {
    const manifest = await repository.manifest(version).catch(() => undefined);
    const rmse = manifest ? manifest.dnmf.metrics.validationRmse.toFixed(4) : '?';
    console.log(`${version === current ? '*' : ' '} ${version}  validation RMSE ${rmse}`);
  }
}

export async function rollbackCommand(context: CliContext): Promise<void> {
  const version = await context.repository.rollback();
  console.log(
    `Version ${version} is current again. A running bot picks it up at its next swap check or restart.`,
  );
}

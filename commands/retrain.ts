import {
  MessageFlags,
  PermissionFlagsBits,
  SlashCommandBuilder,
  type ChatInputCommandInteraction,
} from 'discord.js';
import { UserFacingError, type Command } from '../src/bot/command.ts';
import type { BotContext } from '../src/bot/context.ts';
import { SERVER_ONLY } from '../src/bot/install-contexts.ts';
import { adminOnly, guildOnly } from '../src/bot/preconditions.ts';
import { progressText, summaryText } from '../src/bot/retrain-messages.ts';
import { RetrainReport } from '../src/bot/retrain-report.ts';
import { VersionLockBusyError } from '../src/retrain/service.ts';

/** Progress edits are throttled: Discord rate-limits webhook edits, and a few per minute is plenty. */
const PROGRESS_EDIT_INTERVAL_MS = 2_000;

export const data = new SlashCommandBuilder()
  .setName('retrain')
  .setDescription('Retrain the recommendation models (admins only).')
  .setDefaultMemberPermissions(PermissionFlagsBits.Administrator)
  // Servers only, and never through a member's own (user) install of the app.
  .setIntegrationTypes(...SERVER_ONLY.integrationTypes)
  .setContexts(...SERVER_ONLY.contexts)
  .addSubcommand((sub) =>
    sub.setName('run').setDescription('Retrain now and hot-swap the new models when they pass checks.'),
  )
  .addSubcommand((sub) =>
    sub.setName('status').setDescription('Serving version, its metrics and age, and the last run.'),
  )
  .addSubcommand((sub) => sub.setName('rollback').setDescription('Serve the previous version again.'));

export const preconditions = [guildOnly, adminOnly];

async function run(interaction: ChatInputCommandInteraction, context: BotContext): Promise<void> {
  await interaction.deferReply({ flags: MessageFlags.Ephemeral });
  // The reply while its token lives, then a channel message (retrain-report.ts).
  const report = new RetrainReport(interaction, context);
  let lastEdit = 0;
  const result = await context.retrain.start('command', (progress) => {
    const now = Date.now();
    if (now - lastEdit < PROGRESS_EDIT_INTERVAL_MS) return;
    lastEdit = now;
    void report.update(progressText(progress));
  });
  if (!result.started) {
    report.dispose();
    const where = result.reason === 'running-here' ? 'on this bot' : 'on another shard';
    const detail = result.progress ? `\n${progressText(result.progress)}` : '';
    await interaction.editReply(`A retrain is already running ${where}; this one was not started.${detail}`);
    return;
  }
  void report.update(`Retrain \`${result.runId}\` started…`);
  const summary = await result.done;
  await report.finish(summaryText(summary, context.models.current.artifacts));
}

async function status(interaction: ChatInputCommandInteraction, context: BotContext): Promise<void> {
  // status() reads progress and the last run from the shared store, so every shard shows the same.
  const { serving, progress, lastRun } = await context.retrain.status();
  const { artifacts } = context.models.current;
  const ageHours = serving.ageMs / 3_600_000;
  const age = ageHours < 48 ? `${ageHours.toFixed(1)} hours` : `${(ageHours / 24).toFixed(1)} days`;
  const holdoutRmse = serving.metrics.holdoutRmse;
  const holdout = holdoutRmse === undefined ? '' : `, hold-out RMSE ${holdoutRmse.toFixed(4)}`;
  const memberRatings = artifacts.manifest.data?.members.ratings ?? 0;
  const members = memberRatings > 0 ? ` + ${memberRatings.toLocaleString('en')} from members` : '';
  const lines = [
    `Serving version \`${serving.version}\`, trained ${age} ago.`,
    `DNMF validation RMSE ${serving.metrics.validationRmse.toFixed(4)} (best epoch ${serving.metrics.bestEpoch} of ${serving.metrics.epochs})${holdout}; kNN recall@10 ${artifacts.manifest.knn.recallAt10.toFixed(3)}; ${artifacts.manifest.dataset.rows.ratings.toLocaleString('en')} ratings${members}.`,
  ];
  if (progress) lines.push(progressText(progress));
  lines.push(lastRun ? `Last run:\n${summaryText(lastRun, artifacts)}` : 'No retrain has run yet.');
  await interaction.reply({ content: lines.join('\n').slice(0, 2000), flags: MessageFlags.Ephemeral });
}

async function rollback(interaction: ChatInputCommandInteraction, context: BotContext): Promise<void> {
  // A run finishing after the rollback would publish over it; make the admin wait for it instead.
  const running = (await context.retrain.status()).progress;
  if (running) {
    throw new UserFacingError(
      `A retrain is running (run \`${running.runId}\`); roll back once it has finished, with /retrain status to follow it.`,
    );
  }
  await interaction.deferReply({ flags: MessageFlags.Ephemeral });
  // The service holds the version lock while it rolls back; a run that started in between wins.
  const { version, previousVersion } = await context.retrain.rollback().catch((error: unknown) => {
    if (error instanceof VersionLockBusyError)
      throw new UserFacingError(
        'A retrain has just started; roll back once it has finished (/retrain status).',
      );
    // No earlier version, or it does not load: nothing changed, and the admin should know why.
    throw new UserFacingError(`Rollback refused, nothing changed: ${(error as Error).message}`);
  });
  await interaction.editReply(`Rolled back from \`${previousVersion}\` to \`${version}\`; now serving it.`);
}

export async function execute(interaction: ChatInputCommandInteraction, context: BotContext): Promise<void> {
  const subcommand = interaction.options.getSubcommand();
  if (subcommand === 'run') return run(interaction, context);
  if (subcommand === 'status') return status(interaction, context);
  return rollback(interaction, context);
}

export default { data, execute, preconditions } satisfies Command;

/**
 * /import: a member brings their history from Letterboxd (ratings.csv, watched.csv, watchlist.csv) or IMDb
 * (the ratings export). The file is read from Discord once, matched against MovieLens, and shown as a private
 * preview; Confirm writes everything in one store transaction (src/store/member-ratings.ts importEntries).
 */
import {
  MessageFlags,
  SlashCommandBuilder,
  type ButtonInteraction,
  type ChatInputCommandInteraction,
} from 'discord.js';
import type { ButtonHandler, Command } from '../src/bot/command.ts';
import { UserFacingError } from '../src/bot/command.ts';
import type { BotContext } from '../src/bot/context.ts';
import { downloadAttachment } from '../src/bot/import-download.ts';
import { holdImport, importedMessage, previewMessage, takeImport } from '../src/bot/import-preview.ts';
import { PERSONAL } from '../src/bot/install-contexts.ts';
import { memberRatings, nextStepAfterRating } from '../src/bot/members.ts';
import { KIND_LABEL, type ExportKind } from '../src/serve/import/export-format.ts';
import { planImport } from '../src/serve/import/import-plan.ts';
import { ExportProblem, parseExport } from '../src/serve/import/parse-export.ts';

const DETECT = 'detect';

export const data = new SlashCommandBuilder()
  .setName('import')
  .setDescription('Bring your Letterboxd or IMDb history: ratings, watched films, watchlist (preview first).')
  .setIntegrationTypes(...PERSONAL.integrationTypes)
  .setContexts(...PERSONAL.contexts)
  .addAttachmentOption((option) =>
    option
      .setName('file')
      .setDescription('Letterboxd ratings.csv, watched.csv or watchlist.csv, or IMDb’s ratings export')
      .setRequired(true),
  )
  .addStringOption((option) =>
    option
      .setName('kind')
      .setDescription('What the file is (default: read from its first line and name)')
      .addChoices(
        { name: 'Detect from the file', value: DETECT },
        ...(Object.keys(KIND_LABEL) as ExportKind[]).map((kind) => ({ name: KIND_LABEL[kind], value: kind })),
      ),
  );

export async function execute(interaction: ChatInputCommandInteraction, context: BotContext): Promise<void> {
  // Downloading and matching can take a second or two: acknowledge first, privately (a member's history).
  await interaction.deferReply({ flags: MessageFlags.Ephemeral });
  const attachment = interaction.options.getAttachment('file', true);
  const kindOption = interaction.options.getString('kind');
  const chosen = kindOption && kindOption !== DETECT ? (kindOption as ExportKind) : undefined;
  const bytes = await downloadAttachment(attachment, context.config.discord.apiUrl);
  const snapshot = context.models.current;
  let plan;
  try {
    plan = planImport(parseExport(bytes, attachment.name, chosen), snapshot.titleMatcher);
  } catch (error) {
    if (error instanceof ExportProblem) throw new UserFacingError(error.message);
    throw error;
  }
  const batch = { target: plan.target, source: plan.source, entries: plan.entries };
  const outcome = await memberRatings(context).previewImport(interaction.user.id, batch);
  const token = holdImport(interaction.user.id, plan);
  await interaction.editReply({
    ...previewMessage(plan, attachment.name, outcome, snapshot.artifacts, token),
    allowedMentions: { parse: [] },
  });
  context.logger.info(
    {
      kind: plan.kind,
      rows: plan.rows,
      matched: plan.entries.length,
      notFound: plan.notFound.length,
      ambiguous: plan.ambiguous.length,
    },
    'import previewed',
  );
}

const CUSTOM_ID = /^import:(confirm|cancel):([0-9a-f]{16})$/;

export const importButtons: ButtonHandler<{ confirm: boolean; token: string }> = {
  parse(customId) {
    const m = CUSTOM_ID.exec(customId);
    return m ? { confirm: m[1] === 'confirm', token: m[2] } : null;
  },
  async run(interaction: ButtonInteraction, state, context) {
    const held = takeImport(state.token, interaction.user.id);
    if (held === 'not-yours') {
      throw new UserFacingError('Only the member who ran this /import can confirm it.');
    }
    if (held === 'expired') {
      await interaction.update({
        content: 'This preview has expired (or was already used). Run /import again with the file.',
        components: [],
      });
      return;
    }
    if (!state.confirm) {
      await interaction.update({ content: 'Import cancelled: nothing was saved.', components: [] });
      return;
    }
    // The write waits for the store; Discord wants an answer within 3 s.
    await interaction.deferUpdate();
    const outcome = await memberRatings(context).importEntries(held.ownerId, held.batch);
    const next =
      held.batch.target === 'ratings' ? await nextStepAfterRating(context, held.ownerId) : undefined;
    await interaction.editReply({ content: importedMessage(held, outcome, next), components: [] });
    context.logger.info({ target: held.batch.target, ...outcome }, 'import confirmed');
  },
};

export default { data, execute } satisfies Command;

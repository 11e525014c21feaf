import {
  ButtonStyle,
  ComponentType,
  MessageFlags,
  SlashCommandBuilder,
  type ButtonInteraction,
  type ChatInputCommandInteraction,
} from 'discord.js';
import type { ButtonHandler, Command } from '../src/bot/command.ts';
import type { BotContext } from '../src/bot/context.ts';
import { PERSONAL } from '../src/bot/install-contexts.ts';
import { memberRatings } from '../src/bot/members.ts';
import { movieNightConsents } from '../src/bot/movie-night-consent.ts';
import { onlyWhoAsked } from '../src/bot/preconditions.ts';
import { PRIVACY_SUMMARY } from '../src/bot/privacy.ts';

export const data = new SlashCommandBuilder()
  .setName('forget-me')
  .setDescription('Delete all your ratings and marks from FlickPick (asks to confirm first).')
  .setIntegrationTypes(...PERSONAL.integrationTypes)
  .setContexts(...PERSONAL.contexts);

interface ForgetState {
  ownerId: string;
  confirmed: boolean;
}

const CUSTOM_ID = /^forget-me:(confirm|cancel):(\d{17,20})$/;

export async function execute(interaction: ChatInputCommandInteraction, context: BotContext): Promise<void> {
  const entries = await memberRatings(context).list(interaction.user.id);
  const standing = await movieNightConsents(context).standing(interaction.user.id);
  if (entries.length === 0 && standing.length === 0) {
    await interaction.reply({
      content: `FlickPick holds no ratings or marks of yours: there is nothing to delete.\n${PRIVACY_SUMMARY}`,
      flags: MessageFlags.Ephemeral,
    });
    return;
  }
  const ratings = entries.filter((e) => e.kind === 'rating').length;
  await interaction.reply({
    content:
      `This deletes all ${entries.length} of your entries (${ratings} rating${ratings === 1 ? '' : 's'}, ` +
      `${entries.length - ratings} mark${entries.length - ratings === 1 ? '' : 's'}) at once` +
      (standing.length > 0
        ? `, and your "always count me in" for movie nights on ${standing.length === 1 ? '1 server' : `${standing.length} servers`}; `
        : '; ') +
      'the next model trained no longer contains them. It cannot be undone.\n' +
      PRIVACY_SUMMARY,
    components: [
      {
        type: ComponentType.ActionRow,
        components: [
          {
            type: ComponentType.Button,
            style: ButtonStyle.Danger,
            custom_id: `forget-me:confirm:${interaction.user.id}`,
            label: 'Delete everything',
          },
          {
            type: ComponentType.Button,
            style: ButtonStyle.Secondary,
            custom_id: `forget-me:cancel:${interaction.user.id}`,
            label: 'Keep my ratings',
          },
        ],
      },
    ],
    flags: MessageFlags.Ephemeral,
  });
}

export const forgetMeButtons: ButtonHandler<ForgetState> = {
  parse(customId) {
    const m = CUSTOM_ID.exec(customId);
    return m ? { confirmed: m[1] === 'confirm', ownerId: m[2] } : null;
  },
  preconditions: [
    onlyWhoAsked(
      'Only the member who ran this /forget-me can confirm it. Run /forget-me to delete your own data.',
    ),
  ],
  async run(interaction: ButtonInteraction, state, context) {
    if (!state.confirmed) {
      await interaction.update({
        content: 'Nothing was deleted; your ratings and marks stay.',
        components: [],
      });
      return;
    }
    // Acknowledged before the delete (a busy store must not cost the 3 s); "Done" only once it committed.
    await interaction.deferUpdate();
    // Consent first: if the store then fails the ratings' transaction, the member's entries are still there,
    // so /forget-me offers the button again and a second run finishes the job.
    await movieNightConsents(context).forget(state.ownerId);
    await memberRatings(context).forget(state.ownerId);
    await interaction.editReply({
      content:
        'Done: all your ratings and marks are deleted. FlickPick no longer excludes or personalises anything for ' +
        'you, and the next trained model no longer contains your ratings.',
      components: [],
    });
  },
};

export default { data, execute } satisfies Command;

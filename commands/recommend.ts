import {
  MessageFlags,
  SlashCommandBuilder,
  type AutocompleteInteraction,
  type ChatInputCommandInteraction,
} from 'discord.js';
import type { Command } from '../src/bot/command.ts';
import { UserFacingError } from '../src/bot/command.ts';
import type { BotContext } from '../src/bot/context.ts';
import { sendAnswer } from '../src/bot/answer.ts';
import { heavyCommandCooldown } from '../src/bot/cooldown.ts';
import { memberRatings } from '../src/bot/members.ts';
import type { ServingSnapshot } from '../src/serve/serving-models.ts';
import { displayTitle } from '../src/serve/titles.ts';

const OPTIONS = ['movie1', 'movie2', 'movie3'] as const;

export const data = new SlashCommandBuilder()
  .setName('recommend')
  .setDescription('Pick three movies you love; get five popular picks and five hidden gems.');
for (const [i, name] of OPTIONS.entries()) {
  data.addStringOption((option) =>
    option
      .setName(name)
      .setDescription(`Movie ${i + 1} you love (start typing to search the top 100)`)
      .setRequired(true)
      .setAutocomplete(true)
      .setMaxLength(100),
  );
}
data.addBooleanOption((option) =>
  option.setName('private').setDescription('Show the answer only to you (default: everyone in the channel)'),
);

export const preconditions = [heavyCommandCooldown];

/** Suggests catalog movies for the option being typed, leaving out those chosen in the others. */
export async function autocomplete(interaction: AutocompleteInteraction, context: BotContext): Promise<void> {
  const { search } = context.models.current;
  const focused = interaction.options.getFocused(true);
  const chosenElsewhere = OPTIONS.filter((name) => name !== focused.name)
    .map((name) => interaction.options.getString(name))
    .flatMap((value) => {
      const found = value ? search.resolve(value) : undefined;
      return found?.ok ? [found.movieId] : [];
    });
  await interaction.respond(search.suggest(focused.value, chosenElsewhere));
}

/** Turns the three option values into catalog movie ids, or says which option is wrong and why. */
function resolvePicks(interaction: ChatInputCommandInteraction, snapshot: ServingSnapshot): number[] {
  const { search, artifacts } = snapshot;
  const picks = OPTIONS.map((name) => {
    const typed = interaction.options.getString(name, true);
    const found = search.resolve(typed);
    if (found.ok) return found.movieId;
    if (found.reason === 'ambiguous') {
      throw new UserFacingError(
        `**${name}**: “${typed}” matches several movies — ${found.candidates.join(', ')}. Pick one from the list.`,
      );
    }
    throw new UserFacingError(
      `**${name}**: “${typed}” is not in the top-100 catalog. Start typing and pick a title from the list (or see /popular).`,
    );
  });
  for (let i = 0; i < picks.length; i++) {
    const j = picks.indexOf(picks[i]);
    if (j !== i) {
      const title = displayTitle(artifacts.movies.get(picks[i])?.title ?? '');
      throw new UserFacingError(
        `**${OPTIONS[j]}** and **${OPTIONS[i]}** are both ${title}. Pick three different movies.`,
      );
    }
  }
  return picks;
}

export async function execute(interaction: ChatInputCommandInteraction, context: BotContext): Promise<void> {
  // Validate before deferring, so mistakes get an ephemeral answer rather than a public one.
  const snapshot = context.models.current;
  const picks = resolvePicks(interaction, snapshot);
  const isPrivate = interaction.options.getBoolean('private') ?? false;
  await interaction.deferReply(isPrivate ? { flags: MessageFlags.Ephemeral } : {});
  // Never what the member rated, saw or dismissed.
  const exclude = await memberRatings(context).excluded(interaction.user.id);
  const result = snapshot.engine.recommend(picks, { exclude });
  await sendAnswer(interaction, context, snapshot, result);
  context.logger.info(
    {
      picks,
      excluded: exclude.size,
      popular: result.popularPicks.map((r) => r.movieId),
      gems: result.hiddenGems.map((r) => r.movieId),
    },
    'recommended',
  );
}

export default { data, execute, autocomplete, preconditions } satisfies Command;

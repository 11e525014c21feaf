/**
 * `/watchlist server add|remove|show|watched`: the server's own list of movies to watch together.
 * Every member of the server may change it (server admins can limit who uses /watchlist in the
 * server's Integrations settings); `show` pages privately, 20 movies a page.
 */
import {
  ActionRowBuilder,
  ButtonBuilder,
  ButtonStyle,
  MessageFlags,
  escapeMarkdown,
  type APIEmbed,
  type AutocompleteInteraction,
  type ButtonInteraction,
  type ChatInputCommandInteraction,
  type SlashCommandStringOption,
  type StringSelectMenuInteraction,
} from 'discord.js';
import type { ServingSnapshot } from '../serve/serving-models.ts';
import { displayTitle } from '../serve/titles.ts';
import { MAX_SERVER_LIST, ServerList } from '../store/server-list.ts';
import type { ButtonHandler, SelectHandler } from './command.ts';
import { UserFacingError } from './command.ts';
import type { SubcommandGroupPart } from './command-parts.ts';
import type { BotContext } from './context.ts';
import { asChosen, resolveMovieOption } from './movie-option.ts';
import { movieSelectRow } from './movie-select-row.ts';
import type { ActionRow } from './rating-components.ts';
import type { Recommendation } from '../serve/recommendation.ts';
import { installedServer } from './preconditions.ts';

export const LIST_PAGE_SIZE = 20;
/** Long ml-32m titles are cut so a page stays within an embed description (4,096 characters). */
const MAX_LINE_TITLE = 150;

export function serverList(context: Pick<BotContext, 'store'>, guildId: string): ServerList {
  return new ServerList(context.store, guildId);
}

const titleOf = (snapshot: ServingSnapshot, movieId: number) => {
  const title = displayTitle(snapshot.artifacts.movies.get(movieId)?.title ?? `movie ${movieId}`);
  return title.length <= MAX_LINE_TITLE ? title : `${title.slice(0, MAX_LINE_TITLE - 1)}…`;
};

const PAGE_ID = /^wl:server:page:(\d{1,3})$/;

/** One page of the list; buttons page through it (state in the custom id, so restarts don't matter). */
export async function renderListPage(
  context: BotContext,
  guildId: string,
  requested: number,
): Promise<{ embeds: APIEmbed[]; components: ActionRowBuilder<ButtonBuilder>[] }> {
  const snapshot = context.models.current;
  const entries = await serverList(context, guildId).entries();
  const pages = Math.max(1, Math.ceil(entries.length / LIST_PAGE_SIZE));
  const page = Math.min(Math.max(requested, 0), pages - 1);
  const lines = entries
    .slice(page * LIST_PAGE_SIZE, (page + 1) * LIST_PAGE_SIZE)
    .map(
      ({ movieId }, i) =>
        `\`${String(page * LIST_PAGE_SIZE + i + 1).padStart(3)}.\` ${escapeMarkdown(titleOf(snapshot, movieId))}`,
    );
  const embed: APIEmbed = {
    title: 'Our list',
    description:
      lines.join('\n') ||
      'The list is empty. Add movies with `/watchlist server add`, or “Add to our list” under a card.',
    footer: { text: `Page ${page + 1}/${pages} · ${entries.length} of at most ${MAX_SERVER_LIST} movies` },
  };
  if (pages === 1) return { embeds: [embed], components: [] };
  const button = (label: string, target: number, disabled: boolean) =>
    new ButtonBuilder()
      .setCustomId(`wl:server:page:${target}`)
      .setLabel(label)
      .setStyle(ButtonStyle.Secondary)
      .setDisabled(disabled);
  return {
    embeds: [embed],
    components: [
      new ActionRowBuilder<ButtonBuilder>().addComponents(
        button('Previous', Math.max(page - 1, 0), page === 0),
        button('Next', Math.min(page + 1, pages - 1), page === pages - 1),
      ),
    ],
  };
}

export const listPageButtons: ButtonHandler<number> = {
  parse: (customId) => {
    const match = PAGE_ID.exec(customId);
    return match ? Number(match[1]) : null;
  },
  async run(interaction: ButtonInteraction, page: number, context: BotContext): Promise<void> {
    if (!interaction.guildId) throw new UserFacingError('The server list only exists in a server.');
    await interaction.deferUpdate();
    await interaction.editReply(await renderListPage(context, interaction.guildId, page));
  },
};

/** Adds a movie to a server's list and says so in one line (used by the command and the card button). */
export async function addToServerList(
  context: BotContext,
  guildId: string,
  movieId: number,
): Promise<string> {
  const title = `**${escapeMarkdown(titleOf(context.models.current, movieId))}**`;
  const result = await serverList(context, guildId).add(movieId);
  if (result === 'already') return `${title} is already on our list.`;
  if (result === 'full') {
    throw new UserFacingError(
      `Our list is full (${MAX_SERVER_LIST} movies). Remove some, or mark watched ones with \`/watchlist server watched\`.`,
    );
  }
  return `Added ${title} to our list.`;
}

const ADD_SELECT_ID = 'ourlist:add';

/**
 * The "Add one to our list…" row under a public answer in a server (/recommend and /foryou with public,
 * /movienight): anyone who sees the cards may add one to the server's list.
 */
export function addToOurListRow(
  movies: readonly { recommendation: Recommendation; label: string }[],
): ActionRow[] {
  return movieSelectRow(movies, ADD_SELECT_ID, 'Add one to our list (this server’s)…', '🍿');
}

/** The menu's pick: added to the server's list, and said so privately to whoever picked. */
export const addToOurListSelect: SelectHandler<Record<string, never>> = {
  component: 'select',
  parse: (customId) => (customId === ADD_SELECT_ID ? {} : null),
  async run(interaction: StringSelectMenuInteraction, _state, context: BotContext) {
    // The row is only under answers in a server; a forwarded or stale one elsewhere is told why.
    if (!interaction.guildId) throw new UserFacingError('Our list belongs to a server; this is not one.');
    const movieId = Number(interaction.values[0]);
    if (!context.models.current.artifacts.movies.has(movieId)) {
      throw new UserFacingError('That movie is not in the current model any more. Run the command again.');
    }
    await interaction.deferReply({ flags: MessageFlags.Ephemeral });
    const content = await addToServerList(context, interaction.guildId, movieId);
    await interaction.editReply({ content, allowedMentions: { parse: [] } });
  },
};

async function listedMovie(
  interaction: ChatInputCommandInteraction,
  context: BotContext,
): Promise<{ movieId: number; title: string }> {
  const movieId = resolveMovieOption(
    context.models.current,
    'movie',
    interaction.options.getString('movie', true),
  );
  return { movieId, title: `**${escapeMarkdown(titleOf(context.models.current, movieId))}**` };
}

const movieOption = (description: string) => (option: SlashCommandStringOption) =>
  option
    .setName('movie')
    .setDescription(description)
    .setRequired(true)
    .setAutocomplete(true)
    .setMaxLength(100);

export const serverWatchlist: SubcommandGroupPart = {
  name: 'server',
  build: (group) =>
    group
      .setDescription('This server’s list of movies to watch together.')
      .addSubcommand((sub) =>
        sub
          .setName('add')
          .setDescription('Add a movie to this server’s list.')
          .addStringOption(movieOption('The movie (start typing to search)')),
      )
      .addSubcommand((sub) =>
        sub
          .setName('remove')
          .setDescription('Take a movie off this server’s list.')
          .addStringOption(movieOption('A movie on the list')),
      )
      .addSubcommand((sub) =>
        sub
          .setName('watched')
          .setDescription('We watched it: off the list, and never proposed here again unless re-added.')
          .addStringOption(movieOption('The movie you watched')),
      )
      .addSubcommand((sub) => sub.setName('show').setDescription('Show this server’s list (only to you).')),
  preconditions: [installedServer],
  async autocomplete(interaction: AutocompleteInteraction, context: BotContext): Promise<void> {
    const snapshot = context.models.current;
    const typed = String(interaction.options.getFocused());
    if (interaction.options.getSubcommand() === 'add') {
      await interaction.respond(snapshot.movieSearch.suggest(typed).map(asChosen));
      return;
    }
    // remove and watched offer the list's movies (watched also any other movie, if the list has no match).
    const entries = interaction.guildId ? await serverList(context, interaction.guildId).entries() : [];
    const needle = typed.trim().toLowerCase();
    const listed = entries
      .map(({ movieId }) => ({ name: titleOf(snapshot, movieId).slice(0, 100), value: `#${movieId}` }))
      .filter((choice) => choice.name.toLowerCase().includes(needle))
      .slice(0, 25);
    if (listed.length === 0 && interaction.options.getSubcommand() === 'watched') {
      await interaction.respond(snapshot.movieSearch.suggest(typed).map(asChosen));
      return;
    }
    await interaction.respond(listed);
  },
  async execute(interaction: ChatInputCommandInteraction, context: BotContext): Promise<void> {
    const guildId = interaction.guildId!;
    const sub = interaction.options.getSubcommand(true);
    if (sub === 'show') {
      await interaction.deferReply({ flags: MessageFlags.Ephemeral });
      await interaction.editReply(await renderListPage(context, guildId, 0));
      return;
    }
    const { movieId, title } = await listedMovie(interaction, context);
    await interaction.deferReply();
    const list = serverList(context, guildId);
    let content: string;
    if (sub === 'add') content = await addToServerList(context, guildId, movieId);
    else if (sub === 'remove') {
      content = (await list.remove(movieId))
        ? `Took ${title} off our list.`
        : `${title} was not on our list; nothing changed.`;
    } else {
      await list.markWatched(movieId);
      content = `Marked ${title} watched: it is off our list and won't be proposed here again unless re-added.`;
    }
    await interaction.editReply({ content, allowedMentions: { parse: [] } });
  },
};

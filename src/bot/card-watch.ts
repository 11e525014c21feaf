/**
 * Where to watch and the trailer on cards, when TMDB is configured: the region's flat-rate services on each
 * card, rent and buy behind the "Where to watch…" menu (a private answer), the official trailer link, and
 * "Streaming data by JustWatch" wherever providers are shown (TMDB's watch-provider data comes from
 * JustWatch, which must be credited). Kept apart from cards.ts, which it only adds fields to.
 */
import { MessageFlags, escapeMarkdown, type APIEmbed, type StringSelectMenuInteraction } from 'discord.js';
import type { MovieExtras, RegionProviders } from '../posters/index.ts';
import { TMDB_ATTRIBUTION } from '../posters/index.ts';
import type { Recommendation } from '../serve/recommendation.ts';
import { displayTitle } from '../serve/titles.ts';
import type { SelectHandler } from './command.ts';
import { UserFacingError } from './command.ts';
import type { BotContext } from './context.ts';
import { movieSelectRow } from './movie-select-row.ts';
import type { ActionRow } from './rating-components.ts';
import { regionFor, regionName } from './settings-region.ts';

export const JUSTWATCH_CREDIT = 'Streaming data by JustWatch';
const FIELD_VALUE_MAX = 1024;

export const trailerUrl = (key: string) => `https://www.youtube.com/watch?v=${key}`;

const list = (names: readonly string[]) => names.map((name) => escapeMarkdown(name)).join(', ');

/**
 * Adds "Stream (US)" and "Trailer" fields to the cards (`extras` in card order) and the JustWatch credit to
 * the footer when any card shows services. Returns whether providers were shown.
 */
export function addWatchFields(
  embeds: APIEmbed[],
  extras: ReadonlyArray<MovieExtras | null>,
  region: string | undefined,
): boolean {
  let shown = false;
  embeds.forEach((embed, i) => {
    const info = extras[i];
    if (!info) return;
    const fields = (embed.fields ??= []);
    const services = region ? info.providers[region]?.flatrate : undefined;
    if (services && services.length > 0) {
      fields.push({
        name: `Stream (${region})`,
        value: list(services).slice(0, FIELD_VALUE_MAX),
        inline: true,
      });
      shown = true;
    }
    if (info.trailerKey)
      fields.push({ name: 'Trailer', value: `[YouTube](${trailerUrl(info.trailerKey)})`, inline: true });
  });
  if (shown && embeds.length > 0) {
    const last = embeds[embeds.length - 1];
    const text = last.footer?.text ?? TMDB_ATTRIBUTION;
    last.footer = { text: `${text} ${JUSTWATCH_CREDIT}.` };
  }
  return shown;
}

const SELECT_ID = /^watch:pick$/;

/** The "Where to watch…" menu under an answer (movies TMDB knows). */
export function whereToWatchRow(
  movies: readonly { recommendation: Recommendation; label: string }[],
): ActionRow[] {
  const known = movies.filter(({ recommendation }) => recommendation.movie.tmdbId !== undefined);
  return movieSelectRow(known, 'watch:pick', 'Where to watch (stream, rent, buy)…', '📺');
}

function providerLines(providers: RegionProviders): string[] {
  const lines: string[] = [];
  if (providers.flatrate.length > 0) lines.push(`**Stream**: ${list(providers.flatrate)}`);
  if (providers.rent.length > 0) lines.push(`**Rent**: ${list(providers.rent)}`);
  if (providers.buy.length > 0) lines.push(`**Buy**: ${list(providers.buy)}`);
  if (providers.link) lines.push(`All offers: <${providers.link}>`);
  return lines;
}

/** The menu's pick: a private answer with every offer in the picker's region. */
export const whereToWatchSelect: SelectHandler<Record<string, never>> = {
  component: 'select',
  parse: (customId) => (SELECT_ID.test(customId) ? {} : null),
  async run(interaction: StringSelectMenuInteraction, _state, context: BotContext) {
    const movieId = Number(interaction.values[0]);
    const movie = context.models.current.artifacts.movies.get(movieId);
    if (!movie)
      throw new UserFacingError('That movie is not in the current model any more. Run the command again.');
    await interaction.deferReply({ flags: MessageFlags.Ephemeral });
    const region = await regionFor(context, interaction.user.id, interaction.guildId);
    const [info] = await context.posters.getWatchInfos([movie.tmdbId]);
    const title = `**${escapeMarkdown(displayTitle(movie.title))}**`;
    const lines = [`Where to watch ${title}${region ? ` in ${regionName(region)}` : ''}:`];
    if (!info) lines.push('TMDB could not be reached just now; try again in a moment.');
    else if (!region) lines.push('Set your country with `/settings region country:` to see its services.');
    else {
      const offers = info.providers[region];
      const found = offers ? providerLines(offers) : [];
      lines.push(...(found.length > 0 ? found : ['No streaming, rental or purchase offers there.']));
      lines.push(`${JUSTWATCH_CREDIT}.`);
    }
    if (info?.trailerKey) lines.push(`Trailer: <${trailerUrl(info.trailerKey)}>`);
    await interaction.editReply({ content: lines.join('\n').slice(0, 2000), allowedMentions: { parse: [] } });
  },
};

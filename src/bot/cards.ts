import { escapeMarkdown, type APIEmbed, type APIEmbedField } from 'discord.js';
import type { Artifacts, MovieInfo } from '../artifacts/types.ts';
import { TMDB_ATTRIBUTION } from '../posters/index.ts';
import { describeReason, type ReasonAudience } from '../serve/describe-reason.ts';
import type { Recommendation, Recommendations } from '../serve/recommendation.ts';
import { baseTitle, titleYear, truncatedDisplayTitle } from '../serve/titles.ts';

/** Discord's message limits (https://discord.com/developers/docs/resources/message#embed-object-embed-limits). */
export const DISCORD_LIMITS = {
  embeds: 10,
  embedCharacters: 6000,
  content: 2000,
  title: 256,
  description: 4096,
  fieldName: 256,
  fieldValue: 1024,
  authorName: 256,
  footer: 2048,
} as const;

const COLORS = { popular: 0xf5c518, gem: 0x01b4e4, serverList: 0x57f287 } as const;

export function imdbUrl(movie: MovieInfo): string | undefined {
  return movie.imdbId ? `https://www.imdb.com/title/tt${movie.imdbId}/` : undefined;
}

export function tmdbUrl(movie: MovieInfo): string | undefined {
  return movie.tmdbId ? `https://www.themoviedb.org/movie/${movie.tmdbId}` : undefined;
}

/** A movie card's fields: year, genres (escaped) and IMDb/TMDB links; shared by every card the bot shows. */
export function movieFields(movie: MovieInfo): APIEmbedField[] {
  const year = titleYear(movie.title);
  const links = [
    imdbUrl(movie) && `[IMDb](${imdbUrl(movie)})`,
    tmdbUrl(movie) && `[TMDB](${tmdbUrl(movie)})`,
  ].filter(Boolean);
  const genres = movie.genres.length > 0 ? escapeMarkdown(movie.genres.join(', ')) : '—';
  return [
    { name: 'Year', value: year ? String(year) : '—', inline: true },
    { name: 'Genres', value: truncate(genres, DISCORD_LIMITS.fieldValue), inline: true },
    { name: 'Links', value: links.length > 0 ? links.join(' · ') : '—', inline: true },
  ];
}

function card(
  recommendation: Recommendation,
  label: string,
  color: number,
  poster: string | null,
  artifacts: Artifacts,
  audience: ReasonAudience,
): APIEmbed {
  const { movie } = recommendation;
  // A plain APIEmbed rather than EmbedBuilder: the builder re-validates every field on each call,
  // which was a fifth of /recommend's CPU (see BENCHMARKS.md); the limits are checked once below.
  const url = imdbUrl(movie) ?? tmdbUrl(movie);
  return {
    color,
    author: { name: truncate(label, DISCORD_LIMITS.authorName) },
    title: truncatedDisplayTitle(movie.title, DISCORD_LIMITS.title),
    ...(url ? { url } : {}),
    description: truncate(
      escapeMarkdown(describeReason(recommendation.reason, artifacts, { audience })),
      DISCORD_LIMITS.description,
    ),
    fields: movieFields(movie),
    ...(poster ? { thumbnail: { url: poster } } : {}),
  };
}

function truncate(text: string, max: number): string {
  if (text.length <= max) return text;
  // Never cut a surrogate pair in half, nor leave a lone escaping backslash before the ellipsis.
  let cut = text.slice(0, max - 1);
  if (/[\uD800-\uDBFF]$/.test(cut)) cut = cut.slice(0, -1);
  return `${cut.replace(/\\+$/, '')}…`;
}

/**
 * Keeps a message's embeds within Discord's 6,000 characters in total (ten cards of ml-32m's longest
 * titles, ~150–200 characters, each with a reason naming up to three of them, come to ~9,000): the longest
 * descriptions are cut first, all to the same length, then the titles the same way, so every card keeps
 * as much as the total allows. Labels, fields and the footer are short and left whole.
 */
export function fitEmbeds(embeds: APIEmbed[], limit: number = DISCORD_LIMITS.embedCharacters): void {
  for (const key of ['description', 'title'] as const) {
    const excess = embedCharacters(embeds) - limit;
    if (excess <= 0) return;
    const lengths = embeds.map((e) => e[key]?.length ?? 0);
    // The largest cap that removes at least `excess` characters from this kind of text.
    let cap = Math.max(...lengths);
    const removed = (c: number) => lengths.reduce((sum, length) => sum + Math.max(0, length - c), 0);
    let low = 0;
    while (low < cap) {
      const mid = Math.floor((low + cap + 1) / 2);
      if (removed(mid) >= excess) low = mid;
      else cap = mid - 1;
    }
    for (const embed of embeds) {
      const text = embed[key];
      // truncate() adds an ellipsis within the cap; a cap of 0 leaves one character ("…").
      if (text !== undefined && text.length > low) embed[key] = truncate(text, Math.max(low, 1));
    }
  }
}

/** Characters Discord counts towards the 6000 limit of a message's embeds. */
export function embedCharacters(embeds: APIEmbed[]): number {
  let total = 0;
  for (const e of embeds) {
    total += (e.title?.length ?? 0) + (e.description?.length ?? 0);
    total += (e.author?.name.length ?? 0) + (e.footer?.text.length ?? 0);
    for (const f of e.fields ?? []) total += f.name.length + f.value.length;
  }
  return total;
}

/** The answer's movies in card order, each with the label its card shows ("Popular pick 1/5"). */
export function labelledMovies(result: Recommendations): { recommendation: Recommendation; label: string }[] {
  const fromList = result.fromServerList ?? [];
  return [
    ...fromList.map((recommendation, i) => ({
      recommendation,
      label: `From your server’s list ${i + 1}/${fromList.length}`,
    })),
    ...result.popularPicks.map((recommendation, i) => ({
      recommendation,
      label: `Popular pick ${i + 1}/${result.popularPicks.length}`,
    })),
    ...result.hiddenGems.map((recommendation, i) => ({
      recommendation,
      label: `Hidden gem ${i + 1}/${result.hiddenGems.length}`,
    })),
  ];
}

export interface AnswerOptions {
  /** The line above the cards (Markdown: callers escape what they put in it); default: the /recommend line. */
  heading?: string;
  /** Who will see the cards: decides whose movies a reason may name (src/serve/describe-reason.ts). */
  audience: ReasonAudience;
}

/**
 * An answer: a heading line and ten cards, five "Popular picks" then five "Hidden gems" (after any "From
 * your server’s list" cards, which take their places). `posters` maps movieId → poster URL (missing = no
 * image). The heading defaults to the /recommend line naming the picks.
 */
export function recommendationMessage(
  result: Recommendations,
  artifacts: Artifacts,
  posters: ReadonlyMap<number, string | null>,
  { heading, audience }: AnswerOptions,
): { content: string; embeds: APIEmbed[] } {
  const pickNames = result.picks.map(
    (id) => `**${escapeMarkdown(baseTitle(artifacts.movies.get(id)?.title ?? ''))}**`,
  );
  const content = heading ?? `Because you like ${pickNames.slice(0, -1).join(', ')} and ${pickNames.at(-1)}:`;
  const embeds = labelledMovies(result).map(({ recommendation, label }) =>
    card(
      recommendation,
      label,
      result.fromServerList?.includes(recommendation)
        ? COLORS.serverList
        : result.popularPicks.includes(recommendation)
          ? COLORS.popular
          : COLORS.gem,
      posters.get(recommendation.movieId) ?? null,
      artifacts,
      audience,
    ),
  );
  // TMDB's terms ask for credit wherever its images are shown.
  if ([...posters.values()].some(Boolean) && embeds.length > 0) {
    embeds[embeds.length - 1].footer = { text: TMDB_ATTRIBUTION };
  }
  fitEmbeds(embeds);
  if (embeds.length > DISCORD_LIMITS.embeds) {
    throw new Error(`recommendation message exceeds Discord limits: ${embeds.length} embeds`);
  }
  return { content: truncate(content, DISCORD_LIMITS.content), embeds };
}

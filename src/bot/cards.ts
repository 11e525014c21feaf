import { escapeMarkdown, type APIEmbed } from 'discord.js';
import type { Artifacts, MovieInfo } from '../artifacts/types.ts';
import { TMDB_ATTRIBUTION } from '../posters/index.ts';
import { describeReason } from '../serve/describe-reason.ts';
import type { Recommendation, Recommendations } from '../serve/recommendation.ts';
import { baseTitle, displayTitle, titleYear } from '../serve/titles.ts';

/** Discord's message limits (https://discord.com/developers/docs/resources/message#embed-object-embed-limits). */
export const DISCORD_LIMITS = { embeds: 10, embedCharacters: 6000, content: 2000, title: 256 } as const;

const COLORS = { popular: 0xf5c518, gem: 0x01b4e4 } as const;

export function imdbUrl(movie: MovieInfo): string | undefined {
  return movie.imdbId ? `https://www.imdb.com/title/tt${movie.imdbId}/` : undefined;
}

export function tmdbUrl(movie: MovieInfo): string | undefined {
  return movie.tmdbId ? `https://www.themoviedb.org/movie/${movie.tmdbId}` : undefined;
}

function card(
  recommendation: Recommendation,
  label: string,
  color: number,
  poster: string | null,
  artifacts: Artifacts,
): APIEmbed {
  const { movie } = recommendation;
  const year = titleYear(movie.title);
  const links = [
    imdbUrl(movie) && `[IMDb](${imdbUrl(movie)})`,
    tmdbUrl(movie) && `[TMDB](${tmdbUrl(movie)})`,
  ].filter(Boolean);
  // A plain APIEmbed rather than EmbedBuilder: the builder re-validates every field on each call,
  // which was a fifth of /recommend's CPU (see BENCHMARKS.md); the limits are checked once below.
  const url = imdbUrl(movie) ?? tmdbUrl(movie);
  return {
    color,
    author: { name: label },
    title: truncate(displayTitle(movie.title), DISCORD_LIMITS.title),
    ...(url ? { url } : {}),
    description: escapeMarkdown(describeReason(recommendation.reason, artifacts)),
    fields: [
      { name: 'Year', value: year ? String(year) : '—', inline: true },
      { name: 'Genres', value: movie.genres.length > 0 ? movie.genres.join(', ') : '—', inline: true },
      { name: 'Links', value: links.length > 0 ? links.join(' · ') : '—', inline: true },
    ],
    ...(poster ? { thumbnail: { url: poster } } : {}),
  };
}

function truncate(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
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
  return [
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

/**
 * An answer: a heading line and ten cards, five "Popular picks" then five "Hidden gems". `posters` maps
 * movieId → poster URL (missing = no image). The heading defaults to the /recommend line naming the picks
 * (Markdown: callers escape what they put in it).
 */
export function recommendationMessage(
  result: Recommendations,
  artifacts: Artifacts,
  posters: ReadonlyMap<number, string | null>,
  heading?: string,
): { content: string; embeds: APIEmbed[] } {
  const pickNames = result.picks.map(
    (id) => `**${escapeMarkdown(baseTitle(artifacts.movies.get(id)?.title ?? ''))}**`,
  );
  const content = heading ?? `Because you like ${pickNames.slice(0, -1).join(', ')} and ${pickNames.at(-1)}:`;
  const embeds = labelledMovies(result).map(({ recommendation, label }) =>
    card(
      recommendation,
      label,
      result.popularPicks.includes(recommendation) ? COLORS.popular : COLORS.gem,
      posters.get(recommendation.movieId) ?? null,
      artifacts,
    ),
  );
  // TMDB's terms ask for credit wherever its images are shown.
  if ([...posters.values()].some(Boolean) && embeds.length > 0) {
    embeds[embeds.length - 1].footer = { text: TMDB_ATTRIBUTION };
  }
  const size = embedCharacters(embeds);
  if (embeds.length > DISCORD_LIMITS.embeds || size > DISCORD_LIMITS.embedCharacters) {
    throw new Error(
      `recommendation message exceeds Discord limits: ${embeds.length} embeds, ${size} characters`,
    );
  }
  return { content: truncate(content, DISCORD_LIMITS.content), embeds };
}

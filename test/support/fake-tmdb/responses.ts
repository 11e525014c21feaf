/** Bodies shaped like TMDB v3's, trimmed to the fields a client could plausibly read. */

export const INVALID_API_KEY = {
  status_code: 7,
  status_message: 'Invalid API key: You must be granted a valid key.',
  success: false,
};

export const RESOURCE_NOT_FOUND = {
  status_code: 34,
  status_message: 'The resource you requested could not be found.',
  success: false,
};

export const RATE_LIMITED = {
  status_code: 25,
  status_message: 'Your request count (#) is over the allowed limit of (40).',
  success: false,
};

export const INTERNAL_ERROR = {
  status_code: 11,
  status_message: 'Internal error: Something went wrong, contact TMDb.',
  success: false,
};

export const CONFIGURATION = {
  images: {
    base_url: 'http://image.tmdb.org/t/p/',
    secure_base_url: 'https://image.tmdb.org/t/p/',
    backdrop_sizes: ['w300', 'w780', 'w1280', 'original'],
    logo_sizes: ['w45', 'w92', 'w154', 'w185', 'w300', 'w500', 'original'],
    poster_sizes: ['w92', 'w154', 'w185', 'w342', 'w500', 'w780', 'original'],
    profile_sizes: ['w45', 'w185', 'h632', 'original'],
    still_sizes: ['w92', 'w185', 'w300', 'original'],
  },
  change_keys: ['adult', 'images', 'poster_path', 'release_dates', 'title'],
};

export function movieDetails(id: number, posterPath: string | null) {
  return {
    adult: false,
    backdrop_path: `/backdrop-${id}.jpg`,
    genres: [{ id: 18, name: 'Drama' }],
    id,
    imdb_id: `tt${String(id).padStart(7, '0')}`,
    original_language: 'en',
    original_title: `Movie ${id}`,
    overview: 'A fake movie served by the fake TMDB.',
    popularity: 1.5,
    poster_path: posterPath,
    release_date: '1999-03-30',
    runtime: 136,
    status: 'Released',
    title: `Movie ${id}`,
    video: false,
    vote_average: 8.2,
    vote_count: 1000,
  };
}

const DEFAULT_PROVIDERS = {
  US: { flatrate: ['Netflix'], rent: ['Apple TV'], buy: ['Google Play Movies'] },
  DE: { flatrate: ['MUBI'] },
};

/** The appended parts, shaped like TMDB's (`watch/providers.results.<CC>`, `videos.results`). */
export function appendedParts(
  id: number,
  append: readonly string[],
  watch: {
    providers?: Record<string, { flatrate?: string[]; rent?: string[]; buy?: string[] }>;
    trailerKey?: string | null;
  } = {},
) {
  const parts: Record<string, unknown> = {};
  if (append.includes('watch/providers')) {
    const results: Record<string, unknown> = {};
    for (const [country, kinds] of Object.entries(watch.providers ?? DEFAULT_PROVIDERS)) {
      const region: Record<string, unknown> = {
        link: `https://www.themoviedb.org/movie/${id}/watch?locale=${country}`,
      };
      for (const [kind, names] of Object.entries(kinds as Record<string, string[] | undefined>)) {
        region[kind] = (names ?? []).map((name, i) => ({
          logo_path: `/logo-${i}.jpg`,
          provider_id: 100 + i,
          provider_name: name,
          display_priority: i,
        }));
      }
      results[country] = region;
    }
    parts['watch/providers'] = { results };
  }
  if (append.includes('videos')) {
    const trailerKey = watch.trailerKey === undefined ? `trailer${id}` : watch.trailerKey;
    const results: Record<string, unknown>[] = [
      {
        iso_639_1: 'en',
        iso_3166_1: 'US',
        name: 'Teaser',
        key: `teaser${id}`,
        site: 'YouTube',
        type: 'Teaser',
        official: false,
      },
    ];
    if (trailerKey !== null) {
      results.push({
        iso_639_1: 'en',
        iso_3166_1: 'US',
        name: 'Official Trailer',
        key: trailerKey,
        site: 'YouTube',
        type: 'Trailer',
        official: true,
      });
    }
    parts.videos = { id, results };
  }
  return parts;
}

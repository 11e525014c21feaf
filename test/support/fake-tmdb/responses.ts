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

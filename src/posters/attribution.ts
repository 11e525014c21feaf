/** TMDB's terms require this notice wherever its data or images are shown; the recommendation cards use it. */
export const TMDB_ATTRIBUTION = 'This product uses the TMDB API but is not endorsed or certified by TMDB.';

import path from 'node:path';
import { loadLinks, loadMovies } from './src/data/movielens.ts';
import { createTitleMatcher, type MatchableMovie } from './src/serve/import/title-matcher.ts';
const dir = '/work/shared/movielens/ml-latest-small';
const movies = await loadMovies(path.join(dir, 'movies.csv'));
await loadLinks(path.join(dir, 'links.csv'), movies);
const small: MatchableMovie[] = [...movies.values()];
const large: MatchableMovie[] = [];
for (let copy = 0; copy < 9; copy++) for (const movie of small) {
  const title = copy === 0 ? movie.title : movie.title.replace(/( \(\d{4}\))?$/, ` Part ${copy + 1}$1`);
  large.push({ movieId: movie.movieId + copy * 1_000_000, title });
}
for (let i = 0; i < 8; i++) { const t = performance.now(); createTitleMatcher(large); console.log('build', (performance.now() - t).toFixed(0), 'ms'); }

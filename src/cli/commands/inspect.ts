import type { Artifacts, MovieInfo } from '../../artifacts/types.ts';
import { normalizeForSearch } from '../../serve/normalize.ts';
import { displayTitle } from '../../serve/titles.ts';
import { loadCurrentArtifacts, UsageError, type CliContext } from '../context.ts';

/**
 * Finds one movie by title among `candidates`: an exact title (as written or as displayed, with
 * or without year) wins; otherwise the single substring match; otherwise a UsageError that lists
 * what matched, so the user can be more specific.
 */
export function findMovieByTitle(query: string, candidates: Iterable<MovieInfo>): MovieInfo {
  const wanted = normalizeForSearch(query);
  const keys = (m: MovieInfo) => {
    const shown = displayTitle(m.title);
    return [m.title, shown, shown.replace(/\s*\(\d{4}\)$/, '')].map(normalizeForSearch);
  };
  const list = [...candidates];
  const exact = list.filter((m) => keys(m).includes(wanted));
  if (exact.length === 1) return exact[0];
  const partial = exact.length > 1 ? exact : list.filter((m) => keys(m).some((k) => k.includes(wanted)));
  if (partial.length === 1) return partial[0];
  if (partial.length === 0) throw new UsageError(`no movie matches "${query}"`);
  // Several: prefer the most-rated, but only when it clearly dominates would be a guess — ask instead.
  const names = partial
    .sort((a, b) => b.count - a.count)
    .slice(0, 8)
    .map((m) => `  ${displayTitle(m.title)}`);
  throw new UsageError(`"${query}" matches several movies; be more specific:\n${names.join('\n')}`);
}

function knnMovies(artifacts: Artifacts): MovieInfo[] {
  return [...artifacts.movies.values()].filter((m) => artifacts.knn.has(m.movieId));
}

export async function similarCommand(
  context: CliContext,
  title: string | undefined,
  json: boolean,
): Promise<void> {
  if (!title) throw new UsageError('similar needs a title, e.g. npm run cli -- similar "Iron Man (2008)"');
  const artifacts = await loadCurrentArtifacts(context);
  const movie = findMovieByTitle(title, knnMovies(artifacts));
  const neighbours = artifacts.knn.nearest(movie.movieId, artifacts.manifest.knn.k).map((n) => ({
    movieId: n.movieId,
    title: displayTitle(artifacts.movies.get(n.movieId)?.title ?? String(n.movieId)),
    distance: Number(n.distance.toFixed(4)),
  }));
  if (json)
    return console.log(
      JSON.stringify({ movieId: movie.movieId, title: displayTitle(movie.title), neighbours }),
    );
  console.log(`Nearest neighbours of ${displayTitle(movie.title)} (cosine distance):`);
  neighbours.forEach((n, i) =>
    console.log(`${String(i + 1).padStart(3)}. ${n.distance.toFixed(4)}  ${n.title}`),
  );
}

export async function popularCommand(
  context: CliContext,
  genre: string | undefined,
  json: boolean,
): Promise<void> {
  const artifacts = await loadCurrentArtifacts(context);
  const wanted = genre ? normalizeForSearch(genre) : undefined;
  const rows = artifacts.catalog
    .map((entry) => ({ ...entry, movie: artifacts.movies.get(entry.movieId)! }))
    .filter((row) => !wanted || row.movie.genres.some((g) => normalizeForSearch(g) === wanted));
  if (genre && rows.length === 0) throw new UsageError(`no catalog movie has the genre "${genre}"`);
  if (json) {
    const out = rows.map(({ movie, ...entry }) => ({
      ...entry,
      title: displayTitle(movie.title),
      genres: movie.genres,
    }));
    return console.log(JSON.stringify(out));
  }
  console.log(' rank     WR  count  mean  title');
  for (const row of rows) {
    console.log(
      `${String(row.rank).padStart(5)}  ${row.wr.toFixed(3)}  ${String(row.count).padStart(5)}  ${row.mean.toFixed(2)}  ${displayTitle(row.movie.title)}`,
    );
  }
}

import type { Artifacts } from './types.ts';

/**
 * Checks a loaded version is complete enough to serve: the catalog is full, every catalog movie has its
 * neighbours, the DNMF and the watch model (with its prices and fold-in) know every catalog movie. Returns
 * the problems found (empty when the version is good), so a caller can report them all at once.
 */
export function verifyArtifacts(artifacts: Artifacts): string[] {
  const problems: string[] = [];
  const { manifest, catalog, movies, knn, dnmf } = artifacts;
  const expectedCatalog = Math.min(manifest.popularity.size, manifest.popularity.eligible);
  if (catalog.length !== expectedCatalog) {
    problems.push(`catalog has ${catalog.length} movies, expected ${expectedCatalog}`);
  }
  const expectedNeighbours = Math.min(manifest.knn.k, manifest.knn.movies - 1);
  for (const entry of catalog) {
    if (!movies.has(entry.movieId)) problems.push(`catalog movie ${entry.movieId} is not in movies.json`);
    const found = knn.nearest(entry.movieId, manifest.knn.k).length;
    if (found !== expectedNeighbours) {
      problems.push(`catalog movie ${entry.movieId} has ${found} neighbours, expected ${expectedNeighbours}`);
    }
  }
  let ratedMovies = 0;
  for (const movie of movies.values()) if (movie.count > 0) ratedMovies++;
  // Picks come from the catalog, so the DNMF must know every catalog movie. Other movies can be
  // missing from it: their only ratings may sit in the fixed hold-out the DNMF never trains on
  // (train/holdout.ts), and serving skips movies the DNMF does not know.
  for (const entry of catalog) {
    if (!dnmf.movieRows.has(entry.movieId))
      problems.push(`catalog movie ${entry.movieId} is not in the DNMF model`);
  }
  // Serving has one gem method per command, all from the taste model's MF path (the watch model):
  // /recommend ranks by its vectors less the exposure prices, /foryou and /movienight fold members into it.
  // A version trained before it had them (no watch model: before session 4; no fold-in data: before
  // session 5) is not served; retrain it (README "Versions").
  const watch = artifacts.watch;
  if (!watch) problems.push("no watch model (the taste model's MF path): trained before it, retrain");
  else {
    if (!watch.prices) problems.push('the watch model has no exposure prices: trained before them, retrain');
    if (!watch.foldIn) problems.push('the watch model has no fold-in data: trained before it, retrain');
    // It ranks /recommend's gems from the picks' vectors: every catalog movie needs one.
    const known = new Set(watch.movieIds);
    for (const entry of catalog)
      if (!known.has(entry.movieId))
        problems.push(`catalog movie ${entry.movieId} is not in the watch model`);
  }
  if (ratedMovies === 0) problems.push('no rated movies');
  if (!Number.isFinite(manifest.dnmf.metrics.validationRmse))
    problems.push('validation RMSE is not a number');
  // One line per kind of problem is enough to diagnose; thousands would drown the log.
  return problems.length > 20 ? [...problems.slice(0, 20), `…and ${problems.length - 20} more`] : problems;
}

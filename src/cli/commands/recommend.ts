import type { Artifacts } from '../../artifacts/types.ts';
import { createCatalogSearch } from '../../serve/catalog-search.ts';
import { createEngine } from '../../serve/engine.ts';
import type { Recommendation } from '../../serve/recommendation.ts';
import { createRng } from '../../random.ts';
import { displayTitle } from '../../serve/titles.ts';
import { loadCurrentArtifacts, UsageError, type CliContext } from '../context.ts';
import { describeReason } from '../../serve/describe-reason.ts';

/** The same answer /recommend gives, offline: three catalog titles in, 5 + 5 movies out. */
export async function recommendCommand(
  context: CliContext,
  titles: string[],
  options: { seed?: number; json: boolean },
): Promise<void> {
  if (titles.length !== 3) {
    throw new UsageError(
      'recommend needs exactly three titles from the catalog (see `npm run cli -- popular`)',
    );
  }
  const artifacts = await loadCurrentArtifacts(context);
  const search = createCatalogSearch(artifacts);
  const picks = titles.map((title, i) => {
    const found = search.resolve(title);
    if (found.ok) return found.movieId;
    const why =
      found.reason === 'ambiguous'
        ? `matches several catalog movies: ${found.candidates.join('; ')}`
        : 'is not in the top-100 catalog (see `npm run cli -- popular`)';
    throw new UsageError(`title ${i + 1}, "${title}", ${why}`);
  });
  const result = createEngine(artifacts).recommend(picks, { rng: createRng(options.seed) });
  const name = (id: number) => displayTitle(artifacts.movies.get(id)?.title ?? String(id));
  if (options.json) {
    const row = (r: Recommendation) => ({ movieId: r.movieId, title: name(r.movieId), reason: r.reason });
    return console.log(
      JSON.stringify({
        picks: picks.map((id) => ({ movieId: id, title: name(id) })),
        popularPicks: result.popularPicks.map(row),
        hiddenGems: result.hiddenGems.map(row),
      }),
    );
  }
  console.log(`Because you like ${picks.map(name).join(', ')}:\n`);
  printList('Popular picks', result.popularPicks, artifacts);
  printList('Hidden gems', result.hiddenGems, artifacts);
}

function printList(heading: string, list: Recommendation[], artifacts: Artifacts): void {
  console.log(heading);
  list.forEach((r, i) => {
    console.log(`  ${i + 1}. ${displayTitle(r.movie.title)} — ${describeReason(r.reason, artifacts)}`);
  });
  console.log('');
}

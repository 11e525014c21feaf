import type { Artifacts } from '../../artifacts/types.ts';
import { RecommendError } from '../../serve/recommend-error.ts';
import { createSnapshot } from '../../serve/serving-models.ts';
import { parseBatchLine } from '../batch-requests.ts';
import { answerBatch } from '../batch-runner.ts';
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
    console.log(
      `  ${i + 1}. ${displayTitle(r.movie.title)} — ${describeReason(r.reason, artifacts, { audience: 'owner' })}`,
    );
  });
  console.log('');
}

/**
 * `recommend --batch FILE`: one request per line in, one JSON line per request out, in order — the
 * recommendation, or `{"error": "line N: …"}` for a line that cannot be answered, and on to the next. The same
 * snapshot (engine, title search) the bot builds from the current version; one RNG seeded once, so a seeded
 * batch is reproducible. FILE "-" reads stdin.
 */
export async function recommendBatchCommand(
  context: CliContext,
  file: string,
  options: { seed?: number },
  output: NodeJS.WritableStream = process.stdout,
): Promise<{ requests: number; errors: number }> {
  const artifacts = await loadCurrentArtifacts(context);
  const { engine, search } = createSnapshot(artifacts);
  const catalogIds = new Set(artifacts.catalog.map((entry) => entry.movieId));
  const title = (id: number) => displayTitle(artifacts.movies.get(id)?.title ?? String(id));
  const rng = createRng(options.seed);
  return answerBatch(file, output, answerLine);

  function answerLine(
    line: string,
  ): { picks: number[]; popular: number[]; gems: number[] } | { error: string } {
    const parsed = parseBatchLine(line, search, (id) => catalogIds.has(id), title);
    if (!parsed.ok) return { error: parsed.error };
    try {
      const result = engine.recommend(parsed.picks, { rng });
      return {
        picks: parsed.picks,
        popular: result.popularPicks.map((r) => r.movieId),
        gems: result.hiddenGems.map((r) => r.movieId),
      };
    } catch (error) {
      if (error instanceof RecommendError) return { error: error.message };
      throw error;
    }
  }
}

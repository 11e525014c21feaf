/**
 * `foryou --batch FILE` and `movienight --batch FILE`: what /foryou and /movienight would answer, for many
 * members or groups at once (evaluation scripts, load checks). The same snapshot the bot builds from the
 * current version (engine and all-title search); ratings come from the file, never from the store. One RNG
 * seeded once, so a seeded batch is reproducible. As the bot does, what a member rated is never served.
 */
import type { Recommendations } from '../../serve/recommendation.ts';
import { RecommendError } from '../../serve/recommend-error.ts';
import { createSnapshot } from '../../serve/serving-models.ts';
import { createRng } from '../../random.ts';
import { parseForYouLine, parseMovieNightLine } from '../batch-requests.ts';
import { answerBatch, type BatchAnswer } from '../batch-runner.ts';
import { loadCurrentArtifacts, type CliContext } from '../context.ts';

export type PersonalBatchKind = 'foryou' | 'movienight';

export async function personalBatchCommand(
  context: CliContext,
  kind: PersonalBatchKind,
  file: string,
  options: { seed?: number },
  output: NodeJS.WritableStream = process.stdout,
): Promise<{ requests: number; errors: number }> {
  const artifacts = await loadCurrentArtifacts(context);
  const { engine, movieSearch } = createSnapshot(artifacts);
  const rng = createRng(options.seed);
  return answerBatch(file, output, kind === 'foryou' ? forYouLine : movieNightLine);

  function forYouLine(line: string): BatchAnswer {
    const parsed = parseForYouLine(line, movieSearch);
    if (!parsed.ok) return { error: parsed.error };
    const exclude = new Set(parsed.ratings.map((r) => r.movieId));
    return lists(() => engine.forYou(parsed.ratings, { rng, exclude }));
  }

  function movieNightLine(line: string): BatchAnswer {
    const parsed = parseMovieNightLine(line, movieSearch);
    if (!parsed.ok) return { error: parsed.error };
    const exclude = new Set(parsed.members.flat().map((r) => r.movieId));
    return lists(() => engine.movieNight(parsed.members, { rng, exclude }));
  }
}

/** The answer as id lists, or the engine's refusal (too few ratings, too many members) as the line's error. */
function lists(ask: () => Recommendations): BatchAnswer {
  try {
    const result = ask();
    return {
      popular: result.popularPicks.map((r) => r.movieId),
      gems: result.hiddenGems.map((r) => r.movieId),
    };
  } catch (error) {
    if (error instanceof RecommendError) return { error: error.message };
    throw error;
  }
}

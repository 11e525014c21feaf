/**
 * A movie typed into a command option: autocomplete offers "#<movieId>" values (titles and ids overlap
 * over every movie: "300", "1917"), so only a chosen suggestion means an id; typed text means a title.
 */
import type { Choice } from '../serve/choice.ts';
import type { ServingSnapshot } from '../serve/serving-models.ts';
import { UserFacingError } from './command.ts';

const CHOSEN = /^#(\d{1,9})$/;

export const asChosen = (choice: Choice) => ({ name: choice.name, value: `#${choice.value}` });

/** The movie id the member meant, or a UserFacingError naming the option and what to do. */
export function resolveMovieOption(snapshot: ServingSnapshot, option: string, typed: string): number {
  const chosen = CHOSEN.exec(typed.trim());
  if (chosen && snapshot.artifacts.movies.has(Number(chosen[1]))) return Number(chosen[1]);
  const found = snapshot.movieSearch.resolve(typed, { ids: false });
  if (found.ok) return found.movieId;
  throw new UserFacingError(
    found.reason === 'ambiguous'
      ? `**${option}**: “${typed}” matches several movies — ${found.candidates.join(', ')}. Pick one from the list.`
      : `**${option}**: FlickPick knows no movie called “${typed}”. Start typing and pick a title from the list.`,
  );
}

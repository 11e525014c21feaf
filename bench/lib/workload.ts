/**
 * Realistic requests drawn from the real catalog: three distinct catalog picks for /recommend, and what
 * people type into the autocomplete box (the start of a title, 1–12 characters, in any case, sometimes
 * with accents the titles do not have). Seeded, so two runs send the same requests.
 */
import type { Artifacts } from '../../src/artifacts/types.ts';
import { createRng, type Rng } from '../../src/random.ts';
import { parseTitle } from '../../src/serve/titles.ts';

export type PickTriple = [number, number, number];

export interface AutocompleteRequest {
  /** The option being typed into: movie1, movie2 or movie3. */
  focused: 'movie1' | 'movie2' | 'movie3';
  query: string;
  /** Movies already chosen in the options before it (autocomplete values are movie ids). */
  chosen: number[];
}

export interface Workload {
  rng: Rng;
  catalogIds: number[];
  picks(): PickTriple;
  prefix(): string;
  autocomplete(): AutocompleteRequest;
}

const ACCENTED: Record<string, string[]> = {
  a: ['á', 'à', 'â', 'ä'],
  e: ['é', 'è', 'ê', 'ë'],
  i: ['í', 'î', 'ï'],
  o: ['ó', 'ô', 'ö'],
  u: ['ú', 'ù', 'ü'],
  c: ['ç'],
  n: ['ñ'],
};

export function createWorkload(artifacts: Artifacts, seed = 20261127): Workload {
  const rng = createRng(seed);
  const int = (below: number) => Math.floor(rng() * below);
  const pickOf = <T>(items: readonly T[]): T => items[int(items.length)];
  const catalogIds = [...artifacts.catalog].sort((a, b) => a.rank - b.rank).map((entry) => entry.movieId);
  // What a person would start typing: "The Matrix" or just "Matrix".
  const typedTitles = new Map(
    catalogIds.map((id) => {
      const title = parseTitle(artifacts.movies.get(id)?.title ?? '');
      return [id, { full: title.main, withoutArticle: title.mainWithoutArticle }] as const;
    }),
  );

  function distinctIds(count: number, without: readonly number[] = []): number[] {
    const ids: number[] = [];
    while (ids.length < count) {
      const id = pickOf(catalogIds);
      if (!ids.includes(id) && !without.includes(id)) ids.push(id);
    }
    return ids;
  }

  function withCase(text: string): string {
    switch (int(4)) {
      case 0:
        return text;
      case 1:
        return text.toLowerCase();
      case 2:
        return text.toUpperCase();
      default:
        return [...text].map((ch) => (rng() < 0.5 ? ch.toLowerCase() : ch.toUpperCase())).join('');
    }
  }

  function withAccents(text: string): string {
    if (rng() >= 0.25) return text;
    return [...text]
      .map((ch) => {
        const variants = ACCENTED[ch.toLowerCase()];
        if (!variants || rng() >= 0.5) return ch;
        const accented = pickOf(variants);
        return ch === ch.toUpperCase() ? accented.toUpperCase() : accented;
      })
      .join('');
  }

  function prefixOf(movieId: number): string {
    const forms = typedTitles.get(movieId) ?? { full: '', withoutArticle: '' };
    const title = rng() < 0.75 ? forms.full : forms.withoutArticle;
    const length = 1 + int(Math.min(12, title.length));
    return withAccents(withCase(title.slice(0, length)));
  }

  return {
    rng,
    catalogIds,
    picks: () => distinctIds(3) as PickTriple,
    prefix: () => prefixOf(pickOf(catalogIds)),
    autocomplete() {
      const position = int(3);
      const [target, ...chosen] = distinctIds(position + 1);
      const focused = (['movie1', 'movie2', 'movie3'] as const)[position];
      return { focused, query: prefixOf(target), chosen };
    },
  };
}

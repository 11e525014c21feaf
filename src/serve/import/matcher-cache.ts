/**
 * One title matcher per loaded version's movie table, built on the first import and dropped with the version
 * (a WeakMap keyed by the table), so importing costs nothing until someone imports.
 */
import type { MovieInfo } from '../../artifacts/types.ts';
import { createTitleMatcher, type TitleMatcher } from './title-matcher.ts';

const matchers = new WeakMap<ReadonlyMap<number, MovieInfo>, TitleMatcher>();

export function matcherFor(movies: ReadonlyMap<number, MovieInfo>): TitleMatcher {
  let matcher = matchers.get(movies);
  if (!matcher) matchers.set(movies, (matcher = createTitleMatcher(movies.values())));
  return matcher;
}

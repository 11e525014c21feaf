/** The movie-night records of a bot's store (one MovieNights per store), for polls and scheduling alike. */
import { MovieNights } from '../store/movie-nights.ts';
import type { BotContext } from './context.ts';

const stores = new WeakMap<object, MovieNights>();
export function movieNights(context: Pick<BotContext, 'store'>): MovieNights {
  let nights = stores.get(context.store);
  if (!nights) stores.set(context.store, (nights = new MovieNights(context.store)));
  return nights;
}

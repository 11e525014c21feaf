/** Every slash command and component handler the bot has; the router and the deploy script read this list. */
import type { Command, ComponentHandler } from '../src/bot/command.ts';
import { ratingHandlers } from '../src/bot/rating-handlers.ts';
import about from './about.ts';
import forgetMe, { forgetMeButtons } from './forget-me.ts';
import importCommand, { importButtons } from './import.ts';
import foryou from './foryou.ts';
import movienight, { consentButtons, pickNowButton } from './movienight.ts';
import popular, { pageButtons } from './popular.ts';
import rate from './rate.ts';
import ratings, { ratingsPageButtons, ratingsRemoveSelect } from './ratings.ts';
import recommend from './recommend.ts';
import retrain from './retrain.ts';
import settings from './settings.ts';
import watchlist from './watchlist.ts';
import { addToOurListSelect, listPageButtons } from '../src/bot/watchlist-server.ts';
import { durationSelect, voteButton } from '../src/bot/movie-night-poll.ts';
import { scheduleButtonHandler, scheduleModalHandler } from '../src/bot/schedule-event.ts';
import { saveForLaterSelect } from '../src/bot/watchlist-mine.ts';
import { whereToWatchSelect } from '../src/bot/card-watch.ts';

export const commands: readonly Command[] = [
  recommend,
  popular,
  retrain,
  rate,
  ratings,
  foryou,
  movienight,
  forgetMe,
  importCommand,
  about,
  settings,
  watchlist,
];
export const buttonHandlers: readonly ComponentHandler[] = [
  pageButtons,
  ...ratingHandlers,
  ratingsPageButtons,
  ratingsRemoveSelect,
  forgetMeButtons,
  consentButtons,
  pickNowButton,
  importButtons,
  listPageButtons,
  voteButton,
  durationSelect,
  scheduleButtonHandler,
  scheduleModalHandler,
  saveForLaterSelect,
  addToOurListSelect,
  whereToWatchSelect,
];

/** Every slash command and button handler the bot has; the router and the deploy script read this list. */
import type { Command, ComponentHandler } from '../src/bot/command.ts';
import popular, { pageButtons } from './popular.ts';
import recommend from './recommend.ts';
import retrain from './retrain.ts';

export const commands: readonly Command[] = [recommend, popular, retrain];
export const buttonHandlers: readonly ComponentHandler[] = [pageButtons];

/**
 * A movie night that happened leaves the server's list: when Discord completes a scheduled event that
 * "Schedule it" made (it ends a voice event a few minutes after the channel empties, or an admin ends it),
 * its movie is marked watched, as `/watchlist server watched` would, and is not proposed to this server's
 * movie nights again unless re-added. Events FlickPick did not make are none of its business.
 */
import { Events, GuildScheduledEventStatus, type Client } from 'discord.js';
import type { BotContext } from './context.ts';
import { movieNights } from './movie-night-store.ts';
import { serverList } from './watchlist-server.ts';

export function markWatchedWhenEventsComplete(client: Client, context: BotContext): void {
  client.on(Events.GuildScheduledEventUpdate, (_before, event) => {
    if (event.status !== GuildScheduledEventStatus.Completed) return;
    void (async () => {
      const movie = await movieNights(context).takeEventMovie(event.id);
      if (!movie) return;
      await serverList(context, movie.guildId).markWatched(movie.movieId);
      context.logger.info({ movieId: movie.movieId }, 'movie night event completed: marked watched');
    })().catch((err: unknown) =>
      context.logger.warn({ err }, 'could not mark a completed movie night as watched'),
    );
  });
}

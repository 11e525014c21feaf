/**
 * "Schedule it" on a movie night's winner: a modal for the day and time (in the server's zone from
 * /settings timezone, UTC when unset) and an optional place, then a Guild Scheduled Event for the movie in
 * the caller's voice or stage channel, else at the place they typed. One event per poll, however often the
 * button is pressed or the modal sent: the first one claims the poll in the store (movie-nights.ts).
 * The modal's custom id carries the poll and the movie, so a modal opened before a restart still works.
 */
import {
  ActionRowBuilder,
  ButtonBuilder,
  ButtonStyle,
  ChannelType,
  GuildScheduledEventEntityType,
  GuildScheduledEventPrivacyLevel,
  MessageFlags,
  ModalBuilder,
  PermissionFlagsBits,
  RESTJSONErrorCodes,
  TextInputBuilder,
  TextInputStyle,
  type ButtonInteraction,
  type GuildScheduledEventCreateOptions,
  type ModalSubmitInteraction,
} from 'discord.js';
import type { MovieInfo } from '../artifacts/types.ts';
import { serverSettings } from '../store/server-settings.ts';
import { truncatedDisplayTitle } from '../serve/titles.ts';
import type { ButtonHandler, ModalHandler } from './command.ts';
import { UserFacingError } from './command.ts';
import type { BotContext } from './context.ts';
import { movieSummary } from './movie-card.ts';
import { movieNights } from './movie-night-store.ts';
import { discordTimestamp, zonedTimeToUtc } from './time-zones.ts';

const BUTTON_ID = /^night:schedule:(\d{17,20}):(\d{1,9})$/;
const MODAL_ID = /^night:event:(\d{17,20}):(\d{1,9})$/;
/** Without a known runtime, an external event (which needs an end) lasts this long. */
const DEFAULT_LENGTH_MS = 3 * 3_600_000;
const NAME_MAX = 100;
const DESCRIPTION_MAX = 1000;
const PLACE_MAX = 100;
const POSTER_MAX_BYTES = 8 * 1024 * 1024;

export const MISSING_MANAGE_EVENTS =
  'I can’t create the event: I lack the **Manage Events** permission on this server. Ask a server admin to grant it.';

/** A voice event also needs the bot to see and connect to that channel. */
export const missingInVoice = (channelId: string) =>
  `${MISSING_MANAGE_EVENTS} For an event in <#${channelId}> it also needs **View Channel** and **Connect** there.`;

interface EventTarget {
  pollMessageId: string;
  movieId: number;
}

/** The "Schedule it" button under a winner's card. */
export function scheduleButton(pollMessageId: string, movieId: number): ButtonBuilder {
  return new ButtonBuilder()
    .setCustomId(`night:schedule:${pollMessageId}:${movieId}`)
    .setLabel('Schedule it')
    .setEmoji('📅')
    .setStyle(ButtonStyle.Primary);
}

export const scheduleRow = (pollMessageId: string, movieId: number) =>
  new ActionRowBuilder<ButtonBuilder>().addComponents(scheduleButton(pollMessageId, movieId));

const eventLink = (guildId: string, eventId: string) => `https://discord.com/events/${guildId}/${eventId}`;

const hasManageEvents = (interaction: ButtonInteraction | ModalSubmitInteraction) =>
  interaction.appPermissions?.has(PermissionFlagsBits.ManageEvents) ?? false;

const parseTarget = (pattern: RegExp) => (customId: string) => {
  const match = pattern.exec(customId);
  return match ? { pollMessageId: match[1], movieId: Number(match[2]) } : null;
};

/** "Schedule it": opens the modal (or says where the event already is). */
export const scheduleButtonHandler: ButtonHandler<EventTarget> = {
  parse: parseTarget(BUTTON_ID),
  async run(interaction, target, context) {
    if (!interaction.inGuild()) throw new UserFacingError('Movie nights are scheduled on a server.');
    if (!hasManageEvents(interaction)) throw new UserFacingError(MISSING_MANAGE_EVENTS);
    const existing = await movieNights(context).scheduledEvent(target.pollMessageId);
    if (existing) throw new UserFacingError(alreadyScheduled(interaction.guildId, existing));
    const zone = (await serverSettings(context.store, interaction.guildId)).timezone;
    const zoneLabel = zone ?? 'UTC';
    const modal = new ModalBuilder()
      .setCustomId(`night:event:${target.pollMessageId}:${target.movieId}`)
      .setTitle('Schedule the movie night')
      .addComponents(
        textRow('day', `Day (YYYY-MM-DD, ${zoneLabel})`.slice(0, 45), 'e.g. 2026-12-24', 10, true),
        textRow('time', `Time (HH:MM, 24 h, ${zoneLabel})`.slice(0, 45), 'e.g. 20:30', 5, true),
        textRow(
          'place',
          'Place, if not in a voice channel',
          'Used only when you are not in a voice or stage channel',
          PLACE_MAX,
          false,
        ),
      );
    await interaction.showModal(modal);
  },
};

function textRow(id: string, label: string, placeholder: string, max: number, required: boolean) {
  return new ActionRowBuilder<TextInputBuilder>().addComponents(
    new TextInputBuilder()
      .setCustomId(id)
      .setLabel(label)
      .setPlaceholder(placeholder)
      .setStyle(TextInputStyle.Short)
      .setMaxLength(max)
      .setRequired(required),
  );
}

const alreadyScheduled = (guildId: string, event: { eventId: string; startsAt: number }) =>
  `This movie night is already scheduled for ${discordTimestamp(new Date(event.startsAt), 'F')}: ${eventLink(guildId, event.eventId)}`;

/** The wall-clock day and time typed in the modal, checked; the instant they mean in `zone`. */
export function parseEventTime(day: string, time: string, zone: string): Date {
  const d = /^(\d{4})-(\d{2})-(\d{2})$/.exec(day.trim());
  if (!d)
    throw new UserFacingError(`**Day**: “${day.slice(0, 20)}” is not a date like 2026-12-24 (YYYY-MM-DD).`);
  const [year, month, dayOfMonth] = [Number(d[1]), Number(d[2]), Number(d[3])];
  const probe = new Date(Date.UTC(year, month - 1, dayOfMonth));
  if (probe.getUTCMonth() !== month - 1 || probe.getUTCDate() !== dayOfMonth)
    throw new UserFacingError(`**Day**: ${day.trim()} is not a day of the calendar.`);
  const t = /^(\d{1,2}):(\d{2})$/.exec(time.trim());
  if (!t || Number(t[1]) > 23 || Number(t[2]) > 59)
    throw new UserFacingError(
      `**Time**: “${time.slice(0, 20)}” is not a time like 20:30 (HH:MM, 24-hour clock).`,
    );
  return zonedTimeToUtc(zone, { year, month, day: dayOfMonth, hour: Number(t[1]), minute: Number(t[2]) });
}

/** The modal sent: creates the event once. */
export const scheduleModalHandler: ModalHandler<EventTarget> = {
  component: 'modal',
  parse: parseTarget(MODAL_ID),
  async run(interaction, target, context) {
    if (!interaction.inCachedGuild()) throw new UserFacingError('Movie nights are scheduled on a server.');
    await interaction.deferReply({ flags: MessageFlags.Ephemeral });
    const zoneSetting = (await serverSettings(context.store, interaction.guildId)).timezone;
    const zone = zoneSetting ?? 'UTC';
    const start = parseEventTime(
      interaction.fields.getTextInputValue('day'),
      interaction.fields.getTextInputValue('time'),
      zone,
    );
    if (start.getTime() <= Date.now())
      throw new UserFacingError(
        `${discordTimestamp(start, 'F')} is in the past (read in ${zone}); pick a time still to come.`,
      );
    if (!hasManageEvents(interaction)) throw new UserFacingError(MISSING_MANAGE_EVENTS);
    const movie = context.models.current.artifacts.movies.get(target.movieId);
    if (!movie) throw new UserFacingError('This movie is no longer in the catalogue; run /movienight again.');
    const voice = interaction.guild.voiceStates.cache.get(interaction.user.id)?.channel;
    const inVoice =
      voice && (voice.type === ChannelType.GuildVoice || voice.type === ChannelType.GuildStageVoice);
    const place = interaction.fields.getTextInputValue('place').trim();
    if (!inVoice && place === '')
      throw new UserFacingError(
        'Join the voice (or stage) channel you will watch in, or type a **Place**, then send the form again.',
      );

    const nights = movieNights(context);
    const claim = await nights.claimEvent(target.pollMessageId);
    if (!claim.claimed) {
      throw new UserFacingError(
        claim.eventId
          ? alreadyScheduled(interaction.guildId, { eventId: claim.eventId, startsAt: claim.startsAt! })
          : 'This movie night is being scheduled right now; the event appears in a moment.',
      );
    }
    let eventId: string;
    try {
      const image = await posterDataUri(context, movie);
      const options: GuildScheduledEventCreateOptions = {
        name: truncatedDisplayTitle(movie.title, NAME_MAX),
        description: eventDescription(movie),
        scheduledStartTime: start,
        privacyLevel: GuildScheduledEventPrivacyLevel.GuildOnly,
        ...(image ? { image } : {}),
        ...(inVoice
          ? {
              entityType:
                voice.type === ChannelType.GuildStageVoice
                  ? GuildScheduledEventEntityType.StageInstance
                  : GuildScheduledEventEntityType.Voice,
              channel: voice.id,
            }
          : {
              entityType: GuildScheduledEventEntityType.External,
              entityMetadata: { location: place },
              scheduledEndTime: new Date(start.getTime() + DEFAULT_LENGTH_MS),
            }),
      };
      const event = await interaction.guild.scheduledEvents.create(options);
      eventId = event.id;
    } catch (error) {
      await nights.releaseEvent(target.pollMessageId);
      // Discord refused on permissions after all (they changed, or the voice channel's own overrides).
      if ((error as { code?: number }).code === RESTJSONErrorCodes.MissingPermissions)
        throw new UserFacingError(inVoice ? missingInVoice(voice.id) : MISSING_MANAGE_EVENTS);
      throw error;
    }
    await nights.rememberEventMovie(
      eventId,
      { guildId: interaction.guildId, movieId: target.movieId },
      start.getTime(),
    );
    await nights.eventCreated(target.pollMessageId, eventId, start.getTime());
    context.logger.info({ voice: Boolean(inVoice), zoneSet: Boolean(zoneSetting) }, 'movie night scheduled');
    const where = inVoice ? `in <#${voice.id}>` : `at ${place}`;
    const zoneNote = zoneSetting
      ? `read in ${zone}`
      : 'read in UTC, as this server has no time zone set (admins: `/settings timezone`)';
    await interaction.editReply({
      content: `📅 Scheduled for ${discordTimestamp(start, 'F')} (${zoneNote}) ${where}: ${eventLink(interaction.guildId, eventId)}`,
      allowedMentions: { parse: [] },
    });
  },
};

/** The card's plain-text summary (an event description shows no Markdown links), at most 1000 characters. */
export function eventDescription(movie: MovieInfo): string {
  const text = `Movie night: ${truncatedDisplayTitle(movie.title, 300)}\n${movieSummary(movie)}`;
  return text.length <= DESCRIPTION_MAX ? text : `${text.slice(0, DESCRIPTION_MAX - 1)}…`;
}

/** The poster as a data URI for the cover image, or null (no TMDB, no poster, or fetching it failed). */
export async function posterDataUri(context: BotContext, movie: MovieInfo): Promise<string | null> {
  try {
    const url = await context.posters.getPoster(movie.tmdbId);
    if (!url) return null;
    const response = await fetch(url, { signal: AbortSignal.timeout(5_000) });
    const type = response.headers.get('content-type') ?? '';
    if (!response.ok || !/^image\/(png|jpeg|gif|webp)$/.test(type.split(';')[0].trim())) return null;
    const bytes = Buffer.from(await response.arrayBuffer());
    if (bytes.length === 0 || bytes.length > POSTER_MAX_BYTES) return null;
    return `data:${type.split(';')[0].trim()};base64,${bytes.toString('base64')}`;
  } catch (error) {
    context.logger.debug({ err: error }, 'poster for the event could not be fetched; creating it without');
    return null;
  }
}

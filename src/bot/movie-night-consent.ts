/**
 * The public "count me in?" question /movienight asks the members who have not agreed to movie nights in
 * this server yet (PRIVACY.md, "Group picks"). Its buttons carry only the request's id (and, for "Pick now",
 * the caller's id, for the one owner check): who was asked and who answered what is in the store, so the
 * question keeps working after a restart and on any shard.
 */
import { ButtonStyle, ComponentType } from 'discord.js';
import type { Keyv } from 'keyv';
import {
  isExpired,
  MovieNightConsents,
  membersIn,
  membersOut,
  membersWaiting,
  REQUEST_LIFETIME_MS,
  type ConsentAnswer,
  type MovieNightRequest,
} from '../store/movie-night-consent.ts';
import type { BotContext } from './context.ts';
import { joinNames, mention } from './movie-night.ts';
import type { ActionRow } from './rating-components.ts';

export type ConsentChoice = ConsentAnswer | 'always';

export interface ConsentButtonState {
  requestId: string;
  choice: ConsentChoice;
}

export interface PickNowState {
  requestId: string;
  /** The caller: the only one who may press "Pick now". */
  ownerId: string;
}

const ANSWER_ID = /^movienight:answer:(\d{17,20}):(in|always|out)$/;
const PICK_ID = /^movienight:pick:(\d{17,20}):(\d{17,20})$/;

export const parseConsentButton = (id: string): ConsentButtonState | null => {
  const m = ANSWER_ID.exec(id);
  return m ? { requestId: m[1], choice: m[2] as ConsentChoice } : null;
};

export const parsePickNow = (id: string): PickNowState | null => {
  const m = PICK_ID.exec(id);
  return m ? { requestId: m[1], ownerId: m[2] } : null;
};

/** The question as it stands: who is in, who is waited for, who said no; with the buttons while it is open. */
export function consentMessage(
  request: MovieNightRequest,
  now = Date.now(),
): { content: string; components: ActionRow[] } {
  const waiting = membersWaiting(request);
  const out = membersOut(request);
  const closes = Math.floor((request.createdAt + REQUEST_LIFETIME_MS) / 1000);
  const lines = [
    `${mention(request.callerId)} is planning a movie night with ${joinNames(request.memberIds.map(mention))}.`,
  ];
  if (waiting.length > 0) {
    lines.push(
      `${joinNames(waiting.map(mention))}: count you in? FlickPick picks from the ratings of the members who ` +
        'join; the picks never show anyone’s ratings or the movies they rated. Only you can answer for yourself.',
    );
  }
  lines.push(`**In**: ${joinNames(membersIn(request).map(mention))}`);
  if (waiting.length > 0) lines.push(`**Waiting for**: ${joinNames(waiting.map(mention))}`);
  if (out.length > 0) lines.push(`**Not joining**: ${joinNames(out.map(mention))}`);
  const pickNow = {
    type: ComponentType.Button as const,
    custom_id: `movienight:pick:${request.id}:${request.callerId}`,
    label: 'Pick now',
    style: ButtonStyle.Secondary as const,
  };
  if (isExpired(request, now)) {
    // Answers are closed; the caller can still pick with whoever said yes (the timeout's outcome).
    if (membersIn(request).length < 2) {
      lines.push('Answers have closed and nobody else said yes. Run /movienight pick to plan another.');
      return { content: lines.join('\n'), components: [] };
    }
    lines.push(
      `Answers have closed. ${mention(request.callerId)} can still press **Pick now** to pick with whoever is in.`,
    );
    return {
      content: lines.join('\n'),
      components: [{ type: ComponentType.ActionRow, components: [pickNow] }],
    };
  }
  lines.push(
    `The picks come once everyone has answered, or when ${mention(request.callerId)} presses **Pick now**; ` +
      `answers close <t:${closes}:R>.`,
  );
  const button = (
    choice: ConsentChoice,
    label: string,
    style: ButtonStyle.Success | ButtonStyle.Primary | ButtonStyle.Secondary,
  ) => ({
    type: ComponentType.Button as const,
    custom_id: `movienight:answer:${request.id}:${choice}`,
    label,
    style,
  });
  return {
    content: lines.join('\n'),
    components: [
      {
        type: ComponentType.ActionRow,
        components: [
          button('in', 'Count me in', ButtonStyle.Success),
          button('always', 'Always count me in on this server', ButtonStyle.Primary),
          button('out', 'Not this time', ButtonStyle.Secondary),
          pickNow,
        ],
      },
    ],
  };
}

const byStore = new WeakMap<Keyv, MovieNightConsents>();

/** The bot's one MovieNightConsents per store, so that a process's changes of one request queue behind each other. */
export function movieNightConsents(context: Pick<BotContext, 'store'>): MovieNightConsents {
  let consents = byStore.get(context.store);
  if (!consents) byStore.set(context.store, (consents = new MovieNightConsents(context.store)));
  return consents;
}

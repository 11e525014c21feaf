/**
 * The private preview of an import and its Confirm/Cancel buttons. Between the two, the matched movie ids
 * wait in this process's memory (never in the store, and the file itself not at all) for at most 15 minutes,
 * the life of the interaction token; a member has at most one import waiting.
 */
import { randomUUID } from 'node:crypto';
import {
  ButtonStyle,
  ComponentType,
  escapeMarkdown,
  type APIActionRowComponent,
  type APIButtonComponent,
} from 'discord.js';
import type { Artifacts } from '../artifacts/types.ts';
import { KIND_LABEL } from '../serve/import/export-format.ts';
import type { ImportPlan } from '../serve/import/import-plan.ts';
import type { ExportRow } from '../serve/import/parse-export.ts';
import { displayTitle } from '../serve/titles.ts';
import type { ImportBatch, ImportOutcome } from '../store/member-ratings.ts';

const PENDING_TTL_MS = 15 * 60_000;
const EXAMPLES = 3;
const MAX_CONTENT = 2000;

export interface PendingImport {
  ownerId: string;
  label: string;
  batch: ImportBatch;
  expiresAt: number;
}

const pending = new Map<string, PendingImport>();

/** Keeps the plan's matched movies for Confirm; replaces the member's earlier waiting import. */
export function holdImport(ownerId: string, plan: ImportPlan, now = Date.now()): string {
  for (const [token, held] of pending) {
    if (held.ownerId === ownerId || held.expiresAt < now) pending.delete(token);
  }
  const token = randomUUID().replace(/-/g, '').slice(0, 16);
  pending.set(token, {
    ownerId,
    label: KIND_LABEL[plan.kind],
    batch: { target: plan.target, source: plan.source, entries: plan.entries },
    expiresAt: now + PENDING_TTL_MS,
  });
  return token;
}

/** The waiting import for a button's token, taken out (a second press finds nothing). */
export function takeImport(
  token: string,
  ownerId: string,
  now = Date.now(),
): PendingImport | 'expired' | 'not-yours' {
  const held = pending.get(token);
  if (!held || held.expiresAt < now) {
    pending.delete(token);
    return 'expired';
  }
  if (held.ownerId !== ownerId) return 'not-yours';
  pending.delete(token);
  return held;
}

const WHAT: Record<ImportBatch['target'], { noun: string; plural: string }> = {
  ratings: { noun: 'rating', plural: 'ratings' },
  seen: { noun: '“seen” mark', plural: '“seen” marks' },
  watchlist: { noun: 'watchlist entry', plural: 'watchlist entries' },
};

export function previewMessage(
  plan: ImportPlan,
  fileName: string,
  outcome: ImportOutcome,
  artifacts: Artifacts,
  token: string,
): { content: string; components: APIActionRowComponent<APIButtonComponent>[] } {
  const what = WHAT[plan.target];
  const lines = [
    `**Preview: ${KIND_LABEL[plan.kind]}** from ${escapeMarkdown(fileName)} (${count(plan.rows, 'line')}). Nothing is saved until you confirm; the file itself is never kept.`,
    `✅ Matched: **${plan.entries.length.toLocaleString('en-US')}** ${plan.entries.length === 1 ? 'movie' : 'movies'} — ${outcomeText(outcome, what)}.`,
  ];
  if (plan.notFound.length > 0) {
    lines.push(
      `❔ Not in FlickPick’s movies: ${plan.notFound.length.toLocaleString('en-US')} — e.g. ${examples(plan.notFound)}.`,
    );
  }
  if (plan.ambiguous.length > 0) {
    const shown = plan.ambiguous.slice(0, EXAMPLES).map(({ row, movieIds }) => {
      const options = movieIds
        .slice(0, 3)
        .map((id) => escapeMarkdown(displayTitle(artifacts.movies.get(id)?.title ?? `#${id}`)));
      return `${rowText(row)} could be ${options.join(' or ')}`;
    });
    lines.push(
      `⚠️ Ambiguous, left out: ${plan.ambiguous.length.toLocaleString('en-US')} — ${shown.join('; ')}. Rate those with /rate.`,
    );
  }
  if (plan.unrated > 0)
    lines.push(`Lines without a rating (skipped): ${plan.unrated.toLocaleString('en-US')}.`);
  const nothing = outcome.added + outcome.updated === 0;
  if (nothing) lines.push('Importing would change nothing.');
  return {
    content: fit(lines.join('\n')),
    components: [
      {
        type: ComponentType.ActionRow,
        components: [
          {
            type: ComponentType.Button,
            style: ButtonStyle.Success,
            custom_id: `import:confirm:${token}`,
            label: `Import ${count(outcome.added + outcome.updated, what.noun, what.plural)}`,
            disabled: nothing,
          },
          {
            type: ComponentType.Button,
            style: ButtonStyle.Secondary,
            custom_id: `import:cancel:${token}`,
            label: 'Cancel',
          },
        ],
      },
    ],
  };
}

export function importedMessage(
  held: PendingImport,
  outcome: ImportOutcome,
  next: string | undefined,
): string {
  const what = WHAT[held.batch.target];
  return fit(`Imported your ${held.label}: ${outcomeText(outcome, what)}.${next ? ` ${next}` : ''}`);
}

function outcomeText(outcome: ImportOutcome, what: { noun: string; plural: string }): string {
  const parts = [`${count(outcome.added, `new ${what.noun}`, `new ${what.plural}`)}`];
  if (outcome.updated > 0)
    parts.push(`${count(outcome.updated, 'updated', 'updated')} from an earlier import`);
  if (outcome.unchanged > 0) parts.push(`${count(outcome.unchanged, 'already there', 'already there')}`);
  if (outcome.keptYours > 0) {
    parts.push(`${count(outcome.keptYours, 'movie')} you rated or marked in Discord kept as you said`);
  }
  return parts.join(', ');
}

function count(n: number, singular: string, plural = `${singular}s`): string {
  return `${n.toLocaleString('en-US')} ${n === 1 ? singular : plural}`;
}

function rowText(row: ExportRow): string {
  return `“${escapeMarkdown(row.name)}${row.year ? ` (${row.year})` : ''}”`;
}

function examples(rows: readonly ExportRow[]): string {
  return rows.slice(0, EXAMPLES).map(rowText).join(', ') + (rows.length > EXAMPLES ? ', …' : '');
}

/** Export titles are the member's text: cut to Discord's content limit rather than fail. */
function fit(text: string): string {
  return text.length <= MAX_CONTENT ? text : `${text.slice(0, MAX_CONTENT - 1)}…`;
}

import type { Artifacts } from '../artifacts/types.ts';
import type { RetrainProgress, RetrainSummary } from '../retrain/service.ts';
import { describeProgress } from '../train/progress-text.ts';
import { displayTitle } from '../serve/titles.ts';

const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

export function progressText(p: RetrainProgress): string {
  return `Retraining (run \`${p.runId}\`): ${describeProgress(p)} — ${seconds(p.elapsedMs)} elapsed.`;
}

function titles(ids: number[], artifacts: Artifacts): string {
  const shown = ids.slice(0, 5).map((id) => displayTitle(artifacts.movies.get(id)?.title ?? `movie ${id}`));
  return ids.length > 5 ? `${shown.join(', ')} and ${ids.length - 5} more` : shown.join(', ');
}

/** The closing summary: outcome, duration, rows, RMSE before/after, and what changed in the catalog. */
export function summaryText(s: RetrainSummary, artifacts: Artifacts): string {
  const lines: string[] = [];
  const rmse = (x?: number) => (x === undefined ? 'n/a' : x.toFixed(4));
  if (s.outcome === 'skipped') {
    return `⏭️ Nightly retrain \`${s.runId}\` skipped: neither the dataset nor members' ratings changed since \`${s.previousVersion ?? 'the serving version'}\`, which keeps serving.`;
  }
  if (s.outcome === 'published')
    lines.push(`✅ Retrain \`${s.runId}\` published version \`${s.version}\` — now serving.`);
  else if (s.outcome === 'rejected') {
    lines.push(
      `⚠️ Retrain \`${s.runId}\` produced a version that failed verification; \`${s.previousVersion ?? 'the old one'}\` keeps serving.`,
    );
  } else
    lines.push(
      `❌ Retrain \`${s.runId}\` failed: ${s.error ?? 'unknown error'}. The serving version is unchanged.`,
    );
  if (s.dataUnchanged) {
    lines.push(
      'Data unchanged since the serving version (same MovieLens files, same members’ ratings): this run retrained on the same ratings.',
    );
  }
  const members = s.memberRatings ? ` + ${s.memberRatings.toLocaleString('en')} from members` : '';
  lines.push(
    `Duration ${seconds(s.durationMs)}${s.rows !== undefined ? ` · ${s.rows.toLocaleString('en')} ratings${members}` : ''}`,
  );
  if (s.rmseAfter !== undefined || s.rmseBefore !== undefined) {
    const basis = s.rmseBasis === 'validation' ? 'Validation RMSE' : 'Hold-out RMSE';
    lines.push(`${basis}: ${rmse(s.rmseBefore)} → ${rmse(s.rmseAfter)}`);
  }
  if (s.catalogChanges) {
    const { entered, left } = s.catalogChanges;
    if (entered.length === 0 && left.length === 0) lines.push('Catalog: unchanged.');
    else {
      if (entered.length > 0) lines.push(`Entered the top 100: ${titles(entered, artifacts)}`);
      if (left.length > 0)
        lines.push(`Left the top 100: ${left.length} movie${left.length === 1 ? '' : 's'}`);
    }
  }
  for (const problem of (s.problems ?? []).slice(0, 5)) lines.push(`• ${problem}`);
  return lines.join('\n').slice(0, 2000);
}

/** The reply's last edit before its interaction token dies (see retrain-report.ts). */
export function handoverText(channelId: string): string {
  return `This reply stops updating here (Discord lets a bot edit a reply for 15 minutes only); progress and the summary continue in <#${channelId}>.`;
}

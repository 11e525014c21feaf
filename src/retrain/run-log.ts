/** How a retrain run appears in the bot's log: its closing line, and the training process's lines. */
import type { Logger } from 'pino';
import type { RetrainSummary } from './types.ts';

/** One line per run, at a level that matches its outcome. */
export function logOutcome(log: Logger, summary: RetrainSummary, servingNow: string): void {
  const { durationMs, version, previousVersion, rows, rmseBefore, rmseAfter } = summary;
  const fields = {
    outcome: summary.outcome,
    durationMs,
    version,
    previousVersion,
    rows,
    rmseBefore,
    rmseAfter,
    rmseBasis: summary.rmseBasis,
    memberRatings: summary.memberRatings,
    dataUnchanged: summary.dataUnchanged,
  };
  if (summary.outcome === 'skipped') {
    log.info(
      fields,
      `nightly retrain skipped: neither the dataset nor members' ratings changed since ${previousVersion}`,
    );
  } else if (summary.outcome === 'published') {
    log.info(
      {
        ...fields,
        catalogEntered: summary.catalogChanges?.entered.length,
        catalogLeft: summary.catalogChanges?.left.length,
      },
      `retrain published model version ${version}`,
    );
  } else if (summary.outcome === 'rejected') {
    log.warn(
      { ...fields, problems: summary.problems, rejectedDir: summary.rejectedDir },
      `retrain rejected model version ${version}; still serving ${previousVersion}`,
    );
  } else {
    log.error({ ...fields, error: summary.error }, `retrain failed; still serving ${servingNow}`);
  }
}

/** Re-logs one JSON line from the training process's pino logger under this run's logger. */
export function relog(log: Logger, line: string): void {
  let entry: Record<string, unknown>;
  try {
    entry = JSON.parse(line) as Record<string, unknown>;
  } catch {
    log.info({ line }, 'training process output');
    return;
  }
  const { level, msg, time: _time, ...fields } = entry;
  const label = log.levels.labels[Number(level)] ?? 'info';
  const method = (log as unknown as Record<string, (obj: object, msg?: string) => void>)[label];
  method.call(log, { ...fields, from: 'training-process' }, typeof msg === 'string' ? msg : undefined);
}

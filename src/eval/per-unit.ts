/**
 * Comparing two runs on the same users (issue 14: "/recommend not worse than today, paired interval of the
 * difference"): a run can write each list's per-user hits (`--per-user FILE`), and a later run reads that
 * file (`--compare-with FILE`) and reports, for every list both hold, the paired bootstrap of the
 * difference over the users both scored. Same split and seed → same users, so the difference is the
 * change's, not the draw of users'.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { round } from './measure.ts';
import { pairedBootstrap } from './statistics.ts';

/** list key → unit id (a user id, or a group's member ids joined with "+") → hits. */
export type PerUnitHits = Record<string, Record<string, number>>;

export interface PerUnitFile {
  kind: 'flickpick-per-unit-hits';
  /** The run's protocol line, so a comparison can refuse two different protocols. */
  protocol: Record<string, unknown>;
  hits: PerUnitHits;
}

export async function writePerUnit(file: string, protocol: Record<string, unknown>, hits: PerUnitHits) {
  const content: PerUnitFile = { kind: 'flickpick-per-unit-hits', protocol, hits };
  await writeFile(file, JSON.stringify(content) + '\n');
}

export async function readPerUnit(file: string): Promise<PerUnitFile> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(await readFile(file, 'utf8'));
  } catch (error) {
    throw new Error(`${file}: not a per-user hits file (${(error as Error).message})`);
  }
  const value = parsed as Partial<PerUnitFile>;
  if (value?.kind !== 'flickpick-per-unit-hits' || typeof value.hits !== 'object' || value.hits === null)
    throw new Error(`${file}: not a per-user hits file (written by evaluate-ranking --per-user)`);
  return value as PerUnitFile;
}

/**
 * One line per list both runs scored: this run's hits minus the earlier run's, per 100 users, with the
 * bootstrap interval over the users both scored.
 */
export function compareRuns(
  now: PerUnitHits,
  before: PerUnitFile,
  options: { seed: number; resamples?: number },
): Record<string, unknown>[] {
  const lines: Record<string, unknown>[] = [];
  for (const [list, units] of Object.entries(now)) {
    const earlier = before.hits[list];
    if (!earlier) continue;
    const common = Object.keys(units).filter((unit) => unit in earlier);
    if (common.length === 0) continue;
    const c = pairedBootstrap(
      common.map((unit) => units[unit]),
      common.map((unit) => earlier[unit]),
      options,
    );
    lines.push({
      name: 'compare-runs',
      list,
      units: common.length,
      now: round(100 * c.meanA, 1),
      before: round(100 * c.meanB, 1),
      difference: round(100 * c.difference, 1),
      low: round(100 * c.low, 1),
      high: round(100 * c.high, 1),
      metric: 'hitsPer100',
    });
  }
  return lines;
}

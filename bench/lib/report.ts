/** The shape every benchmark returns, and the markdown table printed at the end of a run. */
import type { Summary } from './stats.ts';

export type Unit = 'ms' | 's' | 'MB' | 'count' | '×';

/** One line of the results table: a headline figure, optionally compared with a target (an upper bound). */
export interface Row {
  metric: string;
  unit: Unit;
  /** The figure compared with the target (usually a p99 or a median). */
  measured: number;
  /** Upper bound the measured figure should stay within. */
  target?: number;
  /** Latency distribution behind the figure, when it is one. */
  summary?: Summary;
  note?: string;
}

export interface BenchmarkOutcome {
  rows: Row[];
  /** Everything else worth keeping in the results file (per-run numbers, settings). */
  raw: Record<string, unknown>;
}

export interface BenchmarkRecord extends BenchmarkOutcome {
  name: string;
  startedAt: string;
  durationMs: number;
  /** os.loadavg() before and after: other work on the machine skews the figures. */
  loadBefore: number[];
  loadAfter: number[];
  /** Highest 1-minute load average sampled while it ran (includes the benchmark's own processes). */
  loadPeak: number;
  /** CPU used by everything outside the benchmark's process tree while it ran. */
  foreignCpu: { meanCores: number; peakCores: number };
  error?: string;
}

export function passed(row: Row): boolean | undefined {
  return row.target === undefined ? undefined : row.measured <= row.target;
}

export function formatValue(value: number | undefined, unit: Unit): string {
  if (value === undefined || Number.isNaN(value)) return '–';
  if (unit === 'count') return String(Math.round(value));
  if (unit === '×') return `${value.toFixed(2)}×`;
  if (unit === 'MB' || unit === 's') return `${value.toFixed(1)} ${unit}`;
  // Sub-millisecond figures need three decimals to be readable at all.
  const digits = Math.abs(value) < 1 ? 3 : Math.abs(value) < 100 ? 2 : 0;
  return `${value.toFixed(digits)} ms`;
}

function targetText(row: Row): string {
  if (row.target === undefined) return '';
  if (row.unit === 'count') return `${row.target}`;
  // Three significant digits: "≤ 20 ms", "≤ 0.5 ms", and "≤ 44.4 ms" for a target derived from a p99.
  return `≤ ${Number(row.target.toPrecision(3))} ${row.unit}`;
}

function verdict(row: Row): string {
  const ok = passed(row);
  return ok === undefined ? '' : ok ? 'met' : '**missed**';
}

const escapeCell = (text: string) => text.replace(/\|/g, '\\|');

export function markdownTable(records: readonly BenchmarkRecord[]): string {
  const lines = [
    '| Benchmark | Metric | n | p50 | p99 | Measured | Target | Result |',
    '| --- | --- | --: | --: | --: | --: | --: | --- |',
  ];
  for (const record of records) {
    if (record.error) {
      lines.push(`| ${record.name} | failed: ${escapeCell(record.error)} | | | | | | **error** |`);
      continue;
    }
    for (const row of record.rows) {
      const s = row.summary;
      const unit = row.unit === '×' ? 'ms' : row.unit;
      lines.push(
        `| ${record.name} | ${escapeCell(row.metric)}${row.note ? ` (${escapeCell(row.note)})` : ''} | ${
          s?.n ?? ''
        } | ${s ? formatValue(s.p50, unit) : ''} | ${s ? formatValue(s.p99, unit) : ''} | ${formatValue(
          row.measured,
          row.unit,
        )} | ${targetText(row)} | ${verdict(row)} |`,
      );
    }
  }
  return lines.join('\n');
}

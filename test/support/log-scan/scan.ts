/**
 * The suite-wide leak check: every bot started by the tests (bot-harness.ts in-process, bot-process.ts
 * as its own process) writes each log line to a file in one folder per test run; after the run,
 * globalSetup.ts scans them all here. A leak is a Discord id, a token or a key in any line, whether it
 * is one of the fakes' known values or only has their shape.
 */
import { mkdirSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

/** The folder of this run, named by the vitest main process (globalSetup sets the variable first). */
export const LOG_SCAN_ENV = 'FLICKPICK_LOG_SCAN_DIR';

/** Where a bot started by a test writes its log lines; undefined when no scan is set up. */
export function logScanDir(): string | undefined {
  const dir = process.env[LOG_SCAN_ENV];
  if (!dir) return undefined;
  mkdirSync(dir, { recursive: true });
  return dir;
}

let files = 0;
/** A fresh file name in the scan folder for one bot (pid + counter: test files run in parallel). */
export function logScanFile(label: string): string | undefined {
  const dir = logScanDir();
  return dir ? path.join(dir, `${label}-${process.pid}-${++files}.log`) : undefined;
}

/** What counts as a leak: the fakes' secrets by value, and any token- or id-shaped string. */
const LEAKS: ReadonlyArray<{ what: string; pattern: RegExp }> = [
  // The fake Discord's bot token: base64url(application id) . "fake" . x×27 (fake-discord/index.ts).
  { what: 'the fake Discord bot token', pattern: /\.ZmFrZQ\./ },
  {
    what: 'a Discord bot token or JWT',
    pattern: /[A-Za-z0-9_-]{16,}\.[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]{16,}/,
  },
  // Interaction tokens start with base64("interaction:").
  { what: 'an interaction token', pattern: /aW50ZXJhY3Rpb246/ },
  { what: 'an interaction webhook URL with its token', pattern: /\/webhooks\/\d+\/(?!\[token\])/ },
  // The fake TMDB's default credentials (fake-tmdb/index.ts) and any 32-hex v3 key.
  { what: 'the fake TMDB API key', pattern: /fake-tmdb-api-key/ },
  { what: 'the fake TMDB read token', pattern: /fake-tmdb-read-token/ },
  { what: 'a TMDB v3 API key', pattern: /(?<![0-9A-Za-z])[0-9a-f]{32}(?![0-9A-Za-z])/i },
  { what: 'an api_key in a URL', pattern: /api_key=(?!\[redacted\]|\*\*\*)/ },
  // Every id the fakes and tests use is a snowflake (17–20 digits): user, guild, channel, application,
  // interaction, message. Logged ids must appear as pseudonyms (id#…) only.
  { what: 'a Discord id', pattern: /(?<![\w.])\d{17,20}(?![\w.])/ },
];

export interface Leak {
  file: string;
  line: number;
  what: string;
  /** The line, shortened around the match, to find it again. */
  excerpt: string;
}

export interface ScanReport {
  files: number;
  lines: number;
  leaks: Leak[];
}

/** Scans every *.log file in `dir` line by line. */
export function scanLogFolder(dir: string): ScanReport {
  const report: ScanReport = { files: 0, lines: 0, leaks: [] };
  let names: string[];
  try {
    names = readdirSync(dir).filter((name) => name.endsWith('.log'));
  } catch {
    return report;
  }
  for (const name of names.sort()) {
    report.files++;
    const lines = readFileSync(path.join(dir, name), 'utf8').split('\n');
    lines.forEach((text, index) => {
      if (text.trim() === '') return;
      report.lines++;
      for (const { what, pattern } of LEAKS) {
        const match = pattern.exec(text);
        if (!match) continue;
        const from = Math.max(0, match.index - 60);
        report.leaks.push({ file: name, line: index + 1, what, excerpt: text.slice(from, match.index + 80) });
      }
    });
  }
  return report;
}

export function describeReport(report: ScanReport): string {
  const head = `log scan: ${report.lines} lines in ${report.files} files, ${report.leaks.length} leaks`;
  return [
    head,
    ...report.leaks.slice(0, 20).map((l) => `  ${l.file}:${l.line}: ${l.what}: …${l.excerpt}…`),
  ].join('\n');
}

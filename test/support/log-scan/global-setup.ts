/**
 * vitest globalSetup: before any test file runs, make this run's log folder (a fresh one under
 * $FLICKPICK_LOG_SCAN_DIR if set, else under the system temp folder) and hand it to the test
 * processes, and every bot they start, through the environment; after the last one, scan all bot log
 * lines and fail the run if any holds a token, key or Discord id (scan.ts). A clean folder is removed;
 * a dirty one is kept for inspection and its path printed.
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describeReport, LOG_SCAN_ENV, scanLogFolder } from './scan.ts';

export default function setup(): () => void {
  const parent = process.env[LOG_SCAN_ENV] || os.tmpdir();
  mkdirSync(parent, { recursive: true });
  const dir = mkdtempSync(path.join(parent, 'flickpick-log-scan-'));
  process.env[LOG_SCAN_ENV] = dir;
  return () => {
    const report = scanLogFolder(dir);
    console.log(describeReport(report));
    if (report.leaks.length > 0) {
      // vitest reports an error thrown here but would still exit with 0.
      process.exitCode = 1;
      throw new Error(`${describeReport(report)}\nThe log files are kept in ${dir}`);
    }
    rmSync(dir, { recursive: true, force: true });
  };
}

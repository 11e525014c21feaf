/**
 * The bot as its own process, as `npm start` (compiled) or `npm run dev` (tsx) runs it, with its
 * JSON log lines collected so tests can wait for one (e.g. which port the health endpoint got).
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { appendFileSync } from 'node:fs';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { execArgvFor } from '../../src/child-module.ts';
import { tempDir } from './dataset.ts';
import { logScanFile } from './log-scan/scan.ts';

export const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const MAIN_SOURCE = fileURLToPath(new URL('../../src/main.ts', import.meta.url));
export const MAIN_COMPILED = fileURLToPath(new URL('../../dist/src/main.js', import.meta.url));
const TSC = fileURLToPath(new URL('../../node_modules/.bin/tsc', import.meta.url));

/** `npm run build`: tsc -b, which does nothing when dist/ is up to date. */
export function buildDist(): void {
  execFileSync(TSC, ['-b', 'tsconfig.build.json'], { cwd: REPO_ROOT, stdio: 'pipe' });
}

export type LogLine = Record<string, unknown> & { msg?: string };

export interface BotProcess {
  child: ChildProcess;
  exited: Promise<[number | null, NodeJS.Signals | null]>;
  output(): { stdout: string; stderr: string };
  /** Parsed JSON log lines so far (stdout). */
  logs(): LogLine[];
  /** Resolves with the first log line (already seen ones count) matching `predicate`. */
  waitForLog(predicate: (line: LogLine) => boolean, timeoutMs?: number): Promise<LogLine>;
}

/**
 * Starts `script` (compiled .js, or .ts with tsx's loader) in an empty folder, so no .env is picked
 * up; `nodeArgs` go before the script (e.g. `--import` a preload).
 */
export async function startBotProcess(
  env: Record<string, string>,
  script = MAIN_SOURCE,
  nodeArgs: string[] = [],
): Promise<BotProcess> {
  const cwd = await tempDir('flickpick-cwd-');
  // node itself, with tsx's loader for TypeScript (not the tsx CLI, which sits in between and does
  // not pass on every signal): signals reach the bot process as a supervisor's would.
  const args = [...execArgvFor(script), ...nodeArgs, script];
  const child = spawn(process.execPath, args, {
    cwd,
    env: { PATH: process.env.PATH, ...env },
    stdio: 'pipe',
  });
  let stdout = '';
  let stderr = '';
  const waiters = new Set<() => void>();
  // Everything the process prints goes to the suite's log-scan folder too (scanned after the run).
  const scanFile = logScanFile('bot-process');
  const keep = (chunk: Buffer) => scanFile && appendFileSync(scanFile, chunk);
  child.stderr.on('data', keep);
  child.stdout.on('data', (chunk: Buffer) => {
    keep(chunk);
    stdout += chunk.toString();
    for (const wake of waiters) wake();
  });
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = once(child, 'exit') as Promise<[number | null, NodeJS.Signals | null]>;
  const logs = (): LogLine[] =>
    stdout.split('\n').flatMap((line) => {
      if (!line.startsWith('{')) return [];
      try {
        return [JSON.parse(line) as LogLine];
      } catch {
        return [];
      }
    });
  return {
    child,
    exited,
    output: () => ({ stdout, stderr }),
    logs,
    waitForLog(predicate, timeoutMs = 30_000) {
      return new Promise((resolve, reject) => {
        const check = () => {
          const found = logs().find(predicate);
          if (found) finish(() => resolve(found));
        };
        const finish = (fn: () => void) => {
          waiters.delete(check);
          clearTimeout(timer);
          fn();
        };
        const timer = setTimeout(
          () =>
            finish(() =>
              reject(new Error(`no matching log line within ${timeoutMs} ms:\n${stdout}\n${stderr}`)),
            ),
          timeoutMs,
        );
        waiters.add(check);
        void exited.then(() =>
          setImmediate(() => {
            check();
            finish(() => reject(new Error(`the process exited:\n${stdout}\n${stderr}`)));
          }),
        );
        check();
      });
    },
  };
}

/** Child processes for honest cold numbers: the tsx CLI as `npm run …` runs it, or a forked .ts script. */
import { spawn, fork, type ChildProcess } from 'node:child_process';
import { createRequire } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';

export const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));

const require = createRequire(import.meta.url);
/** tsx's ESM loader as a file URL, so a forked script resolves it whatever its working directory. */
const TSX_LOADER = pathToFileURL(require.resolve('tsx')).href;
const TSX_CLI = fileURLToPath(new URL('../../node_modules/.bin/tsx', import.meta.url));

export interface CommandResult {
  code: number | null;
  stdout: string;
  stderr: string;
  wallMs: number;
}

/** Runs `tsx <args>` (what an npm script runs) in the repo root and collects its output. */
export function runTsx(args: string[], env: Record<string, string>): Promise<CommandResult> {
  const started = performance.now();
  const child = spawn(TSX_CLI, args, { cwd: REPO_ROOT, env: { ...process.env, ...env } });
  const out: Buffer[] = [];
  const err: Buffer[] = [];
  child.stdout.on('data', (chunk: Buffer) => out.push(chunk));
  child.stderr.on('data', (chunk: Buffer) => err.push(chunk));
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (code) =>
      resolve({
        code,
        stdout: Buffer.concat(out).toString('utf8'),
        stderr: Buffer.concat(err).toString('utf8'),
        wallMs: performance.now() - started,
      }),
    );
  });
}

/**
 * Forks a TypeScript module with an IPC channel. stderr goes to ours so crashes are visible; stdout
 * (the bot's JSON logs) can be discarded, which still costs the child the same as logging to a file.
 */
export function forkTs(
  modulePath: string,
  env: Record<string, string>,
  { quietStdout = false, nodeOptions = [] }: { quietStdout?: boolean; nodeOptions?: string[] } = {},
): ChildProcess {
  // BENCH_PROFILE_DIR=dir writes a V8 CPU profile of every forked process there (to see where time goes).
  const profile = process.env.BENCH_PROFILE_DIR
    ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_PROFILE_DIR}`]
    : [];
  return fork(modulePath, [], {
    cwd: REPO_ROOT,
    execArgv: ['--import', TSX_LOADER, ...nodeOptions, ...profile],
    env: { ...process.env, ...env },
    stdio: ['ignore', quietStdout ? 'ignore' : 'inherit', 'inherit', 'ipc'],
  });
}

/** Resolves with the first IPC message matching `accept`; rejects if the child exits or time runs out. */
export function nextMessage<T>(
  child: ChildProcess,
  accept: (message: unknown) => message is T,
  timeoutMs: number,
  what: string,
): Promise<T> {
  return new Promise((resolve, reject) => {
    const cleanup = () => {
      clearTimeout(timer);
      child.off('message', onMessage);
      child.off('exit', onExit);
    };
    const onMessage = (message: unknown) => {
      if (!accept(message)) return;
      cleanup();
      resolve(message);
    };
    const onExit = (code: number | null, signal: string | null) => {
      cleanup();
      reject(new Error(`child exited (${signal ?? code}) while waiting for ${what}`));
    };
    const timer = setTimeout(() => {
      cleanup();
      reject(new Error(`timed out after ${timeoutMs} ms waiting for ${what}`));
    }, timeoutMs);
    child.on('message', onMessage);
    child.once('exit', onExit);
  });
}

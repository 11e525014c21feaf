/**
 * Child processes run the same flavour of code as their parent: compiled JavaScript under dist/ in
 * production (plain `node`, no loader), TypeScript from source under tsx in development and tests.
 * A module finds its sibling by its own extension, and a `.ts` entry point is forked with tsx's
 * loader, resolved to an absolute URL (a bare `--import tsx` would be looked up from the child's
 * working directory, which need not be this project). tsx is a development dependency: it is only
 * resolved when a `.ts` file is actually forked. Worker threads are the same, except that a worker does
 * not take tsx from execArgv: a `.ts` worker registers tsx's ESM hooks itself, then imports its entry.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';

/** The file of `name` (no extension) next to the calling module, with the caller's extension. */
export function siblingModule(callerUrl: string, name: string): string {
  const caller = fileURLToPath(callerUrl);
  return path.join(path.dirname(caller), `${name}${path.extname(caller)}`);
}

/** Node flags to fork `file` with: tsx's loader for TypeScript, nothing for JavaScript. */
export function execArgvFor(file: string): string[] {
  if (!/\.[cm]?ts$/.test(file)) return [];
  return ['--import', pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href];
}

/** A worker thread running `file` (from siblingModule), with tsx's hooks when it is TypeScript. */
export function startModuleWorker(file: string, workerData: unknown): Worker {
  if (!/\.[cm]?ts$/.test(file)) return new Worker(file, { workerData });
  const code =
    `import(${JSON.stringify(tsxEsmApi())})` +
    `.then((tsx) => { tsx.register(); return import(${JSON.stringify(pathToFileURL(file).href)}); });`;
  return new Worker(code, { eval: true, workerData });
}

/** The file URL of tsx's ESM register API, read from its package exports. */
function tsxEsmApi(): string {
  const manifest = createRequire(import.meta.url).resolve('tsx/package.json');
  const { exports } = JSON.parse(readFileSync(manifest, 'utf8')) as {
    exports: Record<string, { import: { default: string } }>;
  };
  return pathToFileURL(path.join(path.dirname(manifest), exports['./esm/api'].import.default)).href;
}

/** Raw results: one JSON file per day and machine, each `npm run bench` appending one run to it. */
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { MachineInfo, SourceState } from './machine.ts';
import type { BenchmarkRecord } from './report.ts';

export const RESULTS_DIR = fileURLToPath(new URL('../results/', import.meta.url));

export interface RunRecord {
  startedAt: string;
  finishedAt: string;
  argv: string[];
  machine: MachineInfo;
  source: SourceState;
  benchmarks: BenchmarkRecord[];
}

interface ResultsFile {
  runs: RunRecord[];
}

export function resultsPath(machine: MachineInfo, date = new Date()): string {
  // Local calendar date: the file a person looks for is "today's".
  const day = [date.getFullYear(), date.getMonth() + 1, date.getDate()]
    .map((part) => String(part).padStart(2, '0'))
    .join('-');
  return path.join(RESULTS_DIR, `${day}-${machine.host}.json`);
}

export async function appendRun(file: string, run: RunRecord): Promise<void> {
  let existing: ResultsFile = { runs: [] };
  try {
    existing = JSON.parse(await readFile(file, 'utf8')) as ResultsFile;
  } catch {
    // first run of the day on this machine
  }
  existing.runs.push(run);
  await mkdir(path.dirname(file), { recursive: true });
  await writeFile(file, `${JSON.stringify(existing, null, 2)}\n`);
}

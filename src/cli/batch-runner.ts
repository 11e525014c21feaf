/**
 * The `--batch` loop the batch commands share: one request per line of FILE ("-" = stdin), one JSON line per
 * request on the output, in order; a line that cannot be answered gets `{"error": "line N: …"}` and the
 * loop goes on. Writes are batched and wait for the output to drain, so a large file streams.
 */
import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import { UsageError } from './context.ts';

export type BatchAnswer = Record<string, unknown> | { error: string };

export async function answerBatch(
  file: string,
  output: NodeJS.WritableStream,
  answerLine: (line: string) => BatchAnswer,
): Promise<{ requests: number; errors: number }> {
  const input = file === '-' ? process.stdin : createReadStream(file);
  await new Promise<void>((resolve, reject) => {
    if (file === '-') return resolve();
    input.once('open', () => resolve());
    input.once('error', (error: NodeJS.ErrnoException) =>
      reject(error.code === 'ENOENT' ? new UsageError(`--batch: no such file ${file}`) : error),
    );
  });
  let pending: string[] = [];
  const flush = async () => {
    if (pending.length === 0) return;
    const chunk = pending.join('');
    pending = [];
    if (!output.write(chunk)) await new Promise((resolve) => output.once('drain', resolve));
  };
  let requests = 0;
  let errors = 0;
  for await (const line of createInterface({ input, crlfDelay: Infinity })) {
    requests++;
    const answer = answerLine(line);
    if ('error' in answer && typeof answer.error === 'string') {
      errors++;
      answer.error = `line ${requests}: ${answer.error}`;
    }
    pending.push(JSON.stringify(answer) + '\n');
    if (pending.length >= 1000) await flush();
  }
  await flush();
  return { requests, errors };
}

import type { TrainProgress } from '../train/pipeline.ts';
import { describeProgress } from '../train/progress-text.ts';

export { describeProgress };

/** Logs (not terminals) get table progress in 10 % steps, not one line per percent. */
function coarse(p: TrainProgress): TrainProgress {
  if (p.done === undefined || !p.total) return p;
  return { ...p, done: Math.floor((10 * p.done) / p.total) * (p.total / 10) };
}

/**
 * Progress for long steps on stderr: one line rewritten in place on a terminal, a line per change
 * otherwise (so CI logs stay readable). Elapsed time is shown from the first event.
 */
export function terminalProgress(stream: NodeJS.WriteStream = process.stderr): (p: TrainProgress) => void {
  const started = Date.now();
  let last = '';
  return (p) => {
    const shown = stream.isTTY ? p : coarse(p);
    const withoutTime = describeProgress(shown);
    const line = `${withoutTime} (${((Date.now() - started) / 1000).toFixed(1)} s)`;
    if (withoutTime === last) return;
    last = withoutTime;
    if (stream.isTTY) stream.write(`\r\x1b[2K${line}`);
    else stream.write(`${line}\n`);
  };
}

export function downloadProgress(stream: NodeJS.WriteStream = process.stderr) {
  let lastPercent = -1;
  return (received: number, total: number | undefined) => {
    const percent = total ? Math.floor((100 * received) / total) : -1;
    if (total && percent === lastPercent) return;
    lastPercent = percent;
    const mb = (received / 1e6).toFixed(1);
    const text = total ? `Downloading MovieLens: ${percent}% (${mb} MB)` : `Downloading MovieLens: ${mb} MB`;
    if (stream.isTTY) stream.write(`\r\x1b[2K${text}`);
    else if (percent % 10 === 0) stream.write(`${text}\n`);
  };
}

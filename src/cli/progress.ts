import type { TrainProgress } from '../train/pipeline.ts';
import { describeProgress } from '../train/progress-text.ts';

export { describeProgress };

/**
 * Progress for long steps on stderr: one line rewritten in place on a terminal, a line per change
 * otherwise (so CI logs stay readable). Elapsed time is shown from the first event.
 */
export function terminalProgress(stream: NodeJS.WriteStream = process.stderr): (p: TrainProgress) => void {
  const started = Date.now();
  let last = '';
  return (p) => {
    const withoutTime = describeProgress(p);
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

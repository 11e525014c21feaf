/**
 * `npx tsx bench/scale-chart.ts`: draws bench/results/scale.svg (and scale.png with ImageMagick's `convert`,
 * when installed) from the latest run of each size in bench/results/scale-runs.jsonl: wall time and peak RSS
 * against ratings, log-log, with a line of slope 1 (linear growth) through the 1M point. A size not
 * measured is drawn as a hollow point extrapolated from the largest two measured, labelled "estimate".
 */
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { RESULTS_DIR } from './lib/results.ts';
import { SCALE_RUNS_FILE, type ScaleRunRecord } from './scale.ts';

const WANTED = [
  ['100k', 100_836],
  ['1m', 1_000_017],
  ['5m', 5_000_000],
  ['32m', 32_000_204],
] as const;

interface Point {
  size: string;
  ratings: number;
  seconds: number;
  rssMb: number;
  estimate: boolean;
}

function latestPerSize(mode: string | undefined): Map<string, ScaleRunRecord> {
  const latest = new Map<string, ScaleRunRecord>();
  for (const line of readFileSync(SCALE_RUNS_FILE, 'utf8').split('\n')) {
    if (!line.trim()) continue;
    const record = JSON.parse(line) as ScaleRunRecord;
    if (mode && record.mode !== mode) continue;
    latest.set(record.size, record);
  }
  return latest;
}

function points(records: Map<string, ScaleRunRecord>): Point[] {
  const measured: Point[] = [...records.values()]
    .map((r) => ({
      size: r.size,
      ratings: r.ratings,
      seconds: r.wallMs / 1000,
      rssMb: r.peakRssMb,
      estimate: false,
    }))
    .sort((a, b) => a.ratings - b.ratings);
  const large = measured.filter((p) => p.ratings >= 900_000);
  const out = [...measured];
  if (large.length >= 2) {
    const [a, b] = large.slice(-2);
    const slope = (f: (p: Point) => number) => Math.log(f(b) / f(a)) / Math.log(b.ratings / a.ratings);
    for (const [size, ratings] of WANTED) {
      if (records.has(size) || ratings <= b.ratings) continue;
      const grow = (f: (p: Point) => number) => f(b) * (ratings / b.ratings) ** slope(f);
      out.push({
        size,
        ratings,
        seconds: grow((p) => p.seconds),
        rssMb: grow((p) => p.rssMb),
        estimate: true,
      });
    }
  }
  return out.sort((x, y) => x.ratings - y.ratings);
}

function panel(
  data: Point[],
  value: (p: Point) => number,
  title: string,
  unit: string,
  target: Array<[number, number]>,
  x0: number,
): string {
  const width = 420;
  const height = 300;
  const left = x0 + 60;
  const right = x0 + width - 15;
  const top = 40;
  const bottom = height - 45;
  const xs = data.map((p) => p.ratings);
  const ys = [...data.map(value), ...target.map(([, y]) => y)];
  const [xMin, xMax] = [Math.min(...xs) / 1.5, Math.max(...xs) * 1.5];
  const [yMin, yMax] = [Math.min(...ys) / 2, Math.max(...ys) * 2];
  const sx = (x: number) =>
    left + ((Math.log(x) - Math.log(xMin)) / (Math.log(xMax) - Math.log(xMin))) * (right - left);
  const sy = (y: number) =>
    bottom - ((Math.log(y) - Math.log(yMin)) / (Math.log(yMax) - Math.log(yMin))) * (bottom - top);
  const parts: string[] = [];
  parts.push(
    `<text x="${(left + right) / 2}" y="22" text-anchor="middle" font-size="15" font-weight="bold">${title}</text>`,
  );
  parts.push(
    `<rect x="${left}" y="${top}" width="${right - left}" height="${bottom - top}" fill="none" stroke="#888"/>`,
  );
  for (let e = Math.ceil(Math.log10(yMin)); e <= Math.floor(Math.log10(yMax)); e++) {
    const y = sy(10 ** e);
    parts.push(`<line x1="${left}" x2="${right}" y1="${y}" y2="${y}" stroke="#ddd"/>`);
    parts.push(
      `<text x="${left - 6}" y="${y + 4}" text-anchor="end" font-size="11">${10 ** e >= 1 ? 10 ** e : (10 ** e).toFixed(1)}</text>`,
    );
  }
  for (const [label, ratings] of WANTED) {
    const x = sx(ratings);
    if (x < left || x > right) continue;
    parts.push(`<line x1="${x}" x2="${x}" y1="${top}" y2="${bottom}" stroke="#eee"/>`);
    parts.push(
      `<text x="${x}" y="${bottom + 16}" text-anchor="middle" font-size="11">${label.toUpperCase()}</text>`,
    );
  }
  parts.push(
    `<text x="${(left + right) / 2}" y="${bottom + 34}" text-anchor="middle" font-size="12">ratings (log)</text>`,
  );
  parts.push(
    `<text x="${x0 + 14}" y="${(top + bottom) / 2}" text-anchor="middle" font-size="12" transform="rotate(-90 ${x0 + 14} ${(top + bottom) / 2})">${unit} (log)</text>`,
  );
  const reference = data.find((p) => p.size === '1m' && !p.estimate);
  if (reference) {
    const at = (x: number) => value(reference) * (x / reference.ratings);
    parts.push(
      `<line x1="${sx(reference.ratings)}" y1="${sy(at(reference.ratings))}" x2="${sx(xMax / 1.5)}" y2="${sy(at(xMax / 1.5))}" stroke="#999" stroke-dasharray="4 4"/>`,
      `<text x="${sx(xMax / 1.5) - 4}" y="${sy(at(xMax / 1.5)) - 6}" text-anchor="end" font-size="10" fill="#777">linear from 1M</text>`,
    );
  }
  for (const [x, y] of target) {
    parts.push(
      `<text x="${sx(x)}" y="${sy(y) + 4}" text-anchor="middle" font-size="13" fill="#c00">–</text>`,
    );
  }
  const solid = data.filter((p) => !p.estimate);
  parts.push(
    `<polyline fill="none" stroke="#1f5fbf" stroke-width="2" points="${solid.map((p) => `${sx(p.ratings)},${sy(value(p))}`).join(' ')}"/>`,
  );
  const lastSolid = solid.at(-1);
  for (const p of data.filter((q) => q.estimate)) {
    if (lastSolid) {
      parts.push(
        `<line x1="${sx(lastSolid.ratings)}" y1="${sy(value(lastSolid))}" x2="${sx(p.ratings)}" y2="${sy(value(p))}" stroke="#1f5fbf" stroke-dasharray="3 3"/>`,
      );
    }
  }
  for (const p of data) {
    const fill = p.estimate ? 'white' : '#1f5fbf';
    const text = value(p) >= 100 ? value(p).toFixed(0) : value(p).toFixed(1);
    parts.push(
      `<circle cx="${sx(p.ratings)}" cy="${sy(value(p))}" r="4.5" fill="${fill}" stroke="#1f5fbf" stroke-width="1.5"/>`,
    );
    parts.push(
      `<text x="${sx(p.ratings) - 7}" y="${sy(value(p)) - 9}" text-anchor="end" font-size="11">${text}${p.estimate ? ' (estimate)' : ''}</text>`,
    );
  }
  return parts.join('\n');
}

function main(): void {
  const mode = process.argv[2];
  const data = points(latestPerSize(mode));
  if (data.length === 0) throw new Error(`no runs in ${SCALE_RUNS_FILE}`);
  const timeTargets: Array<[number, number]> = [
    [100_836, 10],
    [1_000_017, 60],
    [5_000_000, 300],
    [32_000_204, 2700],
  ];
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="860" height="330" font-family="DejaVu Sans, sans-serif">
<rect width="860" height="330" fill="white"/>
${panel(
  data,
  (p) => p.seconds,
  'Training wall time',
  'seconds',
  timeTargets.filter(([x]) => data.some((p) => p.ratings >= x * 0.9)),
  0,
)}
${panel(data, (p) => p.rssMb, 'Peak RSS', 'MB', [[32_000_204, 8192]].filter(([x]) => data.some((p) => p.ratings >= x * 0.9)) as Array<[number, number]>, 430)}
<text x="430" y="325" text-anchor="middle" font-size="10" fill="#555">filled: measured (${[...new Set(data.filter((p) => !p.estimate).map((p) => p.size))].join(', ')}); hollow: extrapolated estimate; red dash: target; 2-core machine shared with other work</text>
</svg>
`;
  const svgFile = path.join(RESULTS_DIR, 'scale.svg');
  writeFileSync(svgFile, svg);
  try {
    execFileSync('convert', ['-density', '110', svgFile, path.join(RESULTS_DIR, 'scale.png')], {
      stdio: 'pipe',
    });
    console.log(`Wrote ${svgFile} and scale.png`);
  } catch (error) {
    console.log(
      `Wrote ${svgFile}; no PNG (${(error as Error).message.split('\n')[0]}): apt-get install imagemagick`,
    );
  }
}

main();

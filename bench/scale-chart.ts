/**
 * `npx tsx bench/scale-chart.ts`: draws bench/results/scale.svg (and scale.png with ImageMagick's `convert`,
 * when installed) from the latest run of each size in bench/results/scale-runs.jsonl: CPU and wall time and
 * peak RSS against ratings, log-log, with a line of slope 1 (linear growth) through the 1M point. A size
 * measured only in parts (data + epoch runs) is drawn hollow, as an estimate (see chartPoints).
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
  cpuSeconds: number;
  rssMb: number;
  estimate: boolean;
}

/** The latest record per (size, mode). */
function latest(): Map<string, ScaleRunRecord> {
  const found = new Map<string, ScaleRunRecord>();
  for (const line of readFileSync(SCALE_RUNS_FILE, 'utf8').split('\n')) {
    if (!line.trim()) continue;
    const record = JSON.parse(line) as ScaleRunRecord;
    found.set(`${record.size}:${record.mode}`, record);
  }
  return found;
}

/**
 * Measured points are full runs (pipeline or steps). A size with only a data run (load + kNN) and an epoch
 * run (one DNMF epoch) gets an estimate: the data run's CPU, plus the epoch run's DNMF CPU times the epochs
 * the largest full run needed; its peak RSS is the epoch run's (DNMF and data in memory together).
 */
function chartPoints(records: Map<string, ScaleRunRecord>): Point[] {
  const bySize = new Map<string, ScaleRunRecord>();
  for (const r of records.values()) {
    if (r.mode !== 'pipeline' && r.mode !== 'steps') continue;
    // Prefer the pipeline run of a size when there are both.
    if (!bySize.has(r.size) || r.mode === 'pipeline') bySize.set(r.size, r);
  }
  const points: Point[] = [...bySize.values()].map((r) => ({
    size: r.size,
    ratings: r.ratings,
    seconds: r.wallMs / 1000,
    cpuSeconds: r.totalCpuMs / 1000,
    rssMb: r.peakRssMb,
    estimate: false,
  }));
  const largest = [...bySize.values()].sort((a, b) => b.ratings - a.ratings)[0];
  for (const [size] of WANTED) {
    const data = records.get(`${size}:data`);
    const epoch = records.get(`${size}:epoch`);
    if (bySize.has(size) || !data || !epoch || !largest?.dnmf) continue;
    points.push({
      size,
      ratings: data.ratings,
      seconds: Number.NaN,
      cpuSeconds: (data.totalCpuMs + (epoch.cpuMs.dnmf ?? 0) * largest.dnmf.epochs) / 1000,
      rssMb: Math.max(data.peakRssMb, epoch.peakRssMb),
      estimate: true,
    });
  }
  return points.sort((x, y) => x.ratings - y.ratings);
}

interface Series {
  label: string;
  value: (p: Point) => number;
  color: string;
}

function panel(
  data: Point[],
  series: Series[],
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
  const values = series.flatMap((s) => data.map(s.value)).filter((v) => Number.isFinite(v));
  const ys = [...values, ...target.map(([, y]) => y)];
  // The same x range whatever was measured, so the charts of successive runs compare.
  const [xMin, xMax] = [60_000, 55_000_000];
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
    parts.push(`<line x1="${x}" x2="${x}" y1="${top}" y2="${bottom}" stroke="#eee"/>`);
    parts.push(
      `<text x="${x}" y="${bottom + 16}" text-anchor="middle" font-size="11">${label.toUpperCase()}</text>`,
    );
  }
  parts.push(
    `<text x="${(left + right) / 2}" y="${bottom + 34}" text-anchor="middle" font-size="12">ratings (log scale)</text>`,
  );
  parts.push(
    `<text x="${x0 + 14}" y="${(top + bottom) / 2}" text-anchor="middle" font-size="12" transform="rotate(-90 ${x0 + 14} ${(top + bottom) / 2})">${unit} (log scale)</text>`,
  );
  for (const [x, y] of target) {
    parts.push(
      `<line x1="${sx(x) - 8}" x2="${sx(x) + 8}" y1="${sy(y)}" y2="${sy(y)}" stroke="#c00" stroke-width="2"/>`,
    );
  }
  series.forEach((s, index) => {
    const shown = data.filter((p) => Number.isFinite(s.value(p)));
    const solid = shown.filter((p) => !p.estimate);
    // A line of slope 1 through the 1M point: linear growth.
    const reference = solid.find((p) => p.size === '1m');
    if (reference && index === 0) {
      const at = (x: number) => s.value(reference) * (x / reference.ratings);
      const end = 40_000_000;
      parts.push(
        `<line x1="${sx(reference.ratings)}" y1="${sy(at(reference.ratings))}" x2="${sx(end)}" y2="${sy(at(end))}" stroke="#999" stroke-dasharray="4 4"/>`,
      );
    }
    parts.push(
      `<polyline fill="none" stroke="${s.color}" stroke-width="2" points="${solid.map((p) => `${sx(p.ratings)},${sy(s.value(p))}`).join(' ')}"/>`,
    );
    const last = solid.at(-1);
    for (const p of shown.filter((q) => q.estimate)) {
      if (last) {
        parts.push(
          `<line x1="${sx(last.ratings)}" y1="${sy(s.value(last))}" x2="${sx(p.ratings)}" y2="${sy(s.value(p))}" stroke="${s.color}" stroke-dasharray="3 3"/>`,
        );
      }
    }
    for (const p of shown) {
      const v = s.value(p);
      const text = v >= 100 ? v.toFixed(0) : v.toFixed(1);
      parts.push(
        `<circle cx="${sx(p.ratings)}" cy="${sy(v)}" r="4.5" fill="${p.estimate ? 'white' : s.color}" stroke="${s.color}" stroke-width="1.5"/>`,
      );
      parts.push(
        `<text x="${sx(p.ratings) + 7}" y="${sy(v) + (index === 0 ? -8 : 15)}" font-size="11" fill="${s.color}">${text}${p.estimate ? ' est.' : ''}</text>`,
      );
    }
    parts.push(
      `<rect x="${left + 10}" y="${top + 10 + index * 16}" width="12" height="3" fill="${s.color}"/>`,
    );
    parts.push(`<text x="${left + 27}" y="${top + 15 + index * 16}" font-size="11">${s.label}</text>`);
  });
  return parts.join('\n');
}

function main(): void {
  const data = chartPoints(latest());
  if (data.length === 0) throw new Error(`no runs in ${SCALE_RUNS_FILE}`);
  const timeTargets: Array<[number, number]> = [
    [100_836, 10],
    [1_000_017, 60],
    [5_000_000, 300],
    [32_000_204, 2700],
  ];
  const time = panel(
    data,
    [
      {
        label: 'CPU time (user + system; the watch model runs on the second core)',
        value: (p) => p.cpuSeconds,
        color: '#1f5fbf',
      },
      { label: 'wall time (2 cores)', value: (p) => p.seconds, color: '#e07b00' },
    ],
    'Training time',
    'seconds',
    timeTargets,
    0,
  );
  const memory = panel(
    data,
    [{ label: 'peak RSS', value: (p) => p.rssMb, color: '#2a8a3a' }],
    'Peak memory',
    'MB',
    [[32_000_204, 8192]],
    430,
  );
  const measured = [...new Set(data.filter((p) => !p.estimate).map((p) => p.size.toUpperCase()))].join(', ');
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="860" height="330" font-family="DejaVu Sans, sans-serif">
<rect width="860" height="330" fill="white"/>
${time}
${memory}
<text x="430" y="325" text-anchor="middle" font-size="10" fill="#555">filled: measured (${measured}); hollow: estimate; red bars: targets; grey dashes: linear growth from 1M</text>
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

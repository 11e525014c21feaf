/**
 * Title search over every movie, what /rate autocompletes over, at ml-32m's size (87,585 movies): the index is
 * built from ml-latest-small's 9,742 titles repeated 9 times with a distinguishing word, so the words, accents
 * and title forms are real. Build time, retained heap, and suggest() latency for what people type (the start
 * of a title, 1–12 characters, plus fragments and misses, which take the substring path).
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { parse } from 'csv-parse/sync';
import { createRng } from '../src/random.ts';
import { createTitleSearch, type TitleEntry } from '../src/serve/title-search.ts';
import type { Benchmark } from './lib/benchmark.ts';
import { summarize } from './lib/stats.ts';

const COPIES = 9;
const QUERIES = 2000;

export const titleSearch: Benchmark = {
  name: 'title-search',
  description: 'title search over 87k movies (ml-32m size): index build, heap, suggest p99',
  async run(context) {
    const rows = parse(await readFile(path.join(context.datasetDir, 'movies.csv')), { columns: true }) as {
      movieId: string;
      title: string;
    }[];
    const entries: TitleEntry[] = [];
    for (let copy = 0; copy < COPIES; copy++) {
      for (const row of rows) {
        const title = copy === 0 ? row.title : row.title.replace(/( \(\d{4}\))?$/, ` Part ${copy + 1}$1`);
        entries.push({ movieId: Number(row.movieId) + copy * 1_000_000, title, rank: entries.length });
      }
    }
    const gc = (globalThis as { gc?: () => void }).gc;
    gc?.();
    const heapBefore = process.memoryUsage().heapUsed;
    const started = performance.now();
    const search = createTitleSearch(entries);
    const buildMs = performance.now() - started;
    gc?.();
    const heapMb = (process.memoryUsage().heapUsed - heapBefore) / 1e6;

    const rng = createRng(20261201);
    const queries: string[] = [];
    for (let i = 0; i < QUERIES; i++) {
      const title = entries[Math.floor(rng() * entries.length)].title;
      const kind = rng();
      const length = 1 + Math.floor(rng() * 12);
      if (kind < 0.8) queries.push(title.slice(0, length));
      else if (kind < 0.95) {
        const from = Math.floor(rng() * title.length);
        queries.push(title.slice(from, from + length));
      } else queries.push(`zq${Math.floor(rng() * 1000)}x`);
    }
    const samples = queries.map((query) => {
      const t = performance.now();
      search.suggest(query);
      return performance.now() - t;
    });
    const latency = summarize(samples);
    return {
      rows: [
        { metric: `title index build (${entries.length} movies)`, unit: 'ms', measured: buildMs },
        {
          metric: 'title index heap',
          unit: 'MB',
          measured: heapMb,
          note: gc ? 'after full GC' : 'no --expose-gc: rough',
        },
        {
          metric: 'title suggest p99 (87k movies)',
          unit: 'ms',
          measured: latency.p99,
          target: 5,
          summary: latency,
          note: 'in process; 80% title starts, 15% fragments, 5% misses; shared machine',
        },
      ],
      raw: { movies: entries.length, buildMs, heapMb, latency },
    };
  },
};

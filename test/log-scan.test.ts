import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { scrubLogLine } from '../src/log-safety.ts';
import { scanLogFolder } from './support/log-scan/scan.ts';

/** The suite-wide scan (run by vitest's globalSetup after all tests) must be able to fail. */
describe('the log scan', () => {
  let dir: string | undefined;
  afterEach(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  const dirty = [
    '{"msg":"login","token":"MTEwMDAwMDAwMDAwMDAwMDAwMQ.ZmFrZQ.xxxxxxxxxxxxxxxxxxxxxxxxxxx"}',
    '{"url":"http://127.0.0.1:1/api/v10/webhooks/1100000000000000001/aW50ZXJhY3Rpb246abc/messages/@original"}',
    '{"url":"http://127.0.0.1:2/3/movie/5?api_key=fake-tmdb-api-key"}',
    '{"key":"0123456789abcdef0123456789abcdef"}',
    '{"interaction":"1579007293876338713","msg":"command"}',
    '{"msg":"Bearer fake-tmdb-read-token"}',
  ];

  it('reports a planted leak, naming the file, the line and what leaked', async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'flickpick-scan-test-'));
    await writeFile(path.join(dir, 'bot-1.log'), ['{"msg":"connected"}', ...dirty].join('\n') + '\n');
    await writeFile(path.join(dir, 'notes.txt'), '1100000000000000300\n'); // not a log: not scanned
    const report = scanLogFolder(dir);
    expect(report).toMatchObject({ files: 1, lines: 7 });
    const what = new Set(report.leaks.map((leak) => leak.what));
    expect([...what].sort()).toEqual(
      [
        'the fake Discord bot token',
        'a Discord bot token or JWT',
        'an interaction token',
        'an interaction webhook URL with its token',
        'the fake TMDB API key',
        'an api_key in a URL',
        'a TMDB v3 API key',
        'a Discord id',
        'the fake TMDB read token',
      ].sort(),
    );
    expect(report.leaks.filter((leak) => leak.line === 1)).toEqual([]);
    expect(report.leaks.find((leak) => leak.line === 6)).toMatchObject({
      file: 'bot-1.log',
      what: 'a Discord id',
    });
  });

  it('finds nothing once the scrubber has run on shaped secrets', async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'flickpick-scan-test-'));
    const shaped = dirty.filter((line) => !line.includes('fake-tmdb'));
    await writeFile(path.join(dir, 'bot-1.log'), shaped.map(scrubLogLine).join('\n'));
    expect(scanLogFolder(dir)).toEqual({ files: 1, lines: shaped.length, leaks: [] });
  });
});

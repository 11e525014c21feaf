/**
 * All or nothing: a child imports 2,000 ratings per member, one import after another, and is kill -9'ed at
 * random moments (seeded). Afterwards every member has either the whole import or none of it, and every
 * import the child confirmed is whole.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { createRng } from '../../src/random.ts';
import { createStore } from '../../src/store/index.ts';
import { MemberRatings } from '../../src/store/member-ratings.ts';

const writer = fileURLToPath(new URL('./fixtures/import-writer.ts', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'flickpick-import-kill9-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const COUNT = 2_000;

function runWriter(path: string, members: string[], killAfterMs: number): Promise<string[]> {
  const child = spawn(process.execPath, ['--import', 'tsx', writer, path, String(COUNT), ...members], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const confirmed: string[] = [];
  let buffer = '';
  child.stdout.setEncoding('utf8');
  child.stdout.on('data', (chunk: string) => {
    buffer += chunk;
    const lines = buffer.split('\n');
    buffer = lines.pop()!;
    for (const line of lines) {
      if (line === 'ready') setTimeout(() => child.kill('SIGKILL'), killAfterMs);
      const ok = /^ok (\d+)$/.exec(line);
      if (ok) confirmed.push(ok[1]);
    }
  });
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (code, signal) =>
      signal === 'SIGKILL' || code === 0
        ? resolve(confirmed)
        : reject(new Error(`writer exited with ${code}`)),
    );
  });
}

describe('member imports under kill -9', () => {
  it('leaves each import whole or absent', async () => {
    const path = join(dir, 'imports.sqlite');
    const rng = createRng(20261206);
    const members = Array.from({ length: 40 }, (_, i) => String(400000000000000000n + BigInt(i)));
    const confirmed = new Set<string>();
    for (let round = 0; round < 4; round++) {
      const batch = members.slice(round * 10, round * 10 + 10);
      for (const member of await runWriter(path, batch, Math.floor(rng() * 150))) confirmed.add(member);
    }
    const store = createStore({ url: `sqlite://${path}`, namespace: 'flickpick' });
    const reader = new MemberRatings(store);
    const sizes = await Promise.all(members.map(async (member) => (await reader.list(member)).length));
    await store.disconnect();
    expect(sizes.every((size) => size === 0 || size === COUNT)).toBe(true);
    members.forEach((member, i) => {
      if (confirmed.has(member)) expect(sizes[i]).toBe(COUNT);
    });
    // The kills must have landed between imports' starts and ends, not only before or after all of them.
    expect(sizes.filter((size) => size === COUNT).length).toBeGreaterThan(0);
    expect(sizes.filter((size) => size === 0).length).toBeGreaterThan(0);
  });
});

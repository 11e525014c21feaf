/**
 * Rewrites a version into the layout versions had before taste-model.bin, byte for byte as the old writer
 * wrote it: dnmf-model.json ({ meta with its id lists, layout: name → [float offset, length] }),
 * dnmf-weights.bin (every DNMF buffer packed as float32, in the layout's order) and watch-model.bin. The
 * manifest then lists those three files with their checksums, as an old version's did.
 */
import { readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileDigest } from '../../src/artifacts/files.ts';
import { readTasteModel } from '../../src/artifacts/taste-model.ts';
import type { Manifest } from '../../src/artifacts/types.ts';
import { encodeWatchVectors } from '../../src/artifacts/watch-vectors.ts';

export async function rewriteAsTwoFileLayout(
  dir: string,
  options: { withoutWatchModel?: boolean } = {},
): Promise<void> {
  const manifestFile = path.join(dir, 'manifest.json');
  const manifest = JSON.parse(await readFile(manifestFile, 'utf8')) as Manifest;
  const { dnmf, mf } = await readTasteModel(path.join(dir, 'taste-model.bin'));
  const layout: Record<string, [number, number]> = {};
  let total = 0;
  for (const [name, buffer] of Object.entries(dnmf.buffers)) {
    layout[name] = [total, buffer.length];
    total += buffer.length;
  }
  const weights = new Float32Array(total);
  for (const [name, buffer] of Object.entries(dnmf.buffers)) weights.set(buffer, layout[name][0]);
  const ids = dnmf.meta as { userIds: Int32Array; movieIds: Int32Array };
  const meta = { ...dnmf.meta, userIds: Array.from(ids.userIds), movieIds: Array.from(ids.movieIds) };
  await writeFile(path.join(dir, 'dnmf-model.json'), JSON.stringify({ meta, layout }));
  await writeFile(path.join(dir, 'dnmf-weights.bin'), new Uint8Array(weights.buffer));
  await rm(path.join(dir, 'taste-model.bin'));
  delete manifest.files['taste-model.bin'];
  const written = ['dnmf-model.json', 'dnmf-weights.bin'];
  if (options.withoutWatchModel) {
    delete manifest.watch;
  } else {
    await writeFile(path.join(dir, 'watch-model.bin'), encodeWatchVectors(mf));
    written.push('watch-model.bin');
  }
  for (const name of written) manifest.files[name] = await fileDigest(path.join(dir, name));
  await writeFile(manifestFile, JSON.stringify(manifest, null, 2));
}

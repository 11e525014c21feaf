/**
 * The taste model as versions written before taste-model.bin hold it, read (never written) so that such a
 * version keeps serving after an upgrade: a rollback target, or the version a server runs when the new code
 * starts. The stars path is dnmf-model.json (the DNMF's metadata and its buffers' layout) plus
 * dnmf-weights.bin (every buffer packed as float32); the MF path is watch-model.bin (watch-vectors.ts),
 * absent in versions from before the watch model.
 */
import { open, readFile } from 'node:fs/promises';
import path from 'node:path';
import { TRAINED_USER_GMF, type SerializedModel } from '../model/serving-dnmf.ts';
import { integer, object, parseJson, recordOf, tuple, type Check } from './schema.ts';
import type { Manifest, WatchVectors } from './types.ts';
import { decodeWatchVectors } from './watch-vectors.ts';

export const LEGACY_TASTE_FILES = {
  dnmfModel: 'dnmf-model.json',
  dnmfWeights: 'dnmf-weights.bin',
  watch: 'watch-model.bin',
} as const;

/** dnmf-model.json: the model's metadata (checked by servingDnmf and DnmfModel.deserialize) and its layout. */
const checkDnmfModelFile: Check<{ meta: object; layout: Record<string, [number, number]> }> = object({
  meta: recordOf((value) => value),
  layout: recordOf(tuple(integer, integer)),
});

/** Errors carry the file's name, as taste-model.bin's do. */
async function reading<T>(name: string, read: () => Promise<T>): Promise<T> {
  try {
    return await read();
  } catch (error) {
    throw new Error(`${name}: ${(error as Error).message}`);
  }
}

/** The two-file layout's stars and MF paths; without trained users, their GMF table is never read. */
export async function readLegacyTasteModel(
  dir: string,
  files: Manifest['files'],
  options: { trainedUsers?: boolean } = {},
): Promise<{ dnmf: SerializedModel; mf?: WatchVectors }> {
  const { dnmfModel, dnmfWeights, watch } = LEGACY_TASTE_FILES;
  const { meta, layout } = await reading(dnmfModel, async () =>
    parseJson(await readFile(path.join(dir, dnmfModel), 'utf8'), checkDnmfModelFile, dnmfModel),
  );
  const file = path.join(dir, dnmfWeights);
  const buffers = await reading(dnmfWeights, async () => {
    if (options.trainedUsers !== false) return unpackBuffers(layout, await readFile(file));
    return readBuffers(
      file,
      Object.fromEntries(Object.entries(layout).filter(([n]) => n !== TRAINED_USER_GMF)),
    );
  });
  const dnmf: SerializedModel = { meta, buffers };
  if (!(watch in files)) return { dnmf };
  const mf = await reading(watch, async () => decodeWatchVectors(await readFile(path.join(dir, watch))));
  return { dnmf, mf };
}

function unpackBuffers(
  layout: Record<string, [number, number]>,
  bytes: Uint8Array,
): Record<string, Float32Array> {
  // Views, not copies: the weights were copied twice on load (84 MB each on ml-32m; the bot's resident
  // size after loading did not change measurably, the copies were freed). Only a misaligned (pooled) Buffer
  // is copied.
  const floats = bytes.byteLength >> 2;
  const aligned =
    bytes.byteOffset % 4 === 0
      ? new Float32Array(bytes.buffer, bytes.byteOffset, floats)
      : new Float32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + floats * 4));
  return Object.fromEntries(
    Object.entries(layout).map(([name, [offset, length]]) => {
      if (offset < 0 || length < 0 || offset + length > floats)
        throw new Error(
          `buffer ${name} [${offset}, +${length}] lies outside the ${floats} floats of the weights`,
        );
      return [name, aligned.subarray(offset, offset + length)];
    }),
  );
}

/**
 * The named buffers of a weights file read one by one from disk, each into its own array: a serving bot
 * that drops the trained users reads the movie side only, and never holds the whole file (on ml-32m the
 * user GMF table is 51 of its 84 MB, and the whole-file buffer kept the bot's RSS ~110 MB higher at ready).
 */
async function readBuffers(
  file: string,
  layout: Record<string, [number, number]>,
): Promise<Record<string, Float32Array>> {
  const handle = await open(file, 'r');
  try {
    const floats = (await handle.stat()).size >> 2;
    const buffers: Record<string, Float32Array> = {};
    for (const [name, [offset, length]] of Object.entries(layout)) {
      if (offset < 0 || length < 0 || offset + length > floats)
        throw new Error(
          `buffer ${name} [${offset}, +${length}] lies outside the ${floats} floats of the weights`,
        );
      const buffer = new Float32Array(length);
      const bytes = new Uint8Array(buffer.buffer);
      let done = 0;
      while (done < bytes.length) {
        const { bytesRead } = await handle.read(bytes, done, bytes.length - done, offset * 4 + done);
        if (bytesRead === 0) throw new Error(`the weights file ended inside buffer ${name}`);
        done += bytesRead;
      }
      buffers[name] = buffer;
    }
    return buffers;
  } finally {
    await handle.close();
  }
}

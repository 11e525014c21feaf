/**
 * taste-model.bin, the one file of a version's taste model: both paths survive it exactly, a damaged file is
 * refused with a reason, the serving bot's slim read is the full read minus the trained users' GMF table,
 * and versions written in the two-file layout before it still load and serve exactly the same answers.
 */
import { copyFile, mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { fileDigest } from '../../src/artifacts/files.ts';
import { loadArtifacts } from '../../src/artifacts/loader.ts';
import { ModelRepository } from '../../src/artifacts/repository.ts';
import { FOR_SERVING, loadServable } from '../../src/artifacts/servable.ts';
import {
  decodeTasteModel,
  encodeTasteModel,
  loadTasteModel,
  readTasteModel,
  type TasteModel,
} from '../../src/artifacts/taste-model.ts';
import { decodeTypedArrays, encodeTypedArrays } from '../../src/artifacts/typed-arrays.ts';
import type { Artifacts, Manifest } from '../../src/artifacts/types.ts';
import { createRng } from '../../src/random.ts';
import { createEngine } from '../../src/serve/engine.ts';
import { DnmfModel, type SerializedDnmf } from '../../src/train/dnmf/index.ts';
import { trainSmallModels } from '../support/bot-harness.ts';
import { tempDir } from '../support/dataset.ts';
import { rewriteAsTwoFileLayout } from '../support/two-file-layout.ts';

let versionDir: string;
let manifest: Manifest;
let bytes: Uint8Array;
let model: Required<TasteModel>;

beforeAll(async () => {
  const { modelsDir } = await trainSmallModels(13);
  versionDir = (await new ModelRepository(modelsDir).currentDir())!;
  manifest = JSON.parse(await readFile(path.join(versionDir, 'manifest.json'), 'utf8')) as Manifest;
  bytes = await readFile(path.join(versionDir, 'taste-model.bin'));
  model = await readTasteModel(path.join(versionDir, 'taste-model.bin'));
}, 60_000);

/** A copy of the trained version, to alter. */
async function copyOfVersion(): Promise<string> {
  const dir = path.join(await tempDir('flickpick-taste-'), manifest.version);
  await mkdir(dir, { recursive: true });
  for (const name of await readdir(versionDir))
    await copyFile(path.join(versionDir, name), path.join(dir, name));
  return dir;
}

/** Decodes bytes as loading does. */
function decode(file: Uint8Array): TasteModel {
  const { meta, arrays } = decodeTypedArrays<Parameters<typeof decodeTasteModel>[0]>(file, 'taste-model.bin');
  return decodeTasteModel(meta, arrays);
}

/** The file re-encoded with one array replaced (a damaged but well-formed file). */
function withArray(name: string, replace: (array: Float32Array | Int32Array) => Float32Array | Int32Array) {
  const { meta, arrays } = decodeTypedArrays(bytes, 'taste-model.bin');
  return encodeTypedArrays(meta, { ...arrays, [name]: replace(arrays[name] as Float32Array | Int32Array) });
}

/** What an engine answers for a few requests of every kind (ids and reasons). */
function answers(artifacts: Artifacts): unknown[] {
  const engine = createEngine(artifacts);
  const catalog = artifacts.catalog.map((entry) => entry.movieId);
  const rated = [...artifacts.movies.values()].filter((movie) => movie.count >= 10);
  const member = (from: number) =>
    rated.slice(from, from + 6).map((movie, i) => ({ movieId: movie.movieId, rating: 1 + ((from + i) % 5) }));
  const out: unknown[] = [];
  const list = (r: ReturnType<typeof engine.recommend>) =>
    [...r.popularPicks, ...r.hiddenGems].map((x) => [x.movieId, x.reason]);
  for (let i = 0; i < 5; i++) {
    out.push(list(engine.recommend([catalog[i], catalog[i + 10], catalog[i + 20]], { rng: createRng(i) })));
    out.push(list(engine.forYou(member(i * 6), { rng: createRng(i) })));
    out.push(list(engine.movieNight([member(i), member(i + 20), member(i + 40)], { rng: createRng(i) })));
  }
  return out;
}

describe('taste-model.bin', () => {
  it('is the one taste file a new version holds, listed with its checksum in the manifest', async () => {
    const files = await readdir(versionDir);
    expect(files).toContain('taste-model.bin');
    for (const old of ['dnmf-model.json', 'dnmf-weights.bin', 'watch-model.bin'])
      expect(files).not.toContain(old);
    expect(manifest.files['taste-model.bin']).toEqual(
      await fileDigest(path.join(versionDir, 'taste-model.bin')),
    );
  });

  it('round-trips both paths exactly', () => {
    const again = decode(encodeTasteModel(model));
    expect(again.dnmf.meta).toEqual(model.dnmf.meta);
    expect(Object.keys(again.dnmf.buffers).sort()).toEqual(Object.keys(model.dnmf.buffers).sort());
    for (const [name, buffer] of Object.entries(model.dnmf.buffers))
      expect(again.dnmf.buffers[name]).toEqual(buffer);
    expect(again.mf).toEqual(model.mf);
    expect(model.mf.foldIn?.gramian.length).toBe(model.mf.dim * model.mf.dim);
    expect(model.mf.prices?.length).toBe(model.mf.movieIds.length);
    // The stars path predicts as the trained DNMF did.
    const dnmf = DnmfModel.deserialize(again.dnmf as SerializedDnmf);
    const original = DnmfModel.deserialize(model.dnmf as SerializedDnmf);
    const users = Int32Array.from((model.dnmf.meta as { userIds: Int32Array }).userIds.subarray(0, 20));
    const movies = Int32Array.from(model.mf.movieIds.subarray(0, 20));
    expect(dnmf.predict(users, movies)).toEqual(original.predict(users, movies));
  });

  it('refuses a damaged file with a reason', () => {
    expect(() => decode(bytes.subarray(0, bytes.length - 64))).toThrow(/array .* does not fit the file/);
    expect(() => decode(Uint8Array.from(bytes).fill(0x20, 8, 40))).toThrow(/damaged header/);
    const nan = withArray('dnmf.movieGmf', (a) => Float32Array.from(a, (x, i) => (i === 5 ? NaN : x)));
    expect(() => decode(nan)).toThrow(
      'taste-model.bin (stars path) movieGmf holds a non-finite value (at index 5)',
    );
    const infinite = withArray('mf.vectors', (a) => Float32Array.from(a, (x, i) => (i === 3 ? Infinity : x)));
    expect(() => decode(infinite)).toThrow('taste-model.bin (MF path) vectors holds a non-finite value');
    const swapped = withArray('dnmf.movieIds', (a) =>
      Int32Array.from(a, (x, i) => (i === 1 ? a[2] : i === 2 ? a[1] : x)),
    );
    expect(() => decode(swapped)).toThrow(
      'taste-model.bin (stars path) movieIds must be ascending (at index 2)',
    );
    const short = withArray('dnmf.userIds', (a) => a.subarray(1));
    expect(() => decode(short)).toThrow(/stars path\) userIds must be an Int32Array of \d+ ids/);
    const lessPrices = withArray('mf.prices', (a) => a.subarray(1));
    expect(() => decode(lessPrices)).toThrow(
      /\(MF path\) prices must be a Float32Array of one price per movie/,
    );
    const { arrays } = decodeTypedArrays(bytes, 'taste-model.bin');
    expect(() => decodeTasteModel({ kind: 'watch-model' } as never, arrays)).toThrow(
      'taste-model.bin is not a flickpick-taste-model v1 file',
    );
  });

  it('refuses a damaged file at load even when its checksum was updated, naming the file', async () => {
    const dir = await copyOfVersion();
    const nan = withArray('mf.norms', (a) => Float32Array.from(a, (x, i) => (i === 0 ? NaN : x)));
    await writeFile(path.join(dir, 'taste-model.bin'), nan);
    const edited = {
      ...manifest,
      files: { ...manifest.files, 'taste-model.bin': await fileDigest(path.join(dir, 'taste-model.bin')) },
    };
    await writeFile(path.join(dir, 'manifest.json'), JSON.stringify(edited));
    await expect(loadArtifacts(dir, FOR_SERVING)).rejects.toThrow(
      /cannot read the taste model: taste-model.bin \(MF path\) holds a norm that is not finite/,
    );
    await writeFile(path.join(dir, 'taste-model.bin'), bytes.subarray(0, bytes.length - 64));
    const cut = {
      ...manifest,
      files: { ...manifest.files, 'taste-model.bin': await fileDigest(path.join(dir, 'taste-model.bin')) },
    };
    await writeFile(path.join(dir, 'manifest.json'), JSON.stringify(cut));
    // The slim read reads array by array: a cut file is refused there too.
    await expect(loadArtifacts(dir, FOR_SERVING)).rejects.toThrow(
      /taste-model.bin: array .* does not fit the file/,
    );
  });

  it('is read slim by a serving bot: the full read minus the trained users’ GMF table', async () => {
    const slim = await readTasteModel(path.join(versionDir, 'taste-model.bin'), { trainedUsers: false });
    expect(Object.keys(model.dnmf.buffers)).toContain('userGmf');
    expect(Object.keys(slim.dnmf.buffers).sort()).toEqual(
      Object.keys(model.dnmf.buffers)
        .filter((name) => name !== 'userGmf')
        .sort(),
    );
    for (const [name, buffer] of Object.entries(slim.dnmf.buffers))
      expect(buffer).toEqual(model.dnmf.buffers[name]);
    expect(slim.dnmf.meta).toEqual(model.dnmf.meta);
    expect(slim.mf).toEqual(model.mf);
  });
});

describe('a version in the two-file layout (written before taste-model.bin)', () => {
  it('loads through the same loader and serves exactly what the one-file version serves', async () => {
    const dir = await copyOfVersion();
    await rewriteAsTwoFileLayout(dir);
    expect((await readdir(dir)).sort()).toEqual(
      expect.arrayContaining(['dnmf-model.json', 'dnmf-weights.bin', 'watch-model.bin']),
    );
    expect(await readdir(dir)).not.toContain('taste-model.bin');
    const oldFiles = (JSON.parse(await readFile(path.join(dir, 'manifest.json'), 'utf8')) as Manifest).files;

    for (const trainedUsers of [true, false]) {
      const fromOld = await loadTasteModel(dir, oldFiles, { trainedUsers });
      const fromNew = await loadTasteModel(versionDir, manifest.files, { trainedUsers });
      expect(Object.keys(fromOld.dnmf.buffers).sort()).toEqual(Object.keys(fromNew.dnmf.buffers).sort());
      for (const [name, buffer] of Object.entries(fromNew.dnmf.buffers))
        expect(fromOld.dnmf.buffers[name]).toEqual(buffer);
      expect(fromOld.mf).toEqual(fromNew.mf);
    }
    // As a bot serves it (verified, without trained users), and as training and the CLI read it.
    const servedOld = await loadServable(dir);
    const servedNew = await loadServable(versionDir);
    expect(servedOld.watch).toEqual(servedNew.watch);
    expect(answers(servedOld)).toEqual(answers(servedNew));
    expect(answers(await loadArtifacts(dir))).toEqual(answers(await loadArtifacts(versionDir)));
    // The retrain gate's DNMF predicts the same from either layout.
    const oldDnmf = DnmfModel.deserialize((await loadTasteModel(dir, oldFiles)).dnmf as SerializedDnmf);
    const users = Int32Array.from((model.dnmf.meta as { userIds: Int32Array }).userIds.subarray(0, 20));
    const movies = Int32Array.from(model.mf.movieIds.subarray(0, 20));
    expect(oldDnmf.predict(users, movies)).toEqual(
      DnmfModel.deserialize(model.dnmf as SerializedDnmf).predict(users, movies),
    );
  }, 60_000);

  it('reads a version from before the watch model too (no MF path), does not serve it, and refuses a damaged old file', async () => {
    const dir = await copyOfVersion();
    await rewriteAsTwoFileLayout(dir, { withoutWatchModel: true });
    const artifacts = await loadArtifacts(dir, FOR_SERVING);
    expect(artifacts.watch).toBeUndefined();
    // Serving's gems all come from the MF path (README "Versions"): such a version does not verify.
    await expect(loadServable(dir)).rejects.toThrow(/no watch model \(the taste model's MF path\)/);
    expect(artifacts.dnmf.movieRows.size).toBe((model.dnmf.meta as { movieIds: Int32Array }).movieIds.length);

    const weights = path.join(dir, 'dnmf-weights.bin');
    const cut = (await readFile(weights)).subarray(0, 64);
    await writeFile(weights, cut);
    const files = (JSON.parse(await readFile(path.join(dir, 'manifest.json'), 'utf8')) as Manifest).files;
    await expect(loadTasteModel(dir, files, { trainedUsers: false })).rejects.toThrow(
      /^dnmf-weights.bin: buffer .* lies outside the \d+ floats of the weights/,
    );
  }, 60_000);
});

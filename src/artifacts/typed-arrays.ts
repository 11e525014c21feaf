/**
 * One binary file holding named typed arrays plus a small JSON header: compact on disk and loaded without
 * parsing (the arrays are views of the file's bytes). Layout: "FPTA", uint32 header length, the header
 * JSON ({ meta, arrays: { name: [type, byteOffset, length] } }), then each array 8-byte aligned.
 */
import { open, readFile } from 'node:fs/promises';
import { writeDurable } from './files.ts';

export type TypedArray = Int32Array | Float32Array | Float64Array | Uint8Array;

const MAGIC = 'FPTA';
const CONSTRUCTORS = { Int32Array, Float32Array, Float64Array, Uint8Array } as const;
type TypeName = keyof typeof CONSTRUCTORS;

export interface TypedArrayFile<M> {
  meta: M;
  arrays: Record<string, TypedArray>;
}

const align = (n: number) => Math.ceil(n / 8) * 8;

export function encodeTypedArrays(meta: unknown, arrays: Record<string, TypedArray>): Uint8Array {
  const layout: Record<string, [TypeName, number, number]> = {};
  let offset = 0;
  for (const [name, array] of Object.entries(arrays)) {
    layout[name] = [array.constructor.name as TypeName, offset, array.length];
    offset = align(offset + array.byteLength);
  }
  const header = Buffer.from(JSON.stringify({ meta, arrays: layout }));
  const dataStart = align(8 + header.length);
  const bytes = new Uint8Array(dataStart + offset);
  bytes.set(Buffer.from(MAGIC), 0);
  new DataView(bytes.buffer).setUint32(4, header.length, true);
  bytes.set(header, 8);
  for (const [name, array] of Object.entries(arrays)) {
    bytes.set(new Uint8Array(array.buffer, array.byteOffset, array.byteLength), dataStart + layout[name][1]);
  }
  return bytes;
}

export function decodeTypedArrays<M>(bytes: Uint8Array, what: string): TypedArrayFile<M> {
  if (bytes.length < 8 || Buffer.from(bytes.subarray(0, 4)).toString('latin1') !== MAGIC) {
    throw new Error(`${what} is not a typed-array file`);
  }
  // Views need an 8-aligned start; a Buffer from a shared pool may not have one.
  const own = bytes.byteOffset % 8 === 0 ? bytes : bytes.slice();
  const headerLength = new DataView(own.buffer, own.byteOffset).getUint32(4, true);
  const header = parseHeader<M>(own.subarray(8, 8 + headerLength), headerLength, what);
  const dataStart = align(8 + headerLength);
  const arrays: Record<string, TypedArray> = {};
  for (const [name, [type, offset, length]] of Object.entries(header.arrays)) {
    const make = checkedType(type, name, what);
    const start = own.byteOffset + dataStart + offset;
    if (!fits(offset, length, make, own.byteLength - dataStart)) {
      throw new Error(`${what}: array ${name} does not fit the file`);
    }
    arrays[name] = new make(own.buffer as ArrayBuffer, start, length);
  }
  return { meta: header.meta, arrays };
}

interface Header<M> {
  meta: M;
  arrays: Record<string, [TypeName, number, number]>;
}

function parseHeader<M>(bytes: Uint8Array, headerLength: number, what: string): Header<M> {
  let header: Header<M>;
  try {
    if (bytes.length !== headerLength) throw new Error('cut short');
    header = JSON.parse(Buffer.from(bytes).toString('utf8')) as Header<M>;
  } catch (error) {
    throw new Error(`${what} has a damaged header (${(error as Error).message})`);
  }
  if (typeof header !== 'object' || header === null || typeof header.arrays !== 'object' || !header.arrays)
    throw new Error(`${what} has a damaged header (no array list)`);
  return header;
}

function checkedType(type: TypeName, name: string, what: string) {
  const make = Object.hasOwn(CONSTRUCTORS, type) ? CONSTRUCTORS[type] : undefined;
  if (!make) throw new Error(`${what}: array ${name} has an unknown type ${String(type)}`);
  return make;
}

function fits(
  offset: number,
  length: number,
  make: { BYTES_PER_ELEMENT: number },
  dataBytes: number,
): boolean {
  return (
    Number.isInteger(offset) &&
    Number.isInteger(length) &&
    offset >= 0 &&
    length >= 0 &&
    offset % 8 === 0 &&
    offset + length * make.BYTES_PER_ELEMENT <= dataBytes
  );
}

/**
 * The arrays of a typed-array file that `keep` names, each read from disk into its own buffer: the others are
 * never read, so a caller that needs part of a large file never holds the whole of it (a serving bot skips the
 * trained users' GMF table, 51 of the DNMF's 84 MB on ml-32m). Checked as decodeTypedArrays checks.
 */
export async function readTypedArraysPart<M>(
  file: string,
  keep: (name: string) => boolean,
  what: string = file,
): Promise<TypedArrayFile<M>> {
  const handle = await open(file, 'r');
  try {
    const size = (await handle.stat()).size;
    const readAt = async (bytes: Uint8Array, position: number): Promise<void> => {
      let done = 0;
      while (done < bytes.length) {
        const { bytesRead } = await handle.read(bytes, done, bytes.length - done, position + done);
        if (bytesRead === 0) throw new Error(`${what} ended before its end`);
        done += bytesRead;
      }
    };
    const start = new Uint8Array(Math.min(8, size));
    await readAt(start, 0);
    if (start.length < 8 || Buffer.from(start.subarray(0, 4)).toString('latin1') !== MAGIC)
      throw new Error(`${what} is not a typed-array file`);
    const headerLength = new DataView(start.buffer).getUint32(4, true);
    const headerBytes = new Uint8Array(Math.max(0, Math.min(headerLength, size - 8)));
    await readAt(headerBytes, 8);
    const header = parseHeader<M>(headerBytes, headerLength, what);
    const dataStart = align(8 + headerLength);
    const arrays: Record<string, TypedArray> = {};
    for (const [name, [type, offset, length]] of Object.entries(header.arrays)) {
      if (!keep(name)) continue;
      const make = checkedType(type, name, what);
      if (!fits(offset, length, make, size - dataStart))
        throw new Error(`${what}: array ${name} does not fit the file`);
      const array = new make(length);
      await readAt(new Uint8Array(array.buffer), dataStart + offset);
      arrays[name] = array;
    }
    return { meta: header.meta, arrays };
  } finally {
    await handle.close();
  }
}

export async function writeTypedArrays(
  file: string,
  meta: unknown,
  arrays: Record<string, TypedArray>,
): Promise<void> {
  await writeDurable(file, encodeTypedArrays(meta, arrays));
}

export async function readTypedArrays<M>(file: string, what: string = file): Promise<TypedArrayFile<M>> {
  return decodeTypedArrays<M>(await readFile(file), what);
}

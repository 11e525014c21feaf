/**
 * One binary file holding named typed arrays plus a small JSON header: compact on disk and loaded without
 * parsing (the arrays are views of the file's bytes). Layout: "FPTA", uint32 header length, the header
 * JSON ({ meta, arrays: { name: [type, byteOffset, length] } }), then each array 8-byte aligned.
 */
import { readFile } from 'node:fs/promises';
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
  const header = JSON.parse(Buffer.from(own.subarray(8, 8 + headerLength)).toString('utf8')) as {
    meta: M;
    arrays: Record<string, [TypeName, number, number]>;
  };
  const dataStart = align(8 + headerLength);
  const arrays: Record<string, TypedArray> = {};
  for (const [name, [type, offset, length]] of Object.entries(header.arrays)) {
    const make = CONSTRUCTORS[type];
    const start = own.byteOffset + dataStart + offset;
    if (!make || start + length * make.BYTES_PER_ELEMENT > own.byteOffset + own.byteLength) {
      throw new Error(`${what}: array ${name} does not fit the file`);
    }
    arrays[name] = new make(own.buffer as ArrayBuffer, start, length);
  }
  return { meta: header.meta, arrays };
}

export async function writeTypedArrays(
  file: string,
  meta: unknown,
  arrays: Record<string, TypedArray>,
): Promise<void> {
  await writeDurable(file, encodeTypedArrays(meta, arrays));
}

export async function readTypedArrays<M>(file: string): Promise<TypedArrayFile<M>> {
  return decodeTypedArrays<M>(await readFile(file), file);
}

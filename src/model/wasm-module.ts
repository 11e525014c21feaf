/**
 * Just enough of the WebAssembly binary format to write simd-kernels.ts's few small functions by hand:
 * the instructions they use, by name, and a module of functions sharing one exported memory. A kernel is a
 * few hundred bytes, so writing them here keeps the project free of a compiler toolchain and a build step.
 * Names and opcodes follow the WebAssembly core specification (2.0, with fixed-width SIMD).
 */

/** Unsigned LEB128. */
function u32(value: number): number[] {
  const out: number[] = [];
  do {
    let byte = value & 0x7f;
    value >>>= 7;
    if (value !== 0) byte |= 0x80;
    out.push(byte);
  } while (value !== 0);
  return out;
}

/** Signed LEB128. */
function s32(value: number): number[] {
  const out: number[] = [];
  for (;;) {
    const byte = value & 0x7f;
    value >>= 7;
    if ((value === 0 && (byte & 0x40) === 0) || (value === -1 && (byte & 0x40) !== 0)) {
      out.push(byte);
      return out;
    }
    out.push(byte | 0x80);
  }
}

const vector = (items: number[][]): number[] => [...u32(items.length), ...items.flat()];
const name = (text: string): number[] => vector([...text].map((c) => [c.charCodeAt(0)]));
const section = (id: number, bytes: number[]): number[] => [id, ...u32(bytes.length), ...bytes];

export const i32 = 0x7f;
export const f64 = 0x7c;
export const v128 = 0x7b;
export type ValueType = typeof i32 | typeof f64 | typeof v128;

/** Memory access immediate: alignment as log2 bytes, then a constant offset in bytes. */
const memarg = (alignLog2: number, offset: number) => [...u32(alignLog2), ...u32(offset)];
const simd = (opcode: number) => [0xfd, ...u32(opcode)];

/** The instructions the kernels use (each returns its bytes; operands come from the stack). */
export const op = {
  localGet: (index: number) => [0x20, ...u32(index)],
  localSet: (index: number) => [0x21, ...u32(index)],
  localTee: (index: number) => [0x22, ...u32(index)],
  i32Const: (value: number) => [0x41, ...s32(value)],
  i32Add: [0x6a],
  i32Mul: [0x6c],
  i32Shl: [0x74],
  i32GeU: [0x4f],
  i32Eq: [0x46],
  i32And: [0x71],
  /** `block … end` and `loop … end` without results: br 1 from inside the loop leaves the block. */
  block: [0x02, 0x40],
  loop: [0x03, 0x40],
  end: [0x0b],
  br: (depth: number) => [0x0c, ...u32(depth)],
  brIf: (depth: number) => [0x0d, ...u32(depth)],
  if: [0x04, 0x40],
  f64Load: (offset = 0) => [0x2b, ...memarg(3, offset)],
  f64Store: (offset = 0) => [0x39, ...memarg(3, offset)],
  f64Add: [0xa0],
  f64Mul: [0xa2],
  f64Eq: [0x61],
  f64Const0: [0x44, 0, 0, 0, 0, 0, 0, 0, 0],
  v128Load: (offset = 0) => [...simd(0x00), ...memarg(3, offset)],
  v128Store: (offset = 0) => [...simd(0x0b), ...memarg(3, offset)],
  /** Loads 8 bytes into the low half (two f32), zeroing the rest. */
  v128Load64Zero: (offset = 0) => [...simd(0x5d), ...memarg(3, offset)],
  v128Zero: [...simd(0x0c), ...new Array<number>(16).fill(0)],
  f64x2Splat: simd(0x14),
  f64x2ExtractLane: (lane: 0 | 1) => [...simd(0x21), lane],
  f64x2PromoteLowF32x4: simd(0x5f),
  f64x2Add: simd(0xf0),
  f64x2Mul: simd(0xf2),
};

export interface WasmFunction {
  name: string;
  params: ValueType[];
  /** Locals after the parameters, in order. */
  locals: ValueType[];
  body: number[][];
}

/** A module exporting `memory` (its initial size in 64 KiB pages) and the functions, none returning a value. */
export function wasmModule(functions: readonly WasmFunction[], pages: number): Uint8Array {
  const types = section(1, vector(functions.map((f) => [0x60, ...vector(f.params.map((t) => [t])), 0])));
  const declared = section(3, vector(functions.map((_, index) => u32(index))));
  const memory = section(5, vector([[0x00, ...u32(pages)]]));
  const exported = section(
    7,
    vector([
      [...name('memory'), 0x02, 0],
      ...functions.map((f, index) => [...name(f.name), 0x00, ...u32(index)]),
    ]),
  );
  const code = section(
    10,
    vector(
      functions.map((f) => {
        const body = [...vector(f.locals.map((t) => [1, t])), ...f.body.flat(), ...op.end];
        return [...u32(body.length), ...body];
      }),
    ),
  );
  return Uint8Array.from([
    0x00,
    0x61,
    0x73,
    0x6d,
    1,
    0,
    0,
    0,
    ...types,
    ...declared,
    ...memory,
    ...exported,
    ...code,
  ]);
}

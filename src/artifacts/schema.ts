/**
 * Small typed checks for JSON read from disk. A check returns the value it was given once it has
 * the expected shape (unknown extra fields are kept, so a newer writer's additions survive) and
 * throws a SchemaError naming the path of the first mismatch otherwise: an artifact is validated,
 * never cast.
 */

export class SchemaError extends Error {
  constructor(
    readonly path: string,
    problem: string,
  ) {
    super(`${path} ${problem}`);
    this.name = 'SchemaError';
  }
}

export type Check<T> = (value: unknown, path: string) => T;
export type Checked<C> = C extends Check<infer T> ? T : never;

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (value === undefined) return 'missing';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'string') return `the string ${JSON.stringify(value.slice(0, 40))}`;
  if (typeof value === 'object') return 'an object';
  return `${typeof value} ${String(value)}`;
}

function fail(path: string, expected: string, value: unknown): never {
  throw new SchemaError(path, `must be ${expected}, not ${describe(value)}`);
}

export const number: Check<number> = (value, path) =>
  typeof value === 'number' && Number.isFinite(value) ? value : fail(path, 'a finite number', value);

export const integer: Check<number> = (value, path) =>
  Number.isInteger(value) ? (value as number) : fail(path, 'an integer', value);

export const string: Check<string> = (value, path) =>
  typeof value === 'string' ? value : fail(path, 'a string', value);

export const boolean: Check<boolean> = (value, path) =>
  typeof value === 'boolean' ? value : fail(path, 'true or false', value);

export function literal<const T extends string | number>(expected: T): Check<T> {
  return (value, path) => (value === expected ? expected : fail(path, JSON.stringify(expected), value));
}

export function optional<T>(check: Check<T>): Check<T | undefined> {
  return (value, path) => (value === undefined ? undefined : check(value, path));
}

export function arrayOf<T>(item: Check<T>): Check<T[]> {
  return (value, path) => {
    if (!Array.isArray(value)) fail(path, 'an array', value);
    for (let i = 0; i < value.length; i++) item(value[i], `${path}[${i}]`);
    return value as T[];
  };
}

export function tuple<const C extends readonly Check<unknown>[]>(
  ...items: C
): Check<{ -readonly [K in keyof C]: Checked<C[K]> }> {
  return (value, path) => {
    if (!Array.isArray(value) || value.length !== items.length)
      fail(path, `an array of ${items.length}`, value);
    items.forEach((item, i) => item(value[i], `${path}[${i}]`));
    return value as { -readonly [K in keyof C]: Checked<C[K]> };
  };
}

export function recordOf<T>(item: Check<T>): Check<Record<string, T>> {
  return (value, path) => {
    if (typeof value !== 'object' || value === null || Array.isArray(value)) fail(path, 'an object', value);
    for (const [key, entry] of Object.entries(value)) item(entry, `${path}.${key}`);
    return value as Record<string, T>;
  };
}

export function oneOf<const C extends readonly Check<unknown>[]>(
  expected: string,
  ...options: C
): Check<Checked<C[number]>> {
  return (value, path) => {
    for (const option of options) {
      try {
        return option(value, path) as Checked<C[number]>;
      } catch (error) {
        if (!(error instanceof SchemaError)) throw error;
      }
    }
    return fail(path, expected, value);
  };
}

type Shape = Record<string, Check<unknown>>;
type Optionals<S extends Shape> = {
  [K in keyof S]: undefined extends Checked<S[K]> ? K : never;
}[keyof S];
type ObjectOf<S extends Shape> = { [K in Exclude<keyof S, Optionals<S>>]: Checked<S[K]> } & {
  [K in Optionals<S>]?: Checked<S[K]>;
};

export function object<S extends Shape>(shape: S): Check<ObjectOf<S>> {
  return (value, path) => {
    if (typeof value !== 'object' || value === null || Array.isArray(value)) fail(path, 'an object', value);
    const record = value as Record<string, unknown>;
    for (const [key, check] of Object.entries(shape)) {
      check(record[key], `${path}.${key}`);
    }
    return value as ObjectOf<S>;
  };
}

/** Parses JSON text and checks it; errors name `what` (a file name) first. */
export function parseJson<T>(text: string, check: Check<T>, what: string): T {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new SchemaError(what, `is not valid JSON: ${(error as Error).message}`);
  }
  return check(value, what);
}

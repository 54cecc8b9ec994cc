/**
 * The wire format between the judge and the sandbox: plain JSON, with tagged objects for what
 * JSON cannot say. Both sides import this module, each into its own process and realm; it does no
 * I/O and keeps no state.
 *
 * | value                          | on the wire                                   |
 * | ------------------------------ | --------------------------------------------- |
 * | finite number, string, boolean, null | itself                                  |
 * | NaN, ±Infinity, −0             | `{ "$n": "NaN" }` …                           |
 * | undefined                      | `{ "$u": 1 }`                                 |
 * | Array                          | an array                                      |
 * | Float64Array, Int32Array, …    | `{ "$t": "Float64Array", "b": base64 bytes }` |
 * | Matrix (rows, cols, data)      | `{ "$m": [rows, cols, Float64Array] }`        |
 * | Map, Set                       | `{ "$map": [[k, v], …] }`, `{ "$set": […] }`  |
 * | plain object                   | `{ "$o": { key: value } }`                    |
 * | anything else (a class instance, a function) | `{ "$r": id, "c": "ClassName" }`, `{ "$f": id }`: a handle |
 *
 * Decoding is strict: an unknown tag, a wrong field type, a Matrix whose data does not have
 * rows × cols entries, or nesting deeper than {@link MAX_DEPTH} is an error naming the path.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { decode, encode } from "./codec.ts";
 * const wire = JSON.stringify(encode({ loss: NaN, w: Float64Array.of(1, -0) }, { handle: () => 0 }));
 * const back = decode(JSON.parse(wire), {}) as { loss: number; w: Float64Array };
 * assert.ok(Number.isNaN(back.loss) && Object.is(back.w[1], -0));
 * ```
 * @module
 */

/** Deepest nesting either side encodes or decodes. */
export const MAX_DEPTH = 64;

/** The typed array classes that travel by value. */
const TYPED: Record<
  TypedName,
  | Float64ArrayConstructor
  | Float32ArrayConstructor
  | Int32ArrayConstructor
  | Uint32ArrayConstructor
  | Int16ArrayConstructor
  | Uint16ArrayConstructor
  | Int8ArrayConstructor
  | Uint8ArrayConstructor
  | Uint8ClampedArrayConstructor
> = {
  Float64Array,
  Float32Array,
  Int32Array,
  Uint32Array,
  Int16Array,
  Uint16Array,
  Int8Array,
  Uint8Array,
  Uint8ClampedArray,
};

/** Name of a typed array class that travels by value. */
export type TypedName =
  | "Float64Array"
  | "Float32Array"
  | "Int32Array"
  | "Uint32Array"
  | "Int16Array"
  | "Uint16Array"
  | "Int8Array"
  | "Uint8Array"
  | "Uint8ClampedArray";

/** A value on the wire (JSON). */
export type Wire = null | boolean | number | string | Wire[] | { [key: string]: Wire };

/**
 * How `encode` turns what is not data into a handle, and recognises matrices.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { encode, type EncodeHooks } from "./codec.ts";
 * const hooks: EncodeHooks = { handle: () => 7 };
 * assert.deepEqual(encode(new (class Net {})(), hooks), { $r: 7, c: "Net" });
 * ```
 */
export interface EncodeHooks {
  /** Stores `value` (a function or class instance) and returns its handle id. */
  handle(value: object): number;
  /** True when `value` is a matrix (it is sent as rows, cols and a Float64Array). */
  isMatrix?(value: object): boolean;
}

/**
 * Encodes a value for the wire (see the module doc). Throws on a circular value or nesting deeper
 * than {@link MAX_DEPTH}.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { encode } from "./codec.ts";
 * assert.deepEqual(encode([1, undefined, new Map([["a", -Infinity]])], { handle: () => 0 }),
 *   [1, { $u: 1 }, { $map: [["a", { $n: "-Infinity" }]] }]);
 * ```
 */
export function encode(value: unknown, hooks: EncodeHooks): Wire {
  const seen = new Set<object>();
  const walk = (v: unknown, depth: number): Wire => {
    if (depth > MAX_DEPTH) throw new RangeError(`value nested deeper than ${MAX_DEPTH} levels`);
    switch (typeof v) {
      case "number":
        return Number.isFinite(v) && !Object.is(v, -0)
          ? v
          : { $n: String(Object.is(v, -0) ? "-0" : v) };
      case "string":
      case "boolean":
        return v;
      case "undefined":
        return { $u: 1 };
      case "bigint":
        return { $big: String(v) };
      case "symbol":
        throw new TypeError("a symbol cannot be sent");
      case "function":
        return { $f: hooks.handle(v) };
    }
    if (v === null) return null;
    const o = v as object;
    if (seen.has(o)) throw new TypeError("a circular value cannot be sent");
    seen.add(o);
    try {
      if (hooks.isMatrix?.(o)) {
        const m = o as { rows: number; cols: number; data: Float64Array };
        return { $m: [walk(m.rows, depth + 1), walk(m.cols, depth + 1), walk(m.data, depth + 1)] };
      }
      if (ArrayBuffer.isView(o) && !(o instanceof DataView)) {
        const name = Object.getPrototypeOf(o)?.constructor?.name as TypedName;
        if (!(name in TYPED)) throw new TypeError(`a ${name} cannot be sent`);
        const bytes = new Uint8Array(o.buffer, o.byteOffset, o.byteLength);
        return { $t: name, b: toBase64(bytes) };
      }
      if (Array.isArray(o)) return Array.from(o, (x) => walk(x, depth + 1));
      if (o instanceof Map) {
        return { $map: [...o].map(([k, x]) => [walk(k, depth + 1), walk(x, depth + 1)]) };
      }
      if (o instanceof Set) return { $set: [...o].map((x) => walk(x, depth + 1)) };
      const proto = Object.getPrototypeOf(o);
      if (proto === Object.prototype || proto === null) {
        const out: Record<string, Wire> = {};
        for (const k of Object.keys(o)) out[k] = walk((o as Record<string, unknown>)[k], depth + 1);
        return { $o: out };
      }
      return { $r: hooks.handle(o), c: String(proto?.constructor?.name ?? "Object") };
    } finally {
      seen.delete(o);
    }
  };
  return walk(value, 0);
}

/**
 * How `decode` rebuilds matrices and handles on the receiving side.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { decode, type DecodeHooks } from "./codec.ts";
 * const hooks: DecodeHooks = { matrix: (r, c, d) => ({ r, c, d }) };
 * assert.deepEqual(decode({ $m: [1, 1, { $t: "Float64Array", b: "AAAAAAAA8D8=" }] }, hooks),
 *   { r: 1, c: 1, d: Float64Array.of(1) });
 * ```
 */
export interface DecodeHooks {
  /** Builds a matrix; `data` has exactly rows × cols entries (checked before). */
  matrix?(rows: number, cols: number, data: Float64Array): unknown;
  /** The local stand-in for a handle the other side sent (`$r` object, `$f` function). */
  handle?(id: number, kind: "object" | "function", className: string): unknown;
}

/**
 * Decodes a parsed wire value (see the module doc). Every field is checked; anything malformed
 * throws a `TypeError` naming where (`value.w[3]`).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { decode } from "./codec.ts";
 * assert.deepEqual(decode({ $o: { a: [1, { $u: 1 }] } }, {}), { a: [1, undefined] });
 * assert.throws(() => decode({ $m: [2, 2, { $t: "Float64Array", b: "" }] }, { matrix: () => 0 }),
 *   /value: a 2×2 matrix needs 4 entries, got 0/);
 * ```
 */
export function decode(wire: unknown, hooks: DecodeHooks, where = "value"): unknown {
  const walk = (w: unknown, path: string, depth: number): unknown => {
    if (depth > MAX_DEPTH) throw new TypeError(`${path}: nested deeper than ${MAX_DEPTH} levels`);
    if (w === null || typeof w === "boolean" || typeof w === "string") return w;
    if (typeof w === "number") return w;
    if (Array.isArray(w)) return w.map((x, i) => walk(x, `${path}[${i}]`, depth + 1));
    if (typeof w !== "object") throw new TypeError(`${path}: not a wire value (${typeof w})`);
    const o = w as Record<string, unknown>;
    const keys = Object.keys(o);
    const tag = keys.find((k) => k.startsWith("$"));
    switch (tag) {
      case "$n": {
        const n = ({ NaN: NaN, Infinity: Infinity, "-Infinity": -Infinity, "-0": -0 } as const)[
          o.$n as "NaN"
        ];
        if (n === undefined) throw new TypeError(`${path}: bad number ${JSON.stringify(o.$n)}`);
        return n;
      }
      case "$u":
        return undefined;
      case "$big":
        if (typeof o.$big !== "string" || !/^-?\d+$/.test(o.$big)) {
          throw new TypeError(`${path}: bad bigint`);
        }
        return BigInt(o.$big);
      case "$t": {
        const Ctor = TYPED[o.$t as TypedName];
        if (!Object.hasOwn(TYPED, o.$t as string) || typeof o.b !== "string") {
          throw new TypeError(`${path}: bad typed array ${JSON.stringify(o.$t)}`);
        }
        const bytes = fromBase64(o.b, path);
        if (bytes.byteLength % Ctor.BYTES_PER_ELEMENT !== 0) {
          throw new TypeError(`${path}: ${bytes.byteLength} bytes is not a whole ${o.$t}`);
        }
        return new Ctor(bytes.buffer as ArrayBuffer, 0, bytes.byteLength / Ctor.BYTES_PER_ELEMENT);
      }
      case "$m": {
        const parts = o.$m;
        if (!Array.isArray(parts) || parts.length !== 3) {
          throw new TypeError(`${path}: bad matrix`);
        }
        const rows = walk(parts[0], `${path}.rows`, depth + 1);
        const cols = walk(parts[1], `${path}.cols`, depth + 1);
        const data = walk(parts[2], `${path}.data`, depth + 1);
        if (!isCount(rows) || !isCount(cols)) {
          throw new TypeError(`${path}: a matrix's rows and cols must be whole numbers ≥ 0`);
        }
        if (!(data instanceof Float64Array)) {
          throw new TypeError(`${path}: a matrix's data must be a Float64Array`);
        }
        if (data.length !== rows * cols) {
          throw new TypeError(
            `${path}: a ${rows}×${cols} matrix needs ${rows * cols} entries, got ${data.length}`,
          );
        }
        if (!hooks.matrix) throw new TypeError(`${path}: matrices are not expected here`);
        return hooks.matrix(rows, cols, data);
      }
      case "$map": {
        if (!Array.isArray(o.$map)) throw new TypeError(`${path}: bad Map`);
        return new Map(o.$map.map((e, i) => {
          if (!Array.isArray(e) || e.length !== 2) throw new TypeError(`${path}: bad Map entry`);
          return [
            walk(e[0], `${path}.key[${i}]`, depth + 1),
            walk(e[1], `${path}[${i}]`, depth + 1),
          ];
        }));
      }
      case "$set": {
        if (!Array.isArray(o.$set)) throw new TypeError(`${path}: bad Set`);
        return new Set(o.$set.map((x, i) => walk(x, `${path}[${i}]`, depth + 1)));
      }
      case "$o": {
        const body = o.$o;
        if (body === null || typeof body !== "object" || Array.isArray(body)) {
          throw new TypeError(`${path}: bad object`);
        }
        // defineProperty, not assignment: a key "__proto__" stays an ordinary own property.
        const out: Record<string, unknown> = {};
        for (const [k, x] of Object.entries(body)) {
          const value = walk(x, `${path}.${k}`, depth + 1);
          Object.defineProperty(out, k, {
            value,
            enumerable: true,
            writable: true,
            configurable: true,
          });
        }
        return out;
      }
      case "$r":
      case "$f": {
        const id = o[tag];
        if (!isCount(id)) throw new TypeError(`${path}: bad handle`);
        if (!hooks.handle) throw new TypeError(`${path}: handles are not expected here`);
        const name = typeof o.c === "string" ? o.c.slice(0, 100) : "";
        return hooks.handle(id, tag === "$f" ? "function" : "object", name);
      }
    }
    throw new TypeError(`${path}: unknown wire object with keys ${keys.slice(0, 5).join(", ")}`);
  };
  return walk(wire, where, 0);
}

function isCount(x: unknown): x is number {
  return typeof x === "number" && Number.isSafeInteger(x) && x >= 0;
}

function toBase64(bytes: Uint8Array): string {
  let s = "";
  for (let i = 0; i < bytes.length; i += 0x8000) {
    s += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  }
  return btoa(s);
}

function fromBase64(b: string, path: string): Uint8Array {
  let s: string;
  try {
    s = atob(b);
  } catch {
    throw new TypeError(`${path}: bad base64`);
  }
  const out = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) out[i] = s.charCodeAt(i);
  return out;
}

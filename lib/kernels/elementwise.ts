/**
 * The loops behind Matrix's elementwise operations, one plain loop per operation. A loop calling a
 * function it was handed (`fn(a[i], b[i])`) costs several nanoseconds per entry once more than one
 * function has passed through it, because the engine can no longer inline the call; with the
 * operation written out in each loop an entry costs about one. The results are the same to the
 * bit: each entry is the same single operation.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { binaryRun } from "./elementwise.ts";
 * const out = new Float64Array(3);
 * binaryRun("add", out, 0, Float64Array.of(1, 2, 3), 0, 1, Float64Array.of(10), 0, 0, 3);
 * assert.deepEqual(Array.from(out), [11, 12, 13]);
 * ```
 * @module
 */

/**
 * The elementwise binary operations of Matrix (`maximum`/`minimum` keep a NaN of the left operand).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import type { BinaryOp } from "./elementwise.ts";
 * const op: BinaryOp = "maximum";
 * assert.equal(op, "maximum");
 * ```
 */
export type BinaryOp = "add" | "sub" | "mul" | "div" | "maximum" | "minimum";

/**
 * One strided run of a binary operation: `o[oOff + j] = a[aOff + j·aStep] op b[bOff + j·bStep]`
 * for j < len. A step of 0 repeats one value (a scalar, or one entry of a broadcast vector).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { binaryRun } from "./elementwise.ts";
 * const out = new Float64Array(2);
 * binaryRun("maximum", out, 0, Float64Array.of(-1, 2), 0, 1, Float64Array.of(0), 0, 0, 2);
 * assert.deepEqual(Array.from(out), [0, 2]);
 * ```
 */
export function binaryRun(
  op: BinaryOp,
  o: Float64Array,
  oOff: number,
  a: Float64Array,
  aOff: number,
  aStep: number,
  b: Float64Array,
  bOff: number,
  bStep: number,
  len: number,
): void {
  // deno-fmt-ignore
  switch (op) {
    case "add": for (let j = 0; j < len; j++) o[oOff + j] = a[aOff + j * aStep] + b[bOff + j * bStep]; return;
    case "sub": for (let j = 0; j < len; j++) o[oOff + j] = a[aOff + j * aStep] - b[bOff + j * bStep]; return;
    case "mul": for (let j = 0; j < len; j++) o[oOff + j] = a[aOff + j * aStep] * b[bOff + j * bStep]; return;
    case "div": for (let j = 0; j < len; j++) o[oOff + j] = a[aOff + j * aStep] / b[bOff + j * bStep]; return;
    case "maximum":
      for (let j = 0; j < len; j++) {
        const x = a[aOff + j * aStep], y = b[bOff + j * bStep];
        o[oOff + j] = x > y || x !== x ? x : y; // x !== x: x is NaN
      }
      return;
    case "minimum":
      for (let j = 0; j < len; j++) {
        const x = a[aOff + j * aStep], y = b[bOff + j * bStep];
        o[oOff + j] = x < y || x !== x ? x : y;
      }
      return;
  }
  throw new RangeError(`binaryRun: unknown operation ${op}`);
}

/**
 * The elementwise functions of Matrix (`square` is `pow(2)`).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import type { UnaryOp } from "./elementwise.ts";
 * const op: UnaryOp = "sqrt";
 * assert.equal(op, "sqrt");
 * ```
 */
export type UnaryOp = "exp" | "log" | "sqrt" | "abs" | "neg" | "square";

/**
 * `o[i] = op(a[i])` for every i < a.length.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { unaryRun } from "./elementwise.ts";
 * const out = new Float64Array(2);
 * unaryRun("sqrt", out, Float64Array.of(4, 9));
 * assert.deepEqual(Array.from(out), [2, 3]);
 * ```
 */
export function unaryRun(op: UnaryOp, o: Float64Array, a: Float64Array): void {
  const n = a.length;
  // deno-fmt-ignore
  switch (op) {
    case "exp": for (let i = 0; i < n; i++) o[i] = Math.exp(a[i]); return;
    case "log": for (let i = 0; i < n; i++) o[i] = Math.log(a[i]); return;
    case "sqrt": for (let i = 0; i < n; i++) o[i] = Math.sqrt(a[i]); return;
    case "abs": for (let i = 0; i < n; i++) o[i] = Math.abs(a[i]); return;
    case "neg": for (let i = 0; i < n; i++) o[i] = -a[i]; return;
    case "square": for (let i = 0; i < n; i++) o[i] = a[i] * a[i]; return;
  }
  throw new RangeError(`unaryRun: unknown operation ${op}`);
}

/**
 * The reductions of Matrix along an axis (`sumOfSquares` adds x²; `max`/`min` are NaN once they
 * meet a NaN, as numpy's).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import type { ReduceOp } from "./elementwise.ts";
 * const op: ReduceOp = "sumOfSquares";
 * assert.equal(op, "sumOfSquares");
 * ```
 */
export type ReduceOp = "sum" | "sumOfSquares" | "max" | "min";

/**
 * Folds `a[off]`, `a[off + 1]`, …, `a[off + len − 1]` into `acc`, in that order (one row).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { reduceRun } from "./elementwise.ts";
 * assert.equal(reduceRun("sumOfSquares", Float64Array.of(9, 3, 4), 1, 2, 0), 25);
 * ```
 */
export function reduceRun(
  op: ReduceOp,
  a: Float64Array,
  off: number,
  len: number,
  acc: number,
): number {
  const end = off + len;
  // deno-fmt-ignore
  switch (op) {
    case "sum": for (let i = off; i < end; i++) acc = acc + a[i]; return acc;
    case "sumOfSquares": for (let i = off; i < end; i++) acc = acc + a[i] * a[i]; return acc;
    case "max": for (let i = off; i < end; i++) acc = a[i] > acc || a[i] !== a[i] ? a[i] : acc; return acc;
    case "min": for (let i = off; i < end; i++) acc = a[i] < acc || a[i] !== a[i] ? a[i] : acc; return acc;
  }
  throw new RangeError(`reduceRun: unknown operation ${op}`);
}

/**
 * Folds one row into running column results: `acc[j] = acc[j] op a[off + j]` for j < acc.length.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { reduceInto } from "./elementwise.ts";
 * const acc = Float64Array.of(1, 5);
 * reduceInto("max", acc, Float64Array.of(3, 4), 0);
 * assert.deepEqual(Array.from(acc), [3, 5]);
 * ```
 */
export function reduceInto(op: ReduceOp, acc: Float64Array, a: Float64Array, off: number): void {
  const n = acc.length;
  // deno-fmt-ignore
  switch (op) {
    case "sum": for (let j = 0; j < n; j++) acc[j] = acc[j] + a[off + j]; return;
    case "sumOfSquares": for (let j = 0; j < n; j++) acc[j] = acc[j] + a[off + j] * a[off + j]; return;
    case "max": for (let j = 0; j < n; j++) { const x = a[off + j]; if (x > acc[j] || x !== x) acc[j] = x; } return;
    case "min": for (let j = 0; j < n; j++) { const x = a[off + j]; if (x < acc[j] || x !== x) acc[j] = x; } return;
  }
  throw new RangeError(`reduceInto: unknown operation ${op}`);
}

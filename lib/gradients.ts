/**
 * Numerical gradients by finite differences and the gradient check, as in CS231n's
 * `gradient_check.py`: the analytic gradient is fast and exact but easy to get wrong; the numerical
 * one is slow and approximate but easy to get right, so we compare them.
 *
 * Every function here refuses a NaN or ±∞ in its matrices (a `NonFiniteError` naming the entry)
 * and a function `f` that returns anything but a finite number at a perturbed point (naming the
 * coordinate), so a gradient is never silently NaN.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { Matrix } from "./matrix.ts";
 * import { evalNumericalGradient, relError } from "./gradients.ts";
 * const x = Matrix.fromArray([[1, 2]]);
 * const g = evalNumericalGradient((m) => m.pow(2).sum(), x); // d/dx Σx² = 2x
 * assert(relError(g, x.mul(2)) < 1e-8);
 * ```
 * @module
 */
import { assertFinite, assertSameShape, Matrix } from "./matrix.ts";
import { type Seed, toRng } from "./random.ts";

/**
 * Options of the finite-difference gradients.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { Matrix } from "./matrix.ts";
 * import { evalNumericalGradient, type NumericalGradientOptions } from "./gradients.ts";
 * const x = Matrix.fromArray([[1]]);
 * const f = (m: Matrix) => m.get(0, 0) ** 2; // f'(1) = 2
 * const forward: NumericalGradientOptions = { method: "forward", h: 1e-3 };
 * assert(Math.abs(evalNumericalGradient(f, x, forward).get(0, 0) - 2.001) < 1e-9); // error h
 * assert(Math.abs(evalNumericalGradient(f, x).get(0, 0) - 2) < 1e-9); // centered: exact here
 * ```
 */
export interface NumericalGradientOptions {
  /** Step h (default 1e-5). */
  h?: number;
  /**
   * `"centered"`: [f(x+h) − f(x−h)] / 2h, error O(h²) (default);
   * `"forward"`: [f(x+h) − f(x)] / h, error O(h).
   */
  method?: "centered" | "forward";
}

/**
 * The gradient of a scalar function `f` at `x` by finite differences, one coordinate at a time.
 * `x` is perturbed in place (so `f` may close over it) and restored exactly afterwards.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { Matrix } from "./matrix.ts";
 * import { evalNumericalGradient } from "./gradients.ts";
 * const x = Matrix.fromArray([[3]]);
 * const g = evalNumericalGradient((m) => m.get(0, 0) ** 3, x, { h: 1e-4 });
 * assert(Math.abs(g.get(0, 0) - 27) < 1e-6);
 * ```
 */
export function evalNumericalGradient(
  f: (x: Matrix) => number,
  x: Matrix,
  { h = 1e-5, method = "centered" }: NumericalGradientOptions = {},
): Matrix {
  checkArgs("evalNumericalGradient", f, x, h, method);
  // BEGIN SOLUTION
  const grad = new Matrix(x.rows, x.cols);
  const fx = method === "forward" ? f(x) : 0;
  for (let i = 0; i < x.data.length; i++) {
    grad.data[i] = partial(f, x, i, h, method, fx);
  }
  return grad;
  // END SOLUTION
}

/**
 * The numerical gradient of a matrix-valued function `f` at `x`, contracted with an upstream
 * gradient `df` (same shape as `f(x)`): Σ df ⊙ ∂f/∂xᵢ for every i. This checks a layer's backward
 * pass (`dx = backward(df)`) against its forward pass.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { Matrix } from "./matrix.ts";
 * import { evalNumericalGradientArray } from "./gradients.ts";
 * const x = Matrix.fromArray([[1, -2]]);
 * const df = Matrix.fromArray([[1, 1]]);
 * const dx = evalNumericalGradientArray((m) => m.mul(3), x, df); // d(3x) = 3·df
 * assert(dx.allClose(Matrix.fromArray([[3, 3]])));
 * ```
 */
export function evalNumericalGradientArray(
  f: (x: Matrix) => Matrix,
  x: Matrix,
  df: Matrix,
  { h = 1e-5 }: { h?: number } = {},
): Matrix {
  const op = "evalNumericalGradientArray";
  checkArgs(op, f, x, h, "centered");
  assertFinite(op, "df", df);
  const grad = new Matrix(x.rows, x.cols);
  for (let i = 0; i < x.data.length; i++) {
    const old = x.data[i];
    let pos: Matrix, neg: Matrix;
    try {
      x.data[i] = old + h;
      pos = f(x);
      x.data[i] = old - h;
      neg = f(x);
    } finally {
      x.data[i] = old;
    }
    if (!(pos instanceof Matrix) || !(neg instanceof Matrix)) {
      throw new TypeError(`${op}: f must return a Matrix, got ${typeof pos}`);
    }
    assertSameShape(`${op}: f(x) vs df`, pos, df);
    assertSameShape(`${op}: f(x) vs df`, neg, df);
    let s = 0;
    for (let t = 0; t < df.data.length; t++) s += (pos.data[t] - neg.data[t]) * df.data[t];
    if (!Number.isFinite(s)) { // find which value of f was not finite
      assertFinite(op, `f(x + h at ${at(x, i)})`, pos);
      assertFinite(op, `f(x − h at ${at(x, i)})`, neg);
    }
    grad.data[i] = s / (2 * h);
  }
  return grad;
}

/**
 * One coordinate checked by `gradCheckSparse`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { Matrix } from "./matrix.ts";
 * import { type GradCheckRecord, gradCheckSparse } from "./gradients.ts";
 * const x = Matrix.fromArray([[1, 2, 3]]);
 * const wrong = Matrix.fromArray([[2, 4, 0]]); // d(Σx²)/dx = 2x = [2, 4, 6]: column 2 is wrong
 * const records: GradCheckRecord[] = gradCheckSparse((m) => m.pow(2).sum(), x, wrong);
 * const bad = records.find((r) => r.col === 2);
 * assert(bad && bad.analytic === 0 && Math.abs(bad.numerical - 6) < 1e-6 && bad.relError === 1);
 * assert(records.every((r) => r.col === 2 || r.relError < 1e-7));
 * ```
 */
export interface GradCheckRecord {
  /** Flat (row-major) index of the coordinate. */
  index: number;
  /** Its row. */
  row: number;
  /** Its column. */
  col: number;
  /** Centered-difference estimate. */
  numerical: number;
  /** The analytic gradient's value there. */
  analytic: number;
  /** |a − n| / max(1e-8, |a| + |n|). */
  relError: number;
}

/**
 * Checks `analyticGrad` at `numChecks` random coordinates of `x` (like CS231n's
 * `grad_check_sparse`), returning one record per coordinate. `x` is restored afterwards.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { Matrix } from "./matrix.ts";
 * import { gradCheckSparse } from "./gradients.ts";
 * const x = Matrix.randn(4, 3, 0);
 * const recs = gradCheckSparse((m) => m.pow(2).sum(), x, x.mul(2), { numChecks: 5, seed: 1 });
 * assert(recs.length === 5 && recs.every((r) => r.relError < 1e-7));
 * ```
 */
export function gradCheckSparse(
  f: (x: Matrix) => number,
  x: Matrix,
  analyticGrad: Matrix,
  { numChecks = 10, h = 1e-5, seed = 0 }: { numChecks?: number; h?: number; seed?: Seed } = {},
): GradCheckRecord[] {
  const op = "gradCheckSparse";
  checkArgs(op, f, x, h, "centered");
  assertFinite(op, "analyticGrad", analyticGrad);
  assertSameShape("gradCheckSparse: x vs analyticGrad", x, analyticGrad);
  if (x.size === 0) throw new RangeError("gradCheckSparse: x has no entries");
  if (!Number.isInteger(numChecks) || numChecks < 0) {
    throw new RangeError(`gradCheckSparse: numChecks must be an integer ≥ 0, got ${numChecks}`);
  }
  const rng = toRng(seed);
  const out: GradCheckRecord[] = [];
  for (let t = 0; t < numChecks; t++) {
    const index = rng.int(0, x.size);
    const numerical = partial(f, x, index, h, "centered", 0, op);
    const analytic = analyticGrad.data[index];
    out.push({
      index,
      row: Math.floor(index / x.cols),
      col: index % x.cols,
      numerical,
      analytic,
      relError: relError(analytic, numerical),
    });
  }
  return out;
}

/**
 * Relative error as CS231n defines it: max |a − b| / max(1e-8, |a| + |b|), over all entries for
 * matrices. Below 1e-7 is what a correct gradient usually gives. A NaN or ±∞ is an error, not a
 * NaN result that would quietly fail every `< 1e-7` test.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { relError } from "./gradients.ts";
 * assert(relError(1, 1) === 0);
 * assert(Math.abs(relError(1, 3) - 0.5) < 1e-15);
 * ```
 */
export function relError(a: Matrix | number, b: Matrix | number): number {
  if (typeof a === "number" && typeof b === "number") {
    if (!Number.isFinite(a) || !Number.isFinite(b)) {
      throw new RangeError(
        `relError: ${Number.isFinite(a) ? `b is ${b}` : `a is ${a}`}, not a finite number`,
      );
    }
    return Math.abs(a - b) / Math.max(1e-8, Math.abs(a) + Math.abs(b));
  }
  if (typeof a === "number" || typeof b === "number") {
    throw new TypeError("relError: compare two numbers or two matrices, not a mix");
  }
  assertFinite("relError", "a", a);
  assertFinite("relError", "b", b);
  assertSameShape("relError", a, b);
  let worst = 0;
  for (let i = 0; i < a.data.length; i++) {
    const x = a.data[i], y = b.data[i];
    worst = Math.max(worst, Math.abs(x - y) / Math.max(1e-8, Math.abs(x) + Math.abs(y)));
  }
  return worst;
}

function partial(
  f: (x: Matrix) => number,
  x: Matrix,
  i: number,
  h: number,
  method: "centered" | "forward",
  fx: number,
  op = "evalNumericalGradient",
): number {
  const old = x.data[i];
  try {
    x.data[i] = old + h;
    const fPlus = checkValue(op, f(x), x, i, "+ h");
    if (method === "forward") return (fPlus - checkValue(op, fx, x, i, "")) / h;
    if (method !== "centered") {
      throw new RangeError(`numerical gradient: unknown method "${method}"`);
    }
    x.data[i] = old - h;
    const fMinus = checkValue(op, f(x), x, i, "− h");
    return (fPlus - fMinus) / (2 * h);
  } finally {
    x.data[i] = old;
  }
}

/** `v` if it is a finite number, else an error naming the coordinate being perturbed. */
function checkValue(op: string, v: unknown, x: Matrix, i: number, step: string): number {
  if (typeof v === "number" && Number.isFinite(v)) return v;
  const where = step ? `at x with ${at(x, i)} ${step}` : "at x";
  if (typeof v !== "number") {
    throw new TypeError(
      `${op}: f returned ${v === null ? "null" : typeof v} ${where}; f must return a number ` +
        "(for a loss that returns { loss, dW }, pass (W) => lossFn(W, …).loss)",
    );
  }
  throw new RangeError(`${op}: f returned ${v} ${where}; f must return a finite number`);
}

/** `x[r,c]` for flat index i. */
function at(x: Matrix, i: number): string {
  return `x[${Math.floor(i / x.cols)},${i % x.cols}]`;
}

/** The checks every numerical gradient makes before perturbing anything. */
function checkArgs(op: string, f: unknown, x: Matrix, h: number, method: string): void {
  if (typeof f !== "function") throw new TypeError(`${op}: f must be a function, got ${typeof f}`);
  assertFinite(op, "x", x);
  if (typeof h !== "number" || !(h > 0) || !Number.isFinite(h)) {
    throw new RangeError(`${op}: step h must be > 0, got ${h} (a small finite number like 1e-5)`);
  }
  if (method !== "centered" && method !== "forward") {
    throw new RangeError(`${op}: unknown method "${method}" (use "centered" or "forward")`);
  }
}

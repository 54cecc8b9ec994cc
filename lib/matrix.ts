/**
 * Dense row-major matrices of float64, the one array type of this library (numpy's 2-D `ndarray`,
 * cut down to what the lessons need). Vectors are 1×C (row) or N×1 (column) matrices.
 *
 * Every operation returns a new matrix unless its name says "InPlace". Shape mismatches throw a
 * `RangeError` naming the operation and both shapes. Dimensions must be non-negative integers
 * (a string such as `"3"` is a `TypeError`), and a shape needing more than `MAX_MATRIX_BYTES` is
 * refused before anything is allocated.
 *
 * Reductions follow numpy: `max`/`min` are NaN, and `argmax`/`argmin` the index of the first NaN,
 * as soon as the entries they reduce hold a NaN. A reduction without an identity (`max`, `min`,
 * `argmax`, `argmin`, `mean`) over an empty axis (or of an empty matrix) throws a `RangeError`
 * naming the operation and the shape; `sum` and `sumOfSquares` of nothing are 0, their identity.
 *
 * (This file is longer than the others on purpose: `Matrix` is one class, and keeping its whole
 * numpy-like surface in one place lets a student read it top to bottom. Products live in
 * `kernels/`.)
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { Matrix } from "./matrix.ts";
 * const X = Matrix.fromArray([[1, 2], [3, 4]]);
 * const scores = X.matmul(Matrix.eye(2)).add(Matrix.fromArray([[10, 20]])); // row broadcast
 * assert(scores.get(1, 1) === 24);
 * ```
 * @module
 */
import { gemm, gemmTA, gemmTB } from "./kernels/gemm.ts";
import {
  type BinaryOp,
  binaryRun,
  reduceInto,
  type ReduceOp,
  reduceRun,
  type UnaryOp,
  unaryRun,
} from "./kernels/elementwise.ts";
import { type Seed, toRng } from "./random.ts";

/** Axis of a reduction: 0 reduces over rows (one value per column), 1 over columns (one per row). */
export type Axis = 0 | 1;

/** Formats a shape the way error messages show it, e.g. `(3×4)`. */
export function shapeOf(m: { rows: number; cols: number }): string {
  return `(${m.rows}×${m.cols})`;
}

/**
 * The most memory one matrix may take: 4 GiB, i.e. 2²⁹ float64 entries. That holds the whole
 * CIFAR-10 training set (50000×3073, 1.23 GB) and its full test-by-train distance matrix
 * (10000×50000, 4 GB), far more than the lessons use; a larger shape is almost always a typo
 * (1e9 rows) and is refused before allocating, naming the bytes it would need, instead of taking
 * the machine's memory. Raise it here if you really need bigger matrices.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { Matrix, MAX_MATRIX_BYTES } from "./matrix.ts";
 * assert.equal(MAX_MATRIX_BYTES, 2 ** 32);
 * assert.throws(() => Matrix.zeros(1e5, 1e5), /zeros: \(100000×100000\) needs 80 GB/);
 * ```
 */
export const MAX_MATRIX_BYTES = 2 ** 32;

/** The most rows (or columns) a matrix may have: a vector of them fills MAX_MATRIX_BYTES. */
const MAX_DIM = MAX_MATRIX_BYTES / 8;

/**
 * Throws unless rows×cols is a shape a matrix can have: each dimension a number (else a
 * `TypeError` naming it and its value), a non-negative integer, and rows·cols·8 bytes at most
 * `MAX_MATRIX_BYTES` (else a `RangeError` naming `op`, the shape and the bytes it needs); an empty
 * matrix may not have more than MAX_MATRIX_BYTES / 8 rows or columns either.
 * `names` are how messages call the two dimensions.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { assertShape } from "./matrix.ts";
 * assertShape("demo", 3, 2); // fine
 * assert.throws(() => assertShape("demo", "3", 2), /demo: rows must be a number, got the string "3"/);
 * assert.throws(() => assertShape("demo", 2, -1), /demo: cols must be a non-negative integer, got -1/);
 * assert.throws(() => assertShape("demo", 1e9, 1), /demo: \(1000000000×1\) needs 8 GB/);
 * ```
 */
export function assertShape(
  op: string,
  rows: unknown,
  cols: unknown,
  names: readonly [string, string] = ["rows", "cols"],
): void {
  if (
    typeof rows === "number" && typeof cols === "number" && Number.isInteger(rows) &&
    Number.isInteger(cols) && rows >= 0 && cols >= 0 && rows * cols * 8 <= MAX_MATRIX_BYTES &&
    rows <= MAX_DIM && cols <= MAX_DIM
  ) return; // the fast path: every matrix operation allocates through here
  [rows, cols].forEach((v, k) => {
    if (typeof v !== "number") {
      throw new TypeError(`${op}: ${names[k]} must be a number, got ${describe(v)}`);
    }
    if (!Number.isInteger(v) || v < 0) {
      throw new RangeError(`${op}: ${names[k]} must be a non-negative integer, got ${v}`);
    }
  });
  const bytes = (rows as number) * (cols as number) * 8;
  if (bytes > MAX_MATRIX_BYTES) {
    throw new RangeError(
      `${op}: (${rows}×${cols}) needs ${formatBytes(bytes)}, more than the ${
        formatBytes(MAX_MATRIX_BYTES)
      } one matrix may take (MAX_MATRIX_BYTES)`,
    );
  }
  // An empty matrix with a huge other dimension: its row (or column) vectors would not fit.
  const [name, v] = (rows as number) > MAX_DIM ? [names[0], rows] : [names[1], cols];
  throw new RangeError(
    `${op}: (${rows}×${cols}): ${name} = ${v} is more than the ${MAX_DIM} a matrix may have`,
  );
}

/**
 * The error of `assertFinite`: a `RangeError` naming the operation, the argument and the first
 * entry that is NaN or ±∞, with those as fields, so that a training loop can tell a diverged model
 * (`instanceof NonFiniteError`) from other errors.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { NonFiniteError } from "./matrix.ts";
 * const e = new NonFiniteError("demo", "X", 2, 1, NaN);
 * assert(e instanceof RangeError);
 * assert.equal(e.message, "demo: X[2,1] is NaN, not a finite number");
 * ```
 */
export class NonFiniteError extends RangeError {
  /** The operation that refused its input. */
  readonly op: string;
  /** The argument holding the value, e.g. `"X"`. */
  readonly argument: string;
  /** Row of the first non-finite entry (row-major order). */
  readonly row: number;
  /** Its column. */
  readonly col: number;
  /** The entry: NaN, Infinity or -Infinity. */
  readonly value: number;
  /** `op: argument[row,col] is value, not a finite number`. */
  constructor(op: string, argument: string, row: number, col: number, value: number) {
    super(`${op}: ${argument}[${row},${col}] is ${value}, not a finite number`);
    this.name = "NonFiniteError";
    this.op = op;
    this.argument = argument;
    this.row = row;
    this.col = col;
    this.value = value;
  }
}

/**
 * Throws a `NonFiniteError` (a `RangeError`) naming `op`, `name` and the first entry of `m`, in
 * row-major order, that is NaN or ±∞: the input check of the losses, gradients and layers. One pass
 * over the data, no allocation. Anything but a Matrix is a `TypeError`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { assertFinite, Matrix } from "./matrix.ts";
 * assertFinite("demo", "X", Matrix.ones(2, 2)); // fine
 * const X = Matrix.zeros(3, 2).set(2, 1, NaN);
 * assert.throws(() => assertFinite("svmLossVectorized", "X", X), /svmLossVectorized: X\[2,1\] is NaN/);
 * ```
 */
export function assertFinite(op: string, name: string, m: Matrix): void {
  if (!(m instanceof Matrix)) {
    throw new TypeError(`${op}: ${name} must be a Matrix, got ${describe(m)}`);
  }
  if (m === knownFinite) return; // see withKnownFinite
  const a = m.data, n = a.length, n4 = n - (n % 4);
  // NaN − NaN and ∞ − ∞ are NaN; x − x is 0 for every finite x. Four entries per test (this runs
  // on every batch of every training step), then the exact entry from the first block that fails.
  let i = 0;
  for (; i < n4; i += 4) {
    const p = a[i], q = a[i + 1], r = a[i + 2], s = a[i + 3];
    if (p - p + (q - q) + (r - r) + (s - s) !== 0) break;
  }
  for (; i < n; i++) {
    const v = a[i];
    if (v - v !== 0) throw new NonFiniteError(op, name, Math.floor(i / m.cols), i % m.cols, v);
  }
}

let knownFinite: Matrix | null = null;

/**
 * Runs `fn` with `m` taken as finite: `assertFinite` skips its scan of `m` (and only of `m`) until
 * `fn` returns. For a training loop's minibatch, whose rows are copied from data that `train`
 * checked once at the start: the loss would otherwise scan the whole batch again every step.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { assertFinite, Matrix, withKnownFinite } from "./matrix.ts";
 * const batch = Matrix.ones(2, 2);
 * withKnownFinite(batch, () => assertFinite("demo", "X", batch)); // no scan
 * batch.set(0, 0, NaN);
 * assert.throws(() => assertFinite("demo", "X", batch), /X\[0,0\] is NaN/); // checked again
 * ```
 */
export function withKnownFinite<T>(m: Matrix, fn: () => T): T {
  const outer = knownFinite;
  knownFinite = m;
  try {
    return fn();
  } finally {
    knownFinite = outer;
  }
}

/**
 * A dense rows×cols matrix of float64 stored row-major in `data`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { Matrix } from "./matrix.ts";
 * const m = new Matrix(2, 3); // zeros
 * m.set(1, 2, 5);
 * assert(m.data[5] === 5 && m.sum() === 5);
 * ```
 */
export class Matrix {
  /** Number of rows. */
  readonly rows: number;
  /** Number of columns. */
  readonly cols: number;
  /** Entries in row-major order: entry (i, j) is `data[i * cols + j]`. */
  readonly data: Float64Array;

  /** A rows×cols matrix over `data` (not copied), or of zeros when `data` is omitted. */
  constructor(rows: number, cols: number, data?: Float64Array | ArrayLike<number>) {
    assertShape("Matrix", rows, cols);
    this.rows = rows;
    this.cols = cols;
    if (data === undefined) this.data = allocate("Matrix", rows, cols);
    else {
      if (data.length !== rows * cols) {
        throw new RangeError(
          `Matrix: (${rows}×${cols}) needs ${rows * cols} values, got ${data.length}`,
        );
      }
      this.data = data instanceof Float64Array ? data : Float64Array.from(data);
    }
  }

  // ---- constructors -------------------------------------------------------------------------

  /** A rows×cols matrix of zeros. */
  static zeros(rows: number, cols: number): Matrix {
    assertShape("zeros", rows, cols);
    return new Matrix(rows, cols);
  }

  /** A rows×cols matrix of ones. */
  static ones(rows: number, cols: number): Matrix {
    assertShape("ones", rows, cols);
    return Matrix.full(rows, cols, 1);
  }

  /** A rows×cols matrix filled with `value`. */
  static full(rows: number, cols: number, value: number): Matrix {
    assertShape("full", rows, cols);
    const m = new Matrix(rows, cols);
    m.data.fill(value);
    return m;
  }

  /** The n×n identity matrix. */
  static eye(n: number): Matrix {
    assertShape("eye", n, n, ["n", "n"]);
    const m = new Matrix(n, n);
    for (let i = 0; i < n; i++) m.data[i * n + i] = 1;
    return m;
  }

  /** A matrix from nested arrays (one inner array per row); all rows must have equal length. */
  static fromArray(rows: readonly (readonly number[])[]): Matrix {
    const r = rows.length;
    const c = r === 0 ? 0 : rows[0].length;
    const m = new Matrix(r, c);
    for (let i = 0; i < r; i++) {
      if (rows[i].length !== c) {
        throw new RangeError(
          `Matrix.fromArray: row ${i} has ${rows[i].length} values, row 0 has ${c}`,
        );
      }
      m.data.set(rows[i], i * c);
    }
    return m;
  }

  /** A 1×n row vector. */
  static rowVector(values: ArrayLike<number>): Matrix {
    return new Matrix(1, values.length, Float64Array.from(values));
  }

  /** An n×1 column vector. */
  static colVector(values: ArrayLike<number>): Matrix {
    return new Matrix(values.length, 1, Float64Array.from(values));
  }

  /** Samples from N(0, 1) (scale with `.mul(std)`), drawn from `seed` (a number or an `Rng`). */
  static randn(rows: number, cols: number, seed?: Seed): Matrix {
    assertShape("randn", rows, cols);
    const rng = toRng(seed);
    const m = new Matrix(rows, cols);
    for (let i = 0; i < m.data.length; i++) m.data[i] = rng.normal();
    return m;
  }

  /** Samples from U[0, 1), drawn from `seed` (a number or an `Rng`). */
  static rand(rows: number, cols: number, seed?: Seed): Matrix {
    assertShape("rand", rows, cols);
    const rng = toRng(seed);
    const m = new Matrix(rows, cols);
    for (let i = 0; i < m.data.length; i++) m.data[i] = rng.random();
    return m;
  }

  // ---- access -------------------------------------------------------------------------------

  /** `[rows, cols]`, like numpy's `shape`. */
  get shape(): [number, number] {
    return [this.rows, this.cols];
  }

  /** Number of entries. */
  get size(): number {
    return this.data.length;
  }

  /** Entry (i, j); throws on an index outside the matrix. */
  get(i: number, j: number): number {
    this.#checkIndex("get", i, j);
    return this.data[i * this.cols + j];
  }

  /** Sets entry (i, j) in place; throws on an index outside the matrix. */
  set(i: number, j: number, value: number): this {
    this.#checkIndex("set", i, j);
    this.data[i * this.cols + j] = value;
    return this;
  }

  /** Nested arrays, one per row. */
  toArray(): number[][] {
    const out: number[][] = [];
    for (let i = 0; i < this.rows; i++) out.push(Array.from(this.row(i)));
    return out;
  }

  /** Row i as a view (a subarray sharing memory). */
  row(i: number): Float64Array {
    this.#checkIndex("row", i, 0, true);
    return this.data.subarray(i * this.cols, (i + 1) * this.cols);
  }

  /** Column j as a new array. */
  col(j: number): Float64Array {
    if (!Number.isInteger(j) || j < 0 || j >= this.cols) {
      throw new RangeError(`col: index ${j} is outside ${shapeOf(this)}`);
    }
    const out = new Float64Array(this.rows);
    for (let i = 0; i < this.rows; i++) out[i] = this.data[i * this.cols + j];
    return out;
  }

  /** A deep copy. */
  clone(): Matrix {
    return new Matrix(this.rows, this.cols, this.data.slice());
  }

  /** The same data seen as another shape with the same number of entries (shares memory). */
  reshape(rows: number, cols: number): Matrix {
    assertShape("reshape", rows, cols);
    if (rows * cols !== this.size) {
      throw new RangeError(`reshape: ${shapeOf(this)} → (${rows}×${cols}): sizes differ`);
    }
    return new Matrix(rows, cols, this.data);
  }

  // ---- elementwise --------------------------------------------------------------------------

  /** this + other (scalar, same shape, or broadcast row/column vector). */
  add(other: Matrix | number): Matrix {
    return broadcast("add", "+", this, other);
  }

  /** this − other (scalar, same shape, or broadcast row/column vector). */
  sub(other: Matrix | number): Matrix {
    return broadcast("sub", "−", this, other);
  }

  /** this ⊙ other, elementwise (scalar, same shape, or broadcast row/column vector). */
  mul(other: Matrix | number): Matrix {
    return broadcast("mul", "⊙", this, other);
  }

  /** this ⊘ other, elementwise (scalar, same shape, or broadcast row/column vector). */
  div(other: Matrix | number): Matrix {
    return broadcast("div", "⊘", this, other);
  }

  /** Elementwise max(this, other), e.g. `maximum(0)` is ReLU. */
  maximum(other: Matrix | number): Matrix {
    return broadcast("maximum", "max", this, other);
  }

  /** Elementwise min(this, other). */
  minimum(other: Matrix | number): Matrix {
    return broadcast("minimum", "min", this, other);
  }

  /** Applies `fn(value, i, j)` to every entry. */
  map(fn: (value: number, i: number, j: number) => number): Matrix {
    const out = new Matrix(this.rows, this.cols);
    for (let i = 0, t = 0; i < this.rows; i++) {
      for (let j = 0; j < this.cols; j++, t++) out.data[t] = fn(this.data[t], i, j);
    }
    return out;
  }

  /** Elementwise eˣ. */
  exp(): Matrix {
    return this.#unary("exp");
  }

  /** Elementwise natural logarithm. */
  log(): Matrix {
    return this.#unary("log");
  }

  /** Elementwise square root. */
  sqrt(): Matrix {
    return this.#unary("sqrt");
  }

  /** Elementwise absolute value. */
  abs(): Matrix {
    return this.#unary("abs");
  }

  /** Elementwise power xᵖ. */
  pow(p: number): Matrix {
    if (p === 2) return this.#unary("square");
    const out = new Matrix(this.rows, this.cols);
    for (let i = 0; i < out.data.length; i++) out.data[i] = this.data[i] ** p;
    return out;
  }

  /** −this. */
  neg(): Matrix {
    return this.#unary("neg");
  }

  // ---- in place (for update rules and accumulators) ------------------------------------------

  /** this += alpha · other (same shape), in place: the SGD step `W.addScaledInPlace(dW, -lr)`. */
  addScaledInPlace(other: Matrix, alpha = 1): this {
    assertSameShape("addScaledInPlace", this, other);
    const a = this.data, b = other.data;
    for (let i = 0; i < a.length; i++) a[i] += alpha * b[i];
    return this;
  }

  /** this *= s, in place. */
  scaleInPlace(s: number): this {
    const a = this.data;
    for (let i = 0; i < a.length; i++) a[i] *= s;
    return this;
  }

  // ---- linear algebra -----------------------------------------------------------------------

  /** The matrix product this · other. */
  matmul(other: Matrix): Matrix {
    return matmul(this, other);
  }

  /** The transpose. */
  transpose(): Matrix {
    const { rows: r, cols: c } = this;
    const out = new Matrix(c, r);
    const a = this.data, o = out.data;
    const B = 32; // blocked so that both reads and writes stay in cache
    for (let i0 = 0; i0 < r; i0 += B) {
      for (let j0 = 0; j0 < c; j0 += B) {
        const iEnd = Math.min(i0 + B, r), jEnd = Math.min(j0 + B, c);
        for (let i = i0; i < iEnd; i++) {
          for (let j = j0; j < jEnd; j++) o[j * r + i] = a[i * c + j];
        }
      }
    }
    return out;
  }

  /** Shorthand for `transpose()`, like numpy's `.T`. */
  get T(): Matrix {
    return this.transpose();
  }

  /** Frobenius norm √(Σ x²). */
  norm(): number {
    return Math.sqrt(this.sumOfSquares());
  }

  // ---- reductions ---------------------------------------------------------------------------

  /** Sum of all entries, or along an axis (0 → 1×cols, 1 → rows×1). */
  sum(): number;
  /** Sum along an axis: 0 → 1×cols, 1 → rows×1. */
  sum(axis: Axis): Matrix;
  sum(axis?: Axis): number | Matrix {
    if (axis === undefined) {
      let s = 0;
      const a = this.data;
      for (let i = 0; i < a.length; i++) s += a[i];
      return s;
    }
    return this.#reduce("sum", axis, 0);
  }

  /**
   * Σ x² over all entries, or along an axis (0 → 1×cols, 1 → rows×1): numpy's
   * `np.sum(X ** 2, axis)` without the squared temporary (the ‖aᵢ‖² of the kNN distances).
   *
   * @example
   * ```ts
   * import assert from "node:assert/strict";
   * import { Matrix } from "./matrix.ts";
   * const m = Matrix.fromArray([[1, 2], [3, 4]]);
   * assert.equal(m.sumOfSquares(), 30);
   * assert.deepEqual(m.sumOfSquares(1).toArray(), [[5], [25]]);
   * assert.deepEqual(m.sumOfSquares(0).toArray(), [[10, 20]]);
   * ```
   */
  sumOfSquares(): number;
  /** Sum of squares along an axis: 0 → 1×cols, 1 → rows×1. */
  sumOfSquares(axis: Axis): Matrix;
  sumOfSquares(axis?: Axis): number | Matrix {
    if (axis === undefined) {
      // Four running sums (entries i ≡ 0, 1, 2, 3 mod 4), added at the end: one sum waited for
      // each add before it (4 cycles an entry), this runs 3–4× faster on the regularization of a
      // training step. A fixed order, so the same matrix always gives the same bits.
      const a = this.data, n = a.length, n4 = n - (n % 4);
      let s0 = 0, s1 = 0, s2 = 0, s3 = 0;
      for (let i = 0; i < n4; i += 4) {
        s0 += a[i] * a[i];
        s1 += a[i + 1] * a[i + 1];
        s2 += a[i + 2] * a[i + 2];
        s3 += a[i + 3] * a[i + 3];
      }
      for (let i = n4; i < n; i++) s0 += a[i] * a[i];
      return (s0 + s1) + (s2 + s3);
    }
    return this.#reduce("sumOfSquares", axis, 0);
  }

  /** Mean of all entries, or along an axis. */
  mean(): number;
  /** Mean along an axis: 0 → 1×cols, 1 → rows×1. */
  mean(axis: Axis): Matrix;
  mean(axis?: Axis): number | Matrix {
    if (axis === undefined) {
      if (this.size === 0) throw new RangeError(`mean: ${shapeOf(this)} has no entries`);
      return this.sum() / this.size;
    }
    if (axis !== 0 && axis !== 1) throw new RangeError(`mean: axis must be 0 or 1, got ${axis}`);
    const n = axis === 0 ? this.rows : this.cols;
    if (n === 0) throw new RangeError(`mean: axis ${axis} of ${shapeOf(this)} is empty`);
    return this.sum(axis).scaleInPlace(1 / n);
  }

  /** Largest entry, or the largest along an axis; NaN where the entries hold a NaN (numpy's rule). */
  max(): number;
  /** Largest entry along an axis (NaN where a NaN is among them). */
  max(axis: Axis): Matrix;
  max(axis?: Axis): number | Matrix {
    if (axis === undefined) return this.data[this.#argAll("max", true)];
    return this.#reduce("max", axis, -Infinity);
  }

  /** Smallest entry, or the smallest along an axis; NaN where the entries hold a NaN. */
  min(): number;
  /** Smallest entry along an axis (NaN where a NaN is among them). */
  min(axis: Axis): Matrix;
  min(axis?: Axis): number | Matrix {
    if (axis === undefined) return this.data[this.#argAll("min", false)];
    return this.#reduce("min", axis, Infinity);
  }

  /**
   * Index of the largest entry (flat, row-major), or along an axis: axis 1 gives each row's
   * column index (the predicted class), axis 0 each column's row index. Ties go to the first; a
   * NaN beats every number, so the index of the first NaN is returned (numpy's `argmax`).
   */
  argmax(): number;
  /** Index of the largest entry along an axis (0: per column, 1: per row); ties go to the first. */
  argmax(axis: Axis): Int32Array;
  argmax(axis?: Axis): number | Int32Array {
    return this.#argBest("argmax", axis, true);
  }

  /** Index of the smallest entry (flat), or along an axis. Ties go to the first; NaN wins. */
  argmin(): number;
  /** Index of the smallest entry along an axis (0: per column, 1: per row); ties go to the first. */
  argmin(axis: Axis): Int32Array;
  argmin(axis?: Axis): number | Int32Array {
    return this.#argBest("argmin", axis, false);
  }

  // ---- rows, stacking -----------------------------------------------------------------------

  /** Rows start … end−1 as a new matrix (like `X[start:end]`). */
  sliceRows(start: number, end: number = this.rows): Matrix {
    if (
      !Number.isInteger(start) || !Number.isInteger(end) || start < 0 || end > this.rows ||
      start > end
    ) {
      throw new RangeError(`sliceRows: rows [${start}, ${end}) are outside ${shapeOf(this)}`);
    }
    return new Matrix(end - start, this.cols, this.data.slice(start * this.cols, end * this.cols));
  }

  /**
   * The rows listed in `indices`, in that order (like `X[idx]`); indices may repeat. With `out`
   * (indices.length × cols) they are written into it and it is returned: a training loop reuses
   * one minibatch matrix instead of allocating (and zeroing) a fresh one every step.
   */
  gatherRows(indices: ArrayLike<number>, out?: Matrix): Matrix {
    const c = this.cols;
    assertShape("gatherRows", indices.length, c);
    if (out === undefined) out = new Matrix(indices.length, c);
    else if (!(out instanceof Matrix) || out.rows !== indices.length || out.cols !== c) {
      throw new RangeError(
        `gatherRows: out must be a (${indices.length}×${c}) Matrix, got ${
          out instanceof Matrix ? shapeOf(out) : describe(out)
        }`,
      );
    }
    const src = this.data, dst = out.data;
    for (let t = 0; t < indices.length; t++) {
      const i = indices[t];
      if (!Number.isInteger(i) || i < 0 || i >= this.rows) {
        throw new RangeError(`gatherRows: index ${i} (position ${t}) is outside ${shapeOf(this)}`);
      }
      dst.set(src.subarray(i * c, i * c + c), t * c);
    }
    return out;
  }

  /** Appends a column of ones: the bias trick, so x·W + b becomes [x 1]·[W; b]. */
  appendOnes(): Matrix {
    return hstack([this, Matrix.ones(this.rows, 1)]);
  }

  // ---- comparison ---------------------------------------------------------------------------

  /**
   * True when shapes match and every |a − b| ≤ atol + rtol·|b| (numpy's `allclose`).
   * Throws nothing on a shape mismatch: it is simply not close.
   */
  allClose(
    other: Matrix,
    { atol = 1e-8, rtol = 1e-5 }: { atol?: number; rtol?: number } = {},
  ): boolean {
    if (this.rows !== other.rows || this.cols !== other.cols) return false;
    for (let i = 0; i < this.data.length; i++) {
      const a = this.data[i], b = other.data[i];
      if (!(Math.abs(a - b) <= atol + rtol * Math.abs(b))) {
        if (a === b) continue; // equal infinities
        return false;
      }
    }
    return true;
  }

  /** Largest |a − b| over all entries (same shape required). */
  maxAbsDiff(other: Matrix): number {
    assertSameShape("maxAbsDiff", this, other);
    let m = 0;
    for (let i = 0; i < this.data.length; i++) {
      m = Math.max(m, Math.abs(this.data[i] - other.data[i]));
    }
    return m;
  }

  /** A short human-readable form, e.g. for logging. */
  toString(): string {
    const body = this.toArray().slice(0, 8).map((r) =>
      "  [" + r.slice(0, 8).map((x) => x.toPrecision(4)).join(", ") + (r.length > 8 ? ", …" : "") +
      "]"
    );
    if (this.rows > 8) body.push("  …");
    return `Matrix ${shapeOf(this)} [\n${body.join("\n")}\n]`;
  }

  // ---- private helpers ----------------------------------------------------------------------

  #checkIndex(op: string, i: number, j: number, rowOnly = false): void {
    if (
      !Number.isInteger(i) || !Number.isInteger(j) || i < 0 || i >= this.rows || j < 0 ||
      (!rowOnly && j >= this.cols)
    ) {
      const where = rowOnly ? `${i}` : `(${i}, ${j})`;
      throw new RangeError(`${op}: index ${where} is outside ${shapeOf(this)}`);
    }
  }

  #unary(op: UnaryOp): Matrix {
    const out = new Matrix(this.rows, this.cols);
    unaryRun(op, out.data, this.data);
    return out;
  }

  #reduce(op: ReduceOp, axis: Axis, init: number): Matrix {
    const { rows: r, cols: c, data: a } = this;
    if (axis !== 0 && axis !== 1) throw new RangeError(`${op}: axis must be 0 or 1, got ${axis}`);
    if ((op === "max" || op === "min") && (axis === 0 ? r : c) === 0) {
      throw new RangeError(`${op}: axis ${axis} of ${shapeOf(this)} is empty`);
    }
    if (axis === 0) {
      const out = Matrix.full(1, c, init);
      for (let i = 0; i < r; i++) reduceInto(op, out.data, a, i * c);
      return out;
    }
    const out = Matrix.full(r, 1, init);
    for (let i = 0; i < r; i++) out.data[i] = reduceRun(op, a, i * c, c, init);
    return out;
  }

  /** The flat index of the largest (or smallest) entry, the first NaN's if there is one. */
  #argAll(op: string, largest: boolean): number {
    if (this.size === 0) throw new RangeError(`${op}: ${shapeOf(this)} has no entries`);
    return bestIn(this.data, 0, 1, this.size, largest ? 1 : -1);
  }

  /** argmax (`largest`) or argmin: ties go to the first index, and the first NaN wins. */
  #argBest(op: string, axis: Axis | undefined, largest: boolean): number | Int32Array {
    const { rows: r, cols: c, data: a } = this;
    if (axis === undefined) return this.#argAll(op, largest);
    const sign = largest ? 1 : -1; // argmin is argmax of −x (NaN stays NaN)
    if (axis !== 0 && axis !== 1) throw new RangeError(`${op}: axis must be 0 or 1, got ${axis}`);
    const [outer, inner] = axis === 1 ? [r, c] : [c, r];
    if (inner === 0) throw new RangeError(`${op}: axis ${axis} of ${shapeOf(this)} is empty`);
    const out = new Int32Array(outer);
    for (let o = 0; o < outer; o++) {
      out[o] = axis === 1 ? bestIn(a, o * c, 1, c, sign) : bestIn(a, o, c, r, sign);
    }
    return out;
  }
}

/**
 * The position t < len of the largest `sign·a[off + t·step]`: the first on ties, the first NaN if
 * there is one (it stops there).
 */
function bestIn(a: Float64Array, off: number, step: number, len: number, sign: number): number {
  let best = 0, bestValue = sign * a[off];
  if (bestValue !== bestValue) return 0;
  for (let t = 1; t < len; t++) {
    const v = sign * a[off + t * step];
    if (v > bestValue) {
      best = t;
      bestValue = v;
    } else if (v !== v) return t;
  }
  return best;
}

// ---- free functions -----------------------------------------------------------------------

/**
 * The matrix product A·B (m×k times k×n).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { Matrix, matmul } from "./matrix.ts";
 * const C = matmul(Matrix.fromArray([[1, 2]]), Matrix.fromArray([[3], [4]]));
 * assert(C.get(0, 0) === 11);
 * ```
 */
export function matmul(a: Matrix, b: Matrix): Matrix {
  if (a.cols !== b.rows) {
    throw new RangeError(
      `matmul: ${shapeOf(a)} · ${shapeOf(b)}: inner sizes ${a.cols} ≠ ${b.rows}`,
    );
  }
  assertShape("matmul", a.rows, b.cols);
  const out = new Matrix(a.rows, b.cols);
  gemm(a.data, b.data, out.data, a.rows, a.cols, b.cols);
  return out;
}

/**
 * Aᵀ·B without forming Aᵀ (A is k×m, B is k×n): the `X.T @ dscores` of backprop.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { Matrix, matmulTA } from "./matrix.ts";
 * const X = Matrix.fromArray([[1, 2], [3, 4]]);
 * assert(matmulTA(X, X).allClose(X.T.matmul(X)));
 * ```
 */
export function matmulTA(a: Matrix, b: Matrix): Matrix {
  if (a.rows !== b.rows) {
    throw new RangeError(
      `matmulTA: ${shapeOf(a)}ᵀ · ${shapeOf(b)}: inner sizes ${a.rows} ≠ ${b.rows}`,
    );
  }
  assertShape("matmulTA", a.cols, b.cols);
  const out = new Matrix(a.cols, b.cols);
  gemmTA(a.data, b.data, out.data, a.cols, a.rows, b.cols);
  return out;
}

/**
 * A·Bᵀ without forming Bᵀ (A is m×k, B is n×k): the `X @ Xtrain.T` of the kNN distances.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { Matrix, matmulTB } from "./matrix.ts";
 * const X = Matrix.fromArray([[1, 2], [3, 4]]);
 * assert(matmulTB(X, X).allClose(X.matmul(X.T)));
 * ```
 */
export function matmulTB(a: Matrix, b: Matrix): Matrix {
  if (a.cols !== b.cols) {
    throw new RangeError(
      `matmulTB: ${shapeOf(a)} · ${shapeOf(b)}ᵀ: inner sizes ${a.cols} ≠ ${b.cols}`,
    );
  }
  assertShape("matmulTB", a.rows, b.rows);
  const out = new Matrix(a.rows, b.rows);
  gemmTB(a.data, b.data, out.data, a.rows, a.cols, b.rows);
  return out;
}

/**
 * Side-by-side concatenation; all matrices need the same number of rows.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { Matrix, hstack } from "./matrix.ts";
 * assert(hstack([Matrix.ones(2, 1), Matrix.zeros(2, 3)]).cols === 4);
 * ```
 */
export function hstack(ms: readonly Matrix[]): Matrix {
  if (ms.length === 0) throw new RangeError("hstack: needs at least one matrix");
  const r = ms[0].rows;
  for (const m of ms) {
    if (m.rows !== r) {
      throw new RangeError(
        `hstack: ${shapeOf(ms[0])} and ${shapeOf(m)}: row counts ${r} ≠ ${m.rows}`,
      );
    }
  }
  const c = ms.reduce((s, m) => s + m.cols, 0);
  assertShape("hstack", r, c);
  const out = new Matrix(r, c);
  for (let i = 0; i < r; i++) {
    let off = i * c;
    for (const m of ms) {
      out.data.set(m.data.subarray(i * m.cols, (i + 1) * m.cols), off);
      off += m.cols;
    }
  }
  return out;
}

/**
 * Top-to-bottom concatenation; all matrices need the same number of columns.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { Matrix, vstack } from "./matrix.ts";
 * assert(vstack([Matrix.ones(1, 3), Matrix.zeros(2, 3)]).rows === 3);
 * ```
 */
export function vstack(ms: readonly Matrix[]): Matrix {
  if (ms.length === 0) throw new RangeError("vstack: needs at least one matrix");
  const c = ms[0].cols;
  for (const m of ms) {
    if (m.cols !== c) {
      throw new RangeError(
        `vstack: ${shapeOf(ms[0])} and ${shapeOf(m)}: column counts ${c} ≠ ${m.cols}`,
      );
    }
  }
  const r = ms.reduce((s, m) => s + m.rows, 0);
  assertShape("vstack", r, c);
  const out = new Matrix(r, c);
  let off = 0;
  for (const m of ms) {
    out.data.set(m.data, off);
    off += m.data.length;
  }
  return out;
}

/** Throws a RangeError naming `op` unless `a` and `b` have the same shape. */
export function assertSameShape(op: string, a: Matrix, b: Matrix): void {
  if (a.rows !== b.rows || a.cols !== b.cols) {
    throw new RangeError(`${op}: ${shapeOf(a)} and ${shapeOf(b)}: shapes differ`);
  }
}

/**
 * Elementwise binary operation with numpy-style broadcasting on two axes: each axis must be equal
 * or 1 in one of the operands (so a 1×C row or N×1 column stretches across the other).
 */
function broadcast(op: BinaryOp, sym: string, a: Matrix, b: Matrix | number): Matrix {
  if (typeof b === "number") {
    const out = new Matrix(a.rows, a.cols);
    binaryRun(op, out.data, 0, a.data, 0, 1, Float64Array.of(b), 0, 0, a.data.length);
    return out;
  }
  if (a.rows === b.rows && a.cols === b.cols) {
    const out = new Matrix(a.rows, a.cols);
    binaryRun(op, out.data, 0, a.data, 0, 1, b.data, 0, 1, a.data.length);
    return out;
  }
  const rowsOk = a.rows === b.rows || a.rows === 1 || b.rows === 1;
  const colsOk = a.cols === b.cols || a.cols === 1 || b.cols === 1;
  if (!rowsOk || !colsOk) {
    throw new RangeError(`${op}: ${shapeOf(a)} ${sym} ${shapeOf(b)}: shapes do not broadcast`);
  }
  const r = a.rows === 1 ? b.rows : a.rows, c = a.cols === 1 ? b.cols : a.cols;
  assertShape(op, r, c); // a column against a row: an outer product, maybe too big
  const out = new Matrix(r, c);
  // Row i of the output from row i (or 0) of each operand, stepping 1 along it (or 0 for a column).
  const ari = a.rows === 1 ? 0 : a.cols, acj = a.cols === 1 ? 0 : 1;
  const bri = b.rows === 1 ? 0 : b.cols, bcj = b.cols === 1 ? 0 : 1;
  for (let i = 0; i < r; i++) {
    binaryRun(op, out.data, i * c, a.data, i * ari, acj, b.data, i * bri, bcj, c);
  }
  return out;
}

/** `new Float64Array(rows·cols)`, or a RangeError naming `op`, the shape and the bytes if the
 * machine cannot provide them (the shape is already within `MAX_MATRIX_BYTES`). */
function allocate(op: string, rows: number, cols: number): Float64Array {
  try {
    return new Float64Array(rows * cols);
  } catch (e) {
    throw new RangeError(
      `${op}: (${rows}×${cols}) needs ${formatBytes(rows * cols * 8)}: ${(e as Error).message}`,
    );
  }
}

/** Bytes in decimal units with 3 significant digits: 8e10 → "80 GB". */
function formatBytes(bytes: number): string {
  const units = ["bytes", "kB", "MB", "GB", "TB", "PB"];
  let k = 0;
  while (bytes >= 1000 && k < units.length - 1) {
    bytes /= 1000;
    k++;
  }
  return `${Number(bytes.toPrecision(3))} ${units[k]}`;
}

/** A value as an error message shows it: `the string "3"`, `undefined`, `an array`. */
function describe(v: unknown): string {
  if (v === null || v === undefined) return String(v);
  if (typeof v === "string") return `the string ${JSON.stringify(v)}`;
  if (typeof v === "number" || typeof v === "boolean") return `the ${typeof v} ${v}`;
  if (typeof v === "bigint") return `the bigint ${v}n`;
  if (Array.isArray(v)) return "an array";
  return typeof v === "object" ? "an object" : `a ${typeof v}`;
}

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
 * numpy-like surface in one place lets a student read it top to bottom. Every public method carries
 * a short `@example` with a known answer, run by `deno test --doc`: the examples are the
 * documentation, and they are most of the length. Products live in `kernels/`.)
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

/**
 * Axis of a reduction: 0 reduces over rows (one value per column), 1 over columns (one per row).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { type Axis, Matrix } from "./matrix.ts";
 * const overRows: Axis = 0; // N×D → 1×D, one value per column
 * assert.deepEqual(Matrix.fromArray([[1, 2], [3, 4]]).sum(overRows).toArray(), [[4, 6]]);
 * ```
 */
export type Axis = 0 | 1;

/**
 * Formats a shape the way error messages show it, e.g. `(3×4)`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { Matrix, shapeOf } from "./matrix.ts";
 * assert.equal(shapeOf(Matrix.zeros(3, 4)), "(3×4)");
 * assert.equal(shapeOf({ rows: 2, cols: 1 }), "(2×1)");
 * ```
 */
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

  /**
   * A rows×cols matrix of zeros.
   *
   * @example
   * ```ts
   * import assert from "node:assert/strict";
   * import { Matrix } from "./matrix.ts";
   * const Z = Matrix.zeros(2, 3); // 2×3
   * assert.deepEqual(Z.toArray(), [[0, 0, 0], [0, 0, 0]]);
   * assert.throws(() => Matrix.zeros(2, 1.5), /zeros: cols must be a non-negative integer/);
   * ```
   */
  static zeros(rows: number, cols: number): Matrix {
    assertShape("zeros", rows, cols);
    return new Matrix(rows, cols);
  }

  /**
   * A rows×cols matrix of ones.
   *
   * @example
   * ```ts
   * import assert from "node:assert/strict";
   * import { Matrix } from "./matrix.ts";
   * assert.deepEqual(Matrix.ones(2, 2).toArray(), [[1, 1], [1, 1]]);
   * assert.equal(Matrix.ones(4, 1).sum(), 4);
   * ```
   */
  static ones(rows: number, cols: number): Matrix {
    assertShape("ones", rows, cols);
    return Matrix.full(rows, cols, 1);
  }

  /**
   * A rows×cols matrix filled with `value`.
   *
   * @example
   * ```ts
   * import assert from "node:assert/strict";
   * import { Matrix } from "./matrix.ts";
   * assert.deepEqual(Matrix.full(1, 3, 0.5).toArray(), [[0.5, 0.5, 0.5]]);
   * ```
   */
  static full(rows: number, cols: number, value: number): Matrix {
    assertShape("full", rows, cols);
    const m = new Matrix(rows, cols);
    m.data.fill(value);
    return m;
  }

  /**
   * The n×n identity matrix.
   *
   * @example
   * ```ts
   * import assert from "node:assert/strict";
   * import { Matrix } from "./matrix.ts";
   * const I = Matrix.eye(2); // n×n
   * assert.deepEqual(I.toArray(), [[1, 0], [0, 1]]);
   * const X = Matrix.fromArray([[1, 2], [3, 4]]);
   * assert.deepEqual(X.matmul(I).toArray(), X.toArray()); // X·I = X
   * ```
   */
  static eye(n: number): Matrix {
    assertShape("eye", n, n, ["n", "n"]);
    const m = new Matrix(n, n);
    for (let i = 0; i < n; i++) m.data[i * n + i] = 1;
    return m;
  }

  /**
   * A matrix from nested arrays (one inner array per row); all rows must have equal length.
   *
   * @example
   * ```ts
   * import assert from "node:assert/strict";
   * import { Matrix } from "./matrix.ts";
   * const X = Matrix.fromArray([[1, 2, 3], [4, 5, 6]]); // 2 rows of 3 → 2×3
   * assert.deepEqual(X.shape, [2, 3]);
   * assert.equal(X.get(1, 0), 4);
   * assert.throws(() => Matrix.fromArray([[1, 2], [3]]), /row 1 has 1 values, row 0 has 2/);
   * ```
   */
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

  /**
   * A 1×n row vector.
   *
   * @example
   * ```ts
   * import assert from "node:assert/strict";
   * import { Matrix } from "./matrix.ts";
   * const b = Matrix.rowVector([1, 2, 3]); // 1×3: a bias, added to every row of an N×3
   * assert.deepEqual(b.shape, [1, 3]);
   * assert.deepEqual(Matrix.zeros(2, 3).add(b).toArray(), [[1, 2, 3], [1, 2, 3]]);
   * ```
   */
  static rowVector(values: ArrayLike<number>): Matrix {
    return new Matrix(1, values.length, Float64Array.from(values));
  }

  /**
   * An n×1 column vector.
   *
   * @example
   * ```ts
   * import assert from "node:assert/strict";
   * import { Matrix } from "./matrix.ts";
   * const c = Matrix.colVector([1, 2]); // 2×1: one value per row
   * assert.deepEqual(c.shape, [2, 1]);
   * assert.deepEqual(Matrix.zeros(2, 3).add(c).toArray(), [[1, 1, 1], [2, 2, 2]]);
   * ```
   */
  static colVector(values: ArrayLike<number>): Matrix {
    return new Matrix(values.length, 1, Float64Array.from(values));
  }

  /**
   * Samples from N(0, 1) (scale with `.mul(std)`), drawn from `seed` (a number or an `Rng`).
   *
   * @example
   * ```ts
   * import assert from "node:assert/strict";
   * import { Matrix } from "./matrix.ts";
   * const W = Matrix.randn(3073, 10, 0).mul(1e-4); // D×C weights with std 1e-4
   * assert.deepEqual(W.shape, [3073, 10]);
   * assert.deepEqual(Matrix.randn(2, 2, 7).data, Matrix.randn(2, 2, 7).data); // same seed
   * assert(Math.abs(Matrix.randn(100, 100, 1).mean()) < 0.05); // 10⁴ samples: mean ≈ 0
   * ```
   */
  static randn(rows: number, cols: number, seed?: Seed): Matrix {
    assertShape("randn", rows, cols);
    const rng = toRng(seed);
    const m = new Matrix(rows, cols);
    for (let i = 0; i < m.data.length; i++) m.data[i] = rng.normal();
    return m;
  }

  /**
   * Samples from U[0, 1), drawn from `seed` (a number or an `Rng`).
   *
   * @example
   * ```ts
   * import assert from "node:assert/strict";
   * import { Matrix } from "./matrix.ts";
   * const U = Matrix.rand(2, 3, 0);
   * assert(U.min() >= 0 && U.max() < 1);
   * assert.deepEqual(U.toArray(), Matrix.rand(2, 3, 0).toArray()); // same seed, same numbers
   * ```
   */
  static rand(rows: number, cols: number, seed?: Seed): Matrix {
    assertShape("rand", rows, cols);
    const rng = toRng(seed);
    const m = new Matrix(rows, cols);
    for (let i = 0; i < m.data.length; i++) m.data[i] = rng.random();
    return m;
  }

  // ---- access -------------------------------------------------------------------------------

  /**
   * `[rows, cols]`, like numpy's `shape`.
   *
   * @example
   * ```ts
   * import assert from "node:assert/strict";
   * import { Matrix } from "./matrix.ts";
   * const X = Matrix.zeros(5, 3073); // N×D
   * const [N, D] = X.shape;
   * assert.equal(N, 5);
   * assert.equal(D, 3073);
   * ```
   */
  get shape(): [number, number] {
    return [this.rows, this.cols];
  }

  /**
   * Number of entries.
   *
   * @example
   * ```ts
   * import assert from "node:assert/strict";
   * import { Matrix } from "./matrix.ts";
   * assert.equal(Matrix.zeros(5, 4).size, 20); // rows·cols
   * ```
   */
  get size(): number {
    return this.data.length;
  }

  /**
   * Entry (i, j); throws on an index outside the matrix.
   *
   * @example
   * ```ts
   * import assert from "node:assert/strict";
   * import { Matrix } from "./matrix.ts";
   * const X = Matrix.fromArray([[1, 2], [3, 4]]);
   * assert.equal(X.get(1, 0), 3); // row 1, column 0
   * assert.throws(() => X.get(2, 0), /get: index \(2, 0\) is outside \(2×2\)/);
   * ```
   */
  get(i: number, j: number): number {
    this.#checkIndex("get", i, j);
    return this.data[i * this.cols + j];
  }

  /**
   * Sets entry (i, j) in place; throws on an index outside the matrix.
   *
   * @example
   * ```ts
   * import assert from "node:assert/strict";
   * import { Matrix } from "./matrix.ts";
   * const X = Matrix.zeros(2, 2).set(0, 1, 5).set(1, 0, 7); // returns the matrix: calls chain
   * assert.deepEqual(X.toArray(), [[0, 5], [7, 0]]);
   * ```
   */
  set(i: number, j: number, value: number): this {
    this.#checkIndex("set", i, j);
    this.data[i * this.cols + j] = value;
    return this;
  }

  /**
   * Nested arrays, one per row.
   *
   * @example
   * ```ts
   * import assert from "node:assert/strict";
   * import { Matrix } from "./matrix.ts";
   * assert.deepEqual(Matrix.eye(2).toArray(), [[1, 0], [0, 1]]);
   * ```
   */
  toArray(): number[][] {
    const out: number[][] = [];
    for (let i = 0; i < this.rows; i++) out.push(Array.from(this.row(i)));
    return out;
  }

  /**
   * Row i as a view (a subarray sharing memory).
   *
   * @example
   * ```ts
   * import assert from "node:assert/strict";
   * import { Matrix } from "./matrix.ts";
   * const X = Matrix.fromArray([[1, 2], [3, 4]]);
   * assert.deepEqual(Array.from(X.row(1)), [3, 4]);
   * X.row(0)[1] = 9; // a view: the write lands in X
   * assert.equal(X.get(0, 1), 9);
   * ```
   */
  row(i: number): Float64Array {
    this.#checkIndex("row", i, 0, true);
    return this.data.subarray(i * this.cols, (i + 1) * this.cols);
  }

  /**
   * Column j as a new array.
   *
   * @example
   * ```ts
   * import assert from "node:assert/strict";
   * import { Matrix } from "./matrix.ts";
   * const X = Matrix.fromArray([[1, 2], [3, 4]]);
   * assert.deepEqual(Array.from(X.col(1)), [2, 4]);
   * assert.throws(() => X.col(2), /col: index 2 is outside \(2×2\)/);
   * ```
   */
  col(j: number): Float64Array {
    if (!Number.isInteger(j) || j < 0 || j >= this.cols) {
      throw new RangeError(`col: index ${j} is outside ${shapeOf(this)}`);
    }
    const out = new Float64Array(this.rows);
    for (let i = 0; i < this.rows; i++) out[i] = this.data[i * this.cols + j];
    return out;
  }

  /**
   * A deep copy.
   *
   * @example
   * ```ts
   * import assert from "node:assert/strict";
   * import { Matrix } from "./matrix.ts";
   * const X = Matrix.ones(2, 2);
   * const Y = X.clone().set(0, 0, 5);
   * assert.equal(X.get(0, 0), 1); // X is unchanged
   * assert.equal(Y.get(0, 0), 5);
   * ```
   */
  clone(): Matrix {
    return new Matrix(this.rows, this.cols, this.data.slice());
  }

  /**
   * The same data seen as another shape with the same number of entries (shares memory).
   *
   * @example
   * ```ts
   * import assert from "node:assert/strict";
   * import { Matrix } from "./matrix.ts";
   * const img = Matrix.fromArray([[1, 2, 3, 4, 5, 6]]); // 1×6
   * assert.deepEqual(img.reshape(2, 3).toArray(), [[1, 2, 3], [4, 5, 6]]); // row-major order
   * assert.throws(() => img.reshape(4, 2), /reshape: \(1×6\) → \(4×2\): sizes differ/);
   * ```
   */
  reshape(rows: number, cols: number): Matrix {
    assertShape("reshape", rows, cols);
    if (rows * cols !== this.size) {
      throw new RangeError(`reshape: ${shapeOf(this)} → (${rows}×${cols}): sizes differ`);
    }
    return new Matrix(rows, cols, this.data);
  }

  // ---- elementwise --------------------------------------------------------------------------

  /**
   * this + other (scalar, same shape, or broadcast row/column vector).
   *
   * @example
   * ```ts
   * import assert from "node:assert/strict";
   * import { Matrix } from "./matrix.ts";
   * const X = Matrix.fromArray([[1, 2], [3, 4]]); // N×D
   * assert.deepEqual(X.add(1).toArray(), [[2, 3], [4, 5]]); // scalar
   * assert.deepEqual(X.add(Matrix.rowVector([10, 20])).toArray(), [[11, 22], [13, 24]]); // 1×D
   * assert.deepEqual(X.add(Matrix.colVector([10, 20])).toArray(), [[11, 12], [23, 24]]); // N×1
   * assert.throws(() => X.add(Matrix.ones(3, 2)), /\(2×2\) \+ \(3×2\): shapes do not broadcast/);
   * ```
   */
  add(other: Matrix | number): Matrix {
    return broadcast("add", "+", this, other);
  }

  /**
   * this − other (scalar, same shape, or broadcast row/column vector).
   *
   * @example
   * ```ts
   * import assert from "node:assert/strict";
   * import { Matrix } from "./matrix.ts";
   * const X = Matrix.fromArray([[1, 2], [3, 4]]); // N×D
   * const centered = X.sub(X.mean(0)); // N×D − 1×D: subtract the mean image from every row
   * assert.deepEqual(centered.toArray(), [[-1, -1], [1, 1]]);
   * ```
   */
  sub(other: Matrix | number): Matrix {
    return broadcast("sub", "−", this, other);
  }

  /**
   * this ⊙ other, elementwise (scalar, same shape, or broadcast row/column vector).
   *
   * @example
   * ```ts
   * import assert from "node:assert/strict";
   * import { Matrix } from "./matrix.ts";
   * const X = Matrix.fromArray([[1, 2], [3, 4]]);
   * assert.deepEqual(X.mul(X).toArray(), [[1, 4], [9, 16]]); // elementwise, not the matrix product
   * assert.deepEqual(X.mul(Matrix.colVector([1, -1])).toArray(), [[1, 2], [-3, -4]]); // N×1
   * ```
   */
  mul(other: Matrix | number): Matrix {
    return broadcast("mul", "⊙", this, other);
  }

  /**
   * this ⊘ other, elementwise (scalar, same shape, or broadcast row/column vector).
   *
   * @example
   * ```ts
   * import assert from "node:assert/strict";
   * import { Matrix } from "./matrix.ts";
   * const scores = Matrix.fromArray([[1, 3], [2, 2]]); // N×C
   * const probs = scores.div(scores.sum(1)); // N×C ⊘ N×1: every row sums to 1
   * assert.deepEqual(probs.toArray(), [[0.25, 0.75], [0.5, 0.5]]);
   * ```
   */
  div(other: Matrix | number): Matrix {
    return broadcast("div", "⊘", this, other);
  }

  /**
   * Elementwise max(this, other), e.g. `maximum(0)` is ReLU.
   *
   * @example
   * ```ts
   * import assert from "node:assert/strict";
   * import { Matrix } from "./matrix.ts";
   * const h = Matrix.fromArray([[-1, 2], [3, -4]]);
   * assert.deepEqual(h.maximum(0).toArray(), [[0, 2], [3, 0]]); // ReLU
   * assert.deepEqual(h.maximum(Matrix.rowVector([0, -5])).toArray(), [[0, 2], [3, -4]]);
   * ```
   */
  maximum(other: Matrix | number): Matrix {
    return broadcast("maximum", "max", this, other);
  }

  /**
   * Elementwise min(this, other).
   *
   * @example
   * ```ts
   * import assert from "node:assert/strict";
   * import { Matrix } from "./matrix.ts";
   * const X = Matrix.fromArray([[-1, 2], [3, -4]]);
   * assert.deepEqual(X.minimum(1).toArray(), [[-1, 1], [1, -4]]); // clip from above at 1
   * ```
   */
  minimum(other: Matrix | number): Matrix {
    return broadcast("minimum", "min", this, other);
  }

  /**
   * Applies `fn(value, i, j)` to every entry.
   *
   * @example
   * ```ts
   * import assert from "node:assert/strict";
   * import { Matrix } from "./matrix.ts";
   * const X = Matrix.fromArray([[1, 2], [3, 4]]);
   * assert.deepEqual(X.map((v, i, j) => (i === j ? v : 0)).toArray(), [[1, 0], [0, 4]]);
   * ```
   */
  map(fn: (value: number, i: number, j: number) => number): Matrix {
    const out = new Matrix(this.rows, this.cols);
    for (let i = 0, t = 0; i < this.rows; i++) {
      for (let j = 0; j < this.cols; j++, t++) out.data[t] = fn(this.data[t], i, j);
    }
    return out;
  }

  /**
   * Elementwise eˣ.
   *
   * @example
   * ```ts
   * import assert from "node:assert/strict";
   * import { Matrix } from "./matrix.ts";
   * const scores = Matrix.fromArray([[0, Math.log(2)]]);
   * assert(scores.exp().allClose(Matrix.fromArray([[1, 2]])));
   * ```
   */
  exp(): Matrix {
    return this.#unary("exp");
  }

  /**
   * Elementwise natural logarithm.
   *
   * @example
   * ```ts
   * import assert from "node:assert/strict";
   * import { Matrix } from "./matrix.ts";
   * const p = Matrix.fromArray([[1, 0]]);
   * assert.deepEqual(p.log().toArray(), [[0, -Infinity]]); // log 0 = −∞
   * ```
   */
  log(): Matrix {
    return this.#unary("log");
  }

  /**
   * Elementwise square root.
   *
   * @example
   * ```ts
   * import assert from "node:assert/strict";
   * import { Matrix } from "./matrix.ts";
   * assert.deepEqual(Matrix.fromArray([[4, 9]]).sqrt().toArray(), [[2, 3]]);
   * ```
   */
  sqrt(): Matrix {
    return this.#unary("sqrt");
  }

  /**
   * Elementwise absolute value.
   *
   * @example
   * ```ts
   * import assert from "node:assert/strict";
   * import { Matrix } from "./matrix.ts";
   * assert.deepEqual(Matrix.fromArray([[-1, 2]]).abs().toArray(), [[1, 2]]);
   * ```
   */
  abs(): Matrix {
    return this.#unary("abs");
  }

  /**
   * Elementwise power xᵖ.
   *
   * @example
   * ```ts
   * import assert from "node:assert/strict";
   * import { Matrix } from "./matrix.ts";
   * const X = Matrix.fromArray([[1, 2], [3, 4]]);
   * assert.deepEqual(X.pow(2).toArray(), [[1, 4], [9, 16]]);
   * assert.deepEqual(X.pow(-1).toArray(), [[1, 0.5], [1 / 3, 0.25]]);
   * ```
   */
  pow(p: number): Matrix {
    if (p === 2) return this.#unary("square");
    const out = new Matrix(this.rows, this.cols);
    for (let i = 0; i < out.data.length; i++) out.data[i] = this.data[i] ** p;
    return out;
  }

  /**
   * −this.
   *
   * @example
   * ```ts
   * import assert from "node:assert/strict";
   * import { Matrix } from "./matrix.ts";
   * assert.deepEqual(Matrix.fromArray([[1, -2]]).neg().toArray(), [[-1, 2]]);
   * ```
   */
  neg(): Matrix {
    return this.#unary("neg");
  }

  // ---- in place (for update rules and accumulators) ------------------------------------------

  /**
   * this += alpha · other (same shape), in place: the SGD step `W.addScaledInPlace(dW, -lr)`.
   *
   * @example
   * ```ts
   * import assert from "node:assert/strict";
   * import { Matrix } from "./matrix.ts";
   * const W = Matrix.fromArray([[1, 2]]);
   * W.addScaledInPlace(Matrix.fromArray([[10, -10]]), -0.1); // W -= learning_rate * dW
   * assert.deepEqual(W.toArray(), [[0, 3]]);
   * assert.throws(() => W.addScaledInPlace(W.T), /\(1×2\) and \(2×1\): shapes differ/);
   * ```
   */
  addScaledInPlace(other: Matrix, alpha = 1): this {
    assertSameShape("addScaledInPlace", this, other);
    const a = this.data, b = other.data;
    for (let i = 0; i < a.length; i++) a[i] += alpha * b[i];
    return this;
  }

  /**
   * this *= s, in place.
   *
   * @example
   * ```ts
   * import assert from "node:assert/strict";
   * import { Matrix } from "./matrix.ts";
   * const v = Matrix.fromArray([[1, 2]]);
   * assert.equal(v.scaleInPlace(0.5), v); // the same matrix, changed
   * assert.deepEqual(v.toArray(), [[0.5, 1]]);
   * ```
   */
  scaleInPlace(s: number): this {
    const a = this.data;
    for (let i = 0; i < a.length; i++) a[i] *= s;
    return this;
  }

  // ---- linear algebra -----------------------------------------------------------------------

  /**
   * The matrix product this · other.
   *
   * @example
   * ```ts
   * import assert from "node:assert/strict";
   * import { Matrix } from "./matrix.ts";
   * const X = Matrix.fromArray([[1, 2], [3, 4], [5, 6]]); // N×D = 3×2
   * const W = Matrix.fromArray([[1, 0, -1], [0, 1, 1]]); // D×C = 2×3
   * assert.deepEqual(X.matmul(W).toArray(), [[1, 2, 1], [3, 4, 1], [5, 6, 1]]); // N×C = 3×3
   * assert.throws(() => W.matmul(W), /matmul: \(2×3\) · \(2×3\): inner sizes 3 ≠ 2/);
   * ```
   */
  matmul(other: Matrix): Matrix {
    return matmul(this, other);
  }

  /**
   * The transpose.
   *
   * @example
   * ```ts
   * import assert from "node:assert/strict";
   * import { Matrix } from "./matrix.ts";
   * const X = Matrix.fromArray([[1, 2, 3], [4, 5, 6]]); // 2×3
   * assert.deepEqual(X.transpose().toArray(), [[1, 4], [2, 5], [3, 6]]); // 3×2
   * ```
   */
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

  /**
   * Shorthand for `transpose()`, like numpy's `.T`.
   *
   * @example
   * ```ts
   * import assert from "node:assert/strict";
   * import { Matrix } from "./matrix.ts";
   * const X = Matrix.fromArray([[1, 2], [3, 4]]); // N×D
   * assert.deepEqual(X.T.matmul(X).toArray(), [[10, 14], [14, 20]]); // D×N · N×D → D×D
   * ```
   */
  get T(): Matrix {
    return this.transpose();
  }

  /**
   * Frobenius norm √(Σ x²).
   *
   * @example
   * ```ts
   * import assert from "node:assert/strict";
   * import { Matrix } from "./matrix.ts";
   * assert.equal(Matrix.fromArray([[3, 4]]).norm(), 5);
   * ```
   */
  norm(): number {
    return Math.sqrt(this.sumOfSquares());
  }

  // ---- reductions ---------------------------------------------------------------------------

  /**
   * Sum of all entries, or along an axis (0 → 1×cols, 1 → rows×1).
   *
   * @example
   * ```ts
   * import assert from "node:assert/strict";
   * import { Matrix } from "./matrix.ts";
   * const X = Matrix.fromArray([[1, 2], [3, 4]]);
   * assert.equal(X.sum(), 10);
   * assert.deepEqual(X.sum(0).toArray(), [[4, 6]]); // axis 0: N×D → 1×D
   * assert.deepEqual(X.sum(1).toArray(), [[3], [7]]); // axis 1: N×D → N×1
   * ```
   */
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

  /**
   * Mean of all entries, or along an axis.
   *
   * @example
   * ```ts
   * import assert from "node:assert/strict";
   * import { Matrix } from "./matrix.ts";
   * const X = Matrix.fromArray([[1, 2], [3, 4]]);
   * assert.equal(X.mean(), 2.5);
   * assert.deepEqual(X.mean(0).toArray(), [[2, 3]]); // the mean image, 1×D
   * assert.throws(() => Matrix.zeros(0, 2).mean(0), /mean: axis 0 of \(0×2\) is empty/);
   * ```
   */
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

  /**
   * Largest entry, or the largest along an axis; NaN where the entries hold a NaN (numpy's rule).
   *
   * @example
   * ```ts
   * import assert from "node:assert/strict";
   * import { Matrix } from "./matrix.ts";
   * const scores = Matrix.fromArray([[1, 5], [7, 2]]); // N×C
   * assert.equal(scores.max(), 7);
   * assert.deepEqual(scores.max(1).toArray(), [[5], [7]]); // N×1, e.g. for a stable softmax
   * assert(Number.isNaN(Matrix.fromArray([[1, NaN]]).max()));
   * ```
   */
  max(): number;
  /** Largest entry along an axis (NaN where a NaN is among them). */
  max(axis: Axis): Matrix;
  max(axis?: Axis): number | Matrix {
    if (axis === undefined) return this.data[this.#argAll("max", true)];
    return this.#reduce("max", axis, -Infinity);
  }

  /**
   * Smallest entry, or the smallest along an axis; NaN where the entries hold a NaN.
   *
   * @example
   * ```ts
   * import assert from "node:assert/strict";
   * import { Matrix } from "./matrix.ts";
   * const X = Matrix.fromArray([[1, 5], [7, 2]]);
   * assert.equal(X.min(), 1);
   * assert.deepEqual(X.min(0).toArray(), [[1, 2]]); // N×D → 1×D
   * ```
   */
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
   *
   * @example
   * ```ts
   * import assert from "node:assert/strict";
   * import { Matrix } from "./matrix.ts";
   * const scores = Matrix.fromArray([[1, 5, 5], [7, 2, 0]]); // N×C
   * assert.deepEqual(Array.from(scores.argmax(1)), [1, 0]); // class per row; ties → first
   * assert.deepEqual(Array.from(scores.argmax(0)), [1, 0, 0]); // best row per column
   * assert.equal(scores.argmax(), 3); // flat, row-major
   * ```
   */
  argmax(): number;
  /** Index of the largest entry along an axis (0: per column, 1: per row); ties go to the first. */
  argmax(axis: Axis): Int32Array;
  argmax(axis?: Axis): number | Int32Array {
    return this.#argBest("argmax", axis, true);
  }

  /**
   * Index of the smallest entry (flat), or along an axis. Ties go to the first; NaN wins.
   *
   * @example
   * ```ts
   * import assert from "node:assert/strict";
   * import { Matrix } from "./matrix.ts";
   * const dists = Matrix.fromArray([[3, 1, 2], [0, 4, 0]]); // test×train distances
   * assert.deepEqual(Array.from(dists.argmin(1)), [1, 0]); // nearest per row; ties → first
   * assert.equal(dists.argmin(), 3); // flat, row-major
   * ```
   */
  argmin(): number;
  /** Index of the smallest entry along an axis (0: per column, 1: per row); ties go to the first. */
  argmin(axis: Axis): Int32Array;
  argmin(axis?: Axis): number | Int32Array {
    return this.#argBest("argmin", axis, false);
  }

  // ---- rows, stacking -----------------------------------------------------------------------

  /**
   * Rows start … end−1 as a new matrix (like `X[start:end]`).
   *
   * @example
   * ```ts
   * import assert from "node:assert/strict";
   * import { Matrix } from "./matrix.ts";
   * const X = Matrix.fromArray([[1], [2], [3], [4]]);
   * assert.deepEqual(X.sliceRows(1, 3).toArray(), [[2], [3]]); // X[1:3]
   * assert.deepEqual(X.sliceRows(3).toArray(), [[4]]); // X[3:]
   * assert.throws(() => X.sliceRows(2, 5), /sliceRows: rows \[2, 5\) are outside \(4×1\)/);
   * ```
   */
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
   *
   * @example
   * ```ts
   * import assert from "node:assert/strict";
   * import { Matrix } from "./matrix.ts";
   * const X = Matrix.fromArray([[0, 0], [1, 1], [2, 2]]);
   * assert.deepEqual(X.gatherRows([2, 0, 2]).toArray(), [[2, 2], [0, 0], [2, 2]]); // X[[2, 0, 2]]
   * const batch = Matrix.zeros(2, 2);
   * assert.equal(X.gatherRows([1, 2], batch), batch); // written into `out`
   * assert.deepEqual(batch.toArray(), [[1, 1], [2, 2]]);
   * ```
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

  /**
   * Appends a column of ones: the bias trick, so x·W + b becomes [x 1]·[W; b].
   *
   * @example
   * ```ts
   * import assert from "node:assert/strict";
   * import { Matrix } from "./matrix.ts";
   * const X = Matrix.fromArray([[2, 3]]); // N×D
   * assert.deepEqual(X.appendOnes().toArray(), [[2, 3, 1]]); // N×(D+1)
   * const W = Matrix.fromArray([[1], [1], [10]]); // (D+1)×C: the last row is the bias b
   * assert.equal(X.appendOnes().matmul(W).get(0, 0), 15); // x·w + b = 5 + 10
   * ```
   */
  appendOnes(): Matrix {
    return hstack([this, Matrix.ones(this.rows, 1)]);
  }

  // ---- comparison ---------------------------------------------------------------------------

  /**
   * True when shapes match and every |a − b| ≤ atol + rtol·|b| (numpy's `allclose`).
   * Throws nothing on a shape mismatch: it is simply not close.
   *
   * @example
   * ```ts
   * import assert from "node:assert/strict";
   * import { Matrix } from "./matrix.ts";
   * const a = Matrix.fromArray([[1, 2]]);
   * assert(a.allClose(Matrix.fromArray([[1, 2 + 1e-9]])));
   * assert(!a.allClose(Matrix.fromArray([[1, 2.1]])));
   * assert(a.allClose(Matrix.fromArray([[1, 2.1]]), { atol: 0.2 }));
   * assert(!a.allClose(a.T)); // shapes differ: not close, no error
   * ```
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

  /**
   * Largest |a − b| over all entries (same shape required).
   *
   * @example
   * ```ts
   * import assert from "node:assert/strict";
   * import { Matrix } from "./matrix.ts";
   * const a = Matrix.fromArray([[1, 2]]), b = Matrix.fromArray([[1.5, 1]]);
   * assert.equal(a.maxAbsDiff(b), 1);
   * assert.throws(() => a.maxAbsDiff(b.T), /maxAbsDiff: \(1×2\) and \(2×1\): shapes differ/);
   * ```
   */
  maxAbsDiff(other: Matrix): number {
    assertSameShape("maxAbsDiff", this, other);
    let m = 0;
    for (let i = 0; i < this.data.length; i++) {
      m = Math.max(m, Math.abs(this.data[i] - other.data[i]));
    }
    return m;
  }

  /**
   * A short human-readable form, e.g. for logging.
   *
   * @example
   * ```ts
   * import assert from "node:assert/strict";
   * import { Matrix } from "./matrix.ts";
   * assert.equal(Matrix.fromArray([[1, 2]]).toString(), "Matrix (1×2) [\n  [1.000, 2.000]\n]");
   * ```
   */
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

/**
 * Throws a RangeError naming `op` unless `a` and `b` have the same shape.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { assertSameShape, Matrix } from "./matrix.ts";
 * assertSameShape("demo", Matrix.zeros(2, 3), Matrix.ones(2, 3)); // fine
 * const B = Matrix.zeros(3, 2);
 * assert.throws(() => assertSameShape("demo", Matrix.zeros(2, 3), B), /demo: \(2×3\) and \(3×2\)/);
 * ```
 */
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

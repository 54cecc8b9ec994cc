/**
 * Seeded splits and subsamples, like the CS231n notebooks' 49000 / 1000 / 1000 train / val / test
 * split plus a small development set.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { Matrix } from "../matrix.ts";
 * import { trainValTestSplit } from "./split.ts";
 * const X = Matrix.zeros(10, 2), y = new Int32Array(10);
 * const s = trainValTestSplit(X, y, { numTrain: 6, numVal: 2, numTest: 2, seed: 0 });
 * assert(s.XTrain.rows === 6 && s.yTest.length === 2);
 * ```
 * @module
 */
import { Matrix, shapeOf } from "../matrix.ts";
import { type Seed, toRng } from "../random.ts";

/**
 * Options of `trainValTestSplit`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { Matrix } from "../matrix.ts";
 * import { type SplitOptions, trainValTestSplit } from "./split.ts";
 * const X = Matrix.colVector([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]); // N×D = 10×1
 * const options: SplitOptions = { numTrain: 6, numVal: 2, numTest: 2, numDev: 3, seed: 1 };
 * const s = trainValTestSplit(X, [0, 1, 0, 1, 0, 1, 0, 1, 0, 1], options);
 * assert.deepEqual([s.XTrain.rows, s.XVal.rows, s.XTest.rows, s.XDev.rows], [6, 2, 2, 3]);
 * ```
 */
export interface SplitOptions {
  /** Training examples. */
  numTrain: number;
  /** Validation examples (default 0). */
  numVal?: number;
  /** Test examples (default 0). */
  numTest?: number;
  /** A development subset drawn from the training rows (default 0), for quick experiments. */
  numDev?: number;
  /** Shuffle seed (default 0); `shuffle: false` keeps the given order. */
  seed?: Seed;
  /** Shuffle before splitting (default true). */
  shuffle?: boolean;
}

/**
 * The result of `trainValTestSplit`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { Matrix } from "../matrix.ts";
 * import { type Split, trainValTestSplit } from "./split.ts";
 * const X = Matrix.colVector([0, 1, 2, 3]); // N×D = 4×1
 * const s: Split = trainValTestSplit(X, [0, 1, 2, 3], { numTrain: 3, numTest: 1, shuffle: false });
 * assert.deepEqual(s.XTest.toArray(), [[3]]); // train, val, test in that order
 * assert.deepEqual(Array.from(s.yTrain), [0, 1, 2]);
 * assert.equal(s.XVal.rows, 0); // numVal defaults to 0: an empty 0×D
 * ```
 */
export interface Split {
  /** Training images, N_train×D (one row per example). */
  XTrain: Matrix;
  /** Training labels, length N_train. */
  yTrain: Int32Array;
  /** Validation images, N_val×D. */
  XVal: Matrix;
  /** Validation labels, length N_val. */
  yVal: Int32Array;
  /** Test images, N_test×D. */
  XTest: Matrix;
  /** Test labels, length N_test. */
  yTest: Int32Array;
  /** Development subset of the training images (quick experiments), N_dev×D. */
  XDev: Matrix;
  /** Development labels, length N_dev. */
  yDev: Int32Array;
}

/**
 * Shuffles the rows once with a seeded permutation and cuts them into disjoint train, validation
 * and test parts (in that order); the dev set is a seeded sample of the training rows.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { loadMnist, trainValTestSplit } from "../mod.ts";
 * const { X, y } = await loadMnist();
 * const s = trainValTestSplit(X, y, { numTrain: 8000, numVal: 1000, numTest: 1000, numDev: 500 });
 * assert(s.XDev.rows === 500);
 * ```
 */
export function trainValTestSplit(X: Matrix, y: ArrayLike<number>, options: SplitOptions): Split {
  const { numTrain, numVal = 0, numTest = 0, numDev = 0, seed = 0, shuffle = true } = options;
  checkLabels("trainValTestSplit", X, y);
  for (const [name, v] of Object.entries({ numTrain, numVal, numTest, numDev })) {
    if (!Number.isInteger(v) || v < 0) {
      throw new RangeError(`trainValTestSplit: ${name} must be a non-negative integer, got ${v}`);
    }
  }
  const need = numTrain + numVal + numTest;
  if (need > X.rows) {
    throw new RangeError(
      `trainValTestSplit: ${numTrain} + ${numVal} + ${numTest} = ${need} examples requested, X ${
        shapeOf(X)
      } has ${X.rows}`,
    );
  }
  if (numDev > numTrain) {
    throw new RangeError(`trainValTestSplit: numDev ${numDev} exceeds numTrain ${numTrain}`);
  }
  const rng = toRng(seed);
  const order = shuffle
    ? rng.permutation(X.rows)
    : Int32Array.from({ length: X.rows }, (_, i) => i);
  const part = (start: number, count: number) => {
    const idx = order.subarray(start, start + count);
    return [X.gatherRows(idx), gatherLabels(y, idx)] as const;
  };
  const [XTrain, yTrain] = part(0, numTrain);
  const [XVal, yVal] = part(numTrain, numVal);
  const [XTest, yTest] = part(numTrain + numVal, numTest);
  const dev = rng.choice(numTrain, numDev, { replace: false });
  return {
    XTrain,
    yTrain,
    XVal,
    yVal,
    XTest,
    yTest,
    XDev: XTrain.gatherRows(dev),
    yDev: gatherLabels(yTrain, dev),
  };
}

/**
 * A seeded random subsample of `n` examples (without replacement).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { Matrix } from "../matrix.ts";
 * import { subsample } from "./split.ts";
 * const { X, y } = subsample(Matrix.zeros(10, 2), new Int32Array(10), 3, { seed: 1 });
 * assert(X.rows === 3 && y.length === 3);
 * ```
 */
export function subsample(
  X: Matrix,
  y: ArrayLike<number>,
  n: number,
  { seed = 0 }: { seed?: Seed } = {},
): { X: Matrix; y: Int32Array } {
  checkLabels("subsample", X, y);
  if (!Number.isInteger(n) || n < 0 || n > X.rows) {
    throw new RangeError(`subsample: cannot take ${n} examples from X ${shapeOf(X)}`);
  }
  const idx = toRng(seed).choice(X.rows, n, { replace: false });
  return { X: X.gatherRows(idx), y: gatherLabels(y, idx) };
}

/**
 * The labels at the given indices, as an `Int32Array`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { gatherLabels } from "./split.ts";
 * assert(gatherLabels([5, 6, 7], [2, 0]).join() === "7,5");
 * ```
 */
export function gatherLabels(y: ArrayLike<number>, indices: ArrayLike<number>): Int32Array {
  const out = new Int32Array(indices.length);
  for (let t = 0; t < indices.length; t++) {
    const i = indices[t];
    if (i < 0 || i >= y.length) {
      throw new RangeError(`gatherLabels: index ${i} is outside ${y.length} labels`);
    }
    out[t] = y[i];
  }
  return out;
}

/**
 * Throws a RangeError naming `op` unless `y` has one label per row of `X` (a TypeError when X is
 * not a Matrix or y is not an array of labels).
 *
 * @example
 * ```ts
 * import { Matrix } from "../matrix.ts";
 * import { checkLabels } from "./split.ts";
 * checkLabels("demo", Matrix.zeros(2, 1), [0, 1]); // fine
 * ```
 */
export function checkLabels(op: string, X: Matrix, y: ArrayLike<number>): void {
  if (!(X instanceof Matrix)) throw new TypeError(`${op}: X must be a Matrix, got ${show(X)}`);
  if (y === null || typeof y !== "object" || typeof y.length !== "number") {
    throw new TypeError(`${op}: y must be an array of labels (Int32Array), got ${show(y)}`);
  }
  if (y.length !== X.rows) {
    throw new RangeError(`${op}: X ${shapeOf(X)} has ${X.rows} rows but y has ${y.length} labels`);
  }
}

/**
 * Throws a RangeError unless `numClasses` (a model's C) is an integer from 1 to 2³¹ − 1.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { checkNumClasses } from "./split.ts";
 * checkNumClasses("Softmax", 10); // fine
 * assert.throws(() => checkNumClasses("Softmax", 0), /Softmax: numClasses must be an integer/);
 * ```
 */
export function checkNumClasses(op: string, numClasses: unknown): asserts numClasses is number {
  if (
    typeof numClasses !== "number" || !Number.isInteger(numClasses) || numClasses < 1 ||
    numClasses > MAX_LABEL + 1
  ) {
    throw new RangeError(
      `${op}: numClasses must be an integer from 1 to ${MAX_LABEL + 1}, got ${show(numClasses)}`,
    );
  }
}

/**
 * Throws a RangeError naming `op`, the first bad position and its value unless every label is a
 * class index 0 … numClasses − 1 (integers only: NaN, negatives and fractions are refused too),
 * e.g. `LinearSVM.train: y[17] = 1000000 is not a class in 0..9`. `why`, when given, is appended
 * to the message to say where the classes come from; `name` is how it calls the labels. Nothing
 * is allocated.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { checkClasses } from "./split.ts";
 * checkClasses("demo", Int32Array.of(0, 2, 1), 3); // fine
 * assert.throws(() => checkClasses("demo", [0, 3, 1], 3), /demo: y\[1\] = 3 is not a class in 0..2/);
 * assert.throws(() => checkClasses("demo", [NaN], 3), /y\[0\] = NaN is not a class in 0..2/);
 * ```
 */
export function checkClasses(
  op: string,
  y: ArrayLike<number>,
  numClasses: number,
  why?: string,
  name = "y",
): void {
  for (let i = 0; i < y.length; i++) {
    const v = y[i];
    // NaN fails every comparison; Number.isInteger refuses fractions, ±∞ and non-numbers.
    if (!(v >= 0 && v < numClasses && Number.isInteger(v))) {
      throw new RangeError(
        `${op}: ${name}[${i}] = ${show(v)} is not a class in 0..${numClasses - 1}${
          why ? `: ${why}` : ""
        }`,
      );
    }
  }
}

/**
 * The number of classes C a model takes from its first training labels when it was not given
 * `numClasses`: the labels must be integers and every class 0 … C − 1 must appear, so C is at most
 * the number of labels. A label past a class that never appears is refused, naming it: one stray
 * label of 1000000 among the digits 0 … 9 is `y[17] = 1000000 is not a class in 0..9`, and never
 * makes a model with a million classes. The only memory used is one byte per label.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { inferNumClasses } from "./split.ts";
 * assert.equal(inferNumClasses("demo", [2, 0, 1, 1]), 3);
 * assert.throws(
 *   () => inferNumClasses("demo", [0, 1, 1e6, 2]),
 *   /demo: y\[2\] = 1000000 is not a class in 0..2: class 3 never appears/,
 * );
 * ```
 */
export function inferNumClasses(op: string, y: ArrayLike<number>): number {
  const n = y.length;
  const seen = new Uint8Array(n + 1); // classes 0 … C−1 all appearing means C ≤ n
  for (let i = 0; i < n; i++) {
    const v = y[i];
    if (!(v >= 0 && v <= MAX_LABEL && Number.isInteger(v))) {
      throw new RangeError(
        `${op}: y[${i}] = ${show(v)} is not a class: labels are integers 0, 1, 2, …`,
      );
    }
    if (v < n) seen[v] = 1;
  }
  let numClasses = 0;
  while (seen[numClasses]) numClasses++; // the classes 0 … numClasses−1 all appear
  for (let i = 0; i < n; i++) {
    if (y[i] >= numClasses) {
      const range = numClasses > 0 ? ` in 0..${numClasses - 1}` : "";
      const taken = numClasses > 0 ? `, so the classes were taken to be 0..${numClasses - 1}` : "";
      throw new RangeError(
        `${op}: y[${i}] = ${y[i]} is not a class${range}: class ${numClasses} never appears in ` +
          `y${taken}; if some classes have no examples here, give the model numClasses ` +
          "(e.g. { numClasses: 10 })",
      );
    }
  }
  return numClasses;
}

/** The largest label an Int32Array holds. */
const MAX_LABEL = 2 ** 31 - 1;

/** A value for an error message: numbers as they print, anything else with its type. */
function show(v: unknown): string {
  if (typeof v === "number") return String(v);
  return typeof v === "string" ? `"${v}" (a string)` : `${String(v)} (${typeof v})`;
}

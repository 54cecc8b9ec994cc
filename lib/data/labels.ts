/**
 * Class labels: the one home of every label check (one label per example, class indices in
 * 0 … C−1, C taken from the labels), of gathering labels by index, of one-hot rows and of the
 * accuracy of predictions. Labels are integers 0, 1, 2, … in an `Int32Array` (any
 * `ArrayLike<number>` is read).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { accuracy, gatherLabels, oneHot } from "./labels.ts";
 * const y = Int32Array.of(2, 0, 1);
 * assert.equal(accuracy(Int32Array.of(2, 1, 1), y), 2 / 3);
 * assert.deepEqual(Array.from(gatherLabels(y, [2, 0])), [1, 2]);
 * assert.deepEqual(oneHot(y, 3).toArray(), [[0, 0, 1], [1, 0, 0], [0, 1, 0]]);
 * ```
 * @module
 */
import { Matrix, shapeOf } from "../matrix.ts";

/**
 * The labels at the given indices, as an `Int32Array`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { gatherLabels } from "./labels.ts";
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
 * import { checkLabels } from "./labels.ts";
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
 * import { checkNumClasses } from "./labels.ts";
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
 * import { checkClasses } from "./labels.ts";
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
 * import { inferNumClasses } from "./labels.ts";
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

/**
 * The fraction of predictions equal to the labels, in [0, 1]: (1/N) Σᵢ 1[ŷᵢ = yᵢ]. Both arrays
 * must have the same, non-zero length.
 *
 * @param yPred N predicted labels.
 * @param yTrue N true labels.
 * @returns The accuracy, a number in [0, 1].
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { accuracy } from "./labels.ts";
 * assert.equal(accuracy(Int32Array.of(0, 1, 2, 2), Int32Array.of(0, 1, 1, 2)), 0.75);
 * assert.throws(() => accuracy([0, 1], [0]), /accuracy: yPred has 2 labels but yTrue has 1/);
 * ```
 */
export function accuracy(yPred: ArrayLike<number>, yTrue: ArrayLike<number>): number {
  for (const [name, v] of [["yPred", yPred], ["yTrue", yTrue]] as const) {
    if (v === null || typeof v !== "object" || typeof v.length !== "number") {
      throw new TypeError(`accuracy: ${name} must be an array of labels, got ${show(v)}`);
    }
  }
  if (yPred.length !== yTrue.length) {
    throw new RangeError(
      `accuracy: yPred has ${yPred.length} labels but yTrue has ${yTrue.length}`,
    );
  }
  if (yTrue.length === 0) throw new RangeError("accuracy: no labels (empty yPred and yTrue)");
  let correct = 0;
  for (let i = 0; i < yTrue.length; i++) if (yPred[i] === yTrue[i]) correct++;
  return correct / yTrue.length;
}

/**
 * One-hot rows: an N×C matrix Y with Y[i, yᵢ] = 1 and 0 elsewhere (numpy's
 * `np.eye(C)[y]`). Every label must be a class in 0 … C−1.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { oneHot } from "./labels.ts";
 * assert.deepEqual(oneHot([1, 0], 3).toArray(), [[0, 1, 0], [1, 0, 0]]);
 * assert.throws(() => oneHot([3], 3), /oneHot: y\[0\] = 3 is not a class in 0..2/);
 * ```
 */
export function oneHot(y: ArrayLike<number>, numClasses: number): Matrix {
  checkNumClasses("oneHot", numClasses);
  checkClasses("oneHot", y, numClasses);
  const Y = new Matrix(y.length, numClasses);
  for (let i = 0; i < y.length; i++) Y.data[i * numClasses + y[i]] = 1;
  return Y;
}

/** The largest label an Int32Array holds. */
const MAX_LABEL = 2 ** 31 - 1;

/** A value for an error message: numbers as they print, anything else with its type. */
function show(v: unknown): string {
  if (typeof v === "number") return String(v);
  return typeof v === "string" ? `"${v}" (a string)` : `${String(v)} (${typeof v})`;
}

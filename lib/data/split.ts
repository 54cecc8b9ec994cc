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
import { checkLabels, gatherLabels } from "./labels.ts";

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

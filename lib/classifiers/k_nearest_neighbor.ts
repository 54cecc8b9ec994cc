/**
 * The k-nearest-neighbor classifier of CS231n's first assignment (`k_nearest_neighbor.py`).
 * Training only memorizes the data; to predict, it finds each test example's k closest training
 * examples and lets their labels vote.
 *
 * Distances come three ways, slowest to fastest, and they agree: two explicit loops, one loop over
 * the test rows (the training set handled as a whole), and no loops (the whole N×M matrix at once).
 *
 * (Over 400 lines: the three distance routines, the vote and their documented examples are the
 * first assignment's solution regions and read best together.)
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { Matrix } from "../matrix.ts";
 * import { KNearestNeighbor } from "./k_nearest_neighbor.ts";
 * const knn = new KNearestNeighbor().train(Matrix.fromArray([[0], [1], [10]]), [0, 0, 1]);
 * const yPred = knn.predict(Matrix.fromArray([[2], [9]]), { k: 1 });
 * assert.deepEqual(Array.from(yPred), [0, 1]);
 * ```
 * @module
 */
import { assertFinite, matmulTB, Matrix, shapeOf } from "../matrix.ts";
import { checkClasses, checkLabels, checkNumClasses } from "../data/labels.ts";

/**
 * How the distance between two examples is measured: `"L2"` Euclidean, `"L1"` Manhattan.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import type { DistanceMetric } from "./k_nearest_neighbor.ts";
 * const metrics: DistanceMetric[] = ["L2", "L1"];
 * assert.equal(metrics.length, 2);
 * ```
 */
export type DistanceMetric = "L2" | "L1";

/**
 * Options of the distance routines.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { Matrix } from "../matrix.ts";
 * import { type DistanceOptions, KNearestNeighbor } from "./k_nearest_neighbor.ts";
 * const options: DistanceOptions = { metric: "L1" };
 * const knn = new KNearestNeighbor().train(Matrix.fromArray([[0, 0]]), [0]);
 * assert.equal(knn.computeDistancesOneLoop(Matrix.fromArray([[1, -2]]), options).get(0, 0), 3);
 * ```
 */
export interface DistanceOptions {
  /** `"L2"` (default): √Σ(a − b)², or `"L1"`: Σ|a − b|. */
  metric?: DistanceMetric;
}

/**
 * Options of `KNearestNeighbor.predict`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { Matrix } from "../matrix.ts";
 * import { KNearestNeighbor, type KnnPredictOptions } from "./k_nearest_neighbor.ts";
 * const options: KnnPredictOptions = { k: 2, numLoops: 2, metric: "L2" };
 * const knn = new KNearestNeighbor().train(Matrix.fromArray([[0], [1], [2]]), [4, 4, 7]);
 * assert.equal(knn.predict(Matrix.fromArray([[1.8]]), options)[0], 4); // 7 and 4 tie
 * ```
 */
export interface KnnPredictOptions extends DistanceOptions {
  /** Number of neighbors that vote (default 1). */
  k?: number;
  /** Which distance routine to use: 0 (default, fastest), 1 or 2 explicit loops. */
  numLoops?: 0 | 1 | 2;
}

/**
 * Options of the `KNearestNeighbor` constructor.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { Matrix } from "../matrix.ts";
 * import { KNearestNeighbor, type KNearestNeighborOptions } from "./k_nearest_neighbor.ts";
 * const options: KNearestNeighborOptions = { numClasses: 2 };
 * const knn = new KNearestNeighbor(options);
 * assert.throws(() => knn.train(Matrix.zeros(2, 1), [0, 2]), /y\[1\] = 2 is not a class in 0..1/);
 * ```
 */
export interface KNearestNeighborOptions {
  /**
   * C: when given, `train` checks that every label is a class 0 … C − 1. Without it any
   * non-negative integer (up to 2³¹ − 1) is a label: the vote never sizes anything by a label.
   */
  numClasses?: number;
}

/**
 * A k-nearest-neighbor classifier with the L2 or L1 distance. Distance matrices are
 * numTest×numTrain: entry (i, j) is the distance from test row i to training row j.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { Matrix } from "../matrix.ts";
 * import { KNearestNeighbor } from "./k_nearest_neighbor.ts";
 * const knn = new KNearestNeighbor().train(Matrix.fromArray([[0, 0], [3, 4]]), [0, 1]);
 * const dists = knn.computeDistancesNoLoops(Matrix.fromArray([[0, 0]]));
 * assert.deepEqual(Array.from(dists.data), [0, 5]);
 * assert.deepEqual(Array.from(knn.predictLabels(dists, 1)), [0]);
 * ```
 */
export class KNearestNeighbor {
  /** The memorized training examples (numTrain×D), set by `train`. */
  XTrain: Matrix | null = null;
  /** The memorized training labels (numTrain), set by `train`. */
  yTrain: Int32Array | null = null;
  /** C given to the constructor, or `null`: then labels are any non-negative integers. */
  readonly numClasses: number | null;

  /** A new classifier with no training data; `numClasses` makes `train` check the labels. */
  constructor({ numClasses }: KNearestNeighborOptions = {}) {
    if (numClasses !== undefined) checkNumClasses("KNearestNeighbor", numClasses);
    this.numClasses = numClasses ?? null;
  }

  /**
   * Memorizes the training data: that is all kNN "training" is. `y` must hold one non-negative
   * integer label per row of `X` (a class 0 … numClasses − 1 when the constructor was given
   * `numClasses`). Returns `this` for chaining.
   *
   * @example
   * ```ts
   * import assert from "node:assert/strict";
   * import { Matrix } from "../matrix.ts";
   * import { KNearestNeighbor } from "./k_nearest_neighbor.ts";
   * const knn = new KNearestNeighbor().train(Matrix.zeros(3, 2), [0, 1, 1]);
   * assert.equal(knn.XTrain?.rows, 3);
   * ```
   */
  train(X: Matrix, y: ArrayLike<number>): this {
    checkLabels("KNearestNeighbor.train", X, y);
    if (X.rows === 0) {
      throw new RangeError(`KNearestNeighbor.train: X ${shapeOf(X)} has no training examples`);
    }
    if (this.numClasses !== null) {
      const why = `the classifier was built with numClasses ${this.numClasses}`;
      checkClasses("KNearestNeighbor.train", y, this.numClasses, why);
    }
    assertFinite("KNearestNeighbor.train", "X", X);
    this.XTrain = X;
    this.yTrain = toLabels("KNearestNeighbor.train", y);
    return this;
  }

  /**
   * Predicts a label for each row of `X`: computes the distances to every training example (with
   * `numLoops` loops), then lets the `k` nearest vote.
   *
   * @example
   * ```ts
   * import assert from "node:assert/strict";
   * import { Matrix } from "../matrix.ts";
   * import { KNearestNeighbor } from "./k_nearest_neighbor.ts";
   * const knn = new KNearestNeighbor().train(Matrix.fromArray([[0], [1], [2], [5]]), [1, 0, 0, 1]);
   * // The 3 nearest to 0.4 are 0, 1 and 2: labels 1, 0, 0 → 0 wins the vote.
   * assert.equal(knn.predict(Matrix.fromArray([[0.4]]), { k: 3, metric: "L1" })[0], 0);
   * ```
   */
  predict(X: Matrix, { k = 1, numLoops = 0, metric = "L2" }: KnnPredictOptions = {}): Int32Array {
    let dists: Matrix;
    if (numLoops === 0) dists = this.computeDistancesNoLoops(X, { metric });
    else if (numLoops === 1) dists = this.computeDistancesOneLoop(X, { metric });
    else if (numLoops === 2) dists = this.computeDistancesTwoLoops(X, { metric });
    else {
      throw new RangeError(`KNearestNeighbor.predict: numLoops must be 0, 1 or 2, got ${numLoops}`);
    }
    return this.predictLabels(dists, k);
  }

  /**
   * Distances with a loop over test rows and a nested loop over training rows: one pair at a time.
   *
   * @example
   * ```ts
   * import assert from "node:assert/strict";
   * import { Matrix } from "../matrix.ts";
   * import { KNearestNeighbor } from "./k_nearest_neighbor.ts";
   * const knn = new KNearestNeighbor().train(Matrix.fromArray([[1, 1]]), [0]);
   * const d = knn.computeDistancesTwoLoops(Matrix.fromArray([[4, 5]]), { metric: "L1" });
   * assert.equal(d.get(0, 0), 7);
   * ```
   */
  computeDistancesTwoLoops(X: Matrix, { metric = "L2" }: DistanceOptions = {}): Matrix {
    const XTrain = this.#checkTest("computeDistancesTwoLoops", X, metric);
    // BEGIN SOLUTION
    const numTest = X.rows, numTrain = XTrain.rows;
    const dists = new Matrix(numTest, numTrain);
    const trainRows = Array.from({ length: numTrain }, (_, j) => XTrain.row(j));
    for (let i = 0; i < numTest; i++) {
      const xi = X.row(i);
      for (let j = 0; j < numTrain; j++) {
        dists.data[i * numTrain + j] = distance(xi, trainRows[j], metric);
      }
    }
    return dists;
    // END SOLUTION
  }

  /**
   * Distances with one loop over test rows: each test row is broadcast against the whole training
   * matrix, like numpy's `np.sqrt(np.sum((X_train - X[i]) ** 2, axis=1))`.
   *
   * @example
   * ```ts
   * import assert from "node:assert/strict";
   * import { Matrix } from "../matrix.ts";
   * import { KNearestNeighbor } from "./k_nearest_neighbor.ts";
   * const knn = new KNearestNeighbor().train(Matrix.fromArray([[0, 0], [6, 8]]), [0, 1]);
   * const d = knn.computeDistancesOneLoop(Matrix.fromArray([[3, 4]]));
   * assert.deepEqual(Array.from(d.data), [5, 5]);
   * ```
   */
  computeDistancesOneLoop(X: Matrix, { metric = "L2" }: DistanceOptions = {}): Matrix {
    const XTrain = this.#checkTest("computeDistancesOneLoop", X, metric);
    // BEGIN SOLUTION
    const dists = new Matrix(X.rows, XTrain.rows);
    for (let i = 0; i < X.rows; i++) {
      const diff = XTrain.sub(X.sliceRows(i, i + 1)); // numTrain×D, row broadcast
      const di = metric === "L2" ? diff.pow(2).sum(1).sqrt() : diff.abs().sum(1); // numTrain×1
      dists.data.set(di.data, i * XTrain.rows);
    }
    return dists;
    // END SOLUTION
  }

  /**
   * Distances with no explicit loops over examples.
   *
   * **L2** expands ‖a − b‖² = ‖a‖² + ‖b‖² − 2a·b, so the whole matrix is two vectors of squared
   * norms plus one matrix product `matmulTB(X, XTrain)` (X·XTrainᵀ). Rounding can leave a tiny
   * negative where a = b, so the squared distance is clamped to 0 before the √.
   *
   * **L1** has no such trick: |a − b| does not split into a part that depends only on a, a part
   * that depends only on b and a sum of products aₖ·bₖ, so there is no inner product to hand to the
   * matrix-product kernel. Instead the sum Σ|a − b| is taken directly over blocks of training rows
   * that stay in the CPU cache while every test row passes over them, without Matrix temporaries.
   *
   * @example
   * ```ts
   * import assert from "node:assert/strict";
   * import { Matrix } from "../matrix.ts";
   * import { KNearestNeighbor } from "./k_nearest_neighbor.ts";
   * const knn = new KNearestNeighbor().train(Matrix.fromArray([[0, 0], [1, 1]]), [0, 1]);
   * const X = Matrix.fromArray([[3, 4]]);
   * assert.deepEqual(Array.from(knn.computeDistancesNoLoops(X).data), [5, Math.sqrt(13)]);
   * assert.deepEqual(Array.from(knn.computeDistancesNoLoops(X, { metric: "L1" }).data), [7, 5]);
   * ```
   */
  computeDistancesNoLoops(X: Matrix, { metric = "L2" }: DistanceOptions = {}): Matrix {
    const XTrain = this.#checkTest("computeDistancesNoLoops", X, metric);
    if (metric === "L1") return l1DistancesBlocked(X, XTrain);
    // BEGIN SOLUTION
    // ‖a − b‖² = ‖a‖² + ‖b‖² − 2a·b for every test row a and training row b, by broadcasting:
    const testSq = X.sumOfSquares(1); // ‖aᵢ‖², numTest×1
    const trainSq = XTrain.sumOfSquares(1).T; // ‖bⱼ‖², 1×numTrain
    const dots = matmulTB(X, XTrain); // aᵢ·bⱼ, numTest×numTrain
    const squared = dots.mul(-2).add(testSq).add(trainSq); // −2a·b + ‖a‖² + ‖b‖²
    return squared.maximum(0).sqrt(); // rounding can leave a tiny negative where a = b
    // END SOLUTION
  }

  /**
   * Majority vote of the `k` nearest training labels for each row of `dists`
   * (see the standalone `predictLabels`).
   *
   * @example
   * ```ts
   * import assert from "node:assert/strict";
   * import { Matrix } from "../matrix.ts";
   * import { KNearestNeighbor } from "./k_nearest_neighbor.ts";
   * const knn = new KNearestNeighbor().train(Matrix.zeros(3, 1), [2, 1, 1]);
   * const dists = Matrix.fromArray([[0.1, 0.2, 0.3]]);
   * assert.deepEqual(Array.from(knn.predictLabels(dists, 3)), [1]);
   * ```
   */
  predictLabels(dists: Matrix, k = 1): Int32Array {
    const { yTrain } = this.#trained("predictLabels");
    return vote("KNearestNeighbor.predictLabels", dists, yTrain, k);
  }

  #trained(op: string): { XTrain: Matrix; yTrain: Int32Array } {
    if (this.XTrain === null || this.yTrain === null) {
      throw new TypeError(
        `KNearestNeighbor.${op}: the classifier is not trained; call train(X, y)`,
      );
    }
    return { XTrain: this.XTrain, yTrain: this.yTrain };
  }

  #checkTest(op: string, X: Matrix, metric: DistanceMetric): Matrix {
    const { XTrain } = this.#trained(op);
    checkMetric(`KNearestNeighbor.${op}`, metric);
    if (X.cols !== XTrain.cols) {
      throw new RangeError(
        `KNearestNeighbor.${op}: test X ${shapeOf(X)} and training X ${
          shapeOf(XTrain)
        } have different dimensions (${X.cols} ≠ ${XTrain.cols})`,
      );
    }
    // A NaN or ∞ pixel would give NaN/∞ distances that every routine orders differently.
    assertFinite(`KNearestNeighbor.${op}`, "test X", X);
    return XTrain;
  }
}

/**
 * For each test row of `dists` (numTest×numTrain), the labels of its `k` nearest training
 * examples vote and the most common label wins (like `np.argmax(np.bincount(closest_y))`): a tie
 * goes to the smaller label. Among equal distances the earlier training example counts as nearer.
 * The vote counts only the k labels it is given, so its memory is O(k) per row whatever the label
 * values (a label of 2·10⁹ costs nothing more than a label of 2).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { Matrix } from "../matrix.ts";
 * import { predictLabels } from "./k_nearest_neighbor.ts";
 * const yTrain = Int32Array.from([1, 3, 1, 3]);
 * const dists = Matrix.fromArray([[0.4, 0.1, 0.2, 0.3]]); // nearest first: rows 1, 2, 3, 0
 * assert.equal(predictLabels(dists, yTrain, 1)[0], 3);
 * assert.equal(predictLabels(dists, yTrain, 2)[0], 1); // 3 and 1 tie: the smaller label wins
 * assert.equal(predictLabels(dists, yTrain, 3)[0], 3); // 3, 1, 3
 * ```
 */
export function predictLabels(dists: Matrix, yTrain: ArrayLike<number>, k = 1): Int32Array {
  return vote("predictLabels", dists, yTrain, k);
}

/** `predictLabels` with the name of the calling operation for error messages. */
function vote(op: string, dists: Matrix, yTrain: ArrayLike<number>, k: number): Int32Array {
  const numTest = dists.rows, numTrain = dists.cols;
  if (yTrain.length !== numTrain) {
    throw new RangeError(
      `${op}: dists ${
        shapeOf(dists)
      } has ${numTrain} columns but yTrain has ${yTrain.length} labels`,
    );
  }
  if (!Number.isInteger(k) || k < 1) {
    throw new RangeError(`${op}: k must be a positive integer, got ${k}`);
  }
  if (k > numTrain) {
    throw new RangeError(`${op}: k = ${k} exceeds the ${numTrain} training examples`);
  }
  const labels = toLabels(op, yTrain);
  // BEGIN SOLUTION predictLabels
  const yPred = new Int32Array(numTest);
  for (let i = 0; i < numTest; i++) {
    const closest = kNearest(dists.row(i), k, op, i); // indices of the k nearest, nearest first
    // Count the votes of the k labels in a Map (label → votes), not in an array indexed by label:
    // np.bincount would need max(label) + 1 entries, which a label of 2e9 makes 8 GB.
    const votes = new Map<number, number>();
    for (const j of closest) votes.set(labels[j], (votes.get(labels[j]) ?? 0) + 1);
    let best = -1, bestVotes = 0; // the most votes; on a tie, the smaller label (as bincount)
    for (const [label, count] of votes) {
      if (count > bestVotes || (count === bestVotes && label < best)) {
        best = label;
        bestVotes = count;
      }
    }
    yPred[i] = best;
  }
  return yPred;
  // END SOLUTION
}

/** Indices of the k smallest entries of `row`, nearest first (ties: the smaller index first). */
function kNearest(row: Float64Array, k: number, op: string, i: number): Int32Array {
  const idx = new Int32Array(k);
  const d = new Float64Array(k).fill(Infinity);
  let count = 0;
  for (let j = 0; j < row.length; j++) {
    const dj = row[j];
    if (Number.isNaN(dj)) throw new RangeError(`${op}: dists(${i}, ${j}) is NaN`);
    if (count === k && !(dj < d[k - 1])) continue;
    // Insertion into the sorted short list; strict < keeps earlier indices ahead on ties.
    let p = count < k ? count++ : k - 1;
    while (p > 0 && dj < d[p - 1]) {
      d[p] = d[p - 1];
      idx[p] = idx[p - 1];
      p--;
    }
    d[p] = dj;
    idx[p] = j;
  }
  return idx;
}

/** Σ|aᵢ − bⱼ| for all pairs, over cache-sized blocks of training rows. */
function l1DistancesBlocked(A: Matrix, B: Matrix): Matrix {
  const n = A.rows, m = B.rows, dim = A.cols;
  const out = new Matrix(n, m);
  const a = A.data, b = B.data, o = out.data;
  // About 128 KiB of training rows per block, so they stay in cache while all test rows go by.
  const block = Math.max(1, Math.floor(16384 / Math.max(1, dim)));
  for (let j0 = 0; j0 < m; j0 += block) {
    const jEnd = Math.min(j0 + block, m);
    for (let i = 0; i < n; i++) {
      const ai = i * dim;
      for (let j = j0; j < jEnd; j++) {
        const bj = j * dim;
        let s = 0;
        for (let p = 0; p < dim; p++) s += Math.abs(a[ai + p] - b[bj + p]);
        o[i * m + j] = s;
      }
    }
  }
  return out;
}

/** The distance between two rows: √Σ(a − b)² (L2) or Σ|a − b| (L1). */
function distance(a: Float64Array, b: Float64Array, metric: DistanceMetric): number {
  let s = 0;
  if (metric === "L2") {
    for (let p = 0; p < a.length; p++) s += (a[p] - b[p]) ** 2;
    return Math.sqrt(s);
  }
  for (let p = 0; p < a.length; p++) s += Math.abs(a[p] - b[p]);
  return s;
}

function checkMetric(op: string, metric: unknown): asserts metric is DistanceMetric {
  if (metric !== "L2" && metric !== "L1") {
    throw new RangeError(`${op}: metric must be "L2" or "L1", got ${JSON.stringify(metric)}`);
  }
}

/** Copies labels into an Int32Array, checking each is a non-negative integer. */
function toLabels(op: string, y: ArrayLike<number>): Int32Array {
  const out = new Int32Array(y.length);
  for (let i = 0; i < y.length; i++) {
    if (!Number.isInteger(y[i]) || y[i] < 0 || y[i] > 2 ** 31 - 1) {
      throw new RangeError(`${op}: label y[${i}] = ${y[i]} is not a non-negative integer`);
    }
    out[i] = y[i];
  }
  return out;
}

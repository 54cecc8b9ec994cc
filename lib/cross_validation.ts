/**
 * k-fold cross-validation for choosing hyperparameters, as in CS231n's kNN notebook: split the
 * training data into folds, train on all folds but one, measure accuracy on the held-out fold,
 * rotate, and keep the value with the best mean accuracy.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { kFoldSplit } from "./cross_validation.ts";
 * const folds = kFoldSplit(5, 2); // like np.array_split: sizes 3 and 2
 * assert.deepEqual(Array.from(folds[0].valIdx), [0, 1, 2]);
 * assert.deepEqual(Array.from(folds[0].trainIdx), [3, 4]);
 * ```
 * @module
 */
import { type Matrix, shapeOf } from "./matrix.ts";
import { type Seed, toRng } from "./random.ts";
import { accuracy, checkLabels, gatherLabels } from "./data/labels.ts";
import { type DistanceMetric, KNearestNeighbor } from "./classifiers/k_nearest_neighbor.ts";
import type { StepProgress } from "./optim/training.ts";

/**
 * One fold: the rows to train on and the rows to validate on.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { type Fold, kFoldSplit } from "./cross_validation.ts";
 * const [first]: Fold[] = kFoldSplit(4, 2);
 * assert.deepEqual(Array.from(first.valIdx), [0, 1]);
 * ```
 */
export interface Fold {
  /** Indices of the training rows (all other folds). */
  trainIdx: Int32Array;
  /** Indices of this fold's validation rows. */
  valIdx: Int32Array;
}

/**
 * Splits indices 0 … n−1 into `folds` validation folds, each paired with the remaining indices for
 * training. Without a seed the folds are contiguous and in order, like `np.array_split`: fold sizes
 * differ by at most 1 and the larger folds come first. With a seed the indices are shuffled first.
 * Every index is in exactly one validation fold.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { kFoldSplit } from "./cross_validation.ts";
 * const sizes = kFoldSplit(10, 3).map((f) => f.valIdx.length);
 * assert.deepEqual(sizes, [4, 3, 3]);
 * const shuffled = kFoldSplit(10, 3, { seed: 1 });
 * assert.equal(new Set(shuffled.flatMap((f) => Array.from(f.valIdx))).size, 10);
 * ```
 */
export function kFoldSplit(n: number, folds: number, { seed }: { seed?: Seed } = {}): Fold[] {
  if (!Number.isInteger(n) || n < 0) {
    throw new RangeError(`kFoldSplit: n must be a non-negative integer, got ${n}`);
  }
  if (!Number.isInteger(folds) || folds < 2 || folds > n) {
    throw new RangeError(`kFoldSplit: folds must be an integer in [2, n = ${n}], got ${folds}`);
  }
  // BEGIN SOLUTION
  const order = seed === undefined
    ? Int32Array.from({ length: n }, (_, i) => i)
    : toRng(seed).permutation(n);
  const out: Fold[] = [];
  let start = 0;
  for (let f = 0; f < folds; f++) {
    const size = Math.floor(n / folds) + (f < n % folds ? 1 : 0);
    const end = start + size;
    const trainIdx = new Int32Array(n - size);
    trainIdx.set(order.subarray(0, start));
    trainIdx.set(order.subarray(end), start);
    out.push({ trainIdx, valIdx: order.slice(start, end) });
    start = end;
  }
  return out;
  // END SOLUTION
}

/**
 * What cross-validation's `onProgress` is told each time one value has been validated on one fold:
 * `iteration` counts these evaluations from 0 in fold order (values in their order within a fold),
 * `numIters` is folds × values. A progress line takes it as it is (`onProgress: bar.onProgress`).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { Matrix } from "./matrix.ts";
 * import { crossValidate, type CrossValidationProgress } from "./cross_validation.ts";
 * const seen: CrossValidationProgress<string>[] = [];
 * crossValidate({
 *   X: Matrix.zeros(4, 1), y: [0, 1, 0, 1], values: ["a", "b"], folds: 2,
 *   evaluate: (value) => (value === "a" ? 0.5 : 0.25),
 *   onProgress: (p) => seen.push(p),
 * });
 * const text = seen.map((p) => `${p.iteration}/${p.numIters}: fold ${p.fold}, ${p.value}`);
 * assert.deepEqual(text, ["0/4: fold 0, a", "1/4: fold 0, b", "2/4: fold 1, a", "3/4: fold 1, b"]);
 * assert.equal(seen[3].accuracy, 0.25);
 * ```
 */
export interface CrossValidationProgress<V extends number | string> extends StepProgress {
  /** The fold just validated on, from 0. */
  fold: number;
  /** The value just evaluated on it. */
  value: V;
  /** Its accuracy on that fold. */
  accuracy: number;
}

/**
 * What `crossValidate` and `crossValidateKnn` return, for hyperparameter values of type `V`: plain
 * data, keyed by value like CS231n's `k_to_accuracies` dictionary.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { Matrix } from "./matrix.ts";
 * import { crossValidate, type CrossValidationResult } from "./cross_validation.ts";
 * const result: CrossValidationResult<string> = crossValidate({
 *   X: Matrix.zeros(4, 1),
 *   y: [0, 1, 0, 1],
 *   values: ["a", "b"],
 *   folds: 2,
 *   evaluate: (value) => (value === "a" ? 0.5 : 0.25),
 * });
 * assert.equal(result.best, "a");
 * assert.deepEqual(result.stds.get("b"), 0);
 * assert.deepEqual([...result.means.values()], [0.5, 0.25]);
 * ```
 */
export interface CrossValidationResult<V extends number | string> {
  /** The values tried, in the given order. */
  values: V[];
  /** Number of folds. */
  folds: number;
  /** Each value's accuracy on each fold, in fold order. */
  accuracies: Map<V, number[]>;
  /** Each value's mean accuracy over the folds. */
  means: Map<V, number>;
  /** Each value's standard deviation over the folds (population, like `np.std`). */
  stds: Map<V, number>;
  /** The value with the highest mean accuracy; ties go to the smaller number, else the earlier. */
  best: V;
  /** The mean accuracy of `best`. */
  bestMean: number;
}

/**
 * Options of `crossValidate`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { Matrix } from "./matrix.ts";
 * import { crossValidate, type CrossValidateOptions } from "./cross_validation.ts";
 * const options: CrossValidateOptions<number> = {
 *   X: Matrix.zeros(6, 2),
 *   y: new Int32Array(6),
 *   values: [0.1, 0.2],
 *   folds: 3,
 *   seed: 0,
 *   evaluate: (value, XTrain, _yTrain, XVal) => value * XTrain.rows / XVal.rows, // 0.2, 0.4
 * };
 * assert.equal(crossValidate(options).best, 0.2);
 * ```
 */
export interface CrossValidateOptions<V extends number | string> {
  /** N×D examples. */
  X: Matrix;
  /** N labels. */
  y: ArrayLike<number>;
  /** Hyperparameter values to compare (distinct, at least one). */
  values: readonly V[];
  /** Number of folds (default 5). */
  folds?: number;
  /** Shuffle seed; without one the folds are contiguous (see `kFoldSplit`). */
  seed?: Seed;
  /** Called after each `evaluate` (e.g. a progress line's `onProgress`); changes no result. */
  onProgress?: (progress: CrossValidationProgress<V>) => void;
  /** Trains with `value` on the training folds and returns the accuracy on the validation fold. */
  evaluate: (
    value: V,
    XTrain: Matrix,
    yTrain: Int32Array,
    XVal: Matrix,
    yVal: Int32Array,
  ) => number;
}

/**
 * k-fold cross-validation of any model: for each fold, `evaluate(value, XTrain, yTrain, XVal,
 * yVal)` is called once per value and returns an accuracy.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { Matrix } from "./matrix.ts";
 * import { crossValidate } from "./cross_validation.ts";
 * // A "model" that always predicts the label `value`: its accuracy is the share of that label.
 * const result = crossValidate({
 *   X: Matrix.zeros(6, 1),
 *   y: [0, 0, 1, 1, 1, 1],
 *   values: [0, 1],
 *   folds: 3,
 *   evaluate: (value, _XTrain, _yTrain, _XVal, yVal) =>
 *     yVal.filter((label) => label === value).length / yVal.length,
 * });
 * assert.deepEqual(result.accuracies.get(1), [0, 1, 1]);
 * assert.equal(result.best, 1);
 * assert.equal(result.bestMean, 2 / 3);
 * ```
 */
export function crossValidate<V extends number | string>(
  options: CrossValidateOptions<V>,
): CrossValidationResult<V> {
  const { X, y, values, folds = 5, seed, evaluate, onProgress } = options;
  const report = reporter("crossValidate", values, folds, onProgress);
  const evalFold = (XTr: Matrix, yTr: Int32Array, XVal: Matrix, yVal: Int32Array) =>
    values.map((value, t) => report(t, evaluate(value, XTr, yTr, XVal, yVal)));
  return runFolds("crossValidate", X, y, values, folds, seed, evalFold);
}

/**
 * k-fold cross-validation of `KNearestNeighbor` over several k. Each fold's distance matrix is
 * computed once (no-loop version) and every k is evaluated from it, so trying ten k's costs little
 * more than trying one.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { Matrix } from "./matrix.ts";
 * import { crossValidateKnn } from "./cross_validation.ts";
 * // Leave-one-out on four points of a line: k = 1 errs only on x = 2 (its nearest is x = 1).
 * const X = Matrix.fromArray([[0], [1], [2], [10]]);
 * const result = crossValidateKnn(X, [0, 0, 1, 1], { ks: [1, 2, 3], folds: 4 });
 * assert.deepEqual(result.accuracies.get(1), [1, 1, 0, 1]);
 * assert.equal(result.best, 1);
 * assert.equal(result.bestMean, 0.75);
 * ```
 */
export function crossValidateKnn(
  X: Matrix,
  y: ArrayLike<number>,
  { ks, folds = 5, metric = "L2", seed, onProgress }: {
    ks: readonly number[];
    folds?: number;
    metric?: DistanceMetric;
    seed?: Seed;
    /** Called after each k is evaluated on a fold (all k of a fold come together). */
    onProgress?: (progress: CrossValidationProgress<number>) => void;
  },
): CrossValidationResult<number> {
  const op = "crossValidateKnn";
  const report = reporter(op, ks, folds, onProgress);
  checkLabels(op, X, y);
  checkFolds(op, X, folds);
  // Check the metric and every k before any distance is computed.
  if (metric !== "L2" && metric !== "L1") {
    throw new RangeError(`${op}: metric must be "L2" or "L1", got ${JSON.stringify(metric)}`);
  }
  const smallestTrain = X.rows - Math.ceil(X.rows / folds);
  for (const k of ks) {
    if (!Number.isInteger(k) || k < 1) {
      throw new RangeError(`${op}: k must be a positive integer, got ${k}`);
    }
    if (k > smallestTrain) {
      throw new RangeError(
        `${op}: k = ${k} exceeds the ${smallestTrain} training examples of the smallest fold`,
      );
    }
  }
  return runFolds(op, X, y, ks, folds, seed, (XTr, yTr, XVal, yVal) => {
    const knn = new KNearestNeighbor().train(XTr, yTr);
    const dists = knn.computeDistancesNoLoops(XVal, { metric });
    return ks.map((k, t) => report(t, accuracy(knn.predictLabels(dists, k), yVal)));
  });
}

/**
 * `report(t, accuracy)` returns `accuracy` and tells `onProgress` that value t was evaluated. The
 * calls count the evaluations (folds in order, values in order), which keeps progress out of the
 * fold loop that students write.
 */
function reporter<V extends number | string>(
  op: string,
  values: readonly V[],
  folds: number,
  onProgress: ((progress: CrossValidationProgress<V>) => void) | undefined,
): (t: number, accuracy: number) => number {
  if (onProgress === undefined) return (_t, accuracy) => accuracy;
  if (typeof onProgress !== "function") {
    throw new TypeError(`${op}: onProgress must be a function, got ${typeof onProgress}`);
  }
  let iteration = 0;
  const numIters = folds * values.length;
  return (t, accuracy) => {
    const fold = Math.floor(iteration / values.length);
    onProgress({ iteration, numIters, fold, value: values[t], accuracy });
    iteration++;
    return accuracy;
  };
}

/**
 * The fold loop shared by both entry points: `evalFold` returns one accuracy per value.
 */
function runFolds<V extends number | string>(
  op: string,
  X: Matrix,
  y: ArrayLike<number>,
  values: readonly V[],
  folds: number,
  seed: Seed | undefined,
  evalFold: (XTr: Matrix, yTr: Int32Array, XVal: Matrix, yVal: Int32Array) => number[],
): CrossValidationResult<V> {
  checkLabels(op, X, y);
  if (values.length === 0) throw new RangeError(`${op}: no values to compare`);
  if (new Set(values).size !== values.length) {
    throw new RangeError(`${op}: values must be distinct, got [${values.join(", ")}]`);
  }
  checkFolds(op, X, folds);
  // BEGIN SOLUTION crossValidate
  const accuracies = new Map<V, number[]>(values.map((v) => [v, []]));
  kFoldSplit(X.rows, folds, { seed }).forEach(({ trainIdx, valIdx }, f) => {
    const accs = evalFold(
      X.gatherRows(trainIdx),
      gatherLabels(y, trainIdx),
      X.gatherRows(valIdx),
      gatherLabels(y, valIdx),
    );
    values.forEach((v, t) => {
      if (typeof accs[t] !== "number" || !Number.isFinite(accs[t])) {
        throw new RangeError(`${op}: accuracy for value ${v} on fold ${f} is ${accs[t]}`);
      }
      accuracies.get(v)!.push(accs[t]);
    });
  });
  return summarize(values, folds, accuracies);
  // END SOLUTION
}

/** Means, standard deviations and the best value from per-fold accuracies. */
function summarize<V extends number | string>(
  values: readonly V[],
  folds: number,
  accuracies: Map<V, number[]>,
): CrossValidationResult<V> {
  const means = new Map<V, number>(), stds = new Map<V, number>();
  for (const v of values) {
    const a = accuracies.get(v)!;
    const mean = a.reduce((s, x) => s + x, 0) / a.length;
    means.set(v, mean);
    stds.set(v, Math.sqrt(a.reduce((s, x) => s + (x - mean) ** 2, 0) / a.length));
  }
  let best = values[0];
  for (const v of values.slice(1)) {
    const m = means.get(v)!, mb = means.get(best)!;
    const smaller = typeof v === "number" && typeof best === "number" && v < best;
    if (m > mb || (m === mb && smaller)) best = v;
  }
  return { values: [...values], folds, accuracies, means, stds, best, bestMean: means.get(best)! };
}

function checkFolds(op: string, X: Matrix, folds: number): void {
  if (!Number.isInteger(folds) || folds < 2 || folds > X.rows) {
    throw new RangeError(
      `${op}: folds must be an integer in [2, ${X.rows}] for X ${shapeOf(X)}, got ${folds}`,
    );
  }
}

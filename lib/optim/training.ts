/**
 * The rules every model's `train` follows (`LinearSVM`, `Softmax`, `TwoLayerNet`), so that they
 * accept and refuse the same things with the same messages:
 *
 * - `numIters`: an integer ≥ 0 (0 trains nothing and returns an empty history);
 * - `learningRate` (and `learningRateDecay` where there is one): a finite number > 0;
 * - `batchSize`: an integer ≥ 1 (batches are drawn with replacement, so it may exceed N);
 * - `reg`: a finite number ≥ 0;
 * - `onProgress`, when given: a function; it is called after every step with a `TrainProgress`
 *   (the step, the number of steps, the loss) and must not change the model, so that a run with
 *   progress reporting gives the same numbers as one without;
 * - the training data X: a Matrix with at least one example and only finite entries;
 * - training stops at the first non-finite loss (or gradient) with a `DivergenceError` that carries
 *   the history up to there, instead of carrying on with NaN weights (`checkDivergence`).
 *
 * Every error names the operation, the option or argument and the value.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { checkTrainOptions } from "./training.ts";
 * const ok = { learningRate: 1e-3, reg: 0, numIters: 0, batchSize: 200 };
 * checkTrainOptions("demo", ok); // fine: numIters 0 trains nothing
 * assert.throws(
 *   () => checkTrainOptions("demo", { ...ok, learningRate: 0 }),
 *   /demo: learningRate must be a finite number > 0, got 0/,
 * );
 * ```
 * @module
 */
import { Matrix, shapeOf } from "../matrix.ts";

/**
 * The hyperparameters of a training loop, as `checkTrainOptions` checks them.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import type { TrainOptionValues } from "./training.ts";
 * const v: TrainOptionValues = { learningRate: 1, reg: 1e-4, numIters: 300, batchSize: 150 };
 * assert.equal(v.learningRateDecay, undefined); // only models with a decay pass one
 * ```
 */
export interface TrainOptionValues {
  /** Step size: finite, > 0. */
  learningRate: number;
  /** Regularization strength: finite, ≥ 0. */
  reg: number;
  /** Number of SGD steps: an integer ≥ 0. */
  numIters: number;
  /** Examples per minibatch: an integer ≥ 1. */
  batchSize: number;
  /** Factor applied to the learning rate after each epoch, when the model has one: finite, > 0. */
  learningRateDecay?: number;
  /** Called after every step, when given: a function. */
  onProgress?: unknown;
}

/**
 * What every loop's `onProgress` is told after each step (training, searches, cross-validation):
 * which step was just done and how many there are, enough for a progress line
 * (`progress(…).onProgress` in `lib/plot/progress.ts`).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import type { StepProgress } from "./training.ts";
 * const last: StepProgress = { iteration: 99, numIters: 100 };
 * assert.equal(last.iteration + 1, last.numIters); // the last report of a loop that ran to the end
 * ```
 */
export interface StepProgress {
  /** The step just done, from 0: the last report of a complete run has `numIters − 1`. */
  iteration: number;
  /** The number of steps the loop makes in all. */
  numIters: number;
}

/**
 * What a model's `train` tells `onProgress` after each SGD step: the step, the number of steps and
 * that step's minibatch loss (regularization included). `TwoLayerNet.train` adds the learning rate
 * and, at the end of an epoch, the accuracies.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { makeBlobs } from "../data/synthetic.ts";
 * import { Softmax } from "../classifiers/linear_classifier.ts";
 * import type { TrainProgress } from "./training.ts";
 * const { X, y } = makeBlobs({ pointsPerClass: 10, numClasses: 2, seed: 0 });
 * const seen: TrainProgress[] = [];
 * const onProgress = (_it: number, _loss: number, p: TrainProgress) => void seen.push(p);
 * new Softmax().train(X, y, { numIters: 3, batchSize: 5, onProgress });
 * assert.deepEqual(seen.map((p) => [p.iteration, p.numIters]), [[0, 3], [1, 3], [2, 3]]);
 * ```
 */
export interface TrainProgress extends StepProgress {
  /** The loss of this step's minibatch. */
  loss: number;
}

/**
 * Throws a RangeError naming `op`, the option and its value unless every option follows the rules
 * above. Call it before touching the model, so that a bad option leaves the model as it was.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { checkTrainOptions } from "./training.ts";
 * const ok = { learningRate: 0.5, reg: 1e-4, numIters: 100, batchSize: 64 };
 * checkTrainOptions("demo", { ...ok, learningRateDecay: 0.95 });
 * assert.throws(() => checkTrainOptions("demo", { ...ok, numIters: 1.5 }), /numIters .* got 1.5/);
 * assert.throws(() => checkTrainOptions("demo", { ...ok, batchSize: 0 }), /batchSize .* got 0/);
 * assert.throws(() => checkTrainOptions("demo", { ...ok, reg: -1 }), /reg .* ≥ 0, got -1/);
 * assert.throws(
 *   () => checkTrainOptions("demo", { ...ok, onProgress: "verbose" }),
 *   /demo: onProgress must be a function, got "verbose" \(a string\)/,
 * );
 * ```
 */
export function checkTrainOptions(op: string, values: TrainOptionValues): void {
  const { learningRate, reg, numIters, batchSize, learningRateDecay, onProgress } = values;
  if (!isFiniteNumber(learningRate) || learningRate <= 0) {
    throw new RangeError(
      `${op}: learningRate must be a finite number > 0, got ${show(learningRate)}`,
    );
  }
  if (
    learningRateDecay !== undefined &&
    (!isFiniteNumber(learningRateDecay) || learningRateDecay <= 0)
  ) {
    throw new RangeError(
      `${op}: learningRateDecay must be a finite number > 0, got ${show(learningRateDecay)}`,
    );
  }
  if (!isFiniteNumber(reg) || reg < 0) {
    throw new RangeError(`${op}: reg must be a finite number ≥ 0, got ${show(reg)}`);
  }
  if (!Number.isInteger(numIters) || numIters < 0) {
    throw new RangeError(`${op}: numIters must be an integer ≥ 0, got ${show(numIters)}`);
  }
  if (!Number.isInteger(batchSize) || batchSize < 1) {
    throw new RangeError(`${op}: batchSize must be an integer ≥ 1, got ${show(batchSize)}`);
  }
  if (onProgress !== undefined && typeof onProgress !== "function") {
    throw new TypeError(`${op}: onProgress must be a function, got ${show(onProgress)}`);
  }
}

/**
 * Throws unless `X` is a Matrix with at least one row and only finite entries: a TypeError for a
 * non-Matrix, a RangeError naming the first NaN or ±∞ (`X[17,3] is NaN`) otherwise. `name` is how
 * the message calls the matrix. One pass over the data, once per `train`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { Matrix } from "../matrix.ts";
 * import { checkTrainData } from "./training.ts";
 * checkTrainData("demo", Matrix.ones(2, 3)); // fine
 * assert.throws(() => checkTrainData("demo", Matrix.zeros(0, 3)), /X \(0×3\) has no examples/);
 * const X = Matrix.fromArray([[1, 2], [3, NaN]]);
 * assert.throws(() => checkTrainData("demo", X, "Xval"), /demo: Xval\[1,1\] is NaN/);
 * ```
 */
export function checkTrainData(op: string, X: Matrix, name = "X"): void {
  if (!(X instanceof Matrix)) {
    throw new TypeError(`${op}: ${name} must be a Matrix, got ${show(X)}`);
  }
  if (X.rows === 0) {
    throw new RangeError(`${op}: ${name} ${shapeOf(X)} has no examples to train on`);
  }
  checkFinite(op, X, name, "the data must be finite (a missing value or a division by 0?)");
}

/**
 * Throws a RangeError naming the first NaN or ±∞ entry of a model's weights before it trains from
 * them (`W[0,1] is NaN`), so that weights left broken by an earlier diverged run or set by hand are
 * not mistaken for a new divergence. `reset` says how to start over.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { Matrix } from "../matrix.ts";
 * import { checkTrainWeights } from "./training.ts";
 * checkTrainWeights("demo", Matrix.ones(2, 2), "W", "set W = null"); // fine
 * assert.throws(
 *   () => checkTrainWeights("demo", Matrix.fromArray([[0, Infinity]]), "W", "set W = null"),
 *   /demo: W\[0,1\] is Infinity: the weights are not finite .*; set W = null/,
 * );
 * ```
 */
export function checkTrainWeights(op: string, W: Matrix, name: string, reset: string): void {
  checkFinite(op, W, name, `the weights are not finite (did an earlier train diverge?); ${reset}`);
}

/**
 * Thrown by a model's `train` at the first iteration whose loss is NaN or ±∞, e.g.
 * `Softmax.train: diverged at iteration 28 (loss NaN): lower the learning rate (now 1) or check
 * the data`; also when a gradient entry is, or when the loss itself refuses a value that training
 * made non-finite (a `NonFiniteError` such as `softmaxLoss: scores[2,0] is Infinity`, kept as
 * `cause`). Iterations count from 0, as `onProgress` does.
 *
 * `history` holds what `train` would have returned had it stopped just before: the losses (all
 * finite) for `LinearSVM` and `Softmax`, the `TwoLayerNetHistory` for `TwoLayerNet`; it always has
 * `iteration` losses. The weights are left as they were at that iteration (the non-finite step is
 * not applied) and are usually not usable.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { DivergenceError } from "./training.ts";
 * const e = new DivergenceError("Softmax.train", 2, NaN, 1, [2.3, 1.9]);
 * assert.equal(
 *   e.message,
 *   "Softmax.train: diverged at iteration 2 (loss NaN): lower the learning rate (now 1) or " +
 *     "check the data",
 * );
 * assert(e instanceof RangeError && e.name === "DivergenceError");
 * assert.deepEqual(e.history, [2.3, 1.9]);
 * ```
 */
export class DivergenceError<H = number[]> extends RangeError {
  /** The iteration that could not be completed (from 0). */
  readonly iteration: number;
  /** Its loss: NaN or ±∞, or finite when a gradient was not; NaN when it could not be computed. */
  readonly loss: number;
  /** The learning rate in use at that iteration. */
  readonly learningRate: number;
  /** The training history up to (not including) `iteration`. */
  readonly history: H;

  /**
   * An error for `op` diverging at `iteration` with `loss`, keeping `history`. `detail` replaces
   * "loss …" in the message (e.g. to name a non-finite gradient entry); `cause` is the error that
   * revealed the divergence, if any.
   */
  constructor(
    op: string,
    iteration: number,
    loss: number,
    learningRate: number,
    history: H,
    { detail, cause }: { detail?: string; cause?: unknown } = {},
  ) {
    super(
      `${op}: diverged at iteration ${iteration} (${detail ?? `loss ${loss}`}): ` +
        `lower the learning rate (now ${learningRate}) or check the data`,
      cause === undefined ? undefined : { cause },
    );
    this.name = "DivergenceError";
    this.iteration = iteration;
    this.loss = loss;
    this.learningRate = learningRate;
    this.history = history;
  }

  /**
   * The same error (message, iteration, loss, learning rate, cause) carrying another history,
   * e.g. a wrapper around the `Solver` handing on only the losses.
   *
   * @example
   * ```ts
   * import assert from "node:assert/strict";
   * import { DivergenceError } from "./training.ts";
   * const e = new DivergenceError("demo", 2, NaN, 1, { lossHistory: [2.3, 1.9] });
   * const losses = e.withHistory(e.history.lossHistory);
   * assert.deepEqual(losses.history, [2.3, 1.9]);
   * assert.equal(losses.message, e.message);
   * ```
   */
  withHistory<H2>(history: H2): DivergenceError<H2> {
    const { iteration, loss, learningRate, cause } = this;
    const e = new DivergenceError("", iteration, loss, learningRate, history, { cause });
    e.message = this.message;
    return e;
  }
}

/** Throws a RangeError naming the first NaN or ±∞ entry of `M`, followed by `advice`. */
function checkFinite(op: string, M: Matrix, name: string, advice: string): void {
  const k = firstNonFinite(M);
  if (k >= 0) throw new RangeError(`${op}: ${entry(M, name, k)} is ${M.data[k]}: ${advice}`);
}

/**
 * The check a training loop makes after computing the loss and gradients of iteration `iteration`
 * and before applying them: throws a `DivergenceError` (with `history`) if the loss or any gradient
 * entry is NaN or ±∞. The gradient pass costs one read of each gradient, small next to computing it.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { Matrix } from "../matrix.ts";
 * import { checkDivergence } from "./training.ts";
 * const history = [2.3, 1.7];
 * checkDivergence("demo", 2, 1.2, { dW: Matrix.ones(2, 2) }, 0.1, history); // fine
 * assert.throws(
 *   () => checkDivergence("demo", 2, NaN, { dW: Matrix.ones(2, 2) }, 0.1, history),
 *   { name: "DivergenceError", message: /demo: diverged at iteration 2 \(loss NaN\)/ },
 * );
 * const dW = Matrix.fromArray([[1, -Infinity]]);
 * assert.throws(
 *   () => checkDivergence("demo", 2, 1e308, { dW }, 0.1, history),
 *   /iteration 2 \(loss 1e\+308, dW\[0,1\] = -Infinity\)/,
 * );
 * ```
 */
export function checkDivergence<H>(
  op: string,
  iteration: number,
  loss: number,
  grads: Record<string, Matrix>,
  learningRate: number,
  history: H,
): void {
  if (!Number.isFinite(loss)) throw new DivergenceError(op, iteration, loss, learningRate, history);
  for (const [name, G] of Object.entries(grads)) {
    const k = firstNonFinite(G);
    if (k >= 0) {
      const detail = `loss ${loss}, ${entry(G, name, k)} = ${G.data[k]}`;
      throw new DivergenceError(op, iteration, loss, learningRate, history, { detail });
    }
  }
}

/**
 * What a training loop throws when computing iteration `iteration` failed with `error`: a
 * `DivergenceError` (with `error` as its `cause`) when `error` is a `NonFiniteError`, the check
 * with which losses and layers refuse a NaN or ±∞ (the data and weights were checked before
 * training, so only training can have made such a value), else `error` itself.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { asDivergence, DivergenceError } from "./training.ts";
 * const nonFinite = Object.assign(new RangeError("softmaxLoss: scores[2,0] is Infinity"), {
 *   name: "NonFiniteError",
 * });
 * const e = asDivergence(nonFinite, "TwoLayerNet.train", 70, 1, { lossHistory: [] });
 * assert(e instanceof DivergenceError && e.cause === nonFinite);
 * assert.match(e.message, /iteration 70 \(softmaxLoss: scores\[2,0\] is Infinity\): lower/);
 * const other = new TypeError("not a divergence");
 * assert.equal(asDivergence(other, "TwoLayerNet.train", 70, 1, {}), other);
 * ```
 */
export function asDivergence<H>(
  error: unknown,
  op: string,
  iteration: number,
  learningRate: number,
  history: H,
): unknown {
  // By name, as matrix.ts's assertFinite throws it, so that this module does not depend on it.
  if (!(error instanceof RangeError) || error.name !== "NonFiniteError") return error;
  const detail = error.message;
  return new DivergenceError(op, iteration, NaN, learningRate, history, { detail, cause: error });
}

/** The index of the first NaN or ±∞ in `M.data`, or −1. */
function firstNonFinite(M: Matrix): number {
  const data = M.data, n = data.length, n4 = n - (n % 4);
  // NaN − NaN and ∞ − ∞ are NaN, x − x is 0 for every finite x: four entries per test, then the
  // exact position from the first block that fails. (Number.isFinite per entry ran 2–6× slower
  // once this loop was inlined into a caller compiled by V8's mid tier.)
  let k = 0;
  for (; k < n4; k += 4) {
    const a = data[k], b = data[k + 1], c = data[k + 2], d = data[k + 3];
    if (a - a + (b - b) + (c - c) + (d - d) !== 0) break;
  }
  for (; k < n; k++) {
    const v = data[k];
    if (v - v !== 0) return k;
  }
  return -1;
}

/** `name[row,col]` of the k-th entry of `M` (row-major). */
function entry(M: Matrix, name: string, k: number): string {
  return `${name}[${Math.floor(k / M.cols)},${k % M.cols}]`;
}

function isFiniteNumber(v: unknown): v is number {
  return typeof v === "number" && Number.isFinite(v);
}

/** A value for an error message: numbers as they print, anything else with its type. */
function show(v: unknown): string {
  if (typeof v === "number") return String(v);
  return typeof v === "string" ? `"${v}" (a string)` : `${String(v)} (${typeof v})`;
}

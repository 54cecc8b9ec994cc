/**
 * Strategy #3 of the optimization lecture, following the gradient: the loop at the core of every
 * neural-network library, for any loss `(W, X, y) → { loss, dW }` and any update rule.
 *
 * ```text
 * while not done:
 *     loss, dW = lossFn(W, X_batch, y_batch)   # evaluate the gradient
 *     W = update(W, dW, config)                # e.g. W ← W − lr·dW
 * ```
 *
 * `gradientDescent` uses all the data at every step ("vanilla" / batch gradient descent);
 * `minibatchSgd` samples `batchSize` examples per step, which gives many cheap, noisy steps instead
 * of a few exact ones.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { Matrix, matmulTA } from "../matrix.ts";
 * import { gradientDescent } from "./descent.ts";
 * // Least squares: loss = ½‖X·W − 1‖² / N, dW = Xᵀ(X·W − 1) / N.
 * const X = Matrix.fromArray([[1, 0], [0, 2]]), y = new Int32Array(2);
 * const lossFn = (W: Matrix, Xb: Matrix) => {
 *   const r = Xb.matmul(W).sub(1);
 *   return { loss: r.pow(2).sum() / (2 * Xb.rows), dW: matmulTA(Xb, r).div(Xb.rows) };
 * };
 * const { W } = gradientDescent(lossFn, Matrix.zeros(2, 1), X, y, {
 *   learningRate: 0.5,
 *   numIters: 100,
 * });
 * assert(W.allClose(Matrix.fromArray([[1], [0.5]]), { atol: 1e-6 }));
 * ```
 * @module
 */
import { Matrix, shapeOf } from "../matrix.ts";
import type { Seed } from "../random.ts";
import { checkLabels } from "../data/labels.ts";
import type { Schedule } from "./schedules.ts";
import { Solver, type SolverOptions } from "./solver.ts";
import { DivergenceError } from "./training.ts";
import type { UpdateConfig, UpdateRule, UpdateRuleName } from "./update_rules.ts";

/**
 * A loss with its gradient on a batch: the shape of `svmLossVectorized` and `softmaxLossVectorized`
 * once the regularization strength is fixed, e.g. `(W, X, y) => svmLossVectorized(W, X, y, 1e-4)`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { Matrix } from "../matrix.ts";
 * import type { BatchLossFn } from "./descent.ts";
 * const l2: BatchLossFn = (W) => ({ loss: 0.5 * W.pow(2).sum(), dW: W });
 * assert.equal(l2(Matrix.ones(2, 2), Matrix.zeros(0, 2), new Int32Array(0)).loss, 2);
 * ```
 */
export type BatchLossFn = (
  W: Matrix,
  XBatch: Matrix,
  yBatch: Int32Array,
) => { loss: number; dW: Matrix };

/**
 * What `onProgress` is told after every step.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { Matrix } from "../matrix.ts";
 * import { type DescentProgress, gradientDescent } from "./descent.ts";
 * const seen: DescentProgress[] = [];
 * const f = (W: Matrix) => ({ loss: W.sum(), dW: Matrix.ones(1, 1) }); // W goes down by lr
 * gradientDescent(f, Matrix.zeros(1, 1), Matrix.zeros(1, 1), new Int32Array(1), {
 *   learningRate: 1,
 *   numIters: 2,
 *   onProgress: (p) => seen.push(p),
 * });
 * assert.deepEqual(seen.map((p) => p.loss), [0, -1]);
 * assert.equal(seen[1].W.get(0, 0), -2);
 * ```
 */
export interface DescentProgress {
  /** Step index, from 0. */
  iteration: number;
  /** Epoch of the step (always 0 for full-batch gradient descent, which has no epochs). */
  epoch: number;
  /** Loss at the weights before this step. */
  loss: number;
  /** Learning rate used by this step. */
  learningRate: number;
  /** Weights after this step (do not mutate them). */
  W: Matrix;
}

/**
 * Options of `gradientDescent`. Give either `learningRate` or `schedule`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import type { DescentOptions } from "./descent.ts";
 * const options: DescentOptions = { learningRate: 1e-3, numIters: 100, update: "adam" };
 * assert.equal(options.update, "adam");
 * ```
 */
export interface DescentOptions {
  /** Constant step size. */
  learningRate?: number;
  /** Learning rate as a function of the iteration (`gradientDescent`) or epoch (`minibatchSgd`). */
  schedule?: Schedule;
  /** Number of update steps. */
  numIters: number;
  /** Update rule, as a function or by name (default `"sgd"`). */
  update?: UpdateRule | UpdateRuleName;
  /** Starting config of the rule: other hyperparameters (e.g. `{ momentum: 0.95 }`) or state. */
  updateConfig?: UpdateConfig;
  /** Called after every step. */
  onProgress?: (progress: DescentProgress) => void;
  /**
   * Throw a `DivergenceError` (with the loss history so far) at the first NaN or ±∞ in the loss or
   * the gradient, instead of going on with NaN weights (default false: the step-size lesson plots
   * a diverging run to its end).
   */
  stopOnDivergence?: boolean;
}

/**
 * Options of `minibatchSgd`: those of `gradientDescent` plus the sampling of batches.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import type { MinibatchSgdOptions } from "./descent.ts";
 * const options: MinibatchSgdOptions = { learningRate: 0.01, numIters: 500, batchSize: 64 };
 * assert.equal(options.batchSize, 64);
 * ```
 */
export interface MinibatchSgdOptions extends DescentOptions {
  /** Examples per step (default 200, as in CS231n's `LinearClassifier.train`). */
  batchSize?: number;
  /** Seed of the batch sampling (default 0). */
  seed?: Seed;
  /** Sample each batch with replacement, like `np.random.choice(N, batchSize)` (default true). */
  replace?: boolean;
  /** Steps per epoch, the `t` a schedule sees (default max(1, ⌊N / batchSize⌋)). */
  iterationsPerEpoch?: number;
}

/**
 * What the descent loops return.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { Matrix } from "../matrix.ts";
 * import { type DescentResult, gradientDescent } from "./descent.ts";
 * const f = (W: Matrix) => ({ loss: 0, dW: W }); // each step with lr 0.5 halves W
 * const X = Matrix.zeros(1, 1), y = new Int32Array(1);
 * const r: DescentResult = gradientDescent(f, Matrix.ones(1, 1), X, y, {
 *   learningRate: 0.5,
 *   numIters: 3,
 * });
 * assert.equal(r.lossHistory.length, 3);
 * assert.equal(r.W.get(0, 0), 0.125);
 * ```
 */
export interface DescentResult {
  /** Final weights (a new matrix; W0 is not modified). */
  W: Matrix;
  /** Loss before each step, one entry per iteration. */
  lossHistory: Float64Array;
  /** Final config of the update rule, to resume training from. */
  config: UpdateConfig;
}

/**
 * Full-batch ("vanilla") gradient descent: every step evaluates the loss and gradient on all of
 * X, then applies the update rule: W ← update(W, dW). With a schedule, step t uses
 * lr = schedule(t).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { Matrix } from "../matrix.ts";
 * import { gradientDescent } from "./descent.ts";
 * // f(W) = ½‖W‖² has dW = W; each SGD step with lr 0.5 halves W.
 * const f = (W: Matrix) => ({ loss: 0.5 * W.pow(2).sum(), dW: W });
 * const X = Matrix.zeros(1, 1), y = new Int32Array(1);
 * const { W, lossHistory } = gradientDescent(f, Matrix.full(1, 1, 8), X, y, {
 *   learningRate: 0.5,
 *   numIters: 3,
 * });
 * assert.equal(W.get(0, 0), 1);
 * assert.deepEqual([...lossHistory], [32, 8, 2]);
 * ```
 */
export function gradientDescent(
  lossFn: BatchLossFn,
  W0: Matrix,
  X: Matrix,
  y: Int32Array,
  options: DescentOptions,
): DescentResult {
  const op = "gradientDescent";
  checkInputs(op, lossFn, W0, X, y, options);
  return descend(op, lossFn, W0, X, y, options, { batches: "all", perEpoch: 1 });
}

/**
 * Minibatch stochastic gradient descent: every step samples `batchSize` rows of X (seeded), then
 * W ← update(W, dW of that batch). A schedule is applied per epoch, like CS231n's `Solver`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { Matrix } from "../matrix.ts";
 * import { minibatchSgd } from "./descent.ts";
 * // Fit the mean of the rows: loss = ½ mean‖x − W‖², dW = W − mean(x).
 * const X = Matrix.fromArray([[1, 2], [3, 2], [2, 5], [2, 3]]), y = new Int32Array(4);
 * const lossFn = (W: Matrix, Xb: Matrix) => {
 *   const r = Xb.sub(W); // broadcast the 1×2 row W over the batch
 *   return { loss: r.pow(2).sum() / (2 * Xb.rows), dW: r.mean(0).neg() };
 * };
 * const run = () =>
 *   minibatchSgd(lossFn, Matrix.zeros(1, 2), X, y, {
 *     learningRate: 0.1,
 *     numIters: 300,
 *     batchSize: 2,
 *     seed: 7,
 *   });
 * const { W } = run();
 * assert(W.allClose(Matrix.fromArray([[2, 3]]), { atol: 0.6 }));
 * assert.deepEqual(run().W.data, W.data); // same seed, same weights
 * ```
 */
export function minibatchSgd(
  lossFn: BatchLossFn,
  W0: Matrix,
  X: Matrix,
  y: Int32Array,
  options: MinibatchSgdOptions,
): DescentResult {
  const op = "minibatchSgd";
  checkInputs(op, lossFn, W0, X, y, options);
  const { batchSize = 200, seed = 0, replace = true } = options;
  if (!Number.isInteger(batchSize) || batchSize < 1) {
    throw new RangeError(`${op}: batchSize must be a positive integer, got ${batchSize}`);
  }
  if (X.rows === 0 || (!replace && batchSize > X.rows)) {
    throw new RangeError(
      `${op}: cannot draw batches of ${batchSize} ${replace ? "" : "without replacement "}from X ${
        shapeOf(X)
      }`,
    );
  }
  const perEpoch = options.iterationsPerEpoch ?? Math.max(1, Math.floor(X.rows / batchSize));
  if (!Number.isInteger(perEpoch) || perEpoch < 1) {
    throw new RangeError(`${op}: iterationsPerEpoch must be a positive integer, got ${perEpoch}`);
  }
  const batches = replace ? "withReplacement" : "withoutReplacement";
  return descend(op, lossFn, W0, X, y, options, { batches, batchSize, seed, perEpoch });
}

/**
 * The loop, as a `Solver` training a one-parameter model whose loss is lossFn at its W: the
 * Solver draws the batches and applies the rule; this checks what lossFn returns and, with
 * `stopOnDivergence`, stops with the history as a Float64Array.
 */
function descend(
  op: string,
  lossFn: BatchLossFn,
  W0: Matrix,
  X: Matrix,
  y: Int32Array,
  options: DescentOptions,
  sampling: {
    batches: SolverOptions["batches"];
    batchSize?: number;
    seed?: Seed;
    perEpoch: number;
  },
): DescentResult {
  const lrAt = learningRateAt(op, options);
  const { perEpoch } = sampling, full = sampling.batches === "all";
  const epochOf = (it: number) => (full ? 0 : Math.floor(it / perEpoch));
  const W = W0.clone();
  const { learningRate: _, ...optimConfig } = options.updateConfig ?? {}; // the schedule sets it
  const model = {
    params: { W },
    loss: (XBatch: Matrix, yBatch?: Int32Array) => {
      if (yBatch === undefined) throw new Error(`${op}: no scores without labels`); // never asked
      const it = solver.iteration;
      const { loss, dW } = checkLoss(op, lossFn(W, XBatch, yBatch), W, it);
      if (options.stopOnDivergence) {
        const bad = Number.isFinite(loss) ? dW.data.findIndex((v) => v - v !== 0) : -1;
        if (!Number.isFinite(loss) || bad >= 0) {
          const detail = bad >= 0
            ? `dW[${Math.floor(bad / dW.cols)},${bad % dW.cols}] is ${dW.data[bad]}`
            : undefined;
          const history = Float64Array.from(solver.lossHistory);
          const lr = lrAt(full ? it : epochOf(it));
          throw new DivergenceError(op, it, loss, lr, history, { detail });
        }
      }
      return { loss, grads: { W: dW } };
    },
  };
  const { onProgress } = options;
  const solver: Solver<"W"> = new Solver(model, { XTrain: X, yTrain: y }, {
    updateRule: options.update ?? "sgd",
    optimConfig,
    schedule: lrAt,
    scheduleBy: full ? "iteration" : "epoch",
    batches: sampling.batches,
    batchSize: sampling.batchSize,
    seed: sampling.seed,
    iterationsPerEpoch: perEpoch,
    numIters: options.numIters,
    stopOnDivergence: false, // lossFn's answers are checked above, when asked
    onProgress: onProgress &&
      (({ iteration, loss, learningRate }) =>
        onProgress({ iteration, epoch: epochOf(iteration), loss, learningRate, W: W.clone() })),
    name: op,
  });
  solver.train();
  return { W, lossHistory: Float64Array.from(solver.lossHistory), config: solver.optimConfigs.W };
}

/** Step size at t: the schedule's value, or the constant learning rate. */
function learningRateAt(op: string, options: DescentOptions): Schedule {
  const { learningRate, schedule } = options;
  if (schedule !== undefined) {
    if (learningRate !== undefined) {
      throw new RangeError(
        `${op}: give learningRate or schedule, not both (the schedule sets the rate at every step)`,
      );
    }
    if (typeof schedule !== "function") {
      throw new TypeError(`${op}: schedule must be a function of t, got ${typeof schedule}`);
    }
    return (t) => {
      const lr = schedule(t);
      if (!(lr >= 0) || !Number.isFinite(lr)) {
        throw new RangeError(`${op}: schedule(${t}) gave learning rate ${lr}, expected ≥ 0`);
      }
      return lr;
    };
  }
  if (learningRate === undefined || !(learningRate >= 0) || !Number.isFinite(learningRate)) {
    throw new RangeError(`${op}: learningRate must be a finite number ≥ 0, got ${learningRate}`);
  }
  return () => learningRate;
}

function checkInputs(
  op: string,
  lossFn: BatchLossFn,
  W0: Matrix,
  X: Matrix,
  y: Int32Array,
  options: DescentOptions,
): void {
  if (typeof lossFn !== "function") throw new TypeError(`${op}: lossFn must be a function`);
  if (!(W0 instanceof Matrix) || !(X instanceof Matrix)) {
    throw new TypeError(`${op}: W0 and X must be Matrix instances`);
  }
  checkLabels(op, X, y);
  if (options === null || typeof options !== "object") {
    throw new TypeError(`${op}: options must be an object with numIters and learningRate`);
  }
  const { numIters } = options;
  if (!Number.isInteger(numIters) || numIters < 0) {
    throw new RangeError(`${op}: numIters must be a non-negative integer, got ${numIters}`);
  }
}

function checkLoss(
  op: string,
  out: { loss: number; dW: Matrix },
  W: Matrix,
  it: number,
): { loss: number; dW: Matrix } {
  if (out === null || typeof out !== "object" || typeof out.loss !== "number") {
    throw new TypeError(`${op}: lossFn must return { loss: number, dW: Matrix } (iteration ${it})`);
  }
  if (!(out.dW instanceof Matrix) || out.dW.rows !== W.rows || out.dW.cols !== W.cols) {
    const got = out.dW instanceof Matrix ? shapeOf(out.dW) : String(out.dW);
    throw new RangeError(`${op}: lossFn returned dW ${got} for W ${shapeOf(W)} (iteration ${it})`);
  }
  return out;
}

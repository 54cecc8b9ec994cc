/**
 * The types of the `Solver` (lib/optim/solver.ts): what it trains (`SolverModel`), on what
 * (`SolverData`), how (`SolverOptions`, CS231n's `solver.py` arguments in camelCase), what it
 * reports after each step (`SolverProgress`) and what it records (`SolverHistory`).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import type { SolverHistory } from "./solver_options.ts";
 * const h: SolverHistory = { lossHistory: [2.3], trainAccHistory: [], valAccHistory: [] };
 * assert.equal(h.lossHistory.length, 1);
 * ```
 * @module
 */
import type { Matrix } from "../matrix.ts";
import type { Seed } from "../random.ts";
import type { Schedule } from "./schedules.ts";
import type { TrainProgress } from "./training.ts";
import type { UpdateConfig, UpdateRule, UpdateRuleName } from "./update_rules.ts";

/**
 * What a model's `loss(X, y)` returns when given labels: the loss of the batch and the gradient of
 * every parameter, keyed like `params`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { Matrix } from "../matrix.ts";
 * import type { SolverLoss } from "./solver_options.ts";
 * const out: SolverLoss<"W"> = { loss: 1.5, grads: { W: Matrix.zeros(2, 3) } };
 * assert.deepEqual(out.grads.W.shape, [2, 3]);
 * ```
 */
export interface SolverLoss<K extends string = string> {
  /** The loss of the batch (regularization included). */
  loss: number;
  /** ∂loss/∂p for every parameter p, the shape of p. */
  grads: Record<K, Matrix>;
}

/**
 * What the Solver trains (CS231n's model API): `params` by name, and `loss(X)` giving the N×C
 * class scores, `loss(X, y)` the loss and gradients. The Solver changes the parameter matrices in
 * place, so references to them stay valid. `TwoLayerNet` is one (its regularization strength is
 * the third argument of its `loss`, 0 when the Solver calls it; wrap it to train with one).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { Matrix, matmul, matmulTA } from "../matrix.ts";
 * import { softmaxLoss } from "../losses/scores.ts";
 * import type { SolverModel } from "./solver_options.ts";
 * const W = Matrix.zeros(2, 3); // a linear softmax classifier, scores = X·W
 * const model: SolverModel<"W"> = {
 *   params: { W },
 *   loss(X: Matrix, y?: Int32Array) {
 *     const scores = matmul(X, W);
 *     if (y === undefined) return scores;
 *     const { loss, dx } = softmaxLoss(scores, y);
 *     return { loss, grads: { W: matmulTA(X, dx) } };
 *   },
 * };
 * assert.deepEqual((model.loss(Matrix.ones(4, 2)) as Matrix).shape, [4, 3]);
 * ```
 */
export interface SolverModel<K extends string = string> {
  /** The parameters by name. */
  readonly params: Record<K, Matrix>;
  /** Scores (N×C) without labels; the loss and gradients with them. */
  loss(X: Matrix, y?: Int32Array): Matrix | SolverLoss<K>;
}

/**
 * The data: training examples and labels, and (for the accuracy histories and the best
 * parameters) a validation set. Without `XVal` the Solver measures no accuracies.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { Matrix } from "../matrix.ts";
 * import type { SolverData } from "./solver_options.ts";
 * const data: SolverData = { XTrain: Matrix.zeros(4, 2), yTrain: [0, 1, 0, 1] };
 * assert.equal(data.XVal, undefined);
 * ```
 */
export interface SolverData {
  /** N×D training examples. */
  XTrain: Matrix;
  /** N labels 0 … C − 1. */
  yTrain: ArrayLike<number>;
  /** Validation examples (same D), when accuracies are wanted. */
  XVal?: Matrix;
  /** Their labels. */
  yVal?: ArrayLike<number>;
}

/**
 * What `onProgress` is told after every step: the step, the number of steps, the minibatch loss
 * and the learning rate of that step, and at the end of an epoch the epoch and the accuracies.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import type { SolverProgress } from "./solver_options.ts";
 * const p: SolverProgress = { iteration: 9, numIters: 100, loss: 0.7, learningRate: 1e-3 };
 * assert.equal(p.epoch, undefined); // not the end of an epoch
 * ```
 */
export interface SolverProgress extends TrainProgress {
  /** The learning rate this step used. */
  learningRate: number;
  /** Epochs completed, when this step ended one. */
  epoch?: number;
  /** Training accuracy, when this step ended an epoch and there is validation data. */
  trainAcc?: number;
  /** Validation accuracy, when this step ended an epoch and there is validation data. */
  valAcc?: number;
}

/**
 * Options of the Solver, CS231n's in camelCase, with its defaults unless said otherwise.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import type { SolverOptions } from "./solver_options.ts";
 * const options: SolverOptions = { updateRule: "sgdMomentum", optimConfig: { learningRate: 0.1 } };
 * assert.equal(options.optimConfig?.learningRate, 0.1);
 * ```
 */
export interface SolverOptions {
  /** The update rule, as a function or by name (default "sgd"). */
  updateRule?: UpdateRule | UpdateRuleName;
  /** Hyperparameters of the rule (learningRate, momentum, …); each parameter gets its own copy. */
  optimConfig?: UpdateConfig;
  /** Factor applied to the learning rate after every epoch (default 1: constant). */
  lrDecay?: number;
  /** Instead of lrDecay and optimConfig.learningRate: the learning rate as a function of epochs. */
  schedule?: Schedule;
  /** What the schedule's t counts: completed "epoch"s (default) or "iteration"s. */
  scheduleBy?: "epoch" | "iteration";
  /** Examples per minibatch (default 100). */
  batchSize?: number;
  /**
   * How a step's examples are chosen: "withReplacement" (default, like `np.random.choice(N, B)`),
   * "withoutReplacement" (B ≤ N distinct rows), or "all": every step uses all of XTrain (full-batch
   * gradient descent; one step per epoch, no random draws).
   */
  batches?: "withReplacement" | "withoutReplacement" | "all";
  /** Steps per epoch (default max(⌊N / batchSize⌋, 1); 1 with batches "all"). */
  iterationsPerEpoch?: number;
  /** Epochs to train, an epoch being max(⌊N / batchSize⌋, 1) steps (default 10). */
  numEpochs?: number;
  /** Instead of numEpochs: the number of steps. */
  numIters?: number;
  /** Training examples the train accuracy is measured on (default 1000), or "minibatch": the last. */
  numTrainSamples?: number | "minibatch";
  /** Validation examples the validation accuracy is measured on (default all). */
  numValSamples?: number;
  /** Seed (or generator) of the minibatches (default 0). */
  seed?: Seed;
  /** Called after every step; it must not change the model (then it changes no number). */
  onProgress?: (progress: SolverProgress) => void;
  /** Log the loss every `printEvery` steps (default false). */
  verbose?: boolean;
  /** Steps between two log lines (default 100). */
  printEvery?: number;
  /**
   * Stop with a `DivergenceError` at the first NaN or ±∞ loss or gradient (default true); false
   * records it and goes on, as the step-size lesson's diverging runs do.
   */
  stopOnDivergence?: boolean;
  /** Put the best parameters back into the model at the end of `train` (default true). */
  restoreBest?: boolean;
  /** How errors and log lines name the run (default "Solver"), e.g. "TwoLayerNet.train". */
  name?: string;
}

/**
 * The loss and accuracy histories, as `TwoLayerNet.train` returns them and a `DivergenceError`
 * of the Solver carries them.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import type { SolverHistory } from "./solver_options.ts";
 * const h: SolverHistory = { lossHistory: [2.3, 2.1], trainAccHistory: [0.3], valAccHistory: [0.2] };
 * assert.equal(h.lossHistory.length, 2);
 * ```
 */
export interface SolverHistory {
  /** Minibatch loss of every step. */
  lossHistory: number[];
  /** Training accuracy at the end of every epoch. */
  trainAccHistory: number[];
  /** Validation accuracy at the end of every epoch. */
  valAccHistory: number[];
}

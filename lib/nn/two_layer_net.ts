/**
 * A two-layer fully connected network, scores = max(0, X·W1 + b1)·W2 + b2, trained with a softmax
 * loss and L2 regularization by minibatch SGD (CS231n assignment 1, `two_layer_net`).
 *
 * Regularization follows CS231n's 2019+ assignment: the loss adds reg·(ΣW1² + ΣW2²), so the
 * gradients gain 2·reg·W1 and 2·reg·W2 (older versions used 0.5·reg·ΣW² with gradient reg·W).
 * Biases are not regularized.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { accuracy } from "../data/labels.ts";
 * import { makeSpiral } from "../data/synthetic.ts";
 * import { TwoLayerNet } from "./two_layer_net.ts";
 * const { X, y } = makeSpiral({ pointsPerClass: 50, numClasses: 3, seed: 0 });
 * const net = new TwoLayerNet(2, 50, 3, { std: 0.1, seed: 0 });
 * const options = { learningRate: 2, learningRateDecay: 1, reg: 1e-4, numIters: 300 };
 * net.train(X, y, X, y, { ...options, batchSize: 150 });
 * assert(accuracy(net.predict(X), y) > 0.9); // a linear classifier gets about 0.5 on the spiral
 * ```
 * @module
 */
import {
  assertFinite,
  matmul,
  matmulTA,
  matmulTB,
  Matrix,
  shapeOf,
  withKnownFinite,
} from "../matrix.ts";
import { type Seed, toRng } from "../random.ts";
import { checkClasses } from "../data/labels.ts";
import { checkTrainData, checkTrainOptions, checkTrainWeights } from "../optim/training.ts";
import { Solver, type SolverHistory, type SolverProgress } from "../optim/solver.ts";
import { reluBackward, reluForward } from "./activations.ts";
import { softmaxLoss } from "../losses/scores.ts";

/**
 * The network's parameters (and, with the same names, their gradients).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { TwoLayerNet, type TwoLayerNetParams } from "./two_layer_net.ts";
 * const p: TwoLayerNetParams = new TwoLayerNet(4, 10, 3).params;
 * assert.deepEqual([p.W1.shape, p.b1.shape, p.W2.shape, p.b2.shape], [[4, 10], [1, 10], [10, 3], [1, 3]]);
 * ```
 */
export interface TwoLayerNetParams {
  /** First-layer weights, D×H. */
  W1: Matrix;
  /** First-layer biases, 1×H. */
  b1: Matrix;
  /** Second-layer weights, H×C. */
  W2: Matrix;
  /** Second-layer biases, 1×C. */
  b2: Matrix;
}

/**
 * Options of `TwoLayerNet.train`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import type { TwoLayerNetTrainOptions } from "./two_layer_net.ts";
 * const options: TwoLayerNetTrainOptions = { learningRate: 0.5, numIters: 100, batchSize: 50 };
 * assert.equal(options.batchSize, 50);
 * ```
 */
export interface TwoLayerNetTrainOptions {
  /** Initial SGD step size, > 0 (default 1e-3). */
  learningRate?: number;
  /** Factor, > 0, applied to the learning rate after every epoch (default 0.95). */
  learningRateDecay?: number;
  /** Regularization strength, ≥ 0 (default 5e-6). */
  reg?: number;
  /** Number of SGD steps, an integer ≥ 0 (default 100). */
  numIters?: number;
  /** Examples per minibatch, an integer ≥ 1, sampled with replacement (default 200). */
  batchSize?: number;
  /** Seed (or generator) of the minibatch sampling (default 0). */
  seed?: Seed;
  /**
   * Called after every iteration; at the end of an epoch it also carries the accuracies. It does
   * not change training: the same seed gives the same numbers with or without it.
   */
  onProgress?: (progress: TwoLayerNetProgress) => void;
  /** Log the loss every 100 iterations (default false). */
  verbose?: boolean;
}

/**
 * What `onProgress` receives after each SGD step: the `TrainProgress` every model reports (the
 * iteration just done, 0 … numIters − 1, the number of iterations and the minibatch loss), plus
 * the learning rate and, at the end of an epoch, the accuracies.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { makeBlobs } from "../data/synthetic.ts";
 * import { TwoLayerNet, type TwoLayerNetProgress } from "./two_layer_net.ts";
 * const { X, y } = makeBlobs({ pointsPerClass: 10, numClasses: 2, seed: 0 });
 * const seen: TwoLayerNetProgress[] = [];
 * new TwoLayerNet(2, 4, 2).train(X, y, X, y, {
 *   numIters: 4,
 *   batchSize: 10, // 2 iterations per epoch
 *   onProgress: (p) => seen.push(p),
 * });
 * assert.deepEqual(seen.map((p) => [p.iteration, p.numIters, p.epoch]), [
 *   [0, 4, undefined],
 *   [1, 4, 1],
 *   [2, 4, undefined],
 *   [3, 4, 2],
 * ]);
 * ```
 */
export type TwoLayerNetProgress = SolverProgress;

/**
 * What `TwoLayerNet.train` returns: the `Solver`'s histories.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { makeSpiral } from "../data/synthetic.ts";
 * import { TwoLayerNet, type TwoLayerNetHistory } from "./two_layer_net.ts";
 * const { X, y } = makeSpiral({ pointsPerClass: 20, numClasses: 3, seed: 0 });
 * const h: TwoLayerNetHistory = new TwoLayerNet(2, 10, 3).train(X, y, X, y, { numIters: 4, batchSize: 30 });
 * assert.equal(h.lossHistory.length, 4);
 * ```
 */
export type TwoLayerNetHistory = SolverHistory;

const PARAM_NAMES = ["W1", "b1", "W2", "b2"] as const;

/**
 * A two-layer ReLU network for C-way classification of D-dimensional inputs with H hidden units:
 * affine → ReLU → affine → softmax.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { Matrix } from "../matrix.ts";
 * import { TwoLayerNet } from "./two_layer_net.ts";
 * const net = new TwoLayerNet(4, 10, 3);
 * const X = Matrix.randn(5, 4, 1);
 * assert.deepEqual(net.loss(X).shape, [5, 3]); // scores
 * const { loss } = net.loss(X, Int32Array.from([0, 1, 2, 2, 1]));
 * assert(Math.abs(loss - Math.log(3)) < 1e-6); // tiny weights: every class ≈ 1/3
 * ```
 */
export class TwoLayerNet {
  /** D, the input dimension. */
  readonly inputSize: number;
  /** H, the number of hidden units. */
  readonly hiddenSize: number;
  /** C, the number of classes: labels must be 0 … C − 1. */
  readonly outputSize: number;
  /** W1 (D×H), b1 (1×H), W2 (H×C), b2 (1×C); updated in place by `train`. */
  readonly params: TwoLayerNetParams;

  /** Weights are std·N(0, 1) drawn from `seed`; biases are zero. */
  constructor(
    inputSize: number,
    hiddenSize: number,
    outputSize: number,
    { std = 1e-4, seed = 0 }: { std?: number; seed?: Seed } = {},
  ) {
    for (const [name, v] of Object.entries({ inputSize, hiddenSize, outputSize })) {
      if (!Number.isInteger(v) || v < 1) {
        throw new RangeError(`TwoLayerNet: ${name} must be a positive integer, got ${v}`);
      }
    }
    if (!Number.isFinite(std) || std < 0) {
      throw new RangeError(`TwoLayerNet: std must be a finite number ≥ 0, got ${std}`);
    }
    this.inputSize = inputSize;
    this.hiddenSize = hiddenSize;
    this.outputSize = outputSize;
    const rng = toRng(seed);
    this.params = {
      W1: Matrix.randn(inputSize, hiddenSize, rng).scaleInPlace(std),
      b1: Matrix.zeros(1, hiddenSize),
      W2: Matrix.randn(hiddenSize, outputSize, rng).scaleInPlace(std),
      b2: Matrix.zeros(1, outputSize),
    };
  }

  /**
   * C, the number of classes (`outputSize`), under the name the linear classifiers use.
   *
   * @example
   * ```ts
   * import assert from "node:assert/strict";
   * import { Matrix } from "../matrix.ts";
   * import { TwoLayerNet } from "./two_layer_net.ts";
   * const net = new TwoLayerNet(2, 5, 3);
   * assert.equal(net.numClasses, 3);
   * assert.throws(() => net.loss(Matrix.zeros(1, 2), [3]), /y\[0\] = 3 is not a class in 0..2/);
   * ```
   */
  get numClasses(): number {
    return this.outputSize;
  }

  /**
   * Without labels: the N×C class scores (the forward pass only).
   *
   * @example
   * ```ts
   * import assert from "node:assert/strict";
   * import { Matrix } from "../matrix.ts";
   * import { TwoLayerNet } from "./two_layer_net.ts";
   * const net = new TwoLayerNet(2, 3, 4);
   * net.params.b2.data.set([0, 1, 2, 3]);
   * assert.deepEqual(net.loss(Matrix.zeros(1, 2)).toArray(), [[0, 1, 2, 3]]); // X = 0: scores = b2
   * ```
   */
  loss(X: Matrix, y?: undefined, reg?: number): Matrix;
  /**
   * With labels: the softmax loss plus reg·(ΣW1² + ΣW2²), and the gradient of every parameter.
   *
   * @example
   * ```ts
   * import assert from "node:assert/strict";
   * import { Matrix } from "../matrix.ts";
   * import { TwoLayerNet } from "./two_layer_net.ts";
   * const net = new TwoLayerNet(2, 3, 2, { std: 0.1 });
   * const { grads } = net.loss(Matrix.ones(4, 2), Int32Array.from([0, 1, 1, 0]), 0.1);
   * assert.deepEqual(grads.W1.shape, [2, 3]);
   * assert.deepEqual(grads.b2.shape, [1, 2]);
   * ```
   */
  loss(
    X: Matrix,
    y: ArrayLike<number>,
    reg?: number,
  ): { loss: number; grads: TwoLayerNetParams };
  loss(
    X: Matrix,
    y?: ArrayLike<number>,
    reg = 0,
  ): Matrix | { loss: number; grads: TwoLayerNetParams } {
    this.#checkInput("TwoLayerNet.loss", X, y);
    checkNonNegative("TwoLayerNet.loss", { reg });
    // BEGIN SOLUTION TwoLayerNet.loss
    const { W1, b1, W2, b2 } = this.params;

    // Forward pass: affine → ReLU → affine.
    const { out: h, cache: hCache } = reluForward(matmul(X, W1).add(b1)); // N×H
    const scores = matmul(h, W2).add(b2); // N×C
    if (y === undefined) return scores;

    // Loss: softmax data loss + reg·(ΣW1² + ΣW2²).
    const { loss: dataLoss, dx: dscores } = softmaxLoss(scores, y);
    const loss = dataLoss + reg * (W1.norm() ** 2 + W2.norm() ** 2); // ‖W‖² = ΣW²

    // Backward pass: the chain rule from the scores back to every parameter.
    const dW2 = matmulTA(h, dscores).addScaledInPlace(W2, 2 * reg);
    const db2 = dscores.sum(0);
    const dhPre = reluBackward(matmulTB(dscores, W2), hCache); // gradient through the ReLU
    const dW1 = matmulTA(X, dhPre).addScaledInPlace(W1, 2 * reg);
    const db1 = dhPre.sum(0);
    return { loss, grads: { W1: dW1, b1: db1, W2: dW2, b2: db2 } };
    // END SOLUTION
  }

  /**
   * Minibatch SGD through a `Solver` with the `sgd` rule (CS231n's signature; the Solver with
   * another `updateRule`, e.g. Adam, trains the same net better). Each iteration samples `batchSize` examples with replacement (into one
   * minibatch matrix refilled in place), computes the loss and gradients, and steps every
   * parameter by −learningRate·gradient. An epoch is
   * max(⌊N / batchSize⌋, 1) iterations; at the end of each, the accuracies on that iteration's
   * minibatch (as CS231n does, to stay cheap) and on the validation set are recorded and the
   * learning rate is multiplied by `learningRateDecay`. So the accuracy histories have
   * ⌊numIters / iterationsPerEpoch⌋ entries (CS231n's loop records at iterations 0, e, 2e, …
   * instead, which also decays the rate after the very first step).
   *
   * The options and data follow the rules of `checkTrainOptions` and `checkTrainData` (the same
   * as the linear classifiers' `train`), and every label must be a class 0 … outputSize − 1. At
   * the first loss (or gradient entry) that is NaN or ±∞, training stops with a `DivergenceError`
   * whose `history` is the `TwoLayerNetHistory` of the iterations before it; the parameters are
   * left as they were at that iteration.
   *
   * @example
   * ```ts
   * import assert from "node:assert/strict";
   * import { makeBlobs } from "../data/synthetic.ts";
   * import { TwoLayerNet } from "./two_layer_net.ts";
   * const { X, y } = makeBlobs({ pointsPerClass: 20, numClasses: 2, seed: 0 });
   * const net = new TwoLayerNet(2, 8, 2, { std: 0.1 });
   * const h = net.train(X, y, X, y, { learningRate: 0.5, numIters: 20, batchSize: 10 });
   * assert.equal(h.lossHistory.length, 20);
   * assert.equal(h.valAccHistory.length, 5); // 4 iterations per epoch
   * assert.equal(h.valAccHistory[4], 1);
   * ```
   */
  train(
    X: Matrix,
    y: ArrayLike<number>,
    Xval: Matrix,
    yval: ArrayLike<number>,
    options: TwoLayerNetTrainOptions = {},
  ): TwoLayerNetHistory {
    const {
      learningRate = 1e-3,
      learningRateDecay = 0.95,
      reg = 5e-6,
      numIters = 100,
      batchSize = 200,
      seed = 0,
      onProgress,
      verbose = false,
    } = options;
    const op = "TwoLayerNet.train";
    checkTrainOptions(op, {
      learningRate,
      reg,
      numIters,
      batchSize,
      learningRateDecay,
      onProgress,
    });
    checkTrainData(op, X, "X");
    this.#checkInput(op, X, y);
    checkTrainData(op, Xval, "Xval");
    this.#checkInput(op, Xval, yval, "Xval", "yval");
    for (const name of PARAM_NAMES) {
      checkTrainWeights(op, this.params[name], name, "make a new TwoLayerNet to start over");
    }
    const model = {
      params: this.params,
      loss: (XBatch: Matrix, yBatch?: Int32Array) =>
        yBatch === undefined ? this.loss(XBatch) : this.loss(XBatch, yBatch, reg),
    };
    // X was checked above: the Solver need not scan it again.
    const solver = withKnownFinite(
      X,
      () =>
        new Solver(model, { XTrain: X, yTrain: y, XVal: Xval, yVal: yval }, {
          optimConfig: { learningRate },
          lrDecay: learningRateDecay,
          batchSize,
          numIters,
          numTrainSamples: "minibatch", // as CS231n's two_layer_net: cheap, and noisy
          seed,
          onProgress,
          verbose,
          restoreBest: false,
          name: op,
        }),
    );
    return solver.train();
  }

  /**
   * The predicted class of every row of X: the index of its highest score.
   *
   * @example
   * ```ts
   * import assert from "node:assert/strict";
   * import { Matrix } from "../matrix.ts";
   * import { TwoLayerNet } from "./two_layer_net.ts";
   * const net = new TwoLayerNet(1, 1, 2);
   * net.params.W1.set(0, 0, 1); // h = max(0, x)
   * net.params.W2.set(0, 1, 1); // class 1 scores h, class 0 scores 0
   * assert.deepEqual(Array.from(net.predict(Matrix.colVector([-1, 2]))), [0, 1]);
   * ```
   */
  predict(X: Matrix): Int32Array {
    this.#checkInput("TwoLayerNet.predict", X);
    // A NaN or ∞ would make every score NaN and argmax answer class 0 without a word.
    assertFinite("TwoLayerNet.predict", "X", X);
    for (const [name, p] of Object.entries(this.params)) {
      assertFinite("TwoLayerNet.predict", name, p);
    }
    return this.loss(X).argmax(1);
  }

  /** X has `inputSize` columns and at least one row; y, when given, N classes 0 … C − 1. */
  #checkInput(op: string, X: Matrix, y?: ArrayLike<number>, xName = "X", yName = "y"): void {
    if (!(X instanceof Matrix)) throw new TypeError(`${op}: ${xName} must be a Matrix`);
    if (X.cols !== this.inputSize) {
      const net = `inputSize ${this.inputSize} (W1 ${shapeOf(this.params.W1)})`;
      throw new RangeError(
        `${op}: ${xName} ${shapeOf(X)} has ${X.cols} features but the net has ${net}`,
      );
    }
    if (X.rows === 0) {
      throw new RangeError(`${op}: empty batch: ${xName} ${shapeOf(X)} has no examples`);
    }
    if (y === undefined) return;
    if (y === null || typeof y !== "object" || typeof y.length !== "number") {
      throw new TypeError(`${op}: ${yName} must be an array of labels (Int32Array), got ${y}`);
    }
    if (y.length !== X.rows) {
      throw new RangeError(
        `${op}: ${xName} ${shapeOf(X)} has ${X.rows} rows but ${yName} has ${y.length} labels`,
      );
    }
    checkClasses(op, y, this.outputSize, `the net has outputSize ${this.outputSize}`, yName);
  }
}

function checkNonNegative(op: string, values: Record<string, number>): void {
  for (const [name, v] of Object.entries(values)) {
    if (typeof v !== "number" || !Number.isFinite(v) || v < 0) {
      throw new RangeError(`${op}: ${name} must be a finite number ≥ 0, got ${v}`);
    }
  }
}

/**
 * Linear classifiers trained by minibatch stochastic gradient descent, as in CS231n's
 * `linear_classifier.py`: the score of class j for an example x (one row of X) is (x·W)_j, the
 * prediction is the class of the highest score, and training follows −∂loss/∂W on random
 * minibatches. The subclasses only choose the loss: `LinearSVM` (multiclass hinge) or `Softmax`
 * (cross-entropy). Fold the bias into W with the bias trick, `X.appendOnes()`.
 *
 * The number of classes C belongs to the model: the `numClasses` constructor option, or the first
 * `train`, whose labels must then cover every class 0 … C − 1. Every later label is checked against
 * it, so a stray label is an error naming it rather than extra classes. A loss that becomes NaN or
 * ±∞ (too large a learning rate) stops training with a `DivergenceError` carrying the history.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { accuracy } from "../data/labels.ts";
 * import { makeBlobs } from "../data/synthetic.ts";
 * import { Softmax } from "./linear_classifier.ts";
 * const { X, y } = makeBlobs({ pointsPerClass: 50, numClasses: 3, std: 0.3, seed: 0 });
 * const Xb = X.appendOnes(), model = new Softmax();
 * const history = model.train(Xb, y, { learningRate: 0.5, numIters: 100, batchSize: 50 });
 * assert(history[99] < history[0]);
 * assert(accuracy(model.predict(Xb), y) > 0.95);
 * ```
 * @module
 */
import { assertFinite, matmul, Matrix, shapeOf, withKnownFinite } from "../matrix.ts";
import { type Seed, toRng } from "../random.ts";
import { checkClasses, checkLabels, checkNumClasses, inferNumClasses } from "../data/labels.ts";
import {
  checkTrainData,
  checkTrainOptions,
  checkTrainWeights,
  DivergenceError,
  type TrainProgress,
} from "../optim/training.ts";
import { Solver, type SolverHistory } from "../optim/solver.ts";
import type { LossResult, RegOptions } from "../losses/regularization.ts";
import { type SvmLossOptions, svmLossVectorized } from "../losses/linear_svm.ts";
import { softmaxLossVectorized } from "../losses/softmax.ts";

/**
 * Options of `LinearClassifier.train`, with CS231n's defaults.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import type { TrainOptions } from "./linear_classifier.ts";
 * const opts: TrainOptions = { learningRate: 1e-7, reg: 2.5e4, numIters: 1500, verbose: true };
 * assert.equal(opts.numIters, 1500);
 * ```
 */
export interface TrainOptions {
  /** Step size of each SGD update W ← W − learningRate · dW (default 1e-3). */
  learningRate?: number;
  /** Regularization strength (default 1e-5). */
  reg?: number;
  /** Number of SGD steps (default 100). */
  numIters?: number;
  /** Examples per minibatch, drawn with replacement (default 200). */
  batchSize?: number;
  /** Seed (or generator) for the initial W and the minibatches (default 0). */
  seed?: Seed;
  /**
   * Called after every step with the iteration (from 0), that minibatch's loss, and both again
   * with the number of steps as a `TrainProgress` (what a progress line needs:
   * `onProgress: bar.onProgress`). It does not change training: same seed, same numbers.
   */
  onProgress?: (it: number, loss: number, progress: TrainProgress) => void;
  /** Log the loss every 100 iterations (default false). */
  verbose?: boolean;
}

/**
 * Options of the linear classifiers' constructors (besides those of their loss).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { type LinearClassifierOptions, Softmax } from "./linear_classifier.ts";
 * const options: LinearClassifierOptions = { numClasses: 10 };
 * assert.equal(new Softmax(options).numClasses, 10);
 * ```
 */
export interface LinearClassifierOptions {
  /**
   * C, the number of classes: labels must be 0 … C − 1. Without it the first `train` takes C from
   * its labels, which must then include every class 0 … C − 1 (see `inferNumClasses`); give it when
   * a training set may lack some classes, or to have a stray label refused on the first `train`.
   */
  numClasses?: number;
}

/**
 * The shared part of the linear classifiers: lazy initialization of W, minibatch SGD and
 * prediction. Subclasses implement `loss`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { Matrix } from "../matrix.ts";
 * import { svmLossVectorized } from "../losses/linear_svm.ts";
 * import { LinearClassifier } from "./linear_classifier.ts";
 * class MySvm extends LinearClassifier {
 *   loss(XBatch: Matrix, yBatch: Int32Array, reg: number) {
 *     return svmLossVectorized(this.W!, XBatch, yBatch, reg);
 *   }
 * }
 * const model = new MySvm();
 * model.train(Matrix.fromArray([[1, 0], [0, 1]]), Int32Array.of(0, 1), { numIters: 3 });
 * assert.deepEqual(model.W?.shape, [2, 2]);
 * ```
 */
export abstract class LinearClassifier {
  /**
   * The D×C weights, one column per class (the "templates" a notebook can draw as images);
   * `null` until the first `train`, which sets it to 0.001 · randn(D, C). Setting it to `null`
   * starts over.
   */
  W: Matrix | null = null;

  /** C given to the constructor, if any. */
  #numClasses: number | null;

  /** A new, untrained classifier; `numClasses` fixes C now instead of at the first `train`. */
  constructor({ numClasses }: LinearClassifierOptions = {}) {
    if (numClasses !== undefined) checkNumClasses(new.target.name, numClasses);
    this.#numClasses = numClasses ?? null;
  }

  /**
   * C, the number of classes: the columns of W once there are weights, else the constructor's
   * `numClasses`, else `null` (the first `train` will take it from its labels). Every label given
   * to `train` must be a class 0 … C − 1.
   *
   * @example
   * ```ts
   * import assert from "node:assert/strict";
   * import { Matrix } from "../matrix.ts";
   * import { LinearSVM } from "./linear_classifier.ts";
   * const svm = new LinearSVM();
   * assert.equal(svm.numClasses, null);
   * svm.train(Matrix.eye(3), [0, 1, 2], { numIters: 0 });
   * assert.equal(svm.numClasses, 3);
   * assert.throws(() => svm.train(Matrix.eye(3), [0, 1, 3]), /y\[2\] = 3 is not a class in 0..2/);
   * ```
   */
  get numClasses(): number | null {
    return this.W?.cols ?? this.#numClasses;
  }

  /**
   * The loss and its gradient on a minibatch (at the current W). `XBatch` is B×D, `yBatch` holds
   * B labels.
   *
   * @example
   * ```ts
   * import assert from "node:assert/strict";
   * import { Matrix } from "../matrix.ts";
   * import { Softmax } from "./linear_classifier.ts";
   * const model: Softmax = new Softmax(); // any LinearClassifier
   * model.W = Matrix.zeros(3, 4); // D = 3, C = 4: all scores 0
   * const { loss, dW } = model.loss(Matrix.ones(2, 3), Int32Array.of(0, 3), 0);
   * assert(Math.abs(loss - Math.log(4)) < 1e-12); // ln C
   * assert.deepEqual(dW.shape, [3, 4]);
   * ```
   */
  abstract loss(XBatch: Matrix, yBatch: Int32Array, reg: number): LossResult;

  /**
   * Trains W by minibatch SGD, a `Solver` with the `sgd` rule (CS231n's signature): each step
   * draws `batchSize` examples with replacement, evaluates `loss` and steps
   * W ← W − learningRate · dW. Returns the loss of every step. The minibatch
   * matrix passed to `loss` is refilled in place each step (copy it to keep one). Training again
   * continues from the current W (it must still have D rows and labels must stay below C).
   *
   * The options and data follow the rules of `checkTrainOptions` and `checkTrainData` (the same
   * as `TwoLayerNet.train`), and every label must be a class of the model (`numClasses`). At the
   * first loss (or gradient entry) that is NaN or ±∞, training stops with a `DivergenceError`
   * whose `history` holds the losses of the steps before it; W is left as it was at that step.
   *
   * @example
   * ```ts
   * import assert from "node:assert/strict";
   * import { Matrix } from "../matrix.ts";
   * import { LinearSVM } from "./linear_classifier.ts";
   * const X = Matrix.fromArray([[1, 0, 1], [0, 1, 1], [2, 0, 1], [0, 2, 1]]);
   * const y = Int32Array.of(0, 1, 0, 1);
   * const a = new LinearSVM(), b = new LinearSVM();
   * const history = a.train(X, y, { learningRate: 0.1, numIters: 50, batchSize: 4, seed: 3 });
   * b.train(X, y, { learningRate: 0.1, numIters: 50, batchSize: 4, seed: 3 });
   * assert.equal(history.length, 50);
   * assert.deepEqual(a.W, b.W); // same seed, same weights
   * assert.deepEqual(Array.from(a.predict(X)), [0, 1, 0, 1]);
   * ```
   */
  train(X: Matrix, y: ArrayLike<number>, options: TrainOptions = {}): number[] {
    const {
      learningRate = 1e-3,
      reg = 1e-5,
      numIters = 100,
      batchSize = 200,
      seed = 0,
      onProgress,
      verbose = false,
    } = options;
    const op = `${this.constructor.name}.train`;
    checkTrainOptions(op, { learningRate, reg, numIters, batchSize, onProgress });
    checkTrainData(op, X);
    checkLabels(op, X, y);
    const D = X.cols;
    const rng = toRng(seed);
    if (this.W === null) {
      // C comes from the model or from all the labels together, never from one label's value.
      let C = this.#numClasses;
      if (C === null) C = inferNumClasses(op, y);
      else checkClasses(op, y, C, `the model was built with numClasses ${C}`);
      this.W = Matrix.randn(D, C, rng).scaleInPlace(0.001);
    } else {
      this.#checkWeights(op, this.W, X, y);
    }
    const W = this.W;
    const model = {
      params: { W },
      loss: (XBatch: Matrix, yBatch?: Int32Array) => {
        if (yBatch === undefined) return matmul(XBatch, W);
        const { loss, dW } = this.loss(XBatch, yBatch, reg);
        return { loss, grads: { W: dW } };
      },
    };
    // X was checked above: the Solver need not scan it again.
    const solver = withKnownFinite(X, () =>
      new Solver(model, { XTrain: X, yTrain: y }, {
        optimConfig: { learningRate },
        batchSize,
        numIters,
        seed: rng,
        verbose,
        onProgress: onProgress &&
          (({ iteration, loss }) => onProgress(iteration, loss, { iteration, numIters, loss })),
        name: op,
      }));
    try {
      return solver.train().lossHistory;
    } catch (e) {
      if (!(e instanceof DivergenceError)) throw e;
      throw e.withHistory((e as DivergenceError<SolverHistory>).history.lossHistory);
    }
  }

  /** Checks weights from an earlier `train` (or set by hand) against the new data. */
  #checkWeights(op: string, W: Matrix, X: Matrix, y: ArrayLike<number>): void {
    if (!(W instanceof Matrix)) throw new TypeError(`${op}: W must be a Matrix or null`);
    if (this.#numClasses !== null && W.cols !== this.#numClasses) {
      throw new RangeError(
        `${op}: W ${
          shapeOf(W)
        } has ${W.cols} columns but the model was given numClasses ${this.#numClasses}`,
      );
    }
    if (X.cols !== W.rows) {
      throw new RangeError(
        `${op}: X ${shapeOf(X)} has ${X.cols} features but W ${shapeOf(W)} has ${W.rows} rows`,
      );
    }
    const classes = `the model has ${W.cols} classes (W ${shapeOf(W)}); set W = null to start over`;
    checkClasses(op, y, W.cols, classes);
    checkTrainWeights(op, W, "W", "set W = null to start over");
  }

  /**
   * The predicted class of every row of X (N×D): the index of its highest score in X·W.
   *
   * @example
   * ```ts
   * import assert from "node:assert/strict";
   * import { Matrix } from "../matrix.ts";
   * import { Softmax } from "./linear_classifier.ts";
   * const model = new Softmax();
   * model.W = Matrix.fromArray([[1, -1], [0, 2]]); // set by hand
   * const pred = model.predict(Matrix.fromArray([[1, 0], [0, 1]]));
   * assert.deepEqual(Array.from(pred), [0, 1]); // scores [1, −1] and [0, 2]
   * ```
   */
  predict(X: Matrix): Int32Array {
    const op = `${this.constructor.name}.predict`;
    if (this.W === null) throw new Error(`${op}: the model has no weights yet; call train first`);
    if (!(X instanceof Matrix)) throw new TypeError(`${op}: X must be a Matrix, got ${typeof X}`);
    if (X.cols !== this.W.rows) {
      throw new RangeError(
        `${op}: X ${shapeOf(X)} has ${X.cols} features but W ${
          shapeOf(this.W)
        } has ${this.W.rows} rows`,
      );
    }
    // A NaN or ∞ would make every score NaN and argmax answer class 0 without a word.
    assertFinite(op, "X", X);
    assertFinite(op, "W", this.W);
    return matmul(X, this.W).argmax(1);
  }
}

/**
 * A linear classifier trained with the multiclass SVM (hinge) loss, `svmLossVectorized`.
 * The constructor takes the margin Δ, the regularization kind and, optionally, `numClasses`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { Matrix } from "../matrix.ts";
 * import { LinearSVM } from "./linear_classifier.ts";
 * const svm = new LinearSVM({ delta: 1, regType: "L2" });
 * svm.W = Matrix.zeros(3, 4);
 * const { loss } = svm.loss(Matrix.ones(2, 3), Int32Array.of(0, 3), 0);
 * assert.equal(loss, 3); // C − 1 when all scores are equal
 * ```
 */
export class LinearSVM extends LinearClassifier {
  /** The margin and regularization options passed to the loss. */
  readonly lossOptions: SvmLossOptions;

  /** A new, untrained SVM (options: `delta`, `regType`, `l1Ratio`, `numClasses`). */
  constructor({ numClasses, ...lossOptions }: SvmLossOptions & LinearClassifierOptions = {}) {
    super({ numClasses });
    this.lossOptions = lossOptions;
  }

  /**
   * The SVM loss and gradient of a minibatch at the current W.
   *
   * @example
   * ```ts
   * import assert from "node:assert/strict";
   * import { Matrix } from "../matrix.ts";
   * import { LinearSVM } from "./linear_classifier.ts";
   * const svm = new LinearSVM({ delta: 1 });
   * svm.W = Matrix.zeros(3, 4); // all scores 0: each wrong class costs Δ = 1
   * assert.equal(svm.loss(Matrix.ones(2, 3), Int32Array.of(0, 3), 0).loss, 3);
   * ```
   */
  loss(XBatch: Matrix, yBatch: Int32Array, reg: number): LossResult {
    return svmLossVectorized(requireW(this), XBatch, yBatch, reg, this.lossOptions);
  }
}

/**
 * A linear classifier trained with the softmax (cross-entropy) loss, `softmaxLossVectorized`.
 * The constructor takes the regularization kind and, optionally, `numClasses`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { Matrix } from "../matrix.ts";
 * import { Softmax } from "./linear_classifier.ts";
 * const model = new Softmax({ regType: "L2" });
 * model.W = Matrix.zeros(3, 4);
 * const { loss } = model.loss(Matrix.ones(2, 3), Int32Array.of(0, 3), 0);
 * assert(Math.abs(loss - Math.log(4)) < 1e-12); // ln C when all scores are equal
 * ```
 */
export class Softmax extends LinearClassifier {
  /** The regularization options passed to the loss. */
  readonly lossOptions: RegOptions;

  /** A new, untrained softmax classifier (options: `regType`, `l1Ratio`, `numClasses`). */
  constructor({ numClasses, ...lossOptions }: RegOptions & LinearClassifierOptions = {}) {
    super({ numClasses });
    this.lossOptions = lossOptions;
  }

  /**
   * The softmax loss and gradient of a minibatch at the current W.
   *
   * @example
   * ```ts
   * import assert from "node:assert/strict";
   * import { Matrix } from "../matrix.ts";
   * import { Softmax } from "./linear_classifier.ts";
   * const softmax = new Softmax();
   * softmax.W = Matrix.zeros(3, 10);
   * assert(Math.abs(softmax.loss(Matrix.ones(5, 3), new Int32Array(5), 0).loss - Math.log(10)) < 1e-12);
   * ```
   */
  loss(XBatch: Matrix, yBatch: Int32Array, reg: number): LossResult {
    return softmaxLossVectorized(requireW(this), XBatch, yBatch, reg, this.lossOptions);
  }
}

function requireW(model: LinearClassifier): Matrix {
  if (model.W === null) {
    throw new Error(`${model.constructor.name}.loss: the model has no weights yet; set W or train`);
  }
  return model.W;
}

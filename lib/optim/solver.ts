/**
 * The Solver of CS231n's assignment 2 (`solver.py`): the one minibatch loop of the library. It
 * trains any model that has `params` and a `loss(X, y?)` with any update rule and learning-rate
 * schedule, records the loss of every step and the accuracies after every epoch, keeps the best
 * parameters on the validation set and reports progress. `LinearSVM`/`Softmax.train`,
 * `TwoLayerNet.train` and the descent loops are thin wrappers around it.
 *
 * ```text
 * for t in 0 … numIters − 1:
 *     XBatch, yBatch = numbered rows drawn from a seeded Rng     # a minibatch
 *     loss, grads = model.loss(XBatch, yBatch)                   # forward + backward
 *     for each parameter p: p, config[p] = updateRule(p, grads[p], config[p])
 *     at the end of an epoch: accuracies, keep the best params, decay the learning rate
 * ```
 *
 * Differences from `solver.py`, each for a reason: accuracies are measured at the end of every
 * epoch only (not also after the first and last step), so the histories have one entry per
 * completed epoch; a subsample for an accuracy is evenly spaced rather than random, so evaluation
 * draws nothing from the Rng and never changes the batches; `checkAccuracy` scores all rows in one
 * pass unless given a `batchSize`; a `schedule` (lib/optim/schedules.ts) may replace `lrDecay`.
 *
 * The types (model, data, options, progress, history) are in `solver_options.ts`. This file is
 * over 400 lines because it is one class whose every method carries a runnable example.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { makeSpiral } from "../data/synthetic.ts";
 * import { TwoLayerNet } from "../nn/two_layer_net.ts";
 * import { Solver } from "./solver.ts";
 * const { X, y } = makeSpiral({ pointsPerClass: 50, numClasses: 3, seed: 0 });
 * const net = new TwoLayerNet(2, 50, 3, { std: 0.1, seed: 0 });
 * const solver = new Solver(net, { XTrain: X, yTrain: y, XVal: X, yVal: y }, {
 *   updateRule: "adam",
 *   optimConfig: { learningRate: 0.02 },
 *   batchSize: 50,
 *   numEpochs: 60,
 * });
 * solver.train();
 * assert.equal(solver.valAccHistory.length, 60);
 * assert(solver.bestValAcc > 0.9); // a linear classifier gets about 0.5 on the spiral
 * ```
 * @module
 */
import { assertFinite, Matrix, shapeOf, withKnownFinite } from "../matrix.ts";
import { type Rng, toRng } from "../random.ts";
import { gatherLabels } from "../data/labels.ts";
import { asDivergence, checkDivergence, checkTrainData, checkTrainWeights } from "./training.ts";
import { getUpdateRule, type UpdateConfig, type UpdateRule } from "./update_rules.ts";
import type {
  SolverData,
  SolverHistory,
  SolverLoss,
  SolverModel,
  SolverOptions,
  SolverProgress,
} from "./solver_options.ts";

export type {
  SolverData,
  SolverHistory,
  SolverLoss,
  SolverModel,
  SolverOptions,
  SolverProgress,
} from "./solver_options.ts";

/**
 * Trains a `SolverModel` by minibatch gradient descent with an update rule; see the module.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { makeBlobs } from "../data/synthetic.ts";
 * import { TwoLayerNet } from "../nn/two_layer_net.ts";
 * import { Solver } from "./solver.ts";
 * const { X, y } = makeBlobs({ pointsPerClass: 20, numClasses: 3, seed: 1 });
 * const run = () => {
 *   const net = new TwoLayerNet(2, 10, 3, { std: 0.1 });
 *   const data = { XTrain: X, yTrain: y, XVal: X, yVal: y };
 *   return new Solver(net, data, { updateRule: "rmsprop", batchSize: 20, numEpochs: 5 }).train();
 * };
 * const a = run();
 * assert.equal(a.lossHistory.length, 15); // 3 steps per epoch
 * assert.deepEqual(run().lossHistory, a.lossHistory); // same seed, same numbers
 * ```
 */
export class Solver<K extends string = string> {
  /** The model being trained. */
  readonly model: SolverModel<K>;
  /** Minibatch loss of every step so far. */
  readonly lossHistory: number[] = [];
  /** Training accuracy after every completed epoch. */
  readonly trainAccHistory: number[] = [];
  /** Validation accuracy after every completed epoch. */
  readonly valAccHistory: number[] = [];
  /** The best validation accuracy so far (−∞ before the first epoch ends). */
  bestValAcc: number = -Infinity;
  /** Copies of the parameters that reached `bestValAcc` (null before the first epoch ends). */
  bestParams: Record<K, Matrix> | null = null;
  /** The per-parameter config of the update rule (its state: velocity, moments, …). */
  readonly optimConfigs: Record<K, UpdateConfig>;
  /** Steps per epoch: max(⌊N / batchSize⌋, 1) unless given (1 with batches "all"). */
  readonly iterationsPerEpoch: number;
  /** The number of steps `train` makes in all. */
  readonly numIters: number;

  readonly #data: SolverData;
  readonly #rule: UpdateRule;
  readonly #o: ReturnType<typeof checkOptions>;
  readonly #rng: Rng;
  readonly #XBatch: Matrix;
  #t = 0;
  #yAll: Int32Array | null = null;

  /** A Solver for `model` on `data`; checks every option and the data, changes nothing yet. */
  constructor(model: SolverModel<K>, data: SolverData, options: SolverOptions = {}) {
    const name = options.name ?? "Solver";
    if (model === null || typeof model !== "object" || typeof model.loss !== "function") {
      throw new TypeError(`${name}: model must have a loss(X, y?) method and params`);
    }
    if (model.params === null || typeof model.params !== "object") {
      throw new TypeError(`${name}: model.params must be an object of matrices`);
    }
    for (const [key, p] of Object.entries<Matrix>(model.params)) {
      if (!(p instanceof Matrix)) {
        throw new TypeError(`${name}: model.params.${key} is not a Matrix`);
      }
      checkTrainWeights(name, p, key, "start from a new model");
    }
    checkData(name, data);
    const o = checkOptions(name, options);
    this.model = model;
    this.#data = data;
    this.#rule = getUpdateRule(options.updateRule ?? "sgd");
    this.#o = o;
    this.#rng = toRng(options.seed ?? 0);
    const N = data.XTrain.rows, all = o.batches === "all";
    if (o.batches === "withoutReplacement" && o.batchSize > N) {
      throw new RangeError(
        `${name}: cannot draw batches of ${o.batchSize} without replacement from XTrain ${
          shapeOf(data.XTrain)
        }`,
      );
    }
    this.iterationsPerEpoch = options.iterationsPerEpoch ??
      (all ? 1 : Math.max(Math.floor(N / o.batchSize), 1));
    this.numIters = options.numIters ?? o.numEpochs * this.iterationsPerEpoch;
    const configs = {} as Record<K, UpdateConfig>;
    for (const key of Object.keys(model.params) as K[]) configs[key] = { ...o.optimConfig };
    this.optimConfigs = configs;
    // one minibatch matrix, refilled in place every step
    this.#XBatch = all ? data.XTrain : new Matrix(o.batchSize, data.XTrain.cols);
  }

  /**
   * Steps taken so far.
   *
   * @example
   * ```ts
   * import assert from "node:assert/strict";
   * import { makeSpiral } from "../data/synthetic.ts";
   * import { TwoLayerNet } from "../nn/two_layer_net.ts";
   * import { Solver } from "./solver.ts";
   * const { X, y } = makeSpiral({ pointsPerClass: 10, numClasses: 3, seed: 0 });
   * const solver = new Solver(new TwoLayerNet(2, 5, 3), { XTrain: X, yTrain: y }, { batchSize: 10 });
   * solver.step();
   * assert.equal(solver.iteration, 1);
   * ```
   */
  get iteration(): number {
    return this.#t;
  }

  /**
   * Epochs completed so far: steps ÷ `iterationsPerEpoch`, rounded down.
   *
   * @example
   * ```ts
   * import assert from "node:assert/strict";
   * import { makeSpiral } from "../data/synthetic.ts";
   * import { TwoLayerNet } from "../nn/two_layer_net.ts";
   * import { Solver } from "./solver.ts";
   * const { X, y } = makeSpiral({ pointsPerClass: 10, numClasses: 3, seed: 0 });
   * const solver = new Solver(new TwoLayerNet(2, 5, 3), { XTrain: X, yTrain: y }, { batchSize: 10 });
   * for (let i = 0; i < 4; i++) solver.step(); // 30 examples, batches of 10: 3 steps an epoch
   * assert.equal(solver.epoch, 1);
   * ```
   */
  get epoch(): number {
    return Math.floor(this.#t / this.iterationsPerEpoch);
  }

  /**
   * One update: draw a minibatch, compute loss and gradients, update every parameter with its own
   * config; at the end of an epoch measure the accuracies, keep the best parameters and decay the
   * learning rate; then report. Throws a `DivergenceError` (with the `SolverHistory` so far, the
   * parameters as they were) at a NaN or ±∞ loss or gradient. Returns the step's loss.
   *
   * @example
   * ```ts
   * import assert from "node:assert/strict";
   * import { Matrix } from "../matrix.ts";
   * import { TwoLayerNet } from "../nn/two_layer_net.ts";
   * import { Solver } from "./solver.ts";
   * const X = Matrix.randn(8, 3, 0), y = [0, 1, 0, 1, 0, 1, 0, 1];
   * const solver = new Solver(new TwoLayerNet(3, 4, 2), { XTrain: X, yTrain: y }, { batchSize: 8 });
   * const loss = solver.step();
   * assert(Math.abs(loss - Math.log(2)) < 1e-3); // tiny weights: both classes ≈ 1/2
   * assert.deepEqual([solver.iteration, solver.epoch, solver.lossHistory.length], [1, 1, 1]);
   * ```
   */
  step(): number {
    const { name, batches, stopOnDivergence } = this.#o;
    const { XTrain, yTrain } = this.#data;
    const it = this.#t, XBatch = this.#XBatch, params = this.model.params;
    const learningRate = this.#learningRate();
    let out: SolverLoss<K>;
    let yBatch: Int32Array;
    try {
      if (batches === "all") {
        yBatch = this.#yAll ??= Int32Array.from(yTrain);
      } else {
        const replace = batches === "withReplacement";
        const idx = this.#rng.choice(XTrain.rows, XBatch.rows, { replace });
        XTrain.gatherRows(idx, XBatch);
        yBatch = gatherLabels(yTrain, idx);
      }
      // rows of XTrain, which the constructor found finite: the loss need not scan them again
      out = withKnownFinite(XBatch, () => this.model.loss(XBatch, yBatch)) as SolverLoss<K>;
    } catch (e) {
      throw stopOnDivergence ? asDivergence(e, name, it, learningRate, this.#history()) : e;
    }
    if (out === null || typeof out !== "object" || typeof out.loss !== "number") {
      throw new TypeError(
        `${name}: model.loss(X, y) must return { loss, grads } (iteration ${it})`,
      );
    }
    const grads: Record<string, Matrix> = {};
    for (const key of Object.keys(params) as K[]) {
      const g = out.grads?.[key];
      if (!(g instanceof Matrix) || g.rows !== params[key].rows || g.cols !== params[key].cols) {
        const got = g instanceof Matrix ? shapeOf(g) : String(g);
        throw new RangeError(
          `${name}: model.loss gave grads.${key} ${got} for params.${key} ${
            shapeOf(params[key])
          } (iteration ${it})`,
        );
      }
      grads[`d${key}`] = g;
    }
    if (stopOnDivergence) checkDivergence(name, it, out.loss, grads, learningRate, this.#history());
    this.lossHistory.push(out.loss);
    for (const key of Object.keys(params) as K[]) {
      const config = this.#o.schedule === undefined
        ? this.optimConfigs[key]
        : { ...this.optimConfigs[key], learningRate };
      const next = this.#rule(params[key], out.grads[key], config);
      params[key].data.set(next.w.data); // in place: references to the parameters stay valid
      this.optimConfigs[key] = next.config;
    }
    this.#t++;
    const progress: SolverProgress = {
      iteration: it,
      numIters: this.numIters,
      loss: out.loss,
      learningRate,
    };
    if (this.#t % this.iterationsPerEpoch === 0) {
      progress.epoch = this.#t / this.iterationsPerEpoch;
      try {
        this.#endEpoch(progress, XBatch, yBatch);
      } catch (e) {
        // A forward pass refusing a value that this step made ±∞: the next step cannot be done.
        throw asDivergence(e, name, this.#t, learningRate, this.#history());
      }
      if (this.#o.schedule === undefined && this.#o.lrDecay !== 1) {
        for (const key of Object.keys(params) as K[]) {
          const c = this.optimConfigs[key];
          if (c.learningRate !== undefined) c.learningRate *= this.#o.lrDecay;
        }
      }
    }
    if (this.#o.verbose && it % this.#o.printEvery === 0) {
      console.log(`iteration ${it} / ${this.numIters}: loss ${out.loss}`);
    }
    this.#o.onProgress?.(progress);
    return out.loss;
  }

  /**
   * Runs the remaining steps (all `numIters` on a new Solver), then, unless `restoreBest` is
   * false, puts the best parameters on the validation set back into the model. Returns the
   * histories.
   *
   * @example
   * ```ts
   * import assert from "node:assert/strict";
   * import { makeBlobs } from "../data/synthetic.ts";
   * import { TwoLayerNet } from "../nn/two_layer_net.ts";
   * import { Solver } from "./solver.ts";
   * const { X, y } = makeBlobs({ pointsPerClass: 20, numClasses: 2, seed: 0 });
   * const net = new TwoLayerNet(2, 8, 2, { std: 0.1 });
   * const data = { XTrain: X, yTrain: y, XVal: X, yVal: y };
   * const solver = new Solver(net, data, { optimConfig: { learningRate: 0.5 }, batchSize: 10 });
   * const { valAccHistory } = solver.train();
   * assert.equal(valAccHistory.length, 10); // numEpochs defaults to 10
   * assert.equal(solver.checkAccuracy(X, y), solver.bestValAcc); // the best params are back
   * ```
   */
  train(): SolverHistory {
    while (this.#t < this.numIters) this.step();
    if (this.#o.restoreBest && this.bestParams !== null) {
      for (const key of Object.keys(this.bestParams) as K[]) {
        this.model.params[key].data.set(this.bestParams[key].data);
      }
    }
    return this.#history();
  }

  /**
   * The fraction of `numSamples` examples of X (evenly spaced; default all) whose highest score
   * is their label, scoring `batchSize` rows at a time (default all at once).
   *
   * @example
   * ```ts
   * import assert from "node:assert/strict";
   * import { Matrix } from "../matrix.ts";
   * import { TwoLayerNet } from "../nn/two_layer_net.ts";
   * import { Solver } from "./solver.ts";
   * const net = new TwoLayerNet(1, 1, 2);
   * net.params.b2.set(0, 1, 1); // every example scores class 1 higher
   * const X = Matrix.zeros(4, 1), y = [1, 1, 0, 1];
   * const solver = new Solver(net, { XTrain: X, yTrain: y });
   * assert.equal(solver.checkAccuracy(X, y), 0.75);
   * assert.equal(solver.checkAccuracy(X, y, { numSamples: 2, batchSize: 1 }), 0.5); // rows 0, 2
   * ```
   */
  checkAccuracy(
    X: Matrix,
    y: ArrayLike<number>,
    { numSamples, batchSize }: { numSamples?: number; batchSize?: number } = {},
  ): number {
    const op = `${this.#o.name}.checkAccuracy`;
    checkXy(op, X, y, "X", "y");
    const N = X.rows, n = numSamples === undefined ? N : Math.min(numSamples, N);
    checkPositive(op, "numSamples", n);
    const b = batchSize ?? n;
    checkPositive(op, "batchSize", b);
    const rows = n === N ? null : Int32Array.from({ length: n }, (_, i) => Math.floor(i * N / n));
    let correct = 0;
    for (let start = 0; start < n; start += b) {
      const end = Math.min(start + b, n);
      const Xb = rows === null
        ? (start === 0 && end === N ? X : X.sliceRows(start, end))
        : X.gatherRows(rows.subarray(start, end));
      const scores = this.model.loss(Xb) as Matrix;
      if (!(scores instanceof Matrix) || scores.rows !== end - start) {
        throw new TypeError(`${op}: model.loss(X) must return the N×C scores`);
      }
      assertFinite(op, "scores", scores); // NaN scores would all predict class 0
      const pred = scores.argmax(1);
      for (let i = 0; i < pred.length; i++) {
        if (pred[i] === y[rows === null ? start + i : rows[start + i]]) correct++;
      }
    }
    return correct / n;
  }

  /** Accuracies at the end of an epoch, and the best parameters. */
  #endEpoch(progress: SolverProgress, XBatch: Matrix, yBatch: Int32Array): void {
    const { XTrain, yTrain, XVal, yVal } = this.#data;
    if (XVal === undefined || yVal === undefined) return;
    const { numTrainSamples, numValSamples } = this.#o;
    const trainAcc = numTrainSamples === "minibatch"
      ? this.checkAccuracy(XBatch, yBatch)
      : this.checkAccuracy(XTrain, yTrain, { numSamples: numTrainSamples });
    const valAcc = this.checkAccuracy(XVal, yVal, { numSamples: numValSamples });
    this.trainAccHistory.push(trainAcc);
    this.valAccHistory.push(valAcc);
    Object.assign(progress, { trainAcc, valAcc });
    if (valAcc > this.bestValAcc) {
      this.bestValAcc = valAcc;
      const best = {} as Record<K, Matrix>;
      for (const key of Object.keys(this.model.params) as K[]) {
        best[key] = this.model.params[key].clone();
      }
      this.bestParams = best;
    }
  }

  /** The learning rate of the next step. */
  #learningRate(): number {
    const { schedule, scheduleBy, name } = this.#o;
    if (schedule === undefined) {
      const first = Object.values<UpdateConfig>(this.optimConfigs)[0];
      return first?.learningRate ?? NaN; // NaN: the rule's default, unknown here
    }
    const t = scheduleBy === "iteration" ? this.#t : this.epoch;
    const lr = schedule(t);
    if (!(lr >= 0) || !Number.isFinite(lr)) {
      throw new RangeError(`${name}: schedule(${t}) gave learning rate ${lr}, expected ≥ 0`);
    }
    return lr;
  }

  /** Copies of the histories so far. */
  #history(): SolverHistory {
    return {
      lossHistory: this.lossHistory.slice(),
      trainAccHistory: this.trainAccHistory.slice(),
      valAccHistory: this.valAccHistory.slice(),
    };
  }
}

/** The options with their defaults, each checked (the error names the option). */
function checkOptions(name: string, options: SolverOptions) {
  if (options === null || typeof options !== "object") {
    throw new TypeError(`${name}: options must be an object`);
  }
  const {
    optimConfig = {},
    lrDecay = 1,
    schedule,
    batchSize = 100,
    batches = "withReplacement",
    iterationsPerEpoch,
    scheduleBy = "epoch",
    stopOnDivergence = true,
    numEpochs = 10,
    numIters,
    numTrainSamples = 1000,
    numValSamples = Infinity,
    onProgress,
    verbose = false,
    printEvery = 100,
    restoreBest = true,
  } = options;
  getUpdateRule(options.updateRule ?? "sgd"); // names the unknown rule
  if (optimConfig === null || typeof optimConfig !== "object") {
    throw new TypeError(`${name}: optimConfig must be an object, got ${optimConfig}`);
  }
  if (!(lrDecay > 0) || !Number.isFinite(lrDecay)) {
    throw new RangeError(`${name}: lrDecay must be a finite number > 0, got ${show(lrDecay)}`);
  }
  if (schedule !== undefined) {
    if (typeof schedule !== "function") {
      throw new TypeError(
        `${name}: schedule must be a function of the epoch, got ${show(schedule)}`,
      );
    }
    if (optimConfig.learningRate !== undefined || options.lrDecay !== undefined) {
      throw new RangeError(
        `${name}: give schedule or optimConfig.learningRate/lrDecay, not both (the schedule sets ` +
          `the rate at every epoch)`,
      );
    }
  }
  checkPositive(name, "batchSize", batchSize);
  if (!["withReplacement", "withoutReplacement", "all"].includes(batches)) {
    throw new RangeError(
      `${name}: batches must be "withReplacement", "withoutReplacement" or "all", got ${
        show(batches)
      }`,
    );
  }
  if (iterationsPerEpoch !== undefined) {
    checkPositive(name, "iterationsPerEpoch", iterationsPerEpoch);
  }
  if (scheduleBy !== "epoch" && scheduleBy !== "iteration") {
    throw new RangeError(
      `${name}: scheduleBy must be "epoch" or "iteration", got ${show(scheduleBy)}`,
    );
  }
  if (numIters !== undefined) {
    if (options.numEpochs !== undefined) {
      throw new RangeError(`${name}: give numEpochs or numIters, not both`);
    }
    checkCount(name, "numIters", numIters);
  } else checkCount(name, "numEpochs", numEpochs);
  if (numTrainSamples !== "minibatch") checkPositive(name, "numTrainSamples", numTrainSamples);
  if (numValSamples !== Infinity) checkPositive(name, "numValSamples", numValSamples);
  if (onProgress !== undefined && typeof onProgress !== "function") {
    throw new TypeError(`${name}: onProgress must be a function, got ${show(onProgress)}`);
  }
  checkPositive(name, "printEvery", printEvery);
  return {
    name,
    optimConfig,
    lrDecay,
    schedule,
    batchSize,
    batches,
    scheduleBy,
    stopOnDivergence: Boolean(stopOnDivergence),
    numEpochs,
    numTrainSamples,
    numValSamples,
    onProgress,
    verbose: Boolean(verbose),
    printEvery,
    restoreBest: Boolean(restoreBest),
  };
}

/** XTrain/yTrain (and XVal/yVal when given): finite, with one label per row. */
function checkData(name: string, data: SolverData): void {
  if (data === null || typeof data !== "object") {
    throw new TypeError(`${name}: data must be { XTrain, yTrain, XVal?, yVal? }`);
  }
  const { XTrain, yTrain, XVal, yVal } = data;
  checkFiniteData(name, XTrain, "XTrain");
  checkXy(name, XTrain, yTrain, "XTrain", "yTrain");
  if ((XVal === undefined) !== (yVal === undefined)) {
    throw new TypeError(`${name}: give both XVal and yVal, or neither`);
  }
  if (XVal === undefined) return;
  checkFiniteData(name, XVal, "XVal");
  checkXy(name, XVal, yVal!, "XVal", "yVal");
  if (XVal.cols !== XTrain.cols) {
    throw new RangeError(
      `${name}: XVal ${shapeOf(XVal)} has ${XVal.cols} features but XTrain ${
        shapeOf(XTrain)
      } has ` +
        `${XTrain.cols}`,
    );
  }
}

/** `checkTrainData`, but a single scan (none inside `withKnownFinite(X, …)`). */
function checkFiniteData(name: string, X: Matrix, xName: string): void {
  if (!(X instanceof Matrix) || X.rows === 0) return checkTrainData(name, X, xName);
  try {
    assertFinite(name, xName, X);
  } catch {
    checkTrainData(name, X, xName); // the same finding, in training's words
  }
}

function checkXy(op: string, X: Matrix, y: ArrayLike<number>, xName: string, yName: string): void {
  if (!(X instanceof Matrix)) {
    throw new TypeError(`${op}: ${xName} must be a Matrix, got ${show(X)}`);
  }
  if (y === null || typeof y !== "object" || typeof y.length !== "number") {
    throw new TypeError(`${op}: ${yName} must be an array of labels (Int32Array), got ${show(y)}`);
  }
  if (y.length !== X.rows) {
    throw new RangeError(
      `${op}: ${xName} ${shapeOf(X)} has ${X.rows} rows but ${yName} has ${y.length} labels`,
    );
  }
}

function checkPositive(op: string, option: string, v: unknown): void {
  if (!Number.isInteger(v) || (v as number) < 1) {
    throw new RangeError(`${op}: ${option} must be an integer ≥ 1, got ${show(v)}`);
  }
}

function checkCount(op: string, option: string, v: unknown): void {
  if (!Number.isInteger(v) || (v as number) < 0) {
    throw new RangeError(`${op}: ${option} must be an integer ≥ 0, got ${show(v)}`);
  }
}

function show(v: unknown): string {
  if (typeof v === "number") return String(v);
  return typeof v === "string" ? `"${v}" (a string)` : `${String(v)} (${typeof v})`;
}

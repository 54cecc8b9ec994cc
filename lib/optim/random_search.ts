/**
 * The two "very bad ideas" the optimization lecture starts from, before following the gradient:
 *
 * - Strategy #1, **random search**: draw many random W, keep the one with the lowest loss.
 * - Strategy #2, **random local search**: from the current W, try W + δW for a random δW and move
 *   there only if the loss goes down.
 *
 * Both only evaluate the loss `(W) → number` (no gradient), and both return the best weights, the
 * best loss, and per-try histories for plotting.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { Matrix } from "../matrix.ts";
 * import { randomLocalSearch, randomSearch } from "./random_search.ts";
 * const target = Matrix.fromArray([[1, -1]]);
 * const f = (W: Matrix) => W.sub(target).pow(2).sum(); // distance² to a target
 * const global = randomSearch(f, [1, 2], { tries: 200, scale: 1, seed: 0 });
 * const local = randomLocalSearch(f, [1, 2], { tries: 200, stepSize: 0.1, seed: 0 });
 * assert(local.loss < global.loss); // refining beats guessing
 * ```
 * @module
 */
import { Matrix } from "../matrix.ts";
import { type Rng, type Seed, toRng } from "../random.ts";
import type { TrainProgress } from "./training.ts";

/**
 * A loss of the weights alone (data and regularization closed over), e.g.
 * `(W) => svmLossVectorized(W, XTrain, yTrain, 0).loss`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { Matrix } from "../matrix.ts";
 * import type { WeightLossFn } from "./random_search.ts";
 * const f: WeightLossFn = (W) => W.abs().sum();
 * assert.equal(f(Matrix.fromArray([[1, -2]])), 3);
 * ```
 */
export type WeightLossFn = (W: Matrix) => number;

/**
 * What `onProgress` is told after every try: the `TrainProgress` every loop reports (`iteration`
 * is the try, `numIters` the number of tries, `loss` this try's loss) and the best loss so far.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { type SearchProgress, randomSearch } from "./random_search.ts";
 * const seen: SearchProgress[] = [];
 * randomSearch((W) => W.sum(), [1, 1], { tries: 3, onProgress: (p) => seen.push(p) });
 * assert.deepEqual(seen.map((p) => p.attempt), [0, 1, 2]);
 * assert.deepEqual(seen.map((p) => [p.iteration, p.numIters]), [[0, 3], [1, 3], [2, 3]]);
 * ```
 */
export interface SearchProgress extends TrainProgress {
  /** Try index, from 0 (the same as `iteration`). */
  attempt: number;
  /** Lowest loss so far (including this try). */
  bestLoss: number;
}

/**
 * Options of the two searches.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import type { SearchOptions } from "./random_search.ts";
 * const options: SearchOptions = { tries: 1000, scale: 1e-4, seed: 1 };
 * assert.equal(options.tries, 1000);
 * ```
 */
export interface SearchOptions {
  /** Number of loss evaluations (default 1000, as in the notes). */
  tries?: number;
  /** Standard deviation of random weights: `randn · scale` (random search: 1e-4; local: 1e-3). */
  scale?: number;
  /** Seed of the random weights (default 0). */
  seed?: Seed;
  /** Called after every try; it does not change the search (same seed, same numbers). */
  onProgress?: (progress: SearchProgress) => void;
}

/**
 * What the searches return.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { randomSearch, type SearchResult } from "./random_search.ts";
 * const r: SearchResult = randomSearch((W) => W.norm(), [2, 2], { tries: 10 });
 * assert.equal(r.loss, Math.min(...r.history.loss));
 * ```
 */
export interface SearchResult {
  /** The best weights found. */
  W: Matrix;
  /** Their loss, the lowest seen. */
  loss: number;
  /** Per try: its loss, and the best loss so far. */
  history: { loss: Float64Array; best: Float64Array };
}

/**
 * Strategy #1, random search: `tries` times draw W = scale · randn(shape), evaluate the loss and
 * keep the best. CS231n's notes get 15.5% test accuracy on CIFAR-10 this way (chance is 10%).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { Matrix } from "../matrix.ts";
 * import { randomSearch } from "./random_search.ts";
 * const f = (W: Matrix) => (W.get(0, 0) - 1) ** 2;
 * const { W, loss, history } = randomSearch(f, [1, 1], { tries: 100, scale: 1, seed: 3 });
 * assert.equal(loss, f(W));
 * assert(loss < 0.01 && history.best[99] === loss);
 * ```
 */
export function randomSearch(
  lossFn: WeightLossFn,
  shape: readonly [number, number],
  { tries = 1000, scale = 1e-4, seed = 0, onProgress }: SearchOptions = {},
): SearchResult {
  const op = "randomSearch";
  checkSearch(op, lossFn, tries, scale, onProgress);
  const [rows, cols] = checkShape(op, shape);
  const rng = toRng(seed);
  const history = { loss: new Float64Array(tries), best: new Float64Array(tries) };
  let bestW = Matrix.zeros(rows, cols), bestLoss = Infinity;
  for (let attempt = 0; attempt < tries; attempt++) {
    const W = Matrix.randn(rows, cols, rng).scaleInPlace(scale);
    const loss = evalLoss(op, lossFn, W);
    if (loss < bestLoss || attempt === 0) [bestW, bestLoss] = [W, loss];
    record(history, onProgress, attempt, loss, bestLoss, tries);
  }
  return { W: bestW, loss: bestLoss, history };
}

/**
 * Strategy #2, random local search: start from W0 (or scale · randn(shape)) and, `tries` times,
 * try Wtry = W + stepSize · randn; keep it when its loss is below the best so far. As in the notes
 * the best loss starts at +∞ (so the first try is always taken and W0's own loss is never
 * evaluated): exactly `tries` loss evaluations, the same budget as `randomSearch`. The notes get
 * 21.4% on CIFAR-10 this way, with stepSize 1e-4 from W0 = 1e-3 · randn.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { Matrix } from "../matrix.ts";
 * import { randomLocalSearch } from "./random_search.ts";
 * const f = (W: Matrix) => W.pow(2).sum(); // bowl with its bottom at 0
 * const W0 = Matrix.full(1, 3, 2);
 * const { W, loss, history } = randomLocalSearch(f, W0, { tries: 500, stepSize: 0.05, seed: 1 });
 * assert(loss < 0.1 * f(W0) && loss === f(W));
 * assert(history.best.every((b, i) => i === 0 || b <= history.best[i - 1])); // never worse
 * assert.equal(W0.get(0, 0), 2); // W0 untouched
 * ```
 */
export function randomLocalSearch(
  lossFn: WeightLossFn,
  W0: Matrix | readonly [number, number],
  { tries = 1000, stepSize = 1e-4, scale = 1e-3, seed = 0, onProgress }: SearchOptions & {
    /** Standard deviation of each random step δW (default 1e-4, as in the notes). */
    stepSize?: number;
  } = {},
): SearchResult {
  const op = "randomLocalSearch";
  checkSearch(op, lossFn, tries, scale, onProgress);
  if (!(stepSize > 0) || !Number.isFinite(stepSize)) {
    throw new RangeError(`${op}: stepSize must be a positive finite number, got ${stepSize}`);
  }
  const rng = toRng(seed);
  let W = W0 instanceof Matrix ? W0.clone() : start(op, W0, scale, rng);
  const history = { loss: new Float64Array(tries), best: new Float64Array(tries) };
  let bestLoss = Infinity;
  for (let attempt = 0; attempt < tries; attempt++) {
    const Wtry = Matrix.randn(W.rows, W.cols, rng).scaleInPlace(stepSize).addScaledInPlace(W);
    const loss = evalLoss(op, lossFn, Wtry);
    if (loss < bestLoss || attempt === 0) [W, bestLoss] = [Wtry, loss];
    record(history, onProgress, attempt, loss, bestLoss, tries);
  }
  return { W, loss: bestLoss, history };
}

function start(op: string, shape: readonly [number, number], scale: number, rng: Rng): Matrix {
  const [rows, cols] = checkShape(op, shape);
  return Matrix.randn(rows, cols, rng).scaleInPlace(scale);
}

function record(
  history: SearchResult["history"],
  onProgress: SearchOptions["onProgress"],
  attempt: number,
  loss: number,
  bestLoss: number,
  tries: number,
): void {
  history.loss[attempt] = loss;
  history.best[attempt] = bestLoss;
  onProgress?.({ iteration: attempt, numIters: tries, attempt, loss, bestLoss });
}

/** The loss of W, with NaN (a diverged loss) counted as +∞ so that it never wins. */
function evalLoss(op: string, lossFn: WeightLossFn, W: Matrix): number {
  const loss = lossFn(W);
  if (Number.isNaN(loss)) return Infinity;
  if (typeof loss !== "number") {
    throw new TypeError(
      `${op}: lossFn must return a number, got ${typeof loss}; wrap a { loss, dW } loss as ` +
        `(W) => lossWithGrad(W, X, y, reg).loss`,
    );
  }
  return loss;
}

function checkSearch(
  op: string,
  lossFn: WeightLossFn,
  tries: number,
  scale: number,
  onProgress: unknown,
): void {
  if (typeof lossFn !== "function") throw new TypeError(`${op}: lossFn must be a function`);
  if (onProgress !== undefined && typeof onProgress !== "function") {
    throw new TypeError(`${op}: onProgress must be a function, got ${typeof onProgress}`);
  }
  if (!Number.isInteger(tries) || tries < 1) {
    throw new RangeError(`${op}: tries must be a positive integer, got ${tries}`);
  }
  if (!(scale > 0) || !Number.isFinite(scale)) {
    throw new RangeError(`${op}: scale must be a positive finite number, got ${scale}`);
  }
}

function checkShape(op: string, shape: readonly [number, number]): [number, number] {
  const ok = Array.isArray(shape) && shape.length === 2 &&
    shape.every((n) => Number.isInteger(n) && n > 0);
  if (!ok) {
    throw new RangeError(
      `${op}: shape must be [rows, cols] of positive integers, got ${JSON.stringify(shape)}`,
    );
  }
  return [shape[0], shape[1]];
}

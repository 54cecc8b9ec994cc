/**
 * Slices of a loss landscape, the "visualizing the loss function" part of CS231n's optimization
 * notes: W has thousands of dimensions, but the loss along a ray, L(W + a·W₁), or on a plane,
 * L(W + a·W₁ + b·W₂), can be plotted. For the SVM these slices show the piecewise-linear bowl.
 *
 * A ray comes back as two equal-length arrays (`alpha`, `loss`); a plane as its two axes and a
 * `loss` matrix over the grid, ready for `heatmap` or for rows of a chart.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { Matrix } from "../matrix.ts";
 * import { lossAlongRay } from "./landscape.ts";
 * const hinge = (W: Matrix) => Math.max(0, 1 - W.get(0, 0)); // kink at W = 1
 * const ray = lossAlongRay(hinge, Matrix.zeros(1, 1), Matrix.ones(1, 1), [0, 0.5, 1, 2]);
 * assert.deepEqual([...ray.loss], [1, 0.5, 0, 0]);
 * ```
 * @module
 */
import { assertSameShape, Matrix } from "../matrix.ts";

/**
 * A 1-D slice: `loss[i]` = f(W + alpha[i]·direction). Both arrays have one entry per step.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { Matrix } from "../matrix.ts";
 * import { lossAlongRay, type RaySlice } from "./landscape.ts";
 * const ray: RaySlice = lossAlongRay((W) => W.sum(), Matrix.zeros(1, 1), Matrix.ones(1, 1), [3]);
 * assert.equal(ray.loss[0], 3);
 * ```
 */
export interface RaySlice {
  /** The steps along the direction, as given. */
  alpha: Float64Array;
  /** The loss at each step. */
  loss: Float64Array;
}

/**
 * A 2-D slice on a grid: `loss` is A×B with `loss.get(i, j)` = f(W + a[i]·d1 + b[j]·d2), rows
 * following `a` and columns following `b`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { Matrix } from "../matrix.ts";
 * import { lossOnPlane, type PlaneSlice } from "./landscape.ts";
 * const W = Matrix.zeros(1, 2), d1 = Matrix.fromArray([[1, 0]]), d2 = Matrix.fromArray([[0, 1]]);
 * const plane: PlaneSlice = lossOnPlane((V) => V.sum(), W, d1, d2, [1], [2]);
 * assert.equal(plane.loss.get(0, 0), 3);
 * ```
 */
export interface PlaneSlice {
  /** The A steps along d1 (the rows of `loss`). */
  a: Float64Array;
  /** The B steps along d2 (the columns of `loss`). */
  b: Float64Array;
  /** A×B: the loss at every grid point. */
  loss: Matrix;
}

/**
 * The 1-D slice f(W + α·direction) for every α in `alphas`. W and the direction are not modified.
 *
 * @param f the loss as a function of the weights (e.g. `(W) => svmLossVectorized(W, X, y, 0).loss`)
 * @param W the point the ray starts from
 * @param direction a matrix of W's shape
 * @param alphas the steps along the direction
 * @returns `{ alpha, loss }`, one entry per step
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { Matrix } from "../matrix.ts";
 * import { lossAlongRay } from "./landscape.ts";
 * const f = (W: Matrix) => W.pow(2).sum(); // a bowl: along any ray, a parabola
 * const W = Matrix.fromArray([[1, 0]]), d = Matrix.fromArray([[0, 1]]);
 * const { alpha, loss } = lossAlongRay(f, W, d, [-2, 0, 2]);
 * assert.deepEqual([...loss], [5, 1, 5]); // 1 + α²
 * assert.deepEqual([...alpha], [-2, 0, 2]);
 * ```
 */
export function lossAlongRay(
  f: (W: Matrix) => number,
  W: Matrix,
  direction: Matrix,
  alphas: ArrayLike<number>,
): RaySlice {
  checkSlice("lossAlongRay", f, W, [direction]);
  const alpha = checkSteps("lossAlongRay", "alphas", alphas);
  const loss = new Float64Array(alpha.length);
  for (let i = 0; i < alpha.length; i++) {
    loss[i] = evalAt("lossAlongRay", f, W.clone().addScaledInPlace(direction, alpha[i]));
  }
  return { alpha, loss };
}

/**
 * The 2-D slice f(W + a·d1 + b·d2) on the grid `as` × `bs`: a matrix with one row per a and one
 * column per b. d1 and d2 need not be orthogonal. W, d1 and d2 are not modified.
 *
 * @param f the loss as a function of the weights
 * @param W the centre of the plane
 * @param d1 the first direction (W's shape), stepped by `as`
 * @param d2 the second direction (W's shape), stepped by `bs`
 * @param as the A steps along d1
 * @param bs the B steps along d2
 * @returns `{ a, b, loss }` with `loss` A×B
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { Matrix } from "../matrix.ts";
 * import { lossOnPlane } from "./landscape.ts";
 * const f = (W: Matrix) => W.abs().sum(); // an L1 "pyramid"
 * const W = Matrix.zeros(1, 2), d1 = Matrix.fromArray([[1, 0]]), d2 = Matrix.fromArray([[0, 1]]);
 * const { loss } = lossOnPlane(f, W, d1, d2, [-1, 1], [0, 2]);
 * assert.deepEqual(loss.toArray(), [[1, 3], [1, 3]]); // |a| + |b|
 * ```
 */
export function lossOnPlane(
  f: (W: Matrix) => number,
  W: Matrix,
  d1: Matrix,
  d2: Matrix,
  as: ArrayLike<number>,
  bs: ArrayLike<number>,
): PlaneSlice {
  checkSlice("lossOnPlane", f, W, [d1, d2]);
  const a = checkSteps("lossOnPlane", "as", as), b = checkSteps("lossOnPlane", "bs", bs);
  const loss = new Float64Array(a.length * b.length); // row-major: a varies slowest
  for (let i = 0, r = 0; i < a.length; i++) {
    const Wa = W.clone().addScaledInPlace(d1, a[i]);
    for (let j = 0; j < b.length; j++, r++) {
      loss[r] = evalAt("lossOnPlane", f, Wa.clone().addScaledInPlace(d2, b[j]));
    }
  }
  return { a, b, loss: new Matrix(a.length, b.length, loss) };
}

function checkSlice(op: string, f: (W: Matrix) => number, W: Matrix, dirs: Matrix[]): void {
  if (typeof f !== "function") throw new TypeError(`${op}: f must be a function of W`);
  if (!(W instanceof Matrix) || !dirs.every((d) => d instanceof Matrix)) {
    throw new TypeError(`${op}: W and the directions must be Matrix instances`);
  }
  dirs.forEach((d, k) => assertSameShape(`${op}: W vs direction ${k + 1}`, W, d));
}

function checkSteps(op: string, name: string, steps: ArrayLike<number>): Float64Array {
  if (steps === null || typeof steps !== "object" || typeof steps.length !== "number") {
    throw new TypeError(`${op}: ${name} must be an array of numbers`);
  }
  const out = Float64Array.from(steps);
  const bad = out.findIndex((x) => !Number.isFinite(x));
  if (bad >= 0) {
    throw new RangeError(`${op}: ${name}[${bad}] must be a finite number, got ${steps[bad]}`);
  }
  return out;
}

function evalAt(op: string, f: (W: Matrix) => number, W: Matrix): number {
  const loss = f(W);
  if (typeof loss !== "number") {
    throw new TypeError(`${op}: f must return a number, got ${typeof loss}`);
  }
  return loss;
}

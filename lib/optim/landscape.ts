/**
 * Slices of a loss landscape, the "visualizing the loss function" part of CS231n's optimization
 * notes: W has thousands of dimensions, but the loss along a ray, L(W + a·W₁), or on a plane,
 * L(W + a·W₁ + b·W₂), can be plotted. For the SVM these slices show the piecewise-linear bowl.
 *
 * Results are Apache Arrow tables, ready for a notebook's plotting or dataframe tools.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { Matrix } from "../matrix.ts";
 * import { lossAlongRay } from "./landscape.ts";
 * const hinge = (W: Matrix) => Math.max(0, 1 - W.get(0, 0)); // kink at W = 1
 * const table = lossAlongRay(hinge, Matrix.zeros(1, 1), Matrix.ones(1, 1), [0, 0.5, 1, 2]);
 * assert.deepEqual([...table.getChild("loss")!.toArray()], [1, 0.5, 0, 0]);
 * ```
 * @module
 */
import { type Float64, type Table, tableFromArrays } from "apache-arrow";
import { assertSameShape, Matrix } from "../matrix.ts";

/**
 * A table with one row per point of a ray: `alpha` and `loss` (both Float64).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { Matrix } from "../matrix.ts";
 * import { lossAlongRay, type RayTable } from "./landscape.ts";
 * const t: RayTable = lossAlongRay((W) => W.sum(), Matrix.zeros(1, 1), Matrix.ones(1, 1), [3]);
 * assert.equal(t.get(0)?.loss, 3);
 * ```
 */
export type RayTable = Table<{ alpha: Float64; loss: Float64 }>;

/**
 * A table with one row per grid point of a plane: `a`, `b` and `loss` (all Float64).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { Matrix } from "../matrix.ts";
 * import { lossOnPlane, type PlaneTable } from "./landscape.ts";
 * const W = Matrix.zeros(1, 2), d1 = Matrix.fromArray([[1, 0]]), d2 = Matrix.fromArray([[0, 1]]);
 * const t: PlaneTable = lossOnPlane((V) => V.sum(), W, d1, d2, [1], [2]);
 * assert.equal(t.get(0)?.loss, 3);
 * ```
 */
export type PlaneTable = Table<{ a: Float64; b: Float64; loss: Float64 }>;

/**
 * The 1-D slice f(W + α·direction) for every α in `alphas`, as a table with columns `alpha`,
 * `loss`. W and the direction are not modified.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { Matrix } from "../matrix.ts";
 * import { lossAlongRay } from "./landscape.ts";
 * const f = (W: Matrix) => W.pow(2).sum(); // a bowl: along any ray, a parabola
 * const W = Matrix.fromArray([[1, 0]]), d = Matrix.fromArray([[0, 1]]);
 * const t = lossAlongRay(f, W, d, [-2, 0, 2]);
 * assert.deepEqual([...t.getChild("loss")!.toArray()], [5, 1, 5]); // 1 + α²
 * assert.equal(t.numRows, 3);
 * ```
 */
export function lossAlongRay(
  f: (W: Matrix) => number,
  W: Matrix,
  direction: Matrix,
  alphas: ArrayLike<number>,
): RayTable {
  checkSlice("lossAlongRay", f, W, [direction]);
  const alpha = checkSteps("lossAlongRay", "alphas", alphas);
  const loss = new Float64Array(alpha.length);
  for (let i = 0; i < alpha.length; i++) {
    loss[i] = evalAt("lossAlongRay", f, W.clone().addScaledInPlace(direction, alpha[i]));
  }
  return tableFromArrays({ alpha, loss });
}

/**
 * The 2-D slice f(W + a·d1 + b·d2) on the grid `as` × `bs`, as a table with columns `a`, `b`,
 * `loss` and as.length · bs.length rows, `a` varying slowest: row i·bs.length + j holds
 * (as[i], bs[j]). d1 and d2 need not be orthogonal. W, d1 and d2 are not modified.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { Matrix } from "../matrix.ts";
 * import { lossOnPlane } from "./landscape.ts";
 * const f = (W: Matrix) => W.abs().sum(); // an L1 "pyramid"
 * const W = Matrix.zeros(1, 2), d1 = Matrix.fromArray([[1, 0]]), d2 = Matrix.fromArray([[0, 1]]);
 * const t = lossOnPlane(f, W, d1, d2, [-1, 1], [0, 2]);
 * assert.deepEqual([...t.getChild("loss")!.toArray()], [1, 3, 1, 3]); // |a| + |b|
 * assert.deepEqual([...t.getChild("a")!.toArray()], [-1, -1, 1, 1]);
 * ```
 */
export function lossOnPlane(
  f: (W: Matrix) => number,
  W: Matrix,
  d1: Matrix,
  d2: Matrix,
  as: ArrayLike<number>,
  bs: ArrayLike<number>,
): PlaneTable {
  checkSlice("lossOnPlane", f, W, [d1, d2]);
  const av = checkSteps("lossOnPlane", "as", as), bv = checkSteps("lossOnPlane", "bs", bs);
  const n = av.length * bv.length;
  const a = new Float64Array(n), b = new Float64Array(n), loss = new Float64Array(n);
  for (let i = 0, r = 0; i < av.length; i++) {
    const Wa = W.clone().addScaledInPlace(d1, av[i]);
    for (let j = 0; j < bv.length; j++, r++) {
      a[r] = av[i];
      b[r] = bv[j];
      loss[r] = evalAt("lossOnPlane", f, Wa.clone().addScaledInPlace(d2, bv[j]));
    }
  }
  return tableFromArrays({ a, b, loss });
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

/**
 * The fully connected (affine) layer, in the style of CS231n's `layers.py`: the forward pass
 * returns `{ out, cache }`, the backward pass turns the upstream gradient into gradients for every
 * input. The losses on the scores (`softmaxLoss`, `svmLoss`) live in `lib/losses/scores.ts`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { Matrix } from "../matrix.ts";
 * import { softmaxLoss } from "../losses/scores.ts";
 * import { affineForward } from "./layers.ts";
 * const { out: scores } = affineForward(Matrix.ones(2, 3), Matrix.zeros(3, 4), Matrix.zeros(1, 4));
 * const { loss } = softmaxLoss(scores, Int32Array.from([0, 3]));
 * assert(Math.abs(loss - Math.log(4)) < 1e-12); // all scores equal: loss = ln C
 * ```
 * @module
 */
import { assertFinite, matmul, matmulTA, matmulTB, Matrix, shapeOf } from "../matrix.ts";
import type { Forward } from "./activations.ts";

/**
 * Cache of `affineForward`: its inputs.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { Matrix } from "../matrix.ts";
 * import { type AffineCache, affineForward } from "./layers.ts";
 * const { cache }: { cache: AffineCache } = affineForward(Matrix.ones(2, 3), Matrix.zeros(3, 4), Matrix.zeros(1, 4));
 * assert.deepEqual([cache.x.shape, cache.w.shape, cache.b.shape], [[2, 3], [3, 4], [1, 4]]);
 * ```
 */
export interface AffineCache {
  /** N×D input. */
  x: Matrix;
  /** D×M weights. */
  w: Matrix;
  /** 1×M bias. */
  b: Matrix;
}

/**
 * Affine (fully connected) forward pass: out = x·w + b, with x N×D, w D×M, b 1×M (broadcast
 * over the rows). Every entry of x, w and b must be finite (else a `NonFiniteError` naming it).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { Matrix } from "../matrix.ts";
 * import { affineForward } from "./layers.ts";
 * const x = Matrix.fromArray([[1, 2]]), w = Matrix.fromArray([[1, 0, 1], [0, 1, 1]]);
 * const { out } = affineForward(x, w, Matrix.fromArray([[10, 20, 30]]));
 * assert.deepEqual(out.toArray(), [[11, 22, 33]]);
 * ```
 */
export function affineForward(x: Matrix, w: Matrix, b: Matrix): Forward<AffineCache> {
  assertFinite("affineForward", "x", x);
  assertFinite("affineForward", "w", w);
  assertFinite("affineForward", "b", b);
  if (x.cols !== w.rows) {
    throw new RangeError(
      `affineForward: x ${shapeOf(x)} · w ${
        shapeOf(w)
      }: x has ${x.cols} features, w expects ${w.rows}`,
    );
  }
  if (b.rows !== 1 || b.cols !== w.cols) {
    throw new RangeError(
      `affineForward: b ${shapeOf(b)} should be (1×${w.cols}) for w ${shapeOf(w)}`,
    );
  }
  return { out: matmul(x, w).add(b), cache: { x, w, b } };
}

/**
 * Affine backward pass: dx = dout·wᵀ, dw = xᵀ·dout, db = Σ over rows of dout. dout must be finite.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { Matrix } from "../matrix.ts";
 * import { affineBackward, affineForward } from "./layers.ts";
 * const x = Matrix.fromArray([[1, 2], [3, 4]]), w = Matrix.fromArray([[5], [6]]);
 * const { cache } = affineForward(x, w, Matrix.zeros(1, 1));
 * const { dx, dw, db } = affineBackward(Matrix.ones(2, 1), cache);
 * assert.deepEqual(dx.toArray(), [[5, 6], [5, 6]]);
 * assert.deepEqual(dw.toArray(), [[4], [6]]);
 * assert.deepEqual(db.toArray(), [[2]]);
 * ```
 */
export function affineBackward(
  dout: Matrix,
  cache: AffineCache,
): { dx: Matrix; dw: Matrix; db: Matrix } {
  assertFinite("affineBackward", "dout", dout);
  if (!(cache?.x instanceof Matrix) || !(cache.w instanceof Matrix)) {
    throw new TypeError("affineBackward: cache must be the cache that affineForward returned");
  }
  const { x, w } = cache;
  if (dout.rows !== x.rows || dout.cols !== w.cols) {
    throw new RangeError(
      `affineBackward: dout ${shapeOf(dout)} should be (${x.rows}×${w.cols}) like the output`,
    );
  }
  return { dx: matmulTB(dout, w), dw: matmulTA(x, dout), db: dout.sum(0) };
}

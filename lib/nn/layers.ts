/**
 * The fully connected (affine) layer and the two classification losses on a score matrix, in the
 * style of CS231n's `layers.py`: forward passes return `{ out, cache }`, backward passes turn the
 * upstream gradient into gradients for every input, and losses return `{ loss, dx }`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { Matrix } from "../matrix.ts";
 * import { affineForward, softmaxLoss } from "./layers.ts";
 * const { out: scores } = affineForward(Matrix.ones(2, 3), Matrix.zeros(3, 4), Matrix.zeros(1, 4));
 * const { loss } = softmaxLoss(scores, Int32Array.from([0, 3]));
 * assert(Math.abs(loss - Math.log(4)) < 1e-12); // all scores equal: loss = ln C
 * ```
 * @module
 */
import { assertFinite, matmul, matmulTA, matmulTB, Matrix, shapeOf } from "../matrix.ts";
import { checkScores } from "../losses/checks.ts";
import type { Forward } from "./activations.ts";

/** Cache of `affineForward`: its inputs. */
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

/**
 * Softmax (cross-entropy) loss and its gradient on an N×C score matrix:
 * L = (1/N) Σᵢ −ln(e^{s_{yᵢ}} / Σⱼ e^{sⱼ}), dx = (p − onehot(y)) / N. Each row is shifted by its
 * maximum first, so large scores do not overflow. A NaN or ±∞ score is a `NonFiniteError`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { Matrix } from "../matrix.ts";
 * import { softmaxLoss } from "./layers.ts";
 * // CS231n's cat image: scores cat 3.2, car 5.1, frog −1.7, correct class cat
 * const { loss } = softmaxLoss(Matrix.fromArray([[3.2, 5.1, -1.7]]), Int32Array.from([0]));
 * assert(Math.abs(loss - 2.0404) < 1e-4); // natural log (the slide's 0.89 is log₁₀)
 * ```
 */
export function softmaxLoss(scores: Matrix, y: ArrayLike<number>): { loss: number; dx: Matrix } {
  checkScores("softmaxLoss", scores, y);
  const N = scores.rows, C = scores.cols;
  const shifted = scores.sub(scores.max(1)); // s − max s: e^s cannot overflow
  const exps = shifted.exp();
  const sums = exps.sum(1);
  const dx = exps.div(sums); // the probabilities p; p − onehot(y) below
  let loss = 0;
  for (let i = 0; i < N; i++) {
    const t = i * C + y[i];
    loss -= shifted.data[t] - Math.log(sums.data[i]); // −ln p_y, finite even when p_y underflows
    dx.data[t] -= 1;
  }
  return { loss: loss / N, dx: dx.scaleInPlace(1 / N) };
}

/**
 * Multiclass SVM (hinge) loss and its gradient on an N×C score matrix, with margin Δ = 1:
 * L = (1/N) Σᵢ Σ_{j≠yᵢ} max(0, sⱼ − s_{yᵢ} + 1). Each positive margin adds 1/N to dx at j and
 * subtracts 1/N at yᵢ. A NaN or ±∞ score is a `NonFiniteError`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { Matrix } from "../matrix.ts";
 * import { svmLoss } from "./layers.ts";
 * // CS231n's three images (one per row) with labels cat, car, frog: losses 2.9, 0, 12.9
 * const scores = Matrix.fromArray([[3.2, 5.1, -1.7], [1.3, 4.9, 2.0], [2.2, 2.5, -3.1]]);
 * const { loss } = svmLoss(scores, Int32Array.from([0, 1, 2]));
 * assert(Math.abs(loss - (2.9 + 0 + 12.9) / 3) < 1e-12);
 * ```
 */
export function svmLoss(scores: Matrix, y: ArrayLike<number>): { loss: number; dx: Matrix } {
  checkScores("svmLoss", scores, y);
  const N = scores.rows, C = scores.cols;
  const dx = new Matrix(N, C);
  let loss = 0;
  for (let i = 0; i < N; i++) {
    const correct = scores.data[i * C + y[i]];
    for (let j = 0; j < C; j++) {
      const margin = scores.data[i * C + j] - correct + 1;
      if (j === y[i] || margin <= 0) continue;
      loss += margin;
      dx.data[i * C + j] += 1 / N;
      dx.data[i * C + y[i]] -= 1 / N;
    }
  }
  return { loss: loss / N, dx };
}

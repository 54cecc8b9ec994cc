/**
 * The two classification losses on a score matrix, as in CS231n's `layers.py`: the softmax
 * (cross-entropy) loss and the multiclass SVM (hinge) loss of Weston & Watkins. Both take the N×C
 * scores (one example per row) and the N labels, and return the mean loss, the per-example losses
 * Lᵢ and `dx` = ∂L/∂scores (N×C). They are the one home of these formulas: the vectorized linear
 * losses (`softmaxLossVectorized`, `svmLossVectorized`, scores = X·W, dW = Xᵀ·dx) and the
 * two-layer net (`TwoLayerNet.loss`) call them; no regularization here.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { Matrix } from "../matrix.ts";
 * import { softmaxLoss, svmLoss } from "./scores.ts";
 * // The lecture's cat / car / frog scores, one image per row, correct classes cat, car, frog.
 * const scores = Matrix.fromArray([[3.2, 5.1, -1.7], [1.3, 4.9, 2.0], [2.2, 2.5, -3.1]]);
 * const y = Int32Array.of(0, 1, 2);
 * assert.deepEqual(Array.from(svmLoss(scores, y).losses, (l) => +l.toFixed(10)), [2.9, 0, 12.9]);
 * assert.equal(softmaxLoss(scores, y).losses[0].toFixed(2), "2.04"); // the cat: −ln 0.13
 * ```
 * @module
 */
import { Matrix, shapeOf } from "../matrix.ts";
import { checkClasses, oneHot } from "../data/labels.ts";
import { checkDelta, checkScores } from "./checks.ts";

/**
 * What `softmaxLoss` returns.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { Matrix } from "../matrix.ts";
 * import type { SoftmaxLossResult } from "./scores.ts";
 * const r: SoftmaxLossResult = {
 *   loss: 0, dx: Matrix.zeros(1, 2), probs: Matrix.fromArray([[1, 0]]), losses: Float64Array.of(0),
 * };
 * assert.equal(r.probs.sum(), 1);
 * ```
 */
export interface SoftmaxLossResult {
  /** The mean loss L = (1/N) Σᵢ Lᵢ. */
  loss: number;
  /** ∂L/∂scores, N×C: (P − Y)/N with Y the one-hot labels. */
  dx: Matrix;
  /** The softmax probabilities P, N×C (each row sums to 1). */
  probs: Matrix;
  /** The per-example losses Lᵢ = −ln p_{yᵢ}, length N. */
  losses: Float64Array;
}

/**
 * What `svmLoss` returns.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { Matrix } from "../matrix.ts";
 * import type { SvmLossResult } from "./scores.ts";
 * const r: SvmLossResult = { loss: 0, dx: Matrix.zeros(1, 2), losses: Float64Array.of(0) };
 * assert.equal(r.losses.length, 1);
 * ```
 */
export interface SvmLossResult {
  /** The mean loss L = (1/N) Σᵢ Lᵢ. */
  loss: number;
  /** ∂L/∂scores, N×C (a subgradient: 0 at a kink). */
  dx: Matrix;
  /** The per-example losses Lᵢ = Σ_{j≠yᵢ} max(0, s_j − s_{yᵢ} + Δ), length N. */
  losses: Float64Array;
}

/**
 * Softmax (cross-entropy) loss and its gradient on an N×C score matrix. The scores are read as
 * unnormalized log-probabilities:
 *
 *     p_j = e^{s_j} / Σ_k e^{s_k},    Lᵢ = −ln p_{yᵢ},    L = (1/N) Σᵢ Lᵢ,    ∂L/∂s = (P − Y)/N
 *
 * with Y the one-hot labels. Each row is shifted by its maximum first (the softmax is unchanged by
 * a shift, and e^s cannot overflow), and Lᵢ = ln Σ_j e^{s_j − m} − (s_{yᵢ} − m) stays finite even
 * when p_{yᵢ} underflows to 0. A NaN or ±∞ score is a `NonFiniteError`; a label outside 0 … C−1 a
 * `RangeError`.
 *
 * @param scores N×C scores, one example per row.
 * @param y N labels in 0 … C−1.
 * @returns `{ loss, dx, probs, losses }`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { Matrix } from "../matrix.ts";
 * import { softmaxLoss } from "./scores.ts";
 * // The lecture's cat image: scores cat 3.2, car 5.1, frog −1.7, correct class cat.
 * const { loss, probs, dx } = softmaxLoss(Matrix.fromArray([[3.2, 5.1, -1.7]]), [0]);
 * assert.equal(probs.get(0, 0).toFixed(2), "0.13");
 * assert.equal(loss.toFixed(2), "2.04"); // natural log (the slide's 0.89 is log₁₀)
 * assert(Math.abs(dx.get(0, 0) - (probs.get(0, 0) - 1)) < 1e-15); // p − 1 at the correct class
 * ```
 */
export function softmaxLoss(scores: Matrix, y: ArrayLike<number>): SoftmaxLossResult {
  checkScores("softmaxLoss", scores, y);
  // BEGIN SOLUTION
  const [N, C] = scores.shape;
  const shifted = scores.sub(scores.max(1)); // s − max_j s_j, row by row
  const expScores = shifted.exp();
  const sumExp = expScores.sum(1); // Σ_j e^{s_j}, N×1
  const probs = expScores.div(sumExp); // p_j = e^{s_j} / Σ_k e^{s_k}
  const losses = sumExp.log().sub(correctClassScores(shifted, y)); // Lᵢ = −ln p_{yᵢ}, N×1
  const dx = probs.sub(oneHot(y, C)).div(N); // ∂L/∂s = (P − Y) / N
  return { loss: losses.mean(), dx, probs, losses: losses.data };
  // END SOLUTION
}

/**
 * Multiclass SVM (hinge) loss and its gradient on an N×C score matrix. Example i pays for every
 * wrong class j whose score comes within the margin Δ of the correct one:
 *
 *     Lᵢ = Σ_{j≠yᵢ} max(0, s_j − s_{yᵢ} + Δ),    L = (1/N) Σᵢ Lᵢ
 *
 * Gradient: each violated margin adds 1/N to dx at (i, j) and −1/N at (i, yᵢ); at a kink (margin
 * exactly 0) the subgradient 0. Δ must be a finite number ≥ 0 (default 1). A NaN or ±∞ score is a
 * `NonFiniteError`; a label outside 0 … C−1 a `RangeError`.
 *
 * @param scores N×C scores, one example per row.
 * @param y N labels in 0 … C−1.
 * @returns `{ loss, dx, losses }`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { Matrix } from "../matrix.ts";
 * import { svmLoss } from "./scores.ts";
 * // The cat/car/frog slide: one row per image, columns are the classes cat, car, frog.
 * const scores = Matrix.fromArray([[3.2, 5.1, -1.7], [1.3, 4.9, 2.0], [2.2, 2.5, -3.1]]);
 * const { losses, loss } = svmLoss(scores, Int32Array.of(0, 1, 2));
 * assert.deepEqual(Array.from(losses, (l) => +l.toFixed(10)), [2.9, 0, 12.9]);
 * assert.equal(loss.toFixed(2), "5.27");
 * assert.equal(svmLoss(scores, Int32Array.of(0, 1, 2), { delta: 0 }).losses[0].toFixed(1), "1.9");
 * ```
 */
export function svmLoss(
  scores: Matrix,
  y: ArrayLike<number>,
  { delta = 1 }: { delta?: number } = {},
): SvmLossResult {
  checkScores("svmLoss", scores, y);
  checkDelta("svmLoss", delta);
  // BEGIN SOLUTION
  const [N, C] = scores.shape;
  const Y = oneHot(y, C);
  const wrong = Y.neg().add(1); // 1[j ≠ yᵢ]
  // max(0, s_j − s_{yᵢ} + Δ) for every wrong class j; 0 at the correct class.
  const margins = scores.sub(correctClassScores(scores, y)).add(delta).maximum(0).mul(wrong);
  const losses = margins.sum(1); // Lᵢ, N×1
  // ∂Lᵢ/∂s_j = 1[margin_j > 0] for j ≠ yᵢ, and ∂Lᵢ/∂s_{yᵢ} = −(number of violated margins).
  const violated = margins.map((m) => (m > 0 ? 1 : 0));
  const dx = violated.sub(Y.mul(violated.sum(1))).div(N);
  return { loss: losses.mean(), dx, losses: losses.data };
  // END SOLUTION
}

/**
 * The correct-class scores s_{yᵢ} as an N×1 column (numpy's `scores[np.arange(N), y]`), ready to
 * broadcast against the N×C scores. y needs N labels in 0 … C−1.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { Matrix } from "../matrix.ts";
 * import { correctClassScores } from "./scores.ts";
 * const s = Matrix.fromArray([[1, 2], [3, 4]]);
 * assert.deepEqual(correctClassScores(s, [1, 0]).toArray(), [[2], [3]]);
 * ```
 */
export function correctClassScores(scores: Matrix, y: ArrayLike<number>): Matrix {
  if (y?.length !== scores.rows) {
    throw new RangeError(
      `correctClassScores: scores ${
        shapeOf(scores)
      } has ${scores.rows} rows but y has ${y?.length} labels`,
    );
  }
  checkClasses("correctClassScores", y, scores.cols);
  return Matrix.colVector(Array.from({ length: scores.rows }, (_, i) => scores.get(i, y[i])));
}

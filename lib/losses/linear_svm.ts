/**
 * The multiclass SVM (hinge) loss of Weston & Watkins (1999), as in CS231n's `linear_svm.py`.
 * With scores s = xᵢ·W, example i pays for every wrong class j whose score comes within the
 * margin Δ of the correct one:
 *
 *     Lᵢ = Σ_{j≠yᵢ} max(0, s_j − s_{yᵢ} + Δ),      L = (1/N) Σᵢ Lᵢ + reg · R(W)
 *
 * Gradient: each violated margin (s_j − s_{yᵢ} + Δ > 0) adds xᵢ to column j of dW and −xᵢ to
 * column yᵢ. At a kink (margin exactly 0) we use the subgradient 0. (CS231n's starter code calls
 * this the "structured SVM" loss; in this library `structuredSvmLoss` is the max-only variant of
 * the linear-classify demo, see `variants.ts`.)
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { Matrix } from "../matrix.ts";
 * import { svmLossVectorized } from "./linear_svm.ts";
 * // All scores 0 (W = 0): each of the C − 1 wrong classes costs Δ = 1.
 * const W = Matrix.zeros(4, 10), X = Matrix.ones(3, 4);
 * assert.equal(svmLossVectorized(W, X, Int32Array.of(0, 5, 9)).loss, 9);
 * ```
 * @module
 */
import { matmul, matmulTA, Matrix } from "../matrix.ts";
import { checkLinearLoss } from "./checks.ts";
import { addReg, type LossResult, type RegOptions } from "./regularization.ts";
import { svmLoss } from "./scores.ts";

/**
 * Options of the SVM losses: the margin Δ plus the regularization kind.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import type { SvmLossOptions } from "./linear_svm.ts";
 * const opts: SvmLossOptions = { delta: 1, regType: "L1" };
 * assert.equal(opts.delta, 1);
 * ```
 */
export interface SvmLossOptions extends RegOptions {
  /** The margin Δ (default 1). Its size only rescales W, which reg then pins down. */
  delta?: number;
}

/**
 * Multiclass SVM loss, naive version: loops over the examples and the classes, exactly the lecture
 * formula. W is D×C, X is N×D, y holds N labels in 0 … C−1; returns `{ loss, dW }`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { Matrix } from "../matrix.ts";
 * import { svmLossNaive } from "./linear_svm.ts";
 * const W = Matrix.fromArray([[1, 0], [0, 1]]); // scores = X
 * const X = Matrix.fromArray([[2, 1.5]]); // correct class 0 wins by 0.5 < Δ
 * const { loss, dW } = svmLossNaive(W, X, Int32Array.of(0), 0);
 * assert.equal(loss, 0.5); // max(0, 1.5 − 2 + 1)
 * assert.deepEqual(dW.toArray(), [[-2, 2], [-1.5, 1.5]]);
 * ```
 */
export function svmLossNaive(
  W: Matrix,
  X: Matrix,
  y: ArrayLike<number>,
  reg = 0,
  { delta = 1, ...regOptions }: SvmLossOptions = {},
): LossResult {
  checkLinearLoss("svmLossNaive", W, X, y, reg, delta);
  // BEGIN SOLUTION
  const [N, D] = X.shape;
  const C = W.cols;
  const dW = Matrix.zeros(D, C);
  let loss = 0;
  for (let i = 0; i < N; i++) {
    const xi = X.row(i);
    const scores = matmul(new Matrix(1, D, xi), W).data; // s = xᵢ·W
    const correct = scores[y[i]];
    for (let j = 0; j < C; j++) {
      if (j === y[i]) continue;
      const margin = scores[j] - correct + delta;
      if (margin > 0) {
        loss += margin;
        for (let d = 0; d < D; d++) {
          dW.data[d * C + j] += xi[d];
          dW.data[d * C + y[i]] -= xi[d];
        }
      }
    }
  }
  loss /= N;
  dW.scaleInPlace(1 / N);
  return addReg({ loss, dW }, W, reg, regOptions); // + reg · R(W)
  // END SOLUTION
}

/**
 * Multiclass SVM loss, vectorized: the same numbers as `svmLossNaive`, computed with whole-matrix
 * operations: scores = X·W, the loss and dScores = ∂L/∂scores from `svmLoss`, then
 * dW = Xᵀ·dScores (the chain rule through the product) plus the regularization.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { Matrix } from "../matrix.ts";
 * import { svmLossNaive, svmLossVectorized } from "./linear_svm.ts";
 * const W = Matrix.randn(5, 3, 1), X = Matrix.randn(4, 5, 2), y = Int32Array.of(0, 1, 2, 1);
 * const a = svmLossNaive(W, X, y, 0.1), b = svmLossVectorized(W, X, y, 0.1);
 * assert(Math.abs(a.loss - b.loss) < 1e-12 && a.dW.maxAbsDiff(b.dW) < 1e-12);
 * ```
 */
export function svmLossVectorized(
  W: Matrix,
  X: Matrix,
  y: ArrayLike<number>,
  reg = 0,
  { delta = 1, ...regOptions }: SvmLossOptions = {},
): LossResult {
  checkLinearLoss("svmLossVectorized", W, X, y, reg, delta);
  // BEGIN SOLUTION
  const scores = matmul(X, W); // N×C
  const { loss, dx: dScores } = svmLoss(scores, y, { delta });
  const dW = matmulTA(X, dScores); // Xᵀ·dScores
  return addReg({ loss, dW }, W, reg, regOptions); // + reg · R(W)
  // END SOLUTION
}

/**
 * The softmax (cross-entropy) loss, as in CS231n's `softmax.py`. Scores s = xᵢ·W are read as
 * unnormalized log-probabilities; the softmax turns them into probabilities and example i pays the
 * negative (natural) log of the probability it gives its correct class:
 *
 *     p_j = e^{s_j} / Σ_k e^{s_k},      Lᵢ = −log p_{yᵢ},      L = (1/N) Σᵢ Lᵢ + reg · R(W)
 *
 * Gradient: ∂Lᵢ/∂s_j = p_j − 1[j = yᵢ], so dW = Xᵀ·(P − Y)/N. For numerical stability the row
 * maximum is subtracted from the scores first (softmax is unchanged by a shift; e^{s} cannot
 * overflow).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { Matrix } from "../matrix.ts";
 * import { softmaxLossVectorized } from "./softmax.ts";
 * // All scores equal: p = 1/C for every class, so the loss is ln C.
 * const W = Matrix.zeros(4, 10), X = Matrix.ones(3, 4);
 * const { loss } = softmaxLossVectorized(W, X, Int32Array.of(0, 5, 9));
 * assert(Math.abs(loss - Math.log(10)) < 1e-12);
 * ```
 * @module
 */
import { matmul, matmulTA, Matrix } from "../matrix.ts";
import { checkLinearLoss } from "./checks.ts";
import { addReg, type LossResult, type RegOptions } from "./regularization.ts";
import { softmaxLoss } from "./scores.ts";

/**
 * Softmax loss, naive version: loops over the examples and the classes, exactly the lecture
 * formula. W is D×C, X is N×D, y holds N labels in 0 … C−1; returns `{ loss, dW }`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { Matrix } from "../matrix.ts";
 * import { softmaxLossNaive } from "./softmax.ts";
 * const W = Matrix.fromArray([[1, 0], [0, 1]]); // scores = X
 * const X = Matrix.fromArray([[Math.log(3), 0]]); // p = [3/4, 1/4]
 * const { loss, dW } = softmaxLossNaive(W, X, Int32Array.of(0), 0);
 * assert(Math.abs(loss - Math.log(4 / 3)) < 1e-12);
 * assert(dW.allClose(Matrix.fromArray([[-0.25 * Math.log(3), 0.25 * Math.log(3)], [0, 0]])));
 * ```
 */
export function softmaxLossNaive(
  W: Matrix,
  X: Matrix,
  y: ArrayLike<number>,
  reg = 0,
  regOptions: RegOptions = {},
): LossResult {
  checkLinearLoss("softmaxLossNaive", W, X, y, reg);
  // BEGIN SOLUTION
  const [N, D] = X.shape;
  const C = W.cols;
  const dW = Matrix.zeros(D, C);
  let loss = 0;
  for (let i = 0; i < N; i++) {
    const xi = X.row(i);
    const scores = matmul(new Matrix(1, D, xi), W).data; // s = xᵢ·W
    const maxScore = Math.max(...scores); // shift for numerical stability
    let sumExp = 0;
    for (let j = 0; j < C; j++) sumExp += Math.exp(scores[j] - maxScore);
    for (let j = 0; j < C; j++) {
      const p = Math.exp(scores[j] - maxScore) / sumExp;
      if (j === y[i]) loss += -Math.log(p);
      const dScore = p - (j === y[i] ? 1 : 0);
      for (let d = 0; d < D; d++) dW.data[d * C + j] += dScore * xi[d];
    }
  }
  loss /= N;
  dW.scaleInPlace(1 / N);
  return addReg({ loss, dW }, W, reg, regOptions); // + reg · R(W)
  // END SOLUTION
}

/**
 * Softmax loss, vectorized: the same numbers as `softmaxLossNaive`, computed with whole-matrix
 * operations: scores = X·W, the loss and dScores = ∂L/∂scores from `softmaxLoss`, then
 * dW = Xᵀ·dScores (the chain rule through the product) plus the regularization.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { Matrix } from "../matrix.ts";
 * import { softmaxLossNaive, softmaxLossVectorized } from "./softmax.ts";
 * const W = Matrix.randn(5, 3, 1), X = Matrix.randn(4, 5, 2), y = Int32Array.of(0, 1, 2, 1);
 * const a = softmaxLossNaive(W, X, y, 0.1), b = softmaxLossVectorized(W, X, y, 0.1);
 * assert(Math.abs(a.loss - b.loss) < 1e-12 && a.dW.maxAbsDiff(b.dW) < 1e-12);
 * ```
 */
export function softmaxLossVectorized(
  W: Matrix,
  X: Matrix,
  y: ArrayLike<number>,
  reg = 0,
  regOptions: RegOptions = {},
): LossResult {
  checkLinearLoss("softmaxLossVectorized", W, X, y, reg);
  // BEGIN SOLUTION
  const scores = matmul(X, W); // N×C
  const { loss, dx: dScores } = softmaxLoss(scores, y);
  const dW = matmulTA(X, dScores); // Xᵀ·dScores
  return addReg({ loss, dW }, W, reg, regOptions); // + reg · R(W)
  // END SOLUTION
}

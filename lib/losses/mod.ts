/**
 * The loss functions of the linear classifiers: the multiclass SVM (hinge) and softmax
 * (cross-entropy) losses in naive and vectorized form, their one-vs-all and structured SVM
 * variants, and L2 / L1 / elastic-net regularization. Every loss takes
 * `(W: D×C, X: N×D, y: N labels, reg, options)` and returns `{ loss, dW }`; the scores-level
 * `softmaxLoss` and `svmLoss` (N×C scores → `{ loss, dx, losses }`) serve them and the net.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { Matrix } from "../matrix.ts";
 * import { softmaxLossVectorized, svmLossVectorized } from "./mod.ts";
 * const W = Matrix.randn(5, 3, 0).mul(1e-4), X = Matrix.randn(8, 5, 1);
 * const y = Int32Array.of(0, 1, 2, 0, 1, 2, 0, 1);
 * assert(Math.abs(svmLossVectorized(W, X, y, 0).loss - 2) < 1e-2); // ≈ C − 1
 * assert(Math.abs(softmaxLossVectorized(W, X, y, 0).loss - Math.log(3)) < 1e-2); // ≈ ln C
 * ```
 * @module
 */
export * from "./checks.ts";
export * from "./regularization.ts";
export * from "./scores.ts";
export * from "./linear_svm.ts";
export * from "./softmax.ts";
export * from "./variants.ts";

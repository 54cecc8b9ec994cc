/**
 * The two other hinge-loss formulations of the CS231n linear-classification web demo
 * (http://vision.stanford.edu/teaching/cs231n-demos/linear-classify/), next to the Weston–Watkins
 * loss of `linear_svm.ts`. With scores s = xᵢ·W and margin Δ (default 1):
 *
 * - **One-vs-all (OVA)**: every class is its own binary SVM with target t_j = +1 for the correct
 *   class and −1 for every other class, and all C of them are summed (the correct class included):
 *
 *       Lᵢ = Σ_j max(0, Δ − t_j s_j)
 *
 *   so the correct score is pushed above +Δ and every wrong score below −Δ, each on its own.
 *   (The demo computes exactly this, with Δ = 1: `max(0, -y*s_j + 1)` with y = ±1.)
 *
 * - **Structured SVM**: only the highest-scoring wrong class counts:
 *
 *       Lᵢ = max(0, max_{j≠yᵢ} s_j − s_{yᵢ} + Δ)
 *
 * Both average over the N examples and add `reg · R(W)` like the other losses; both are piecewise
 * linear, with subgradient 0 at a kink and, for the structured SVM, ties for the highest wrong
 * score going to the first such class.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { Matrix } from "../matrix.ts";
 * import { oneVsAllLossFromScores, structuredSvmLossFromScores } from "./variants.ts";
 * const scores = Matrix.fromArray([[3.2, 5.1, -1.7]]), y = [0]; // the cat image, class cat
 * assert.equal(structuredSvmLossFromScores(scores, y).loss.toFixed(1), "2.9"); // 5.1 − 3.2 + 1
 * assert.equal(oneVsAllLossFromScores(scores, y).loss.toFixed(1), "6.1"); // 0 + 6.1 + 0
 * ```
 * @module
 */
import { matmul, matmulTA, Matrix } from "../matrix.ts";
import { checkDelta, checkLinearLoss, checkScores } from "./checks.ts";
import { addReg, type LossResult } from "./regularization.ts";
import type { SvmLossOptions } from "./linear_svm.ts";

/**
 * One-vs-all hinge loss and its gradient: Lᵢ = Σ_j max(0, Δ − t_j s_j), t = +1 for the correct
 * class and −1 otherwise. W is D×C, X is N×D, y holds N labels in 0 … C−1.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { Matrix } from "../matrix.ts";
 * import { oneVsAllLoss } from "./variants.ts";
 * // W = 0: all scores 0, so each of the C binary SVMs pays Δ = 1.
 * const { loss, dW } = oneVsAllLoss(Matrix.zeros(2, 3), Matrix.ones(1, 2), Int32Array.of(1));
 * assert.equal(loss, 3);
 * assert.deepEqual(dW.toArray(), [[1, -1, 1], [1, -1, 1]]); // −t_j · x
 * ```
 */
export function oneVsAllLoss(
  W: Matrix,
  X: Matrix,
  y: ArrayLike<number>,
  reg = 0,
  options: SvmLossOptions = {},
): LossResult {
  return linearLoss("oneVsAllLoss", oneVsAll, W, X, y, reg, options);
}

/**
 * Structured SVM loss and its gradient: Lᵢ = max(0, max_{j≠yᵢ} s_j − s_{yᵢ} + Δ), only the
 * highest-scoring wrong class counts. W is D×C, X is N×D, y holds N labels in 0 … C−1.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { Matrix } from "../matrix.ts";
 * import { structuredSvmLoss } from "./variants.ts";
 * const W = Matrix.eye(3); // scores = X
 * const { loss, dW } = structuredSvmLoss(W, Matrix.fromArray([[1, 0.5, 0.8]]), Int32Array.of(0));
 * assert(Math.abs(loss - 0.8) < 1e-12); // 0.8 − 1 + 1: class 2 is the worst offender
 * assert.deepEqual(dW.toArray(), [[-1, 0, 1], [-0.5, 0, 0.5], [-0.8, 0, 0.8]]);
 * ```
 */
export function structuredSvmLoss(
  W: Matrix,
  X: Matrix,
  y: ArrayLike<number>,
  reg = 0,
  options: SvmLossOptions = {},
): LossResult {
  return linearLoss("structuredSvmLoss", structured, W, X, y, reg, options);
}

/**
 * The per-example one-vs-all hinge losses of a score matrix (N×C) and their mean, without
 * regularization.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { Matrix } from "../matrix.ts";
 * import { oneVsAllLossFromScores } from "./variants.ts";
 * const { losses } = oneVsAllLossFromScores(Matrix.fromArray([[2, -3], [0.5, 0]]), [0, 1]);
 * assert.deepEqual(Array.from(losses), [0, 2.5]); // 0 + 0, then max(0, 1 + 0.5) + max(0, 1 − 0)
 * ```
 */
export function oneVsAllLossFromScores(
  scores: Matrix,
  y: ArrayLike<number>,
  { delta = 1 }: { delta?: number } = {},
): { losses: Float64Array; loss: number } {
  return fromScores("oneVsAllLossFromScores", oneVsAll, scores, y, delta);
}

/**
 * The per-example structured SVM losses of a score matrix (N×C) and their mean, without
 * regularization.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { Matrix } from "../matrix.ts";
 * import { structuredSvmLossFromScores } from "./variants.ts";
 * // The lecture's frog image: wrong scores 2.2 and 2.5, correct −3.1; only 2.5 counts.
 * const { losses } = structuredSvmLossFromScores(Matrix.fromArray([[2.2, 2.5, -3.1]]), [2]);
 * assert.equal(losses[0].toFixed(1), "6.6");
 * ```
 */
export function structuredSvmLossFromScores(
  scores: Matrix,
  y: ArrayLike<number>,
  { delta = 1 }: { delta?: number } = {},
): { losses: Float64Array; loss: number } {
  return fromScores("structuredSvmLossFromScores", structured, scores, y, delta);
}

// ---- the two formulations, from scores to (losses, dScores) ----------------------------------

/** Per-example losses Lᵢ and ∂Lᵢ/∂s (N×C) of one formulation. */
type ScoreLoss = (
  scores: Matrix,
  y: ArrayLike<number>,
  delta: number,
) => { losses: Float64Array; dScores: Matrix };

/** OVA: Lᵢ = Σ_j max(0, Δ − t_j s_j), ∂Lᵢ/∂s_j = −t_j where the hinge is active. */
const oneVsAll: ScoreLoss = (scores, y, delta) => {
  const [N, C] = scores.shape;
  const losses = new Float64Array(N);
  const dScores = Matrix.zeros(N, C);
  for (let i = 0; i < N; i++) {
    for (let j = 0; j < C; j++) {
      const t = j === y[i] ? 1 : -1;
      const hinge = delta - t * scores.get(i, j);
      if (hinge > 0) {
        losses[i] += hinge;
        dScores.set(i, j, -t);
      }
    }
  }
  return { losses, dScores };
};

/** Structured: Lᵢ = max(0, s_{j*} − s_{yᵢ} + Δ), j* the top wrong class; ∂ = +1 at j*, −1 at yᵢ. */
const structured: ScoreLoss = (scores, y, delta) => {
  const [N, C] = scores.shape;
  const losses = new Float64Array(N);
  const dScores = Matrix.zeros(N, C);
  for (let i = 0; i < N; i++) {
    let worst = -1; // j* = argmax_{j≠yᵢ} s_j, the first one on ties
    for (let j = 0; j < C; j++) {
      if (j !== y[i] && (worst < 0 || scores.get(i, j) > scores.get(i, worst))) worst = j;
    }
    if (worst < 0) continue; // C = 1: no wrong class, no loss
    const margin = scores.get(i, worst) - scores.get(i, y[i]) + delta;
    if (margin > 0) {
      losses[i] = margin;
      dScores.set(i, worst, 1);
      dScores.set(i, y[i], -1);
    }
  }
  return { losses, dScores };
};

/** L = mean Lᵢ + reg·R(W) and dW = Xᵀ·dScores/N + ∂R/∂W for scores = X·W. */
function linearLoss(
  op: string,
  scoreLoss: ScoreLoss,
  W: Matrix,
  X: Matrix,
  y: ArrayLike<number>,
  reg: number,
  { delta = 1, ...regOptions }: SvmLossOptions,
): LossResult {
  checkLinearLoss(op, W, X, y, reg, delta);
  const N = X.rows;
  const { losses, dScores } = scoreLoss(matmul(X, W), y, delta);
  const dW = matmulTA(X, dScores).scaleInPlace(1 / N);
  return addReg({ loss: mean(losses), dW }, W, reg, regOptions);
}

function fromScores(
  op: string,
  scoreLoss: ScoreLoss,
  scores: Matrix,
  y: ArrayLike<number>,
  delta: number,
): { losses: Float64Array; loss: number } {
  checkScores(op, scores, y);
  checkDelta(op, delta);
  const { losses } = scoreLoss(scores, y, delta);
  return { losses, loss: mean(losses) };
}

function mean(a: Float64Array): number {
  return a.reduce((s, x) => s + x, 0) / a.length;
}

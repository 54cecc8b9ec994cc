/**
 * The regularization loss R(W) added to every data loss, L = (1/N) Σᵢ Lᵢ + R(W), and its gradient.
 * It prefers small, diffuse weights, so the classifier does not lean on a few input dimensions.
 *
 * | `regType`      | R(W)                                      | ∂R/∂W                              |
 * | -------------- | ----------------------------------------- | ---------------------------------- |
 * | `"L2"`         | reg · Σ W²                                | 2 · reg · W                        |
 * | `"L1"`         | reg · Σ \|W\|                             | reg · sign(W)                      |
 * | `"elasticNet"` | reg · (ρ Σ \|W\| + (1 − ρ) Σ W²), ρ = l1Ratio | reg · (ρ sign(W) + 2 (1 − ρ) W) |
 *
 * The L2 convention is CS231n's `reg * np.sum(W * W)` (no ½). |w| has no derivative at w = 0; we
 * use the subgradient sign(0) = 0, as numpy's `np.sign` does. The whole of W is regularized,
 * including the bias row added by the bias trick, as in the CS231n assignments.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { Matrix } from "../matrix.ts";
 * import { regLoss } from "./regularization.ts";
 * const W = Matrix.fromArray([[1, -2]]);
 * assert.equal(regLoss(W, 0.5).loss, 2.5); // 0.5 · (1 + 4)
 * assert.equal(regLoss(W, 0.5, { regType: "L1" }).loss, 1.5); // 0.5 · (1 + 2)
 * ```
 * @module
 */
import { assertFinite, Matrix, shapeOf } from "../matrix.ts";
import { checkReg } from "./checks.ts";

/**
 * The kind of weight penalty: squared (L2, "weight decay"), absolute (L1, sparse weights) or a mix
 * of both (elastic net).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import type { RegType } from "./regularization.ts";
 * const kinds: RegType[] = ["L2", "L1", "elasticNet"];
 * assert.equal(kinds.length, 3);
 * ```
 */
export type RegType = "L2" | "L1" | "elasticNet";

/** The names `regType` accepts. */
const REG_TYPES: readonly RegType[] = ["L2", "L1", "elasticNet"];

/**
 * How to regularize; every loss of `lib/losses` takes these as its last argument.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { Matrix } from "../matrix.ts";
 * import { type RegOptions, regLoss } from "./regularization.ts";
 * const opts: RegOptions = { regType: "elasticNet", l1Ratio: 0.25 };
 * assert.equal(regLoss(Matrix.fromArray([[2]]), 1, opts).loss, 0.25 * 2 + 0.75 * 4);
 * ```
 */
export interface RegOptions {
  /** `"L2"` (default), `"L1"` or `"elasticNet"`. */
  regType?: RegType;
  /** Elastic net only: the L1 share ρ ∈ [0, 1] (default 0.5); ρ = 1 is L1, ρ = 0 is L2. */
  l1Ratio?: number;
}

/**
 * What every loss returns: the scalar loss and its gradient with respect to W (same shape as W).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { Matrix } from "../matrix.ts";
 * import type { LossResult } from "./regularization.ts";
 * const r: LossResult = { loss: 0, dW: Matrix.zeros(2, 3) };
 * assert.deepEqual(r.dW.shape, [2, 3]);
 * ```
 */
export interface LossResult {
  /** The loss, a number. */
  loss: number;
  /** ∂loss/∂W, with the shape of W. */
  dW: Matrix;
}

/**
 * The regularization loss `reg · R(W)` and its (sub)gradient `dW`, for L2 (default), L1 or
 * elastic net (see the module table). `reg` must be a finite number ≥ 0 and W finite.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { Matrix } from "../matrix.ts";
 * import { regLoss } from "./regularization.ts";
 * const W = Matrix.fromArray([[3, 0, -1]]);
 * const l2 = regLoss(W, 0.1);
 * assert(Math.abs(l2.loss - 1) < 1e-12); // 0.1 · (9 + 0 + 1)
 * assert(l2.dW.allClose(Matrix.fromArray([[0.6, 0, -0.2]]))); // 2 · reg · W
 * const l1 = regLoss(W, 0.1, { regType: "L1" });
 * assert(l1.dW.allClose(Matrix.fromArray([[0.1, 0, -0.1]]))); // reg · sign(W), sign(0) = 0
 * ```
 */
export function regLoss(
  W: Matrix,
  reg: number,
  { regType = "L2", l1Ratio = 0.5 }: RegOptions = {},
): LossResult {
  if (!(W instanceof Matrix)) throw new TypeError(`regLoss: W must be a Matrix, got ${typeof W}`);
  checkReg("regLoss", reg);
  assertFinite("regLoss", "W", W);
  if (!REG_TYPES.includes(regType)) {
    throw new RangeError(
      `regLoss: unknown regType "${regType}", expected one of ${REG_TYPES.join(", ")}`,
    );
  }
  if (
    regType === "elasticNet" &&
    (typeof l1Ratio !== "number" || !(l1Ratio >= 0 && l1Ratio <= 1))
  ) {
    throw new RangeError(`regLoss: l1Ratio must be in [0, 1], got ${l1Ratio}`);
  }
  // Weights of the two penalties: R(W) = a · Σ|W| + b · ΣW².
  const a = regType === "L1" ? 1 : regType === "L2" ? 0 : l1Ratio;
  const b = 1 - a;
  const w = W.data;
  const dW = new Matrix(W.rows, W.cols);
  const g = dW.data;
  let sumAbs = 0, sumSq = 0;
  for (let i = 0; i < w.length; i++) {
    sumAbs += Math.abs(w[i]);
    sumSq += w[i] * w[i];
    g[i] = reg * (a * Math.sign(w[i]) + 2 * b * w[i]); // Math.sign(0) = 0: the subgradient
  }
  return { loss: reg * (a * sumAbs + b * sumSq), dW };
}

/**
 * Adds the regularization to a data loss: `{ loss + reg · R(W), dW + ∂(reg · R)/∂W }`, the last
 * step of every loss of `lib/losses` (L = (1/N) Σᵢ Lᵢ + reg · R(W)). `data.dW` must have the shape
 * of W; neither input is modified.
 *
 * @param data The data loss and its gradient with respect to W.
 * @param W The weights (D×C) the penalty is taken of.
 * @param reg The regularization strength, a finite number ≥ 0.
 * @param regOptions The kind of penalty (default L2).
 * @returns The total loss and gradient.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { Matrix } from "../matrix.ts";
 * import { addReg } from "./regularization.ts";
 * const W = Matrix.fromArray([[1, -2]]);
 * const { loss, dW } = addReg({ loss: 3, dW: Matrix.fromArray([[0.5, 0.5]]) }, W, 0.5);
 * assert.equal(loss, 3 + 2.5); // data loss + 0.5 · (1 + 4)
 * assert.deepEqual(dW.toArray(), [[1.5, -1.5]]); // data dW + 2 · 0.5 · W
 * ```
 */
export function addReg(
  data: LossResult,
  W: Matrix,
  reg: number,
  regOptions: RegOptions = {},
): LossResult {
  const r = regLoss(W, reg, regOptions);
  if (!(data?.dW instanceof Matrix) || data.dW.rows !== W.rows || data.dW.cols !== W.cols) {
    throw new RangeError(
      `addReg: dW ${data?.dW instanceof Matrix ? shapeOf(data.dW) : String(data?.dW)} ` +
        `should have the shape of W ${shapeOf(W)}`,
    );
  }
  return { loss: data.loss + r.loss, dW: data.dW.add(r.dW) };
}

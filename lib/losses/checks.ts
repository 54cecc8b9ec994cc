/**
 * Input checks shared by the loss functions, so that every loss rejects bad input with the same
 * clear message: which operation, which shapes, which label, which entry is NaN or ±∞. They run
 * before a loss computes anything, so the naive and vectorized versions of a loss (and a student's
 * own body of either) refuse the same input with the same message.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { Matrix } from "../matrix.ts";
 * import { checkLossInputs } from "./checks.ts";
 * const W = Matrix.zeros(3, 2), X = Matrix.zeros(4, 3);
 * assert.throws(() => checkLossInputs("demo", W, X, [0, 1, 2, 0]), /y\[2\] = 2 is not a class in 0..1/);
 * X.set(2, 1, NaN);
 * assert.throws(() => checkLossInputs("demo", W, X, [0, 1, 1, 0]), /demo: X\[2,1\] is NaN/);
 * ```
 * @module
 */
import { assertFinite, Matrix, shapeOf } from "../matrix.ts";
import { checkClasses } from "../data/labels.ts";

/**
 * Checks the arguments of a linear loss `f(W, X, y)`: W (D×C) and X (N×D) are matrices whose
 * inner sizes agree, the batch is not empty, y has N labels and each is a class index in 0 … C−1,
 * and every entry of X and W is finite (else a `NonFiniteError` naming the first one, X first).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { Matrix } from "../matrix.ts";
 * import { checkLossInputs } from "./checks.ts";
 * assert.throws(
 *   () => checkLossInputs("demo", Matrix.zeros(3, 2), Matrix.zeros(4, 5), [0, 1, 0, 1]),
 *   /X \(4×5\) has 5 features but W \(3×2\) has 3 rows/,
 * );
 * ```
 */
export function checkLossInputs(op: string, W: Matrix, X: Matrix, y: ArrayLike<number>): void {
  if (!(W instanceof Matrix)) throw new TypeError(`${op}: W must be a Matrix, got ${typeof W}`);
  if (!(X instanceof Matrix)) throw new TypeError(`${op}: X must be a Matrix, got ${typeof X}`);
  if (X.cols !== W.rows) {
    throw new RangeError(
      `${op}: X ${shapeOf(X)} has ${X.cols} features but W ${shapeOf(W)} has ${W.rows} rows`,
    );
  }
  checkScores(op, X, y, W.cols, "X");
  assertFinite(op, "W", W);
}

/**
 * Checks every argument of a linear loss `f(W, X, y, reg, { delta })` in one call, in this order:
 * `checkLossInputs` (W, X, y), `checkReg` (reg) and, when a margin is given, `checkDelta` (Δ).
 * The softmax losses pass no Δ; the hinge losses pass theirs.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { Matrix } from "../matrix.ts";
 * import { checkLinearLoss } from "./checks.ts";
 * const W = Matrix.zeros(3, 2), X = Matrix.zeros(4, 3), y = [0, 1, 1, 0];
 * checkLinearLoss("demo", W, X, y, 0.1); // fine, no margin to check
 * assert.throws(() => checkLinearLoss("demo", W, X, y, -1), /demo: reg must be a finite number ≥ 0/);
 * assert.throws(() => checkLinearLoss("demo", W, X, y, 0, -1), /demo: delta must be a finite/);
 * ```
 */
export function checkLinearLoss(
  op: string,
  W: Matrix,
  X: Matrix,
  y: ArrayLike<number>,
  reg: unknown,
  delta?: number,
): void {
  checkLossInputs(op, W, X, y);
  checkReg(op, reg);
  if (delta !== undefined) checkDelta(op, delta);
}

/**
 * Checks a score matrix (N×C) against its labels: at least one row, N labels, each in 0 … C−1,
 * and no entry NaN or ±∞. `numClasses` defaults to the number of score columns; `name` is how
 * messages call the matrix.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { Matrix } from "../matrix.ts";
 * import { checkScores } from "./checks.ts";
 * assert.throws(() => checkScores("demo", Matrix.zeros(0, 3), []), /empty batch/);
 * const scores = Matrix.zeros(2, 3).set(1, 2, Infinity);
 * assert.throws(() => checkScores("demo", scores, [0, 1]), /demo: scores\[1,2\] is Infinity/);
 * ```
 */
export function checkScores(
  op: string,
  scores: Matrix,
  y: ArrayLike<number>,
  numClasses: number = scores.cols,
  name = "scores",
): void {
  if (!(scores instanceof Matrix)) {
    throw new TypeError(`${op}: ${name} must be a Matrix, got ${typeof scores}`);
  }
  if (y === null || typeof y !== "object" || typeof y.length !== "number") {
    throw new TypeError(`${op}: y must be an array of labels (Int32Array), got ${y}`);
  }
  if (scores.rows === 0) {
    throw new RangeError(`${op}: empty batch: ${name} ${shapeOf(scores)} has no examples`);
  }
  if (y.length !== scores.rows) {
    throw new RangeError(
      `${op}: ${name} ${shapeOf(scores)} has ${scores.rows} rows but y has ${y.length} labels`,
    );
  }
  checkClasses(op, y, numClasses);
  assertFinite(op, name, scores);
}

/**
 * Checks the SVM margin Δ: a finite number ≥ 0.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { checkDelta } from "./checks.ts";
 * checkDelta("demo", 1); // fine
 * assert.throws(() => checkDelta("demo", -1), /delta must be a finite number ≥ 0, got -1/);
 * ```
 */
export function checkDelta(op: string, delta: number): void {
  if (typeof delta !== "number" || !Number.isFinite(delta) || delta < 0) {
    throw new RangeError(`${op}: delta must be a finite number ≥ 0, got ${delta}`);
  }
}

/**
 * Checks the regularization strength: a finite number ≥ 0 (a string such as `"0.1"` is a
 * `TypeError`).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { checkReg } from "./checks.ts";
 * checkReg("demo", 0.5); // fine
 * assert.throws(() => checkReg("demo", -1), /demo: reg must be a finite number ≥ 0, got -1/);
 * assert.throws(() => checkReg("demo", "0.1"), /demo: reg must be a number, got the string "0.1"/);
 * ```
 */
export function checkReg(op: string, reg: unknown): void {
  if (typeof reg !== "number") {
    const got = typeof reg === "string" ? `the string ${JSON.stringify(reg)}` : String(reg);
    throw new TypeError(`${op}: reg must be a number, got ${got}`);
  }
  if (!Number.isFinite(reg) || reg < 0) {
    throw new RangeError(`${op}: reg must be a finite number ≥ 0, got ${reg}`);
  }
}

import assert from "node:assert/strict";
import { Matrix } from "../lib/matrix.ts";
import { Rng } from "../lib/random.ts";
import { gradCheckSparse } from "../lib/gradients.ts";
import { svmLossVectorized } from "../lib/losses/linear_svm.ts";
import { svmLoss } from "../lib/losses/scores.ts";
import {
  oneVsAllLoss,
  oneVsAllLossFromScores,
  structuredSvmLoss,
  structuredSvmLossFromScores,
} from "../lib/losses/variants.ts";
import { randomProblem, REG_CASES } from "./fixtures/losses.ts";

// The lecture's scores, one example (cat, car, frog image) per row after the transpose.
const SCORES = Matrix.fromArray([
  [3.2, 1.3, 2.2],
  [5.1, 4.9, 2.5],
  [-1.7, 2.0, -3.1],
]).T;
const Y = Int32Array.of(0, 1, 2);

const rounded = (a: Float64Array) => Array.from(a, (v) => +v.toFixed(12));

Deno.test("oneVsAllLossFromScores: every class is a binary SVM with target ±1", () => {
  const { losses, loss } = oneVsAllLossFromScores(SCORES, Y);
  // cat [3.2, 5.1, −1.7]: 0 + (1 + 5.1) + 0
  // car [1.3, 4.9, 2.0]: (1 + 1.3) + 0 + (1 + 2.0)
  // frog [2.2, 2.5, −3.1]: (1 + 2.2) + (1 + 2.5) + (1 + 3.1)
  assert.deepEqual(rounded(losses), [6.1, 5.3, 10.8]);
  assert(Math.abs(loss - (6.1 + 5.3 + 10.8) / 3) < 1e-12);
  const two = oneVsAllLossFromScores(SCORES, Y, { delta: 2 }).losses;
  assert.deepEqual(rounded(two), [7.4, 7.3, 13.8]); // cat: 0 + 7.1 + 0.3
});

Deno.test("structuredSvmLossFromScores: only the highest-scoring wrong class counts", () => {
  const { losses, loss } = structuredSvmLossFromScores(SCORES, Y);
  // cat: car 5.1 is the top wrong score; car: frog 2.0 < 4.9 − 1; frog: car 2.5
  assert.deepEqual(rounded(losses), [2.9, 0, 6.6]);
  assert(Math.abs(loss - 9.5 / 3) < 1e-12);
});

Deno.test("variants vs Weston–Watkins: structured ≤ WW ≤ (C − 1) · structured; equal for C = 2", () => {
  const rng = new Rng(4);
  const scores = Matrix.randn(40, 6, rng);
  const y = Int32Array.from({ length: 40 }, () => rng.int(0, 6));
  const ww = svmLoss(scores, y).losses;
  const st = structuredSvmLossFromScores(scores, y).losses;
  for (let i = 0; i < 40; i++) {
    assert(st[i] <= ww[i] + 1e-12 && ww[i] <= 5 * st[i] + 1e-12, `example ${i}`);
  }
  assert(st.some((v, i) => v < ww[i] - 1e-3), "the two differ somewhere");
  const s2 = Matrix.randn(10, 2, 5), y2 = Int32Array.from([0, 1, 1, 0, 1, 0, 0, 1, 1, 0]);
  assert.deepEqual(structuredSvmLossFromScores(s2, y2).losses, svmLoss(s2, y2).losses);
});

Deno.test("variants at W = 0: OVA pays Δ for each of the C classes, structured pays Δ once", () => {
  const X = Matrix.randn(5, 3, 1), y = Int32Array.of(0, 1, 2, 3, 0);
  assert.equal(oneVsAllLoss(Matrix.zeros(3, 4), X, y).loss, 4);
  assert.equal(structuredSvmLoss(Matrix.zeros(3, 4), X, y).loss, 1);
  assert.equal(structuredSvmLoss(Matrix.zeros(3, 4), X, y, 0, { delta: 3 }).loss, 3);
});

Deno.test("structuredSvmLoss: a tie for the top wrong score goes to the first class", () => {
  const W = Matrix.eye(3); // scores = X
  const { loss, dW } = structuredSvmLoss(W, Matrix.fromArray([[0, 1, 1]]), Int32Array.of(0));
  assert.equal(loss, 2); // 1 − 0 + 1
  // dScores = [−1, +1, 0] (class 1, not class 2), dW = xᵀ · dScores
  assert.deepEqual(dW.toArray(), [[0, 0, 0], [-1, 1, 0], [-1, 1, 0]]);
});

Deno.test("oneVsAllLoss and structuredSvmLoss pass the gradient check away from kinks", () => {
  // Larger weights (scores of spread ≈ 2) so that some structured margins are satisfied. Both
  // losses are piecewise linear (plus the quadratic L2 term), where the centered difference is
  // exact, so a step h = 1e-4 only cuts round-off, provided that no step crosses a kink.
  const { W, X, y } = randomProblem(6, 50, 30, 10, 0.4);
  const h = 1e-4;
  const s = X.matmul(W);
  // Kinks: OVA at Δ − t_j s_j = 0; structured at its margin = 0 and where the top two wrong
  // scores tie. Every one of them must be farther than a step h can move a score.
  let ova = Infinity, st = Infinity, gap = Infinity, ovaActive = 0, stActive = 0;
  for (let i = 0; i < s.rows; i++) {
    const wrong: number[] = [];
    for (let j = 0; j < s.cols; j++) {
      const t = j === y[i] ? 1 : -1;
      ova = Math.min(ova, Math.abs(1 - t * s.get(i, j)));
      ovaActive += 1 - t * s.get(i, j) > 0 ? 1 : 0;
      if (j !== y[i]) wrong.push(s.get(i, j));
    }
    wrong.sort((a, b) => b - a);
    const m = wrong[0] - s.get(i, y[i]) + 1;
    st = Math.min(st, Math.abs(m));
    stActive += m > 0 ? 1 : 0;
    gap = Math.min(gap, wrong[0] - wrong[1]);
  }
  // One weight moving by h moves a score by at most h · max|x| (a gap or margin by twice that).
  const reach = 2 * h * Math.max(...X.data.map(Math.abs));
  assert(Math.min(ova, st, gap) > reach, `closest kinks: ${ova}, ${st}, ${gap} (reach ${reach})`);
  assert(ovaActive > 0 && ovaActive < 500, `${ovaActive} of 500 OVA hinges active`);
  assert(stActive > 0 && stActive < 50, `${stActive} of 50 structured hinges active`);
  assert(Math.min(...W.data.map(Math.abs)) > h, "no weight within h of the L1 kink");
  for (const [reg, opts] of REG_CASES) {
    for (const lossFn of [oneVsAllLoss, structuredSvmLoss]) {
      const { dW } = lossFn(W, X, y, reg, opts);
      const recs = gradCheckSparse((m) => lossFn(m, X, y, reg, opts).loss, W, dW, {
        numChecks: 20,
        h,
        seed: 6,
      });
      const worst = Math.max(...recs.map((r) => r.relError));
      assert(worst < 1e-7, `${lossFn.name} reg=${reg} ${opts.regType ?? "L2"}: rel error ${worst}`);
    }
  }
});

Deno.test("variants add the same regularization as the other losses", () => {
  const { W, X, y } = randomProblem(0, 10, 4, 3);
  for (const f of [oneVsAllLoss, structuredSvmLoss]) {
    const a = f(W, X, y, 0).loss, b = f(W, X, y, 0.5, { regType: "L1" }).loss;
    assert(Math.abs(b - a - 0.5 * W.abs().sum()) < 1e-12);
  }
  // and structured ≤ Weston–Watkins holds for the full loss too
  assert(structuredSvmLoss(W, X, y, 0.1).loss <= svmLossVectorized(W, X, y, 0.1).loss);
});

Deno.test("variants reject bad input with errors naming the problem", () => {
  const W = Matrix.zeros(3, 4), X = Matrix.zeros(2, 3);
  for (const f of [oneVsAllLoss, structuredSvmLoss]) {
    const name = f.name;
    assert.throws(
      () => f(W, X, Int32Array.of(0), 0),
      new RegExp(`${name}: X \\(2×3\\) has 2 rows`),
    );
    assert.throws(
      () => f(W, X, Int32Array.of(0, 4)),
      new RegExp(`${name}: y\\[1\\] = 4 is not a class in 0\\.\\.3$`),
    );
    assert.throws(() => f(W, X, [-1, 0]), /y\[0\] = -1 is not a class/);
    assert.throws(() => f(W, X, [0, 0.25]), /y\[1\] = 0.25 is not a class/);
    assert.throws(
      () => f(W, Matrix.zeros(2, 4), [0, 1]),
      /X \(2×4\) has 4 features but W \(3×4\) has 3 rows/,
    );
    assert.throws(() => f(W, Matrix.zeros(0, 3), []), /empty batch/);
    assert.throws(() => f(W, X, [0, 1], 0, { delta: -0.5 }), /delta must be a finite number ≥ 0/);
    assert.throws(() => f(W, X, [0, 1], -3), /reg must be a finite number ≥ 0, got -3/);
  }
  for (const f of [oneVsAllLossFromScores, structuredSvmLossFromScores]) {
    assert.throws(
      () => f(Matrix.zeros(1, 3), [3]),
      new RegExp(`${f.name}: y\\[0\\] = 3 is not a class`),
    );
    assert.throws(() => f(Matrix.zeros(2, 3), [0]), /has 2 rows but y has 1 labels/);
  }
});

import assert from "node:assert/strict";
import { Matrix } from "../lib/matrix.ts";
import { gradCheckSparse } from "../lib/gradients.ts";
import { loadMnist } from "../lib/data/mnist.ts";
import { trainValTestSplit } from "../lib/data/split.ts";
import { svmLossNaive, svmLossVectorized } from "../lib/losses/linear_svm.ts";
import { correctClassScores, svmLoss } from "../lib/losses/scores.ts";
import { randomProblem, REG_CASES, TABLE } from "./fixtures/losses.ts";

/** The hinge margins s_j − s_{yᵢ} + Δ for j ≠ yᵢ: where they sit relative to the kink at 0. */
function marginStats(W: Matrix, X: Matrix, y: Int32Array, delta = 1) {
  const s = X.matmul(W);
  let closest = Infinity, active = 0, total = 0;
  for (let i = 0; i < s.rows; i++) {
    for (let j = 0; j < s.cols; j++) {
      if (j === y[i]) continue;
      const m = s.get(i, j) - s.get(i, y[i]) + delta;
      closest = Math.min(closest, Math.abs(m));
      active += m > 0 ? 1 : 0;
      total++;
    }
  }
  return { closest, active, total };
}

Deno.test("svmLoss: the cat/car/frog slide gives 2.9, 0, 12.9 and mean 5.27", () => {
  const scores = Matrix.fromArray(TABLE).T; // one example per row, as everywhere in the library
  const { losses, loss } = svmLoss(scores, Int32Array.of(0, 1, 2));
  assert(losses instanceof Float64Array);
  assert.equal(losses.length, 3);
  assert(Math.abs(losses[0] - 2.9) < 1e-12); // max(0, 5.1 − 3.2 + 1) + max(0, −1.7 − 3.2 + 1)
  assert.equal(losses[1], 0); // car wins by more than 1 everywhere
  assert(Math.abs(losses[2] - 12.9) < 1e-12); // (2.2 + 3.1 + 1) + (2.5 + 3.1 + 1)
  assert(Math.abs(loss - 15.8 / 3) < 1e-12);
  assert.equal(loss.toFixed(2), "5.27");
});

Deno.test("svmLoss: delta sets the margin", () => {
  const scores = Matrix.fromArray(TABLE).T;
  const y = Int32Array.of(0, 1, 2);
  const two = svmLoss(scores, y, { delta: 2 }).losses;
  // cat: 5.1 − 3.2 + 2; car: max(0, 1.3 − 4.9 + 2) + max(0, 2.0 − 4.9 + 2) = 0; frog: 6.3 + 6.6 + 2
  assert.deepEqual(Array.from(two, (v) => +v.toFixed(12)), [3.9, 0, 14.9]);
  const zero = svmLoss(scores, y, { delta: 0 }).losses;
  assert.deepEqual(Array.from(zero, (v) => +v.toFixed(12)), [1.9, 0, 10.9]);
});

Deno.test("svm losses: W = 0 gives exactly (C − 1) · Δ and the sanity value on MNIST is ≈ 9", async () => {
  const X = Matrix.randn(7, 4, 1), y = Int32Array.of(0, 1, 2, 3, 4, 0, 1);
  assert.equal(svmLossVectorized(Matrix.zeros(4, 5), X, y, 0).loss, 4);
  assert.equal(svmLossNaive(Matrix.zeros(4, 5), X, y, 0, { delta: 2.5 }).loss, 10);
  const { X: Xm, y: ym } = await loadMnist();
  const { XDev, yDev } = trainValTestSplit(Xm, ym, { numTrain: 8000, numDev: 500, seed: 0 });
  const W = Matrix.randn(784, 10, 0).mul(1e-4);
  const naive = svmLossNaive(W, XDev, yDev, 0).loss;
  const vec = svmLossVectorized(W, XDev, yDev, 0).loss;
  assert(Math.abs(vec - 9) < 0.1, `SVM loss at init ${vec}, expected ≈ 9`);
  assert(Math.abs(naive - vec) < 1e-10);
});

Deno.test("svmLossNaive and svmLossVectorized agree to 1e-10 for every regularization", () => {
  const { W, X, y } = randomProblem(0);
  for (const [reg, opts] of REG_CASES) {
    for (const delta of [1, 0.5]) {
      const a = svmLossNaive(W, X, y, reg, { ...opts, delta });
      const b = svmLossVectorized(W, X, y, reg, { ...opts, delta });
      assert(Math.abs(a.loss - b.loss) < 1e-10, `${opts.regType ?? "L2"} Δ=${delta}: loss`);
      assert(a.dW.maxAbsDiff(b.dW) < 1e-10, `${opts.regType ?? "L2"} Δ=${delta}: dW`);
      assert.deepEqual(b.dW.shape, [30, 10]);
    }
  }
  // Regularization really is added: reg · ΣW² on top of the data loss.
  const plain = svmLossVectorized(W, X, y, 0).loss;
  const reg = svmLossVectorized(W, X, y, 0.1).loss;
  assert(Math.abs(reg - plain - 0.1 * W.pow(2).sum()) < 1e-12);
});

Deno.test("svm gradients pass the gradient check away from kinks (rel error < 1e-7)", () => {
  const { W, X, y } = randomProblem(0);
  // Away from its kinks the loss is piecewise linear plus a quadratic, where the centered
  // difference is exact, so a step h = 1e-4 only cuts round-off, provided that no step crosses a
  // kink: one weight moving by h moves a margin by at most h · max|x|, and a weight by h.
  const h = 1e-4;
  const { closest, active, total } = marginStats(W, X, y);
  const reach = h * Math.max(...X.data.map(Math.abs));
  assert(closest > reach, `a margin is within ${closest} of its kink (step reaches ${reach})`);
  assert(Math.min(...W.data.map(Math.abs)) > h, "no weight within h of the L1 kink");
  assert(active > 0 && active < total, `${active} of ${total} margins active: both branches`);
  for (const [reg, opts] of REG_CASES) {
    for (const lossFn of [svmLossNaive, svmLossVectorized]) {
      const { dW } = lossFn(W, X, y, reg, opts);
      const recs = gradCheckSparse((m) => lossFn(m, X, y, reg, opts).loss, W, dW, {
        numChecks: 20,
        h,
        seed: 5,
      });
      const worst = Math.max(...recs.map((r) => r.relError));
      assert(worst < 1e-7, `${lossFn.name} reg=${reg} ${opts.regType ?? "L2"}: rel error ${worst}`);
    }
  }
});

Deno.test("svmLossVectorized: the gradient is 0 where every margin is satisfied", () => {
  // Class 0 wins by 5 on both examples: no violated margin, no data gradient.
  const W = Matrix.eye(3), X = Matrix.fromArray([[5, 0, 0], [6, 1, -1]]);
  const { loss, dW } = svmLossVectorized(W, X, Int32Array.of(0, 0), 0);
  assert.equal(loss, 0);
  assert.equal(dW.norm(), 0);
});

Deno.test("correctClassScores picks scores[i, y[i]] as a column", () => {
  const s = Matrix.fromArray(TABLE).T;
  assert.deepEqual(correctClassScores(s, [0, 1, 2]).toArray(), [[3.2], [4.9], [-3.1]]);
});

Deno.test("svm losses reject bad input with errors naming the problem", () => {
  const W = Matrix.zeros(3, 4), X = Matrix.zeros(2, 3);
  for (const f of [svmLossNaive, svmLossVectorized]) {
    const name = f.name;
    assert.throws(
      () => f(W, X, Int32Array.of(0, 1, 2), 0),
      new RegExp(`${name}: X \\(2×3\\) has 2 rows but y has 3 labels`),
    );
    assert.throws(
      () => f(W, X, Int32Array.of(0, 4), 0),
      new RegExp(`${name}: y\\[1\\] = 4 is not a class in 0\\.\\.3$`),
    );
    assert.throws(() => f(W, X, Int32Array.of(-1, 0), 0), /y\[0\] = -1 is not a class/);
    assert.throws(() => f(W, X, [0, 1.5], 0), /y\[1\] = 1.5 is not a class/);
    assert.throws(
      () => f(W, Matrix.zeros(2, 5), Int32Array.of(0, 1), 0),
      /X \(2×5\) has 5 features but W \(3×4\) has 3 rows/,
    );
    assert.throws(() => f(W, Matrix.zeros(0, 3), new Int32Array(0), 0), /empty batch/);
    assert.throws(() => f(W, X, Int32Array.of(0, 1), -1), /reg must be a finite number ≥ 0/);
    assert.throws(
      () => f(W, X, Int32Array.of(0, 1), 0, { delta: -1 }),
      new RegExp(`${name}: delta must be a finite number ≥ 0, got -1`),
    );
    // deno-lint-ignore no-explicit-any
    assert.throws(() => f(W, [[0, 0, 0]] as any, [0], 0), TypeError);
  }
  assert.throws(
    () => svmLoss(Matrix.zeros(2, 3), [0, 3]),
    /svmLoss: y\[1\] = 3 is not a class in 0\.\.2$/,
  );
  assert.throws(() => svmLoss(Matrix.zeros(2, 3), [0]), /has 2 rows but y has 1/);
  assert.throws(() => svmLoss(Matrix.zeros(1, 3), [0], { delta: NaN }), /delta/);
});

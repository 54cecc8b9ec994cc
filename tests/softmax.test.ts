import assert from "node:assert/strict";
import { Matrix } from "../lib/matrix.ts";
import { gradCheckSparse } from "../lib/gradients.ts";
import { loadMnist } from "../lib/data/mnist.ts";
import { trainValTestSplit } from "../lib/data/split.ts";
import { softmaxLossNaive, softmaxLossVectorized } from "../lib/losses/softmax.ts";
import { softmaxLoss } from "../lib/losses/scores.ts";
import { randomProblem, REG_CASES, TABLE } from "./fixtures/losses.ts";

Deno.test("softmaxLoss: the cat/car/frog table, against a direct computation", () => {
  const scores = Matrix.fromArray(TABLE).T; // one example per row
  const y = [0, 1, 2];
  const { losses, loss, probs } = softmaxLoss(scores, Int32Array.from(y));
  let total = 0;
  for (let i = 0; i < 3; i++) {
    // Straight from the definition, without any shift: p_j = e^{s_j} / Σ_k e^{s_k}.
    const e = [0, 1, 2].map((j) => Math.exp(TABLE[j][i]));
    const z = e[0] + e[1] + e[2];
    for (let j = 0; j < 3; j++) assert(Math.abs(probs.get(i, j) - e[j] / z) < 1e-15);
    const expected = -Math.log(e[y[i]] / z);
    assert(Math.abs(losses[i] - expected) < 1e-12, `example ${i}: ${losses[i]} vs ${expected}`);
    total += expected;
  }
  assert(Math.abs(loss - total / 3) < 1e-12);
  // The slide's numbers for the cat image: p(cat) = 0.13, L = −ln 0.13 = 2.04.
  assert.equal(probs.get(0, 0).toFixed(2), "0.13");
  assert.equal(losses[0].toFixed(2), "2.04");
  for (const s of probs.sum(1).data) assert(Math.abs(s - 1) < 1e-15);
});

Deno.test("softmaxLoss: shifting the scores changes nothing and nothing overflows", () => {
  const scores = Matrix.fromArray([[1, 2, 3], [-1, 0, 4]]);
  const y = [2, 0];
  const base = softmaxLoss(scores, y);
  const shifted = softmaxLoss(scores.add(1000), y); // e^1003 would be Infinity
  assert(Math.abs(base.loss - shifted.loss) < 1e-12);
  assert(base.probs.maxAbsDiff(shifted.probs) < 1e-15);
  // A hopeless example: p(correct) = e^{-800} underflows to 0, the loss stays exact and finite.
  const far = softmaxLoss(Matrix.fromArray([[0, 800]]), [0]);
  assert.equal(far.probs.get(0, 0), 0);
  assert.equal(far.loss, 800);
});

Deno.test("softmax losses: W = 0 gives exactly ln C and MNIST at init gives ≈ ln 10", async () => {
  const X = Matrix.randn(7, 4, 1), y = Int32Array.of(0, 1, 2, 3, 4, 0, 1);
  assert(Math.abs(softmaxLossVectorized(Matrix.zeros(4, 5), X, y, 0).loss - Math.log(5)) < 1e-15);
  const { X: Xm, y: ym } = await loadMnist();
  const { XDev, yDev } = trainValTestSplit(Xm, ym, { numTrain: 8000, numDev: 500, seed: 0 });
  const W = Matrix.randn(784, 10, 0).mul(1e-4);
  const naive = softmaxLossNaive(W, XDev, yDev, 0).loss;
  const vec = softmaxLossVectorized(W, XDev, yDev, 0).loss;
  assert(Math.abs(vec - Math.log(10)) < 0.05, `softmax loss at init ${vec}, expected ≈ ln 10`);
  assert(Math.abs(naive - vec) < 1e-10);
});

Deno.test("softmaxLossNaive and softmaxLossVectorized agree to 1e-10 for every regularization", () => {
  const { W, X, y } = randomProblem(0);
  for (const [reg, opts] of REG_CASES) {
    const a = softmaxLossNaive(W, X, y, reg, opts);
    const b = softmaxLossVectorized(W, X, y, reg, opts);
    assert(Math.abs(a.loss - b.loss) < 1e-10, `${opts.regType ?? "L2"}: loss`);
    assert(a.dW.maxAbsDiff(b.dW) < 1e-10, `${opts.regType ?? "L2"}: dW`);
    assert.deepEqual(b.dW.shape, [30, 10]);
  }
  const plain = softmaxLossVectorized(W, X, y, 0).loss;
  const l1 = softmaxLossVectorized(W, X, y, 0.1, { regType: "L1" }).loss;
  assert(Math.abs(l1 - plain - 0.1 * W.abs().sum()) < 1e-12);
});

Deno.test("softmax gradients pass the gradient check (rel error < 1e-7)", () => {
  // The softmax loss is smooth; only the L1 term has a kink, at w = 0, farther than h here.
  const { W, X, y } = randomProblem(8);
  assert(Math.min(...W.data.map(Math.abs)) > 1e-4, "no weight within 1e-4 of the L1 kink");
  for (const [reg, opts] of REG_CASES) {
    for (const lossFn of [softmaxLossNaive, softmaxLossVectorized]) {
      const { dW } = lossFn(W, X, y, reg, opts);
      const recs = gradCheckSparse((m) => lossFn(m, X, y, reg, opts).loss, W, dW, {
        numChecks: 20,
        seed: 5,
      });
      const worst = Math.max(...recs.map((r) => r.relError));
      assert(worst < 1e-7, `${lossFn.name} reg=${reg} ${opts.regType ?? "L2"}: rel error ${worst}`);
    }
  }
});

Deno.test("softmax gradient: each row of P − Y sums to 0, so the bias row of dW does too", () => {
  // With the bias trick the last feature is 1, and Σ_j (p_j − 1[j = y]) = 0 for every example,
  // so the bias gradients of the C classes sum to 0 (while the row itself is not 0).
  const { X, y } = randomProblem(2, 20, 5, 4);
  const Wb = Matrix.randn(6, 4, 3).mul(0.1);
  const { dW } = softmaxLossVectorized(Wb, X.appendOnes(), y, 0);
  assert(Math.abs(dW.row(5).reduce((a, b) => a + b, 0)) < 1e-15);
  assert(Math.max(...dW.row(5).map(Math.abs)) > 1e-3);
});

Deno.test("softmax losses reject bad input with errors naming the problem", () => {
  const W = Matrix.zeros(3, 4), X = Matrix.zeros(2, 3);
  for (const f of [softmaxLossNaive, softmaxLossVectorized]) {
    const name = f.name;
    assert.throws(
      () => f(W, X, Int32Array.of(0), 0),
      new RegExp(`${name}: X \\(2×3\\) has 2 rows but y has 1 labels`),
    );
    assert.throws(
      () => f(W, X, Int32Array.of(7, 0), 0),
      /y\[0\] = 7 is not a class in 0\.\.3$/,
    );
    assert.throws(() => f(W, X, Int32Array.of(0, -2), 0), /y\[1\] = -2 is not a class/);
    assert.throws(() => f(W, X, [NaN, 0], 0), /y\[0\] = NaN is not a class/);
    assert.throws(
      () => f(W, Matrix.zeros(2, 2), Int32Array.of(0, 1), 0),
      new RegExp(`${name}: X \\(2×2\\) has 2 features but W \\(3×4\\) has 3 rows`),
    );
    assert.throws(() => f(W, Matrix.zeros(0, 3), [], 0), /empty batch/);
    assert.throws(
      () => f(W, X, Int32Array.of(0, 1), 1, { regType: "elasticNet", l1Ratio: -0.1 }),
      /l1Ratio must be in \[0, 1\], got -0.1/,
    );
  }
  assert.throws(
    () => softmaxLoss(Matrix.zeros(1, 3), [3]),
    /softmaxLoss: y\[0\] = 3 is not a class/,
  );
  // deno-lint-ignore no-explicit-any
  assert.throws(() => softmaxLoss(Matrix.zeros(1, 3), 0 as any), TypeError);
});

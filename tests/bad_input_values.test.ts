/**
 * Non-finite input (issue 14): every loss, gradient and layer refuses a NaN or ±∞ in its matrices
 * with a `NonFiniteError` (a RangeError) naming the operation, the argument and the first bad
 * entry, before computing anything, so the naive and vectorized versions of a loss give the same
 * error on the same input.
 */
import assert from "node:assert/strict";
import { Matrix, NonFiniteError } from "../lib/matrix.ts";
import { KNearestNeighbor } from "../lib/classifiers/k_nearest_neighbor.ts";
import { LinearSVM } from "../lib/classifiers/linear_classifier.ts";
import { TwoLayerNet } from "../lib/nn/two_layer_net.ts";
import { svmLossNaive, svmLossVectorized } from "../lib/losses/linear_svm.ts";
import { softmaxLossNaive, softmaxLossVectorized } from "../lib/losses/softmax.ts";
import {
  oneVsAllLoss,
  oneVsAllLossFromScores,
  structuredSvmLoss,
  structuredSvmLossFromScores,
} from "../lib/losses/variants.ts";
import { regLoss } from "../lib/losses/regularization.ts";
import { affineBackward, affineForward } from "../lib/nn/layers.ts";
import { softmaxLoss, svmLoss } from "../lib/losses/scores.ts";
import {
  eluBackward,
  eluForward,
  leakyReluBackward,
  leakyReluForward,
  maxoutBackward,
  maxoutForward,
  reluBackward,
  reluForward,
  sigmoidBackward,
  sigmoidForward,
  tanhBackward,
  tanhForward,
} from "../lib/nn/activations.ts";
import {
  evalNumericalGradient,
  evalNumericalGradientArray,
  gradCheckSparse,
  relError,
} from "../lib/gradients.ts";

const BAD = [NaN, Infinity, -Infinity];

/** The error `f` throws (failing when it returns). */
function errorOf(f: () => unknown): Error {
  try {
    f();
  } catch (e) {
    return e as Error;
  }
  assert.fail("expected an error");
}

/** Asserts `f` throws the NonFiniteError `op: name[r,c] is v, not a finite number`. */
function assertNonFinite(f: () => unknown, op: string, name: string, r: number, c: number) {
  const e = errorOf(f);
  assert.ok(e instanceof NonFiniteError && e instanceof RangeError, `${op}: ${e}`);
  assert.match(
    e.message,
    new RegExp(`^${op}: ${name.replace(/[[\]]/g, "\\$&")}\\[${r},${c}\\] is (NaN|-?Infinity),`),
  );
  return e.message;
}

const W = Matrix.randn(4, 3, 1).mul(0.1),
  X = Matrix.randn(5, 4, 2),
  y = Int32Array.of(0, 2, 1, 1, 0);
const LINEAR = { svmLossNaive, svmLossVectorized, softmaxLossNaive, softmaxLossVectorized };

Deno.test("issue 14's example: svmLossNaive no longer answers 1.573 where the vectorized is NaN", () => {
  const Xbad = X.clone().set(2, 1, NaN);
  const naive = errorOf(() => svmLossNaive(W, Xbad, y, 0.1));
  const vectorized = errorOf(() => svmLossVectorized(W, Xbad, y, 0.1));
  assert.equal(naive.message, "svmLossNaive: X[2,1] is NaN, not a finite number");
  assert.equal(vectorized.message, "svmLossVectorized: X[2,1] is NaN, not a finite number");
});

Deno.test("the linear losses name the first NaN/±∞ of X, then of W; naive = vectorized", () => {
  const losses = { ...LINEAR, oneVsAllLoss, structuredSvmLoss };
  for (const v of BAD) {
    for (let t = 0; t < X.size; t++) {
      const [r, c] = [Math.floor(t / X.cols), t % X.cols];
      const Xbad = X.clone().set(r, c, v);
      Xbad.data[(t + 7) % X.size] = Number.isNaN(v) ? Infinity : NaN; // a second one, maybe earlier
      const first = Math.min(t, (t + 7) % X.size);
      const messages = Object.entries(losses).map(([op, f]) =>
        assertNonFinite(
          () => f(W, Xbad, y, 0.1),
          op,
          "X",
          Math.floor(first / X.cols),
          first % X.cols,
        ).slice(op.length)
      );
      assert.equal(new Set(messages).size, 1, `all losses agree: ${messages}`);
    }
    for (let t = 0; t < W.size; t++) {
      const [r, c] = [Math.floor(t / W.cols), t % W.cols];
      const Wbad = W.clone().set(r, c, v);
      for (const [op, f] of Object.entries(losses)) {
        assertNonFinite(() => f(Wbad, X, y, 0.1), op, "W", r, c);
      }
      assertNonFinite(() => regLoss(Wbad, 0.1), "regLoss", "W", r, c);
    }
  }
  // X is checked before W; shapes and labels before values.
  const both = [X.clone().set(4, 3, NaN), W.clone().set(0, 0, NaN)] as const;
  assertNonFinite(() => svmLossNaive(both[1], both[0], y), "svmLossNaive", "X", 4, 3);
  assert.throws(() => svmLossNaive(both[1], both[0], Int32Array.of(0, 1, 2, 3, 0)), /y\[3\] = 3/);
});

Deno.test("losses on scores, and the layer losses, name the first non-finite score", () => {
  const scores = Matrix.randn(4, 3, 3), labels = [0, 1, 2, 0];
  const fromScores = {
    oneVsAllLossFromScores,
    structuredSvmLossFromScores,
    softmaxLoss,
    svmLoss,
  };
  for (const v of BAD) {
    for (let t = 0; t < scores.size; t++) {
      const [r, c] = [Math.floor(t / scores.cols), t % scores.cols];
      const bad = scores.clone().set(r, c, v);
      for (const [op, f] of Object.entries(fromScores)) {
        assertNonFinite(() => f(bad, labels), op, "scores", r, c);
      }
    }
  }
});

Deno.test("reg must be a number: a string is a TypeError naming the loss", () => {
  for (const [op, f] of Object.entries(LINEAR)) {
    assert.throws(
      () => f(W, X, y, "0.1" as unknown as number),
      (e) =>
        e instanceof TypeError && e.message === `${op}: reg must be a number, got the string "0.1"`,
    );
    assert.throws(() => f(W, X, y, Infinity), new RegExp(`${op}: reg must be a finite number ≥ 0`));
  }
  assert.throws(() => oneVsAllLoss(W, X, y, NaN), /oneVsAllLoss: reg must be a finite number/);
});

Deno.test("valid input: the checks change no number (naive and vectorized still agree)", () => {
  const a = svmLossNaive(W, X, y, 0.1), b = svmLossVectorized(W, X, y, 0.1);
  assert.ok(Math.abs(a.loss - b.loss) < 1e-12 && a.dW.maxAbsDiff(b.dW) < 1e-12);
  const c = softmaxLossNaive(W, X, y, 0.1), d = softmaxLossVectorized(W, X, y, 0.1);
  assert.ok(Math.abs(c.loss - d.loss) < 1e-12 && c.dW.maxAbsDiff(d.dW) < 1e-12);
  // Scores near the float limit are still finite input: the stable softmax handles them.
  const big = Matrix.fromArray([[1e308, -1e308, 0]]);
  assert.ok(Number.isFinite(softmaxLoss(big, [0]).loss));
});

Deno.test("affine layer: x, w, b and dout are checked; the cache must be affineForward's", () => {
  const x = Matrix.randn(3, 4, 4), w = Matrix.randn(4, 2, 5), b = Matrix.randn(1, 2, 6);
  for (const v of BAD) {
    assertNonFinite(() => affineForward(x.clone().set(2, 3, v), w, b), "affineForward", "x", 2, 3);
    assertNonFinite(() => affineForward(x, w.clone().set(1, 0, v), b), "affineForward", "w", 1, 0);
    assertNonFinite(() => affineForward(x, w, b.clone().set(0, 1, v)), "affineForward", "b", 0, 1);
    const { cache } = affineForward(x, w, b);
    const dout = Matrix.ones(3, 2).set(1, 1, v);
    assertNonFinite(() => affineBackward(dout, cache), "affineBackward", "dout", 1, 1);
  }
  assert.throws(
    () => affineForward("x" as unknown as Matrix, w, b),
    /affineForward: x must be a Matrix, got the string "x"/,
  );
  assert.throws(
    () => affineBackward(Matrix.ones(3, 2), undefined as unknown as never),
    (e) => e instanceof TypeError && /affineBackward: cache must be/.test(e.message),
  );
});

Deno.test("activations: every forward checks x and every backward dout", () => {
  const x = Matrix.fromArray([[0.5, -1], [2, -3]]);
  const bad = (v: number) => x.clone().set(1, 0, v);
  for (const v of BAD) {
    const forwards = { sigmoidForward, tanhForward, reluForward, leakyReluForward, eluForward };
    for (const [op, f] of Object.entries(forwards)) assertNonFinite(() => f(bad(v)), op, "x", 1, 0);
    const backwards = [
      ["sigmoidBackward", () => sigmoidBackward(bad(v), sigmoidForward(x).cache)],
      ["tanhBackward", () => tanhBackward(bad(v), tanhForward(x).cache)],
      ["reluBackward", () => reluBackward(bad(v), reluForward(x).cache)],
      ["leakyReluBackward", () => leakyReluBackward(bad(v), leakyReluForward(x).cache)],
      ["eluBackward", () => eluBackward(bad(v), eluForward(x).cache)],
    ] as const;
    for (const [op, f] of backwards) assertNonFinite(f, op, "dout", 1, 0);
    const Ws = [Matrix.eye(2), Matrix.eye(2).mul(-1)], bs = [Matrix.zeros(1, 2), Matrix.ones(1, 2)];
    assertNonFinite(() => maxoutForward(bad(v), Ws, bs), "maxoutForward", "x", 1, 0);
    assertNonFinite(
      () => maxoutForward(x, [Ws[0], Ws[1].clone().set(0, 1, v)], bs),
      "maxoutForward",
      "Ws[1]",
      0,
      1,
    );
    const { cache } = maxoutForward(x, Ws, bs);
    assertNonFinite(() => maxoutBackward(bad(v), cache), "maxoutBackward", "dout", 1, 0);
  }
});

Deno.test("numerical gradients: x, df and analyticGrad are checked, and so is every value of f", () => {
  const x = Matrix.fromArray([[1, 2], [3, 4]]);
  const f = (m: Matrix) => m.sumOfSquares();
  for (const v of BAD) {
    const xb = x.clone().set(1, 0, v);
    assertNonFinite(() => evalNumericalGradient(f, xb), "evalNumericalGradient", "x", 1, 0);
    assertNonFinite(() => gradCheckSparse(f, xb, x), "gradCheckSparse", "x", 1, 0);
    assertNonFinite(
      () => gradCheckSparse(f, x, x.clone().set(0, 1, v)),
      "gradCheckSparse",
      "analyticGrad",
      0,
      1,
    );
    assertNonFinite(
      () => evalNumericalGradientArray((m) => m, x, x.clone().set(1, 1, v)),
      "evalNumericalGradientArray",
      "df",
      1,
      1,
    );
    assertNonFinite(() => relError(x, xb), "relError", "b", 1, 0);
    assert.throws(() => relError(v, 1), new RegExp(`relError: a is ${v}, not a finite number`));
  }
  // f that is not finite at a perturbed point: named with the coordinate; x is restored.
  const blowsUp = (m: Matrix) => (m.get(0, 1) > 2 ? NaN : m.sum());
  for (const method of ["centered", "forward"] as const) {
    assert.throws(
      () => evalNumericalGradient(blowsUp, x, { method }),
      /^RangeError: evalNumericalGradient: f returned NaN at x with x\[0,1\] \+ h; f must return a finite number/,
    );
  }
  assert.deepEqual(x.toArray(), [[1, 2], [3, 4]], "x restored");
  assert.throws(
    () => gradCheckSparse((m) => (m.get(1, 1) < 4 ? -Infinity : 0), x, x, { numChecks: 50 }),
    /^RangeError: gradCheckSparse: f returned -Infinity at x with x\[1,1\] − h/,
  );
  // The classic slip: passing a loss function that returns { loss, dW }.
  assert.throws(
    () => evalNumericalGradient((m) => svmLossVectorized(m, X, y) as unknown as number, W),
    (e) =>
      e instanceof TypeError &&
      /evalNumericalGradient: f returned object at x with x\[0,0\] \+ h; f must return a number/
        .test(e.message),
  );
  const nanAt = (m: Matrix) => m.map((v, i, j) => (i === 1 && j === 1 && v > 4 ? NaN : v));
  assert.throws(
    () => evalNumericalGradientArray(nanAt, x, Matrix.ones(2, 2)),
    /evalNumericalGradientArray: f\(x \+ h at x\[1,1\]\)\[1,1\] is NaN/,
  );
  assert.throws(() => evalNumericalGradient("f" as unknown as typeof f, x), /f must be a function/);
  assert.throws(() => gradCheckSparse(f, x, x, { numChecks: 2.5 }), /numChecks must be an integer/);
  assert.deepEqual(x.toArray(), [[1, 2], [3, 4]], "x restored after every failure");
});

Deno.test("kNN: a NaN or ∞ in training or test X is refused by every distance routine and metric", () => {
  const X = Matrix.fromArray([[0, 0], [3, 4], [1, 1]]);
  const bad = Matrix.fromArray([[0, 0], [1, 2], [3, Infinity]]);
  assert.throws(
    () => new KNearestNeighbor().train(Matrix.fromArray([[0, NaN]]), [0]),
    (e) =>
      e instanceof NonFiniteError && /KNearestNeighbor\.train: X\[0,1\] is NaN/.test(e.message),
  );
  const knn = new KNearestNeighbor().train(X, [0, 1, 0]);
  for (const numLoops of [0, 1, 2] as const) {
    for (const metric of ["L2", "L1"] as const) {
      assert.throws(
        () => knn.predict(bad, { numLoops, metric }),
        (e) => e instanceof NonFiniteError && /test X\[2,1\] is Infinity/.test(e.message),
        `numLoops ${numLoops}, ${metric}`,
      );
    }
  }
  // Finite input still works, and the three routines agree.
  const ok = Matrix.fromArray([[0.1, 0.2], [2.9, 4.2]]);
  const preds = ([0, 1, 2] as const).map((n) => Array.from(knn.predict(ok, { numLoops: n })));
  assert.deepEqual(preds, [[0, 1], [0, 1], [0, 1]]);
});

Deno.test("predict: NaN/∞ in X or in the weights is named, not answered with class 0", () => {
  const X = Matrix.fromArray([[1, 2], [3, 4]]);
  const svm = new LinearSVM();
  svm.W = Matrix.fromArray([[1, 0], [0, 1]]);
  assert.deepEqual(Array.from(svm.predict(X)), [1, 1]);
  assert.throws(
    () => svm.predict(Matrix.fromArray([[1, 2], [NaN, 4]])),
    (e) => e instanceof NonFiniteError && /LinearSVM\.predict: X\[1,0\] is NaN/.test(e.message),
  );
  svm.W.set(1, 1, -Infinity);
  assert.throws(() => svm.predict(X), /LinearSVM\.predict: W\[1,1\] is -Infinity/);
  const net = new TwoLayerNet(2, 3, 2, { seed: 0 });
  assert.equal(net.predict(X).length, 2);
  assert.throws(
    () => net.predict(Matrix.fromArray([[Infinity, 0]])),
    /TwoLayerNet\.predict: X\[0,0\] is Infinity/,
  );
  net.params.b2.set(0, 1, NaN);
  assert.throws(() => net.predict(X), /TwoLayerNet\.predict: b2\[0,1\] is NaN/);
});

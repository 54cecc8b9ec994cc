/** A2 hidden tests: random data against references, regularization, stability, gradient checks. */
import { regLoss } from "../../../../lib/losses/regularization.ts";
import {
  assert,
  assertClose,
  expectMatrix,
  expectNumber,
  expectObject,
  Matrix,
  test,
  type TestSession,
} from "../../harness.ts";
import {
  guarded,
  numericalGradientAsync,
  referenceSoftmax,
  referenceSoftmaxScores,
  referenceSvm,
  referenceSvmScores,
  relError,
} from "../../hidden/support.ts";

const SCORES = "lib/losses/scores.ts";
const SVM = "lib/losses/linear_svm.ts";
const SOFTMAX = "lib/losses/softmax.ts";
const GRADIENTS = "lib/gradients.ts";

const W = Matrix.randn(20, 7, 11).mul(0.01);
const X = Matrix.randn(50, 20, 12);
const y = Int32Array.from({ length: 50 }, (_, i) => (i * 5) % 7);
const reg = 0.05;

/** The reference loss and dW with the library's (given) L2 regularization added. */
function expected(ref: typeof referenceSvm, w = W, x = X, labels: ArrayLike<number> = y) {
  const data = ref(w, x, labels);
  const r = regLoss(w, reg);
  return { loss: data.loss + r.loss, dW: data.dW.map((g, i) => g + r.dW.data[i]) };
}

/** A scores-level loss of lib/losses/scores.ts, checked to return `{ loss: number, dx: Matrix }`. */
async function scoresLoss(t: TestSession, name: string) {
  const { [name]: f } = await t.load(SCORES, name);
  return async (...args: unknown[]) => {
    const result = expectObject(await f(...args), `${name}(…)`, "loss", "dx");
    return { loss: expectNumber(result.loss, "loss"), dx: expectMatrix(result.dx, "dx") };
  };
}

/** Random 6×5 scores (margins are never exactly 0) and labels. */
const S = Matrix.randn(6, 5, 21).mul(2);
const yS = Int32Array.of(0, 4, 2, 2, 1, 3);

/** A loss function of `path` in the sandbox, checked to return `{ loss: number, dW: Matrix }`. */
async function lossFunction(t: TestSession, path: string, name: string) {
  const { [name]: f } = await t.load(path, name);
  return async (...args: unknown[]) => {
    const result = expectObject(await f(...args), `${name}(…)`, "loss", "dW");
    return { loss: expectNumber(result.loss, "loss"), dW: expectMatrix(result.dW, "dW") };
  };
}

test("svmLoss: dx passes a numerical gradient check; Δ sets the margin", async (t) => {
  const svmLoss = await scoresLoss(t, "svmLoss");
  for (const delta of [1, 2.5, 0]) {
    const want = referenceSvmScores(S, yS, delta);
    const { loss, dx } = await svmLoss(S, yS, { delta });
    assertClose(loss, want.loss, 1e-12, `loss with Δ = ${delta}`);
    assert.deepEqual([dx.rows, dx.cols], [6, 5], "dx has the shape of the scores");
    assertClose(dx.data, want.dx, 1e-12, `dx with Δ = ${delta}`);
  }
  const s = S.clone();
  // s is perturbed judge-side, one entry at a time, and sent with every call.
  const numeric = await numericalGradientAsync(async () => (await svmLoss(s, yS)).loss, s.data);
  assert.ok(relError(numeric, (await svmLoss(s, yS)).dx.data) < 1e-6, "gradient check");
});

test("softmaxLoss: dx passes a numerical gradient check; stays finite for scores near 1000", async (t) => {
  const softmaxLoss = await scoresLoss(t, "softmaxLoss");
  const want = referenceSoftmaxScores(S, yS);
  const { loss, dx } = await softmaxLoss(S, yS);
  assertClose(loss, want.loss, 1e-12, "loss");
  assertClose(dx.data, want.dx, 1e-12, "dx");
  const s = S.clone();
  const numeric = await numericalGradientAsync(async () => (await softmaxLoss(s, yS)).loss, s.data);
  assert.ok(relError(numeric, dx.data) < 1e-6, "gradient check");
  const huge = await softmaxLoss(Matrix.fromArray([[1000, 999, 0], [-1000, 0, 1000]]), [1, 0]);
  assert.ok(Number.isFinite(huge.loss), `loss for large scores is ${huge.loss}`);
  assertClose(huge.loss, (Math.log(1 + Math.E) + 2000) / 2, 1e-9, "loss for large scores");
  assert.ok(huge.dx.data.every(Number.isFinite), "dx for large scores is finite");
});

test("svmLossNaive: matches a reference with L2 regularization; the gradient passes a gradient check", async (t) => {
  const svmLossNaive = await lossFunction(t, SVM, "svmLossNaive");
  const want = expected(referenceSvm);
  const { loss, dW } = await svmLossNaive(W, X, y, reg);
  assertClose(loss, want.loss, 1e-10, "loss");
  assertClose(dW.data, want.dW, 1e-10, "dW");
  const w = W.clone();
  // w is perturbed judge-side, one entry at a time, and sent with every call.
  const numeric = await numericalGradientAsync(
    async () => (await svmLossNaive(w, X, y, reg)).loss,
    w.data,
  );
  const analytic = (await svmLossNaive(w, X, y, reg)).dW;
  assert.equal(analytic.data.length, numeric.length, "dW has one entry per entry of W");
  assert.ok(relError(numeric, analytic.data) < 1e-6, "gradient check");
});

test("svmLossVectorized: matches a reference on 50×20 data with 7 classes and regularization", async (t) => {
  const svmLossVectorized = await lossFunction(t, SVM, "svmLossVectorized");
  const want = expected(referenceSvm);
  const { loss, dW } = await svmLossVectorized(W, X, y, reg);
  assertClose(loss, want.loss, 1e-10, "loss");
  assert.deepEqual([dW.rows, dW.cols], [20, 7]);
  assertClose(dW.data, want.dW, 1e-10, "dW");
});

test("softmaxLossNaive: matches a reference with regularization; stays finite for scores near 1000", async (t) => {
  const softmaxLossNaive = await lossFunction(t, SOFTMAX, "softmaxLossNaive");
  const want = expected(referenceSoftmax);
  const { loss, dW } = await softmaxLossNaive(W, X, y, reg);
  assertClose(loss, want.loss, 1e-10, "loss");
  assertClose(dW.data, want.dW, 1e-10, "dW");
  const big = Matrix.fromArray([[1000, 999, 0]]);
  const huge = await softmaxLossNaive(Matrix.eye(3), big, [1], 0);
  assertClose(huge.loss, Math.log(1 + Math.E + Math.exp(-999)), 1e-12, "loss for large scores");
});

test("softmaxLossVectorized: matches a reference on 50×20 data; stays finite for scores near 1000", async (t) => {
  const softmaxLossVectorized = await lossFunction(t, SOFTMAX, "softmaxLossVectorized");
  const want = expected(referenceSoftmax);
  const { loss, dW } = await softmaxLossVectorized(W, X, y, reg);
  assertClose(loss, want.loss, 1e-10, "loss");
  assertClose(dW.data, want.dW, 1e-10, "dW");
  const huge = await softmaxLossVectorized(
    Matrix.eye(3),
    Matrix.fromArray([[1000, 999, 0]]),
    [1],
    0,
  );
  assert.ok(Number.isFinite(huge.loss), `loss for large scores is ${huge.loss}`);
  assertClose(huge.loss, Math.log(1 + Math.E), 1e-12, "loss for large scores");
});

test("evalNumericalGradient: a nonlinear function, forward differences, and x restored afterwards", async (t) => {
  const { evalNumericalGradient } = await t.load(GRADIENTS, "evalNumericalGradient");
  const x = Matrix.fromArray([[0.3, -1.2, 2], [0.7, 1.5, -0.4]]);
  const before = Array.from(x.data);
  // f reads the x it is given: the student's copy of x, which must be perturbed one entry at a
  // time and restored exactly before the next entry is perturbed.
  const seen: number[][] = [];
  const f = guarded((m: unknown) => {
    const data = Array.from(expectMatrix(m, "f's argument", [2, 3]).data);
    seen.push(data);
    return data.reduce((s, v) => s + Math.sin(v) * v * v, 0);
  });
  const analytic = before.map((v) => Math.cos(v) * v * v + 2 * v * Math.sin(v));
  const centered = expectMatrix(
    await f.settle(evalNumericalGradient(f.fn, x)),
    "centered gradient",
    [2, 3],
  );
  assert.ok(relError(centered.data, analytic) < 1e-7, "centered differences");
  assert.ok(seen.length > 0, "f is called");
  seen.forEach((data, call) => {
    const moved = data.flatMap((v, i) => (v === before[i] ? [] : [i]));
    assert.ok(
      moved.length <= 1,
      `x is restored exactly: call ${call} of f got x with entries ${moved} changed`,
    );
  });
  const forward = expectMatrix(
    await f.settle(evalNumericalGradient(f.fn, x, { method: "forward", h: 1e-6 })),
    "forward gradient",
    [2, 3],
  );
  assert.ok(relError(forward.data, analytic) < 1e-4, "forward differences");
  const g = guarded((m: unknown) => 3 * expectMatrix(m, "f's argument", [2, 3]).data[1]);
  assertClose(
    expectMatrix(await g.settle(evalNumericalGradient(g.fn, x)), "gradient").data,
    [0, 3, 0, 0, 0, 0],
    1e-8,
  );
});

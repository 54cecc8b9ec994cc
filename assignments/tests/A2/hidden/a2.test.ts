/** A2 hidden tests: random data against references, regularization, stability, gradient checks. */
import { Matrix } from "../../../../lib/matrix.ts";
import { regLoss } from "../../../../lib/losses/regularization.ts";
import { assert, assertClose, load, test } from "../../harness.ts";
import {
  numericalGradient,
  referenceSoftmax,
  referenceSvm,
  relError,
} from "../../hidden/support.ts";

const SVM = "lib/losses/linear_svm.ts";
const SOFTMAX = "lib/losses/softmax.ts";
const GRADIENTS = "lib/gradients.ts";
const svm = () => load(import("../../../../lib/losses/linear_svm.ts"), SVM);
const softmax = () => load(import("../../../../lib/losses/softmax.ts"), SOFTMAX);
const gradients = () => load(import("../../../../lib/gradients.ts"), GRADIENTS);

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

test("svmLossNaive: matches a reference with L2 regularization; the gradient passes a gradient check", async () => {
  const { svmLossNaive } = await load(svm(), SVM, "svmLossNaive");
  const want = expected(referenceSvm);
  const { loss, dW } = svmLossNaive(W, X, y, reg);
  assertClose(loss, want.loss, 1e-10, "loss");
  assertClose(dW.data, want.dW, 1e-10, "dW");
  const w = W.clone();
  const numeric = numericalGradient(() => svmLossNaive(w, X, y, reg).loss, w.data);
  assert.ok(relError(numeric, svmLossNaive(w, X, y, reg).dW.data) < 1e-6, "gradient check");
});

test("svmLossVectorized: matches a reference on 50×20 data with 7 classes and regularization", async () => {
  const { svmLossVectorized } = await load(svm(), SVM, "svmLossVectorized");
  const want = expected(referenceSvm);
  const { loss, dW } = svmLossVectorized(W, X, y, reg);
  assertClose(loss, want.loss, 1e-10, "loss");
  assert.deepEqual(dW.shape, [20, 7]);
  assertClose(dW.data, want.dW, 1e-10, "dW");
});

test("softmaxLossNaive: matches a reference with regularization; stays finite for scores near 1000", async () => {
  const { softmaxLossNaive } = await load(softmax(), SOFTMAX, "softmaxLossNaive");
  const want = expected(referenceSoftmax);
  const { loss, dW } = softmaxLossNaive(W, X, y, reg);
  assertClose(loss, want.loss, 1e-10, "loss");
  assertClose(dW.data, want.dW, 1e-10, "dW");
  const big = Matrix.fromArray([[1000, 999, 0]]);
  const huge = softmaxLossNaive(Matrix.eye(3), big, [1], 0);
  assertClose(huge.loss, Math.log(1 + Math.E + Math.exp(-999)), 1e-12, "loss for large scores");
});

test("softmaxLossVectorized: matches a reference on 50×20 data; stays finite for scores near 1000", async () => {
  const { softmaxLossVectorized } = await load(softmax(), SOFTMAX, "softmaxLossVectorized");
  const want = expected(referenceSoftmax);
  const { loss, dW } = softmaxLossVectorized(W, X, y, reg);
  assertClose(loss, want.loss, 1e-10, "loss");
  assertClose(dW.data, want.dW, 1e-10, "dW");
  const huge = softmaxLossVectorized(Matrix.eye(3), Matrix.fromArray([[1000, 999, 0]]), [1], 0);
  assert.ok(Number.isFinite(huge.loss), `loss for large scores is ${huge.loss}`);
  assertClose(huge.loss, Math.log(1 + Math.E), 1e-12, "loss for large scores");
});

test("evalNumericalGradient: a nonlinear function, forward differences, and x restored afterwards", async () => {
  const { evalNumericalGradient } = await load(gradients(), GRADIENTS, "evalNumericalGradient");
  const x = Matrix.fromArray([[0.3, -1.2, 2], [0.7, 1.5, -0.4]]);
  const before = Array.from(x.data);
  // f closes over x: the function must perturb x in place.
  const f = () => x.data.reduce((s, v) => s + Math.sin(v) * v * v, 0);
  const analytic = before.map((v) => Math.cos(v) * v * v + 2 * v * Math.sin(v));
  const centered = evalNumericalGradient(f, x);
  assert.deepEqual(centered.shape, [2, 3]);
  assert.ok(relError(centered.data, analytic) < 1e-7, "centered differences");
  assert.deepEqual(Array.from(x.data), before, "x is restored exactly");
  const forward = evalNumericalGradient(f, x, { method: "forward", h: 1e-6 });
  assert.ok(relError(forward.data, analytic) < 1e-4, "forward differences");
  assertClose(evalNumericalGradient((m) => 3 * m.get(0, 1), x).data, [0, 3, 0, 0, 0, 0], 1e-8);
});

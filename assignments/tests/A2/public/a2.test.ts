/**
 * A2 public tests: SVM and softmax losses, numerical gradients. Run them with
 * `deno task check A2`.
 */
import { Matrix } from "../../../../lib/matrix.ts";
import { assert, assertClose, load, test } from "../../harness.ts";

const SVM = "lib/losses/linear_svm.ts";
const SOFTMAX = "lib/losses/softmax.ts";
const GRADIENTS = "lib/gradients.ts";
const svm = () => load(import("../../../../lib/losses/linear_svm.ts"), SVM);
const softmax = () => load(import("../../../../lib/losses/softmax.ts"), SOFTMAX);
const gradients = () => load(import("../../../../lib/gradients.ts"), GRADIENTS);

// The lecture's cat / car / frog scores, one image per row; with W = I the scores are X itself.
const X = Matrix.fromArray([[3.2, 5.1, -1.7], [1.3, 4.9, 2.0], [2.2, 2.5, -3.1]]);
const W = Matrix.eye(3);
const y = Int32Array.of(0, 1, 2);
const SVM_LOSS = 5.566666666666666; // (2.9 + 0 + 12.9) / 3 + 0.1 · ΣW²
const SVM_DW = [
  -0.1333333333333333,
  1.8,
  -1.4666666666666668,
  -0.8666666666666665,
  2.7333333333333334,
  -1.6666666666666665,
  -0.4666666666666667,
  -1.6,
  2.2666666666666666,
];
const SOFTMAX_LOSS = 3.058654710918577;
const SOFTMAX_DW = [
  -0.40566519660119754,
  1.3143822775911513,
  -0.7087170809899536,
  -1.0839168524662528,
  2.030804600108785,
  -0.7468877476425325,
  0.07102921018859534,
  -1.1355149895360421,
  1.2644857793474469,
];

test("svmLossNaive: the lecture's three examples with W = I and reg = 0.1", async () => {
  const { svmLossNaive } = await load(svm(), SVM, "svmLossNaive");
  const { loss, dW } = svmLossNaive(W, X, y, 0.1);
  assertClose(loss, SVM_LOSS, 1e-12, "loss");
  assert.deepEqual(dW.shape, [3, 3], "dW has the shape of W");
  assertClose(dW.data, SVM_DW, 1e-12, "dW");
});

test("svmLossVectorized: the lecture's three examples with W = I and reg = 0.1", async () => {
  const { svmLossVectorized } = await load(svm(), SVM, "svmLossVectorized");
  const { loss, dW } = svmLossVectorized(W, X, y, 0.1);
  assertClose(loss, SVM_LOSS, 1e-12, "loss");
  assert.deepEqual(dW.shape, [3, 3], "dW has the shape of W");
  assertClose(dW.data, SVM_DW, 1e-12, "dW");
});

test("softmaxLossNaive: equal scores give ln C; the lecture's examples with reg = 0.1", async () => {
  const { softmaxLossNaive } = await load(softmax(), SOFTMAX, "softmaxLossNaive");
  const uniform = softmaxLossNaive(Matrix.zeros(4, 10), Matrix.ones(3, 4), Int32Array.of(0, 5, 9));
  assertClose(uniform.loss, Math.log(10), 1e-12, "loss with W = 0");
  const { loss, dW } = softmaxLossNaive(W, X, y, 0.1);
  assertClose(loss, SOFTMAX_LOSS, 1e-12, "loss");
  assertClose(dW.data, SOFTMAX_DW, 1e-12, "dW");
});

test("softmaxLossVectorized: equal scores give ln C; the lecture's examples with reg = 0.1", async () => {
  const { softmaxLossVectorized } = await load(softmax(), SOFTMAX, "softmaxLossVectorized");
  const uniform = softmaxLossVectorized(
    Matrix.zeros(4, 10),
    Matrix.ones(3, 4),
    Int32Array.of(0, 5, 9),
  );
  assertClose(uniform.loss, Math.log(10), 1e-12, "loss with W = 0");
  const { loss, dW } = softmaxLossVectorized(W, X, y, 0.1);
  assertClose(loss, SOFTMAX_LOSS, 1e-12, "loss");
  assertClose(dW.data, SOFTMAX_DW, 1e-12, "dW");
});

test("evalNumericalGradient: the gradient of Σx² is 2x", async () => {
  const { evalNumericalGradient } = await load(gradients(), GRADIENTS, "evalNumericalGradient");
  const x = Matrix.fromArray([[1, 2], [-3, 0.5]]);
  const g = evalNumericalGradient((m) => m.pow(2).sum(), x);
  assert.deepEqual(g.shape, [2, 2]);
  assertClose(g.data, [2, 4, -6, 1], 1e-8, "gradient");
});

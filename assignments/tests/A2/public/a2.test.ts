/**
 * A2 public tests: SVM and softmax losses, numerical gradients. Run them with
 * `deno task check A2`. Your code runs in a sandbox process of its own; each test loads your
 * module through `t.load` and checks what comes back.
 */
import {
  assert,
  assertClose,
  expectMatrix,
  expectNumber,
  expectNumbers,
  expectObject,
  Matrix,
  test,
  type TestSession,
} from "../../harness.ts";

const SCORES = "lib/losses/scores.ts";
const SVM = "lib/losses/linear_svm.ts";
const SOFTMAX = "lib/losses/softmax.ts";
const GRADIENTS = "lib/gradients.ts";

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

/** Calls a loss function of `path` in the sandbox and checks it returns `{ loss, dW }`. */
async function lossOf(t: TestSession, path: string, name: string, ...args: unknown[]) {
  const { [name]: f } = await t.load(path, name);
  const result = expectObject(await f(...args), `${name}(…)`, "loss", "dW");
  return { loss: result.loss, dW: expectMatrix(result.dW, "dW") };
}

/** The SVM loss `name` on the lecture's examples. */
async function checkSvm(t: TestSession, name: string) {
  const { loss, dW } = await lossOf(t, SVM, name, W, X, y, 0.1);
  assertClose(loss, SVM_LOSS, 1e-12, "loss");
  assert.deepEqual([dW.rows, dW.cols], [3, 3], "dW has the shape of W");
  assertClose(dW.data, SVM_DW, 1e-12, "dW");
}

/** The softmax loss `name` with equal scores, then on the lecture's examples. */
async function checkSoftmax(t: TestSession, name: string) {
  const uniform = await lossOf(
    t,
    SOFTMAX,
    name,
    Matrix.zeros(4, 10),
    Matrix.ones(3, 4),
    Int32Array.of(0, 5, 9),
  );
  assertClose(uniform.loss, Math.log(10), 1e-12, "loss with W = 0");
  const { loss, dW } = await lossOf(t, SOFTMAX, name, W, X, y, 0.1);
  assertClose(loss, SOFTMAX_LOSS, 1e-12, "loss");
  assertClose(dW.data, SOFTMAX_DW, 1e-12, "dW");
}

test("svmLoss: the lecture's cat/car/frog scores give 2.9, 0 and 12.9", async (t) => {
  const { svmLoss } = await t.load(SCORES, "svmLoss");
  // X holds the scores themselves: one image per row, columns cat, car, frog.
  const r = expectObject(await svmLoss(X, y), "svmLoss(…)", "loss", "dx", "losses");
  assertClose(expectNumbers(r.losses, "losses"), [2.9, 0, 12.9], 1e-12, "losses");
  assertClose(expectNumber(r.loss, "loss"), (2.9 + 0 + 12.9) / 3, 1e-12, "loss");
  // The cat violates the margins of car (5.1 − 3.2 + 1 > 0) and frog (−1.7 − 3.2 + 1 < 0: no);
  // the frog violates both: dx = ±1/N there.
  const dx = expectMatrix(r.dx, "dx", [3, 3]);
  assertClose(dx.data, [-1, 1, 0, 0, 0, 0, 1, 1, -2].map((v) => v / 3), 1e-12, "dx");
});

test("softmaxLoss: the lecture's cat image gives 2.04", async (t) => {
  const { softmaxLoss } = await t.load(SCORES, "softmaxLoss");
  const cat = Matrix.fromArray([[3.2, 5.1, -1.7]]);
  const r = expectObject(await softmaxLoss(cat, [0]), "softmaxLoss(…)", "loss", "dx", "probs");
  const e = [3.2, 5.1, -1.7].map(Math.exp), z = e[0] + e[1] + e[2];
  const p = e.map((v) => v / z); // ≈ [0.13, 0.87, 0.00]
  assertClose(expectNumber(r.loss, "loss"), -Math.log(p[0]), 1e-12, "loss"); // ≈ 2.04
  assertClose(expectMatrix(r.probs, "probs", [1, 3]).data, p, 1e-12, "probs");
  assertClose(expectMatrix(r.dx, "dx", [1, 3]).data, [p[0] - 1, p[1], p[2]], 1e-12, "dx");
});

test("svmLossNaive: the lecture's three examples with W = I and reg = 0.1", async (t) => {
  await checkSvm(t, "svmLossNaive");
});

test("svmLossVectorized: the lecture's three examples with W = I and reg = 0.1", async (t) => {
  await checkSvm(t, "svmLossVectorized");
});

test("softmaxLossNaive: equal scores give ln C; the lecture's examples with reg = 0.1", async (t) => {
  await checkSoftmax(t, "softmaxLossNaive");
});

test("softmaxLossVectorized: equal scores give ln C; the lecture's examples with reg = 0.1", async (t) => {
  await checkSoftmax(t, "softmaxLossVectorized");
});

test("evalNumericalGradient: the gradient of Σx² is 2x", async (t) => {
  const { evalNumericalGradient } = await t.load(GRADIENTS, "evalNumericalGradient");
  const x = Matrix.fromArray([[1, 2], [-3, 0.5]]);
  // f gets the (perturbed) x from your code, as a Matrix.
  const f = (m: unknown) =>
    expectMatrix(m, "f's argument", [2, 2]).data.reduce((s, v) => s + v * v, 0);
  const g = expectMatrix(await evalNumericalGradient(f, x), "gradient", [2, 2]);
  assertClose(g.data, [2, 4, -6, 1], 1e-8, "gradient");
});

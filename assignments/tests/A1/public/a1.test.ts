/**
 * A1 public tests: k-nearest neighbors and cross-validation. Run them with `deno task check A1`.
 * Your code runs in a sandbox process of its own; each test loads your module through `t.load`
 * and checks what comes back, so one unfinished function costs only its own points.
 */
import {
  assert,
  assertClose,
  expectArray,
  expectMatrix,
  expectNumbers,
  expectObject,
  Matrix,
  test,
  type TestSession,
} from "../../harness.ts";

const KNN = "lib/classifiers/k_nearest_neighbor.ts";
const CV = "lib/cross_validation.ts";

// Three training points in 3-D and two test points: the distances are easy to check by hand.
const XTrain = Matrix.fromArray([[0, 0, 0], [1, 2, 2], [3, 0, 4]]);
const XTest = Matrix.fromArray([[0, 0, 0], [1, 0, 0]]);
const L2 = [0, 3, 5, 1, Math.sqrt(8), Math.sqrt(20)];
const L1 = [0, 5, 7, 1, 4, 6];

/** Both loop versions must give the hand-checked L2 and L1 distances. */
async function checkDistances(t: TestSession, method: string): Promise<void> {
  const { KNearestNeighbor } = await t.load(KNN, "KNearestNeighbor");
  const model = await KNearestNeighbor.new();
  await model.call("train", XTrain, [0, 1, 2]);
  const d = expectMatrix(await model.call(method, XTest), "dists", [2, 3]);
  assertClose(d.data, L2, 1e-12, "L2 dists");
  const d1 = expectMatrix(await model.call(method, XTest, { metric: "L1" }), "L1 dists", [2, 3]);
  assertClose(d1.data, L1, 1e-12, "L1 dists");
}

test("computeDistancesTwoLoops: L2 and L1 distances on a 2×3 example", async (t) => {
  await checkDistances(t, "computeDistancesTwoLoops");
});

test("computeDistancesOneLoop: L2 and L1 distances on a 2×3 example", async (t) => {
  await checkDistances(t, "computeDistancesOneLoop");
});

test("computeDistancesNoLoops: L2 distances on a 2×3 example", async (t) => {
  const { KNearestNeighbor } = await t.load(KNN, "KNearestNeighbor");
  const model = await KNearestNeighbor.new();
  await model.call("train", XTrain, [0, 1, 2]);
  const d = expectMatrix(await model.call("computeDistancesNoLoops", XTest), "dists", [2, 3]);
  assertClose(d.data, L2, 1e-9, "L2 dists");
});

test("predictLabels: nearest label with k = 1, majority vote with k = 3", async (t) => {
  const { KNearestNeighbor } = await t.load(KNN, "KNearestNeighbor");
  const model = await KNearestNeighbor.new();
  await model.call("train", Matrix.zeros(5, 1), [2, 0, 1, 1, 0]);
  const dists = Matrix.fromArray([[0.5, 0.1, 0.3, 0.2, 0.9]]); // nearest first: 1, 3, 2, 0, 4
  assert.deepEqual(expectNumbers(await model.call("predictLabels", dists, 1), "labels"), [0]);
  assert.deepEqual(expectNumbers(await model.call("predictLabels", dists, 3), "labels"), [1]);
});

test("kFoldSplit: 10 examples in 3 contiguous folds of sizes 4, 3, 3", async (t) => {
  const { kFoldSplit } = await t.load(CV, "kFoldSplit");
  const folds = expectArray(await kFoldSplit(10, 3), "kFoldSplit(10, 3)")
    .map((f, i) => expectObject(f, `fold ${i}`, "trainIdx", "valIdx"));
  assert.equal(folds.length, 3);
  assert.deepEqual(folds.map((f, i) => expectNumbers(f.valIdx, `fold ${i} valIdx`)), [
    [0, 1, 2, 3],
    [4, 5, 6],
    [7, 8, 9],
  ]);
  assert.deepEqual(expectNumbers(folds[1].trainIdx, "fold 1 trainIdx"), [0, 1, 2, 3, 7, 8, 9]);
});

test("crossValidate: per-fold accuracies, means and the best value", async (t) => {
  const { crossValidate } = await t.load(CV, "crossValidate");
  // A "model" that always predicts `value`: its accuracy is the share of that label in the fold.
  const result = expectObject(
    await crossValidate({
      X: Matrix.zeros(6, 1),
      y: [0, 0, 1, 1, 1, 1],
      values: [0, 1],
      folds: 3,
      evaluate: (value: number, _XTr: Matrix, _yTr: unknown, _XVal: Matrix, yVal: unknown) => {
        const labels = expectNumbers(yVal, "yVal");
        return labels.filter((label) => label === value).length / labels.length;
      },
    }),
    "the result",
    "accuracies",
    "means",
    "stds",
    "best",
  );
  const [accuracies, means, stds] = [result.accuracies, result.means, result.stds].map((m, i) => {
    assert.ok(m instanceof Map, `${["accuracies", "means", "stds"][i]} should be a Map`);
    return m as Map<unknown, unknown>;
  });
  assert.deepEqual(expectNumbers(accuracies.get(0), "accuracies of 0"), [1, 0, 0]);
  assert.deepEqual(expectNumbers(accuracies.get(1), "accuracies of 1"), [0, 1, 1]);
  assertClose(means.get(1), 2 / 3, 1e-12, "mean accuracy of value 1");
  assertClose(stds.get(0), Math.sqrt(2) / 3, 1e-12, "std of value 0");
  assert.equal(result.best, 1);
});

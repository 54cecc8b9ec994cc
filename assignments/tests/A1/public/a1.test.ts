/**
 * A1 public tests: k-nearest neighbors and cross-validation. Run them with `deno task check A1`.
 * Each test imports your module inside the test, so one unfinished function costs only its own
 * points.
 */
import { Matrix } from "../../../../lib/matrix.ts";
import { assert, assertClose, load, test } from "../../harness.ts";

const KNN = "lib/classifiers/k_nearest_neighbor.ts";
const CV = "lib/cross_validation.ts";
const knn = () => load(import("../../../../lib/classifiers/k_nearest_neighbor.ts"), KNN);
const cv = () => load(import("../../../../lib/cross_validation.ts"), CV);

// Three training points in 3-D and two test points: the distances are easy to check by hand.
const XTrain = Matrix.fromArray([[0, 0, 0], [1, 2, 2], [3, 0, 4]]);
const XTest = Matrix.fromArray([[0, 0, 0], [1, 0, 0]]);
const L2 = [0, 3, 5, 1, Math.sqrt(8), Math.sqrt(20)];
const L1 = [0, 5, 7, 1, 4, 6];

async function trained() {
  const { KNearestNeighbor } = await knn();
  return new KNearestNeighbor().train(XTrain, [0, 1, 2]);
}

test("computeDistancesTwoLoops: L2 and L1 distances on a 2×3 example", async () => {
  const model = await trained();
  const d = model.computeDistancesTwoLoops(XTest);
  assert.deepEqual(d.shape, [2, 3], "dists is numTest × numTrain");
  assertClose(d.data, L2, 1e-12, "L2 dists");
  assertClose(model.computeDistancesTwoLoops(XTest, { metric: "L1" }).data, L1, 1e-12, "L1 dists");
});

test("computeDistancesOneLoop: L2 and L1 distances on a 2×3 example", async () => {
  const model = await trained();
  const d = model.computeDistancesOneLoop(XTest);
  assert.deepEqual(d.shape, [2, 3], "dists is numTest × numTrain");
  assertClose(d.data, L2, 1e-12, "L2 dists");
  assertClose(model.computeDistancesOneLoop(XTest, { metric: "L1" }).data, L1, 1e-12, "L1 dists");
});

test("computeDistancesNoLoops: L2 distances on a 2×3 example", async () => {
  const model = await trained();
  const d = model.computeDistancesNoLoops(XTest);
  assert.deepEqual(d.shape, [2, 3], "dists is numTest × numTrain");
  assertClose(d.data, L2, 1e-9, "L2 dists");
});

test("predictLabels: nearest label with k = 1, majority vote with k = 3", async () => {
  const { KNearestNeighbor } = await knn();
  const model = new KNearestNeighbor().train(Matrix.zeros(5, 1), [2, 0, 1, 1, 0]);
  const dists = Matrix.fromArray([[0.5, 0.1, 0.3, 0.2, 0.9]]); // nearest first: 1, 3, 2, 0, 4
  assert.deepEqual(Array.from(model.predictLabels(dists, 1)), [0]);
  assert.deepEqual(Array.from(model.predictLabels(dists, 3)), [1]); // labels 0, 1, 1
});

test("kFoldSplit: 10 examples in 3 contiguous folds of sizes 4, 3, 3", async () => {
  const { kFoldSplit } = await load(cv(), CV, "kFoldSplit");
  const folds = kFoldSplit(10, 3);
  assert.equal(folds.length, 3);
  assert.deepEqual(folds.map((f) => Array.from(f.valIdx)), [[0, 1, 2, 3], [4, 5, 6], [7, 8, 9]]);
  assert.deepEqual(Array.from(folds[1].trainIdx), [0, 1, 2, 3, 7, 8, 9]);
});

test("crossValidate: per-fold accuracies, means and the best value", async () => {
  const { crossValidate } = await load(cv(), CV, "crossValidate");
  // A "model" that always predicts `value`: its accuracy is the share of that label in the fold.
  const result = crossValidate({
    X: Matrix.zeros(6, 1),
    y: [0, 0, 1, 1, 1, 1],
    values: [0, 1],
    folds: 3,
    evaluate: (value, _XTrain, _yTrain, _XVal, yVal) =>
      yVal.filter((label) => label === value).length / yVal.length,
  });
  assert.deepEqual(result.accuracies.get(0), [1, 0, 0]);
  assert.deepEqual(result.accuracies.get(1), [0, 1, 1]);
  assertClose(result.means.get(1)!, 2 / 3, 1e-12, "mean accuracy of value 1");
  assertClose(result.stds.get(0)!, Math.sqrt(2) / 3, 1e-12, "std of value 0");
  assert.equal(result.best, 1);
});

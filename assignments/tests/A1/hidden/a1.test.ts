/** A1 hidden tests: random data against simple references, ties, shuffled folds. */
import { Matrix } from "../../../../lib/matrix.ts";
import { assert, assertClose, load, test } from "../../harness.ts";
import { referenceDistances } from "../../hidden/support.ts";

const KNN = "lib/classifiers/k_nearest_neighbor.ts";
const CV = "lib/cross_validation.ts";
const knn = () => load(import("../../../../lib/classifiers/k_nearest_neighbor.ts"), KNN);
const cv = () => load(import("../../../../lib/cross_validation.ts"), CV);

const XTrain = Matrix.randn(11, 5, 2);
const XTest = Matrix.randn(7, 5, 1);

async function trained(X = XTrain) {
  const { KNearestNeighbor } = await knn();
  return new KNearestNeighbor().train(X, Array.from({ length: X.rows }, (_, i) => i % 3));
}

test("computeDistancesTwoLoops: random 7×5 test vs 11×5 training data, L2 and L1", async () => {
  const model = await trained();
  for (const metric of ["L2", "L1"] as const) {
    const d = model.computeDistancesTwoLoops(XTest, { metric });
    assert.deepEqual(d.shape, [7, 11]);
    assertClose(d.data, referenceDistances(XTest, XTrain, metric), 1e-12, `${metric} dists`);
  }
});

test("computeDistancesOneLoop: random 7×5 test vs 11×5 training data, L2 and L1", async () => {
  const model = await trained();
  for (const metric of ["L2", "L1"] as const) {
    const d = model.computeDistancesOneLoop(XTest, { metric });
    assert.deepEqual(d.shape, [7, 11]);
    assertClose(d.data, referenceDistances(XTest, XTrain, metric), 1e-12, `${metric} dists`);
  }
});

test("computeDistancesNoLoops: random 40×30 vs 60×30 data; a point's distance to itself is 0", async () => {
  const train = Matrix.randn(60, 30, 3);
  const X = Matrix.randn(40, 30, 4);
  X.data.set(train.row(5), 0); // test row 0 is training row 5
  const model = await trained(train);
  const d = model.computeDistancesNoLoops(X);
  assert.deepEqual(d.shape, [40, 60]);
  assertClose(d.data, referenceDistances(X, train, "L2"), 1e-6, "L2 dists");
  assert.ok(d.get(0, 5) >= 0 && d.get(0, 5) < 1e-6, `distance to itself is ${d.get(0, 5)}`);
});

test("predictLabels: a tied vote goes to the smaller label; equal distances keep the earlier example", async () => {
  const { KNearestNeighbor, predictLabels } = await load(knn(), KNN, "predictLabels");
  const yTrain = [3, 1, 2, 1];
  // Row 0: nearest is example 2, then 0 and 1 tie at 0.2 (0 counts as nearer).
  const dists = Matrix.fromArray([[0.2, 0.2, 0.1, 0.3], [0.4, 0.3, 0.2, 0.1]]);
  assert.deepEqual(Array.from(predictLabels(dists, yTrain, 2)), [2, 1]); // 2 vs 3: 2; 1 vs 2: 1
  assert.deepEqual(Array.from(predictLabels(dists, yTrain, 3)), [1, 1]); // 2, 3, 1: one each
  const model = new KNearestNeighbor().train(Matrix.zeros(4, 1), yTrain);
  assert.deepEqual(Array.from(model.predictLabels(dists, 1)), [2, 1]);
  assert.deepEqual(Array.from(model.predictLabels(dists, 4)), [1, 1]);
});

test("kFoldSplit: a seeded shuffle puts every index in exactly one validation fold", async () => {
  const { kFoldSplit } = await load(cv(), CV, "kFoldSplit");
  const folds = kFoldSplit(23, 5, { seed: 3 });
  assert.deepEqual(folds.map((f) => f.valIdx.length), [5, 5, 5, 4, 4]);
  const seen = folds.flatMap((f) => Array.from(f.valIdx)).sort((a, b) => a - b);
  assert.deepEqual(seen, Array.from({ length: 23 }, (_, i) => i));
  for (const f of folds) {
    const all = [...f.trainIdx, ...f.valIdx].sort((a, b) => a - b);
    assert.deepEqual(all, seen, "trainIdx and valIdx split all indices");
  }
  const again = kFoldSplit(23, 5, { seed: 3 });
  assert.deepEqual(again.map((f) => Array.from(f.valIdx)), folds.map((f) => Array.from(f.valIdx)));
});

test("crossValidate: evaluate gets the rows of each fold, in fold order", async () => {
  const { crossValidate } = await load(cv(), CV, "crossValidate");
  const X = Matrix.colVector(Array.from({ length: 10 }, (_, i) => i)); // row i holds i
  const y = Array.from({ length: 10 }, (_, i) => i % 2);
  const calls: string[] = [];
  const result = crossValidate({
    X,
    y,
    values: [3, 1],
    folds: 5,
    evaluate: (value, XTr, yTr, XVal, yVal) => {
      calls.push(`${value}: ${Array.from(XVal.data)} | ${Array.from(XTr.data)} | ${yVal} ${yTr}`);
      return XVal.get(0, 0) / 10 + (value === 1 ? 0.05 : 0);
    },
  });
  assert.equal(calls.length, 10);
  assert.equal(calls[0], "3: 0,1 | 2,3,4,5,6,7,8,9 | 0,1 0,1,0,1,0,1,0,1");
  assert.equal(calls[9], "1: 8,9 | 0,1,2,3,4,5,6,7 | 0,1 0,1,0,1,0,1,0,1");
  assertClose(result.accuracies.get(3)!, [0, 0.2, 0.4, 0.6, 0.8], 1e-12, "accuracies of 3");
  assert.equal(result.best, 1);
  assertClose(result.bestMean, 0.45, 1e-12, "bestMean");
});

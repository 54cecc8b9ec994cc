/** A1 hidden tests: random data against simple references, ties, shuffled folds. */
import {
  assert,
  assertClose,
  expectArray,
  expectMatrix,
  expectNumber,
  expectNumbers,
  expectObject,
  Matrix,
  test,
  type TestSession,
} from "../../harness.ts";
import { guarded, referenceDistances } from "../../hidden/support.ts";

const KNN = "lib/classifiers/k_nearest_neighbor.ts";
const CV = "lib/cross_validation.ts";

const XTrain = Matrix.randn(11, 5, 2);
const XTest = Matrix.randn(7, 5, 1);

/** A KNearestNeighbor in the sandbox, trained on X with labels i % 3. */
async function trained(t: TestSession, X = XTrain) {
  const { KNearestNeighbor } = await t.load(KNN, "KNearestNeighbor");
  const model = await KNearestNeighbor.new();
  await model.call("train", X, Array.from({ length: X.rows }, (_, i) => i % 3));
  return model;
}

/** Both metrics of a distance method against the reference on the random 7×5 vs 11×5 data. */
async function checkDistances(t: TestSession, method: string) {
  const model = await trained(t);
  for (const metric of ["L2", "L1"] as const) {
    const d = expectMatrix(await model.call(method, XTest, { metric }), `${metric} dists`, [7, 11]);
    assertClose(d.data, referenceDistances(XTest, XTrain, metric), 1e-12, `${metric} dists`);
  }
}

test("computeDistancesTwoLoops: random 7×5 test vs 11×5 training data, L2 and L1", async (t) => {
  await checkDistances(t, "computeDistancesTwoLoops");
});

test("computeDistancesOneLoop: random 7×5 test vs 11×5 training data, L2 and L1", async (t) => {
  await checkDistances(t, "computeDistancesOneLoop");
});

test("computeDistancesNoLoops: random 40×30 vs 60×30 data; a point's distance to itself is 0", async (t) => {
  const train = Matrix.randn(60, 30, 3);
  const X = Matrix.randn(40, 30, 4);
  X.data.set(train.row(5), 0); // test row 0 is training row 5
  const model = await trained(t, train);
  const d = expectMatrix(await model.call("computeDistancesNoLoops", X), "dists", [40, 60]);
  assertClose(d.data, referenceDistances(X, train, "L2"), 1e-6, "L2 dists");
  const self = d.data[0 * 60 + 5];
  assert.ok(self >= 0 && self < 1e-6, `distance to itself is ${self}`);
});

test("predictLabels: a tied vote goes to the smaller label; equal distances keep the earlier example", async (t) => {
  const { KNearestNeighbor, predictLabels } = await t.load(
    KNN,
    "KNearestNeighbor",
    "predictLabels",
  );
  const yTrain = [3, 1, 2, 1];
  // Row 0: nearest is example 2, then 0 and 1 tie at 0.2 (0 counts as nearer).
  const dists = Matrix.fromArray([[0.2, 0.2, 0.1, 0.3], [0.4, 0.3, 0.2, 0.1]]);
  const labels = async (k: number) =>
    expectNumbers(await predictLabels(dists, yTrain, k), `predictLabels(dists, yTrain, ${k})`);
  assert.deepEqual(await labels(2), [2, 1]); // 2 vs 3: 2; 1 vs 2: 1
  assert.deepEqual(await labels(3), [1, 1]); // 2, 3, 1: one each
  const model = await KNearestNeighbor.new();
  await model.call("train", Matrix.zeros(4, 1), yTrain);
  const method = async (k: number) =>
    expectNumbers(await model.call("predictLabels", dists, k), `model.predictLabels(dists, ${k})`);
  assert.deepEqual(await method(1), [2, 1]);
  assert.deepEqual(await method(4), [1, 1]);
});

test("kFoldSplit: a seeded shuffle puts every index in exactly one validation fold", async (t) => {
  const { kFoldSplit } = await t.load(CV, "kFoldSplit");
  const split = async (what: string) => {
    const folds = expectArray(await kFoldSplit(23, 5, { seed: 3 }), what)
      .map((f, i) => expectObject(f, `fold ${i}`, "trainIdx", "valIdx"));
    return folds.map((f, i) => ({
      trainIdx: expectNumbers(f.trainIdx, `fold ${i} trainIdx`),
      valIdx: expectNumbers(f.valIdx, `fold ${i} valIdx`),
    }));
  };
  const folds = await split("kFoldSplit(23, 5, { seed: 3 })");
  assert.deepEqual(folds.map((f) => f.valIdx.length), [5, 5, 5, 4, 4]);
  const seen = folds.flatMap((f) => f.valIdx).sort((a, b) => a - b);
  assert.deepEqual(seen, Array.from({ length: 23 }, (_, i) => i));
  for (const f of folds) {
    const all = [...f.trainIdx, ...f.valIdx].sort((a, b) => a - b);
    assert.deepEqual(all, seen, "trainIdx and valIdx split all indices");
  }
  const again = await split("kFoldSplit(23, 5, { seed: 3 }) called again");
  assert.deepEqual(again.map((f) => f.valIdx), folds.map((f) => f.valIdx));
});

test("crossValidate: evaluate gets the rows of each fold, in fold order", async (t) => {
  const { crossValidate } = await t.load(CV, "crossValidate");
  const X = Matrix.colVector(Array.from({ length: 10 }, (_, i) => i)); // row i holds i
  const y = Array.from({ length: 10 }, (_, i) => i % 2);
  const calls: string[] = [];
  const evaluate = guarded(
    (value: unknown, XTr: unknown, yTr: unknown, XVal: unknown, yVal: unknown) => {
      const v = expectNumber(value, "evaluate's value");
      const xTr = expectMatrix(XTr, "evaluate's XTrain");
      const xVal = expectMatrix(XVal, "evaluate's XVal");
      const labelsTr = expectNumbers(yTr, "evaluate's yTrain");
      const labelsVal = expectNumbers(yVal, "evaluate's yVal");
      calls.push(
        `${v}: ${Array.from(xVal.data)} | ${Array.from(xTr.data)} | ${labelsVal} ${labelsTr}`,
      );
      return xVal.data[0] / 10 + (v === 1 ? 0.05 : 0);
    },
  );
  const returned = await evaluate.settle(
    crossValidate({ X, y, values: [3, 1], folds: 5, evaluate: evaluate.fn }),
  );
  const result = expectObject(returned, "the result", "accuracies", "best", "bestMean");
  assert.equal(calls.length, 10);
  assert.equal(calls[0], "3: 0,1 | 2,3,4,5,6,7,8,9 | 0,1 0,1,0,1,0,1,0,1");
  assert.equal(calls[9], "1: 8,9 | 0,1,2,3,4,5,6,7 | 0,1 0,1,0,1,0,1,0,1");
  assert.ok(result.accuracies instanceof Map, "accuracies should be a Map");
  assertClose(result.accuracies.get(3), [0, 0.2, 0.4, 0.6, 0.8], 1e-12, "accuracies of 3");
  assert.equal(result.best, 1);
  assertClose(result.bestMean, 0.45, 1e-12, "bestMean");
});

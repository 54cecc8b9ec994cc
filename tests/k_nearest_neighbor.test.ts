import assert from "node:assert/strict";
import { Matrix } from "../lib/matrix.ts";
import { Rng } from "../lib/random.ts";
import { loadMnist } from "../lib/data/mnist.ts";
import { trainValTestSplit } from "../lib/data/split.ts";
import {
  type DistanceMetric,
  KNearestNeighbor,
  predictLabels,
} from "../lib/classifiers/k_nearest_neighbor.ts";

const METRICS: DistanceMetric[] = ["L2", "L1"];

function allThree(knn: KNearestNeighbor, X: Matrix, metric: DistanceMetric): Matrix[] {
  return [
    knn.computeDistancesTwoLoops(X, { metric }),
    knn.computeDistancesOneLoop(X, { metric }),
    knn.computeDistancesNoLoops(X, { metric }),
  ];
}

Deno.test("distances: the three routines match a hand-computed example", () => {
  const XTrain = Matrix.fromArray([[0, 0], [3, 4], [1, -1]]);
  const XTest = Matrix.fromArray([[0, 0], [6, 8]]);
  const knn = new KNearestNeighbor().train(XTrain, [0, 1, 2]);
  // |(6,8) − (1,−1)|: L2 = √(25 + 81) = √106, L1 = 5 + 9 = 14.
  const expected = {
    L2: Matrix.fromArray([[0, 5, Math.SQRT2], [10, 5, Math.sqrt(106)]]),
    L1: Matrix.fromArray([[0, 7, 2], [14, 7, 14]]),
  };
  for (const metric of METRICS) {
    for (const dists of allThree(knn, XTest, metric)) {
      assert.deepEqual(dists.shape, [2, 3]);
      assert(dists.maxAbsDiff(expected[metric]) < 1e-12, `${metric}: ${dists}`);
    }
  }
  // Default metric is L2, and identical rows are exactly 0 in the no-loop form too.
  assert.equal(knn.computeDistancesNoLoops(XTest).get(0, 0), 0);
  assert.equal(knn.computeDistancesNoLoops(XTest).get(1, 0), 10);
});

Deno.test("distances: two loops, one loop and no loops agree to 1e-9 on random data", () => {
  // D = 1000 makes the L1 block (16384 / D = 16 training rows) smaller than numTrain = 50.
  for (const [numTest, numTrain, dim] of [[20, 50, 30], [7, 50, 1000], [1, 1, 3]]) {
    const XTrain = Matrix.randn(numTrain, dim, 1);
    const XTest = Matrix.randn(numTest, dim, 2).mul(2).add(0.5);
    const knn = new KNearestNeighbor().train(XTrain, new Int32Array(numTrain));
    for (const metric of METRICS) {
      const [two, one, none] = allThree(knn, XTest, metric);
      assert.deepEqual(none.shape, [numTest, numTrain]);
      assert(two.maxAbsDiff(one) < 1e-9, `${metric} two vs one: ${two.maxAbsDiff(one)}`);
      assert(two.maxAbsDiff(none) < 1e-9, `${metric} two vs none: ${two.maxAbsDiff(none)}`);
      assert(none.min() > 0, `${metric}: random points are never at distance 0`);
    }
  }
});

Deno.test("distances: a point's distance to itself is ≈ 0, never NaN (the clamp before √)", () => {
  // ‖a‖² + ‖a‖² − 2a·a rounds to a tiny negative for some rows here; unclamped, √ would give NaN.
  const X = Matrix.randn(20, 7, 5);
  const knn = new KNearestNeighbor().train(X, new Int32Array(20));
  const none = knn.computeDistancesNoLoops(X);
  assert(none.data.every(Number.isFinite), "no NaN");
  for (let i = 0; i < 20; i++) assert(none.get(i, i) < 1e-6, `d(${i}, ${i}) = ${none.get(i, i)}`);
  assert(none.maxAbsDiff(knn.computeDistancesTwoLoops(X)) < 1e-6);
  assert.equal(knn.computeDistancesTwoLoops(X, { metric: "L1" }).get(3, 3), 0);
});

Deno.test("predictLabels: majority vote, ties to the smaller label", () => {
  const yTrain = Int32Array.from([5, 2, 5, 2, 9]);
  // Nearest first: rows 0 (5), 1 (2), 2 (5), 3 (2), 4 (9).
  const dists = Matrix.fromArray([[0.1, 0.2, 0.3, 0.4, 0.5]]);
  const at = (k: number) => predictLabels(dists, yTrain, k)[0];
  assert.equal(at(1), 5);
  assert.equal(at(2), 2); // one vote each for 5 and 2: the smaller label
  assert.equal(at(3), 5); // 5, 2, 5
  assert.equal(at(4), 2); // 2–2 tie
  assert.equal(at(5), 2); // 2–2–1 tie
  // Equal distances: the earlier training row counts as nearer.
  const flat = Matrix.fromArray([[1, 1, 1], [2, 1, 1]]);
  assert.deepEqual(Array.from(predictLabels(flat, [7, 3, 4], 1)), [7, 3]);
  // Row 2 is nearest; rows 0 and 1 tie for second place and row 0 (label 7) wins it, so the
  // vote is 4 against 7 → 4 (with row 1 instead it would be 4 against 3 → 3).
  assert.deepEqual(Array.from(predictLabels(Matrix.fromArray([[1, 1, 0.5]]), [7, 3, 4], 2)), [4]);
  // A three-way tie with k = 3 goes to the smallest label.
  assert.deepEqual(Array.from(predictLabels(flat, [7, 3, 4], 3)), [3, 3]);
  // The method agrees with the standalone function.
  const knn = new KNearestNeighbor().train(Matrix.zeros(5, 1), yTrain);
  for (let k = 1; k <= 5; k++) {
    assert.deepEqual(knn.predictLabels(dists, k), predictLabels(dists, yTrain, k));
  }
  assert.deepEqual(predictLabels(new Matrix(0, 5), yTrain, 2), new Int32Array(0));
});

Deno.test("predict: every numLoops and metric gives the same predictions on blobs", () => {
  // Two well-separated 2-D clusters around (−3, 0) and (3, 0).
  const X = Matrix.randn(40, 2, 3).add(Matrix.fromArray([[3, 0]]));
  for (let i = 0; i < 20; i++) X.set(i, 0, X.get(i, 0) - 6);
  const y = Int32Array.from({ length: 40 }, (_, i) => (i < 20 ? 0 : 1));
  const knn = new KNearestNeighbor().train(X.sliceRows(5, 35), y.subarray(5, 35));
  const XTest = X.gatherRows([0, 1, 2, 3, 4, 35, 36, 37, 38, 39]);
  const expected = [0, 0, 0, 0, 0, 1, 1, 1, 1, 1];
  for (const metric of METRICS) {
    for (const numLoops of [0, 1, 2] as const) {
      for (const k of [1, 3, 7]) {
        const yPred = knn.predict(XTest, { k, numLoops, metric });
        assert.deepEqual(Array.from(yPred), expected, `${metric} ${numLoops} loops k=${k}`);
      }
    }
  }
  assert.deepEqual(Array.from(knn.predict(XTest)), expected); // defaults: k = 1, L2, no loops
});

Deno.test("kNN on the embedded MNIST digits: k = 1, L2 test accuracy ≥ 0.92", async () => {
  const { X, y } = await loadMnist();
  const s = trainValTestSplit(X, y, { numTrain: 8000, numVal: 1000, numTest: 1000, seed: 0 });
  const knn = new KNearestNeighbor().train(s.XTrain, s.yTrain);
  const dists = knn.computeDistancesNoLoops(s.XTest);
  assert.deepEqual(dists.shape, [1000, 8000]);
  const yPred = knn.predictLabels(dists, 1);
  const acc = yPred.filter((c, i) => c === s.yTest[i]).length / s.yTest.length;
  console.log(`kNN MNIST k=1 L2: test accuracy ${acc}`);
  assert(acc >= 0.92, `accuracy ${acc} < 0.92`);
  // The two-loop routine agrees with the matmul form on a few rows of real data.
  const few = s.XTest.sliceRows(0, 3);
  const two = knn.computeDistancesTwoLoops(few);
  assert(two.maxAbsDiff(dists.sliceRows(0, 3)) < 1e-9);
});

Deno.test("errors: training data, labels, k, state, shapes and options", () => {
  assert.throws(() => new KNearestNeighbor().train(Matrix.zeros(3, 2), [0, 1]), {
    name: "RangeError",
    message: /KNearestNeighbor\.train: X \(3×2\) has 3 rows but y has 2 labels/,
  });
  assert.throws(
    () => new KNearestNeighbor().train(Matrix.zeros(2, 2), [0, 1.5]),
    /train: label y\[1\] = 1\.5 is not a non-negative integer/,
  );
  assert.throws(
    () => new KNearestNeighbor().train(Matrix.zeros(2, 2), [-1, 0]),
    /label y\[0\] = -1 is not a non-negative integer/,
  );
  assert.throws(
    () => new KNearestNeighbor().train(Matrix.zeros(0, 2), []),
    /train: X \(0×2\) has no training examples/,
  );

  const untrained = new KNearestNeighbor();
  const X = Matrix.zeros(2, 3);
  for (
    const call of [
      () => untrained.predict(X),
      () => untrained.computeDistancesTwoLoops(X),
      () => untrained.computeDistancesOneLoop(X),
      () => untrained.computeDistancesNoLoops(X),
      () => untrained.predictLabels(Matrix.zeros(2, 4), 1),
    ]
  ) {
    assert.throws(call, { name: "TypeError", message: /not trained; call train\(X, y\)/ });
  }

  const knn = new KNearestNeighbor().train(Matrix.zeros(4, 3), [0, 1, 0, 1]);
  for (const numLoops of [0, 1, 2] as const) {
    assert.throws(() => knn.predict(Matrix.zeros(2, 5), { numLoops }), {
      name: "RangeError",
      message: /test X \(2×5\) and training X \(4×3\) have different dimensions \(5 ≠ 3\)/,
    });
  }
  assert.throws(() => knn.predict(X, { k: 1.5 }), /k must be a positive integer, got 1\.5/);
  assert.throws(() => knn.predict(X, { k: 0 }), /k must be a positive integer, got 0/);
  assert.throws(() => knn.predict(X, { k: 5 }), /k = 5 exceeds the 4 training examples/);
  assert.throws(
    () => knn.predict(X, { numLoops: 3 as 0 }),
    /predict: numLoops must be 0, 1 or 2, got 3/,
  );
  assert.throws(
    () => knn.computeDistancesNoLoops(X, { metric: "L3" as DistanceMetric }),
    /computeDistancesNoLoops: metric must be "L2" or "L1", got "L3"/,
  );

  assert.throws(
    () => predictLabels(Matrix.zeros(2, 3), [0, 1], 1),
    /predictLabels: dists \(2×3\) has 3 columns but yTrain has 2 labels/,
  );
  assert.throws(
    () => predictLabels(Matrix.fromArray([[0, NaN]]), [0, 1], 2),
    /predictLabels: dists\(0, 1\) is NaN/,
  );
  assert.throws(() => predictLabels(Matrix.zeros(1, 2), [0, 1], 3), /k = 3 exceeds the 2/);
});

Deno.test("predictLabels: the vote matches np.argmax(np.bincount(closest_y)) on random data", () => {
  // Reference: sort by (distance, index), count the k labels in an array, first maximum wins.
  const reference = (row: Float64Array, labels: number[], k: number) => {
    const order = Array.from(row, (d, j) => [d, j]).sort((a, b) => a[0] - b[0] || a[1] - b[1]);
    const counts = new Array(Math.max(...labels) + 1).fill(0);
    for (const [, j] of order.slice(0, k)) counts[labels[j]]++;
    return counts.indexOf(Math.max(...counts));
  };
  const rng = new Rng(11);
  for (let trial = 0; trial < 20; trial++) {
    const numTrain = 7 + rng.int(0, 30), numTest = 1 + rng.int(0, 8);
    const labels = Array.from({ length: numTrain }, () => rng.int(0, 6));
    // Distances rounded to one decimal, so that ties in distance happen often.
    const dists = Matrix.rand(numTest, numTrain, rng).map((v) => Math.round(v * 10) / 10);
    for (const k of [1, 2, 3, 4, 7, numTrain]) {
      const got = Array.from(predictLabels(dists, labels, k));
      const want = Array.from({ length: numTest }, (_, i) => reference(dists.row(i), labels, k));
      assert.deepEqual(got, want, `trial ${trial}, k = ${k}`);
    }
  }
});

Deno.test("numClasses: optional; when given, train checks every label against it", () => {
  const X = Matrix.zeros(3, 1);
  assert.equal(new KNearestNeighbor().numClasses, null);
  const knn = new KNearestNeighbor({ numClasses: 3 }).train(X, [0, 2, 1]);
  assert.equal(knn.numClasses, 3);
  assert.deepEqual(Array.from(knn.yTrain!), [0, 2, 1]);
  assert.throws(() => new KNearestNeighbor({ numClasses: 2 }).train(X, [0, 2, 1]), {
    name: "RangeError",
    message: "KNearestNeighbor.train: y[1] = 2 is not a class in 0..1: the classifier was built " +
      "with numClasses 2",
  });
  // Without it any non-negative int32 label works.
  const free = new KNearestNeighbor().train(X, [0, 2 ** 31 - 1, 5]);
  assert.equal(free.predict(Matrix.zeros(1, 1), { k: 3 })[0], 0); // one vote each: the smallest
});

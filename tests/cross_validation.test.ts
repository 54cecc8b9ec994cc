import assert from "node:assert/strict";
import { Matrix } from "../lib/matrix.ts";
import { Rng } from "../lib/random.ts";
import { loadMnist } from "../lib/data/mnist.ts";
import { trainValTestSplit } from "../lib/data/split.ts";
import { KNearestNeighbor } from "../lib/classifiers/k_nearest_neighbor.ts";
import { crossValidate, crossValidateKnn, kFoldSplit } from "../lib/cross_validation.ts";

const list = (a: Int32Array) => Array.from(a);

Deno.test("kFoldSplit without a seed: contiguous folds in order, like np.array_split", () => {
  const folds = kFoldSplit(10, 3);
  assert.deepEqual(folds.map((f) => list(f.valIdx)), [[0, 1, 2, 3], [4, 5, 6], [7, 8, 9]]);
  assert.deepEqual(folds.map((f) => list(f.trainIdx)), [
    [4, 5, 6, 7, 8, 9],
    [0, 1, 2, 3, 7, 8, 9],
    [0, 1, 2, 3, 4, 5, 6],
  ]);
  assert.deepEqual(kFoldSplit(2, 2).map((f) => list(f.valIdx)), [[0], [1]]);
});

Deno.test("kFoldSplit properties: sizes, coverage, disjointness, seeding", () => {
  for (const [n, k] of [[10, 3], [7, 7], [101, 5], [50, 10], [13, 2]]) {
    for (const seed of [undefined, 0, 42]) {
      const folds = kFoldSplit(n, k, { seed });
      assert.equal(folds.length, k);
      const sizes = folds.map((f) => f.valIdx.length);
      assert(Math.max(...sizes) - Math.min(...sizes) <= 1, `sizes ${sizes}`);
      const seen = new Int32Array(n);
      for (const { trainIdx, valIdx } of folds) {
        for (const i of valIdx) seen[i]++;
        assert.equal(trainIdx.length + valIdx.length, n);
        const all = [...trainIdx, ...valIdx].sort((a, b) => a - b);
        assert.deepEqual(all, Array.from({ length: n }, (_, i) => i)); // disjoint and complete
      }
      assert(seen.every((c) => c === 1), `n=${n} folds=${k}: every index in exactly one fold`);
    }
  }
  const a = kFoldSplit(20, 4, { seed: 7 }), b = kFoldSplit(20, 4, { seed: 7 });
  assert.deepEqual(a, b);
  assert.deepEqual(kFoldSplit(20, 4, { seed: new Rng(7) }), a);
  assert.notDeepEqual(kFoldSplit(20, 4, { seed: 8 }), a);
  assert.notDeepEqual(kFoldSplit(20, 4), a);
});

Deno.test("kFoldSplit errors", () => {
  assert.throws(() => kFoldSplit(10, 1), {
    name: "RangeError",
    message: /kFoldSplit: folds must be an integer in \[2, n = 10\], got 1/,
  });
  assert.throws(() => kFoldSplit(3, 4), /folds must be an integer in \[2, n = 3\], got 4/);
  assert.throws(() => kFoldSplit(10, 2.5), /got 2\.5/);
  assert.throws(() => kFoldSplit(-1, 2), /kFoldSplit: n must be a non-negative integer, got -1/);
});

Deno.test("crossValidate: a hand-checkable constant-label model", () => {
  // X row i holds i, so the folds the model sees can be checked too.
  const X = Matrix.colVector([0, 1, 2, 3, 4, 5]);
  const y = [0, 0, 1, 1, 1, 1];
  const seenVal: number[][] = [];
  const result = crossValidate({
    X,
    y,
    values: [0, 1],
    folds: 3,
    evaluate: (value, XTrain, yTrain, XVal, yVal) => {
      assert.equal(XTrain.rows, 4);
      assert.deepEqual(list(yTrain), Array.from(XTrain.data, (i) => y[i]));
      assert.deepEqual(list(yVal), Array.from(XVal.data, (i) => y[i]));
      if (value === 0) seenVal.push(Array.from(XVal.data));
      return yVal.filter((label) => label === value).length / yVal.length;
    },
  });
  assert.deepEqual(seenVal, [[0, 1], [2, 3], [4, 5]]);
  assert.deepEqual(result.values, [0, 1]);
  assert.equal(result.folds, 3);
  assert.deepEqual(result.accuracies.get(0), [1, 0, 0]);
  assert.deepEqual(result.accuracies.get(1), [0, 1, 1]);
  assert(Math.abs(result.means.get(1)! - 2 / 3) < 1e-15);
  assert(Math.abs(result.stds.get(1)! - Math.SQRT2 / 3) < 1e-15); // √(((4 + 1 + 1) / 9) / 3)
  assert(Math.abs(result.stds.get(0)! - Math.SQRT2 / 3) < 1e-15);
  assert.equal(result.best, 1);
  assert(Math.abs(result.bestMean - 2 / 3) < 1e-15);
});

Deno.test("crossValidate: ties go to the smaller number, or the earlier string", () => {
  const base = { X: Matrix.zeros(4, 1), y: [0, 0, 0, 0], folds: 2 };
  const numbers = crossValidate({
    ...base,
    values: [5, 3, 4, 1],
    evaluate: (v) => v === 1 ? 0 : 1,
  });
  assert.equal(numbers.best, 3);
  const strings = crossValidate({ ...base, values: ["b", "a"], evaluate: () => 0.5 });
  assert.equal(strings.best, "b");
  const better = crossValidate({ ...base, values: [1, 2], evaluate: (v) => v / 4 });
  assert.equal(better.best, 2);
  assert.equal(better.bestMean, 0.5);
});

Deno.test("crossValidateKnn: leave-one-out on four points, by hand", () => {
  // x = 0, 1, 2, 10 with labels 0, 0, 1, 1; each fold holds out one point.
  // k=1: 0→1 ✓, 1→0 (tie with 2, earlier row) ✓, 2→1 ✗, 10→2 ✓.
  // k=2: 0→{1, 2} tie → 0 ✓, 1→{0, 2} tie → 0 ✓, 2→{1, 0} ✗, 10→{2, 1} tie → 0 ✗.
  // k=3: the other three always outvote the held-out label: all ✗.
  const X = Matrix.colVector([0, 1, 2, 10]);
  for (const metric of ["L2", "L1"] as const) {
    const r = crossValidateKnn(X, [0, 0, 1, 1], { ks: [1, 2, 3], folds: 4, metric });
    assert.deepEqual(r.accuracies.get(1), [1, 1, 0, 1]);
    assert.deepEqual(r.accuracies.get(2), [1, 1, 0, 0]);
    assert.deepEqual(r.accuracies.get(3), [0, 0, 0, 0]);
    assert.deepEqual([...r.means.values()], [0.75, 0.5, 0]);
    assert.deepEqual([...r.stds.values()], [Math.sqrt(0.1875), 0.5, 0]);
    assert.equal(r.best, 1);
    assert.equal(r.bestMean, 0.75);
  }
});

Deno.test("crossValidateKnn on MNIST: seeded, matches crossValidate, plain results", async () => {
  const { X: XAll, y: yAll } = await loadMnist();
  const { XTrain: X, yTrain: y } = trainValTestSplit(XAll, yAll, { numTrain: 500, seed: 0 });
  const ks = [1, 3, 5, 8, 10];
  const r = crossValidateKnn(X, y, { ks, folds: 5, seed: 0 });
  const again = crossValidateKnn(X, y, { ks, folds: 5, seed: 0 });
  assert.deepEqual(again.accuracies, r.accuracies);
  assert.notDeepEqual(crossValidateKnn(X, y, { ks, folds: 5, seed: 1 }).accuracies, r.accuracies);
  console.log(
    "MNIST 500, 5-fold:",
    ks.map((k) => `k=${k}: ${r.means.get(k)!.toFixed(3)} ± ${r.stds.get(k)!.toFixed(3)}`).join(
      ", ",
    ),
    `best k=${r.best}`,
  );
  assert(r.means.get(1)! >= 0.8, `k=1 mean accuracy ${r.means.get(1)}`);
  assert(ks.includes(r.best) && r.bestMean === Math.max(...r.means.values()));

  // The generic loop with a kNN evaluator gives exactly the same numbers.
  const generic = crossValidate({
    X,
    y,
    values: ks,
    folds: 5,
    seed: 0,
    evaluate: (k, XTrain, yTrain, XVal, yVal) => {
      const yPred = new KNearestNeighbor().train(XTrain, yTrain).predict(XVal, { k });
      return yPred.filter((c, i) => c === yVal[i]).length / yVal.length;
    },
  });
  assert.deepEqual(generic.accuracies, r.accuracies);
  assert.equal(generic.best, r.best);

  // Plain data: the values in order, one accuracy per fold, means and stds over those folds.
  assert.deepEqual(r.values, ks);
  assert.equal(r.folds, 5);
  for (const k of ks) {
    const accs = r.accuracies.get(k)!;
    assert.equal(accs.length, 5);
    const mean = accs.reduce((sum, a) => sum + a, 0) / 5;
    assert.equal(r.means.get(k), mean);
    assert.equal(r.stds.get(k), Math.sqrt(accs.reduce((sum, a) => sum + (a - mean) ** 2, 0) / 5));
  }
});

Deno.test("crossValidate and crossValidateKnn errors", () => {
  const X = Matrix.zeros(6, 2), y = [0, 1, 0, 1, 0, 1];
  const evaluate = () => 1;
  assert.throws(() => crossValidate({ X, y: [0, 1], values: [1], evaluate }), {
    name: "RangeError",
    message: /crossValidate: X \(6×2\) has 6 rows but y has 2 labels/,
  });
  assert.throws(
    () => crossValidate({ X, y, values: [1], folds: 1, evaluate }),
    /crossValidate: folds must be an integer in \[2, 6\] for X \(6×2\), got 1/,
  );
  assert.throws(() => crossValidate({ X, y, values: [1], folds: 7, evaluate }), /got 7/);
  assert.throws(() => crossValidate({ X, y, values: [], evaluate }), /no values to compare/);
  assert.throws(
    () => crossValidate({ X, y, values: [1, 2, 1], evaluate }),
    /values must be distinct, got \[1, 2, 1\]/,
  );
  assert.throws(
    () => crossValidate({ X, y, values: [1, 2], folds: 3, evaluate: (v) => v === 2 ? NaN : 1 }),
    /crossValidate: accuracy for value 2 on fold 0 is NaN/,
  );

  assert.throws(() => crossValidateKnn(X, [0], { ks: [1] }), /crossValidateKnn: X \(6×2\) has 6/);
  assert.throws(() => crossValidateKnn(X, y, { ks: [1], folds: 10 }), /folds must be .* got 10/);
  assert.throws(
    () => crossValidateKnn(X, y, { ks: [1, 2.5], folds: 3 }),
    /crossValidateKnn: k must be a positive integer, got 2\.5/,
  );
  assert.throws(() => crossValidateKnn(X, y, { ks: [0] }), /k must be a positive integer, got 0/);
  // 6 rows in 4 folds: the largest fold holds 2, so the smallest training set has 4 rows.
  assert.throws(
    () => crossValidateKnn(X, y, { ks: [4, 5], folds: 4 }),
    /k = 5 exceeds the 4 training examples of the smallest fold/,
  );
  assert.throws(
    () => crossValidateKnn(X, y, { ks: [1], folds: 2, metric: "cosine" as "L1" }),
    /crossValidateKnn: metric must be "L2" or "L1", got "cosine"/,
  );
});

import assert from "node:assert/strict";
import { Matrix } from "../lib/matrix.ts";
import { Rng } from "../lib/random.ts";
import {
  checkClasses,
  checkLabels,
  checkNumClasses,
  gatherLabels,
  inferNumClasses,
} from "../lib/data/labels.ts";
import { subsample, trainValTestSplit } from "../lib/data/split.ts";

/** N×2 data whose row i is [i, −i] and whose label is i mod 7, so every row can be traced. */
function indexed(N: number) {
  const X = new Matrix(N, 2);
  for (let i = 0; i < N; i++) X.data.set([i, -i], 2 * i);
  const y = Int32Array.from({ length: N }, (_, i) => i % 7);
  return { X, y };
}

const ids = (X: Matrix) => Array.from({ length: X.rows }, (_, i) => X.get(i, 0));

Deno.test("trainValTestSplit: train, val and test are disjoint and have the requested sizes", () => {
  const { X, y } = indexed(100);
  const s = trainValTestSplit(X, y, { numTrain: 60, numVal: 25, numTest: 15, seed: 3 });
  assert.deepEqual([s.XTrain.rows, s.XVal.rows, s.XTest.rows], [60, 25, 15]);
  assert.deepEqual([s.yTrain.length, s.yVal.length, s.yTest.length], [60, 25, 15]);
  const all = [...ids(s.XTrain), ...ids(s.XVal), ...ids(s.XTest)];
  assert.equal(new Set(all).size, 100); // disjoint and, here, covering every row
  assert.deepEqual([...all].sort((a, b) => a - b), Array.from({ length: 100 }, (_, i) => i));
  assert.notDeepEqual(ids(s.XTrain), Array.from({ length: 60 }, (_, i) => i)); // shuffled
});

Deno.test("trainValTestSplit: labels and both columns stay with their rows", () => {
  const { X, y } = indexed(50);
  const s = trainValTestSplit(X, y, { numTrain: 30, numVal: 10, numTest: 10, numDev: 5, seed: 1 });
  const parts = [[s.XTrain, s.yTrain], [s.XVal, s.yVal], [s.XTest, s.yTest], [s.XDev, s.yDev]];
  for (const [Xp, yp] of parts as [Matrix, Int32Array][]) {
    for (let r = 0; r < Xp.rows; r++) {
      const i = Xp.get(r, 0);
      assert.equal(Xp.get(r, 1), -i);
      assert.equal(yp[r], i % 7);
    }
  }
});

Deno.test("trainValTestSplit: the dev set is a subset of the training rows, without repeats", () => {
  const { X, y } = indexed(40);
  const s = trainValTestSplit(X, y, { numTrain: 20, numVal: 10, numDev: 8, seed: 9 });
  const train = new Set(ids(s.XTrain));
  const dev = ids(s.XDev);
  assert.equal(dev.length, 8);
  assert.equal(new Set(dev).size, 8);
  assert.ok(dev.every((i) => train.has(i)));
  assert.equal(s.XTest.rows, 0); // numTest defaults to 0
  assert.equal(s.yTest.length, 0);
});

Deno.test("trainValTestSplit: same seed → same split, other seed → other split, Rng seeds work", () => {
  const { X, y } = indexed(30);
  const opts = { numTrain: 20, numVal: 5, numTest: 5 };
  const a = trainValTestSplit(X, y, { ...opts, seed: 7 });
  const b = trainValTestSplit(X, y, { ...opts, seed: 7 });
  const c = trainValTestSplit(X, y, { ...opts, seed: 8 });
  const d = trainValTestSplit(X, y, { ...opts, seed: new Rng(7) });
  assert.deepEqual(ids(a.XTrain), ids(b.XTrain));
  assert.deepEqual(a.yVal, b.yVal);
  assert.notDeepEqual(ids(a.XTrain), ids(c.XTrain));
  assert.deepEqual(ids(a.XTrain), ids(d.XTrain)); // a generator seeded 7 draws the same permutation
});

Deno.test("trainValTestSplit: shuffle: false keeps the original order", () => {
  const { X, y } = indexed(10);
  const s = trainValTestSplit(X, y, { numTrain: 6, numVal: 2, numTest: 2, shuffle: false });
  assert.deepEqual(ids(s.XTrain), [0, 1, 2, 3, 4, 5]);
  assert.deepEqual(ids(s.XVal), [6, 7]);
  assert.deepEqual(ids(s.XTest), [8, 9]);
  assert.deepEqual([...s.yTest], [1, 2]);
});

Deno.test("trainValTestSplit: bad sizes and mismatched labels throw RangeErrors naming them", () => {
  const { X, y } = indexed(10);
  assert.throws(
    () => trainValTestSplit(X, y, { numTrain: 8, numVal: 2, numTest: 1 }),
    { name: "RangeError", message: /8 \+ 2 \+ 1 = 11 examples requested, X \(10×2\) has 10/ },
  );
  assert.throws(
    () => trainValTestSplit(X, y, { numTrain: 3, numDev: 4 }),
    /numDev 4 exceeds numTrain 3/,
  );
  assert.throws(
    () => trainValTestSplit(X, y, { numTrain: -1 }),
    /numTrain must be a non-negative integer, got -1/,
  );
  assert.throws(
    () => trainValTestSplit(X, y, { numTrain: 2, numVal: 1.5 }),
    /numVal must be a non-negative integer, got 1.5/,
  );
  assert.throws(
    () => trainValTestSplit(X, y.subarray(0, 9), { numTrain: 2 }),
    /trainValTestSplit: X \(10×2\) has 10 rows but y has 9 labels/,
  );
});

Deno.test("subsample: n distinct rows with their labels, seeded", () => {
  const { X, y } = indexed(20);
  const a = subsample(X, y, 6, { seed: 4 });
  const b = subsample(X, y, 6, { seed: 4 });
  const c = subsample(X, y, 6, { seed: 5 });
  assert.deepEqual(a.X.shape, [6, 2]);
  assert.equal(new Set(ids(a.X)).size, 6);
  ids(a.X).forEach((i, r) => assert.equal(a.y[r], i % 7));
  assert.deepEqual(ids(a.X), ids(b.X));
  assert.notDeepEqual(ids(a.X), ids(c.X));
  assert.equal(subsample(X, y, 0).X.rows, 0);
  assert.equal(new Set(ids(subsample(X, y, 20).X)).size, 20);
});

Deno.test("subsample, gatherLabels, checkLabels: errors name the problem", () => {
  const { X, y } = indexed(5);
  assert.throws(() => subsample(X, y, 6), /subsample: cannot take 6 examples from X \(5×2\)/);
  assert.throws(() => subsample(X, y, -1), /cannot take -1 examples/);
  assert.throws(() => subsample(X, [0, 1], 1), /subsample: X \(5×2\) has 5 rows but y has 2/);
  assert.deepEqual([...gatherLabels([5, 6, 7], [2, 2, 0])], [7, 7, 5]);
  assert.throws(() => gatherLabels([5, 6, 7], [3]), /gatherLabels: index 3 is outside 3 labels/);
  assert.throws(() => gatherLabels([5, 6, 7], [-1]), /index -1 is outside/);
  checkLabels("ok", X, y); // matching: no error
  assert.throws(() => checkLabels("myOp", X, [1]), {
    name: "RangeError",
    message: "myOp: X (5×2) has 5 rows but y has 1 labels",
  });
  assert.throws(() => checkLabels("myOp", X, null as unknown as number[]), {
    name: "TypeError",
    message: "myOp: y must be an array of labels (Int32Array), got null (object)",
  });
  assert.throws(() => checkLabels("myOp", [[1]] as unknown as Matrix, [0]), {
    name: "TypeError",
    message: /^myOp: X must be a Matrix, got 1 \(object\)/,
  });
});

Deno.test("checkClasses: every label a class 0 … C−1, the first bad one named", () => {
  checkClasses("op", Int32Array.of(0, 9, 3), 10);
  checkClasses("op", [], 1);
  const cases: [unknown, string][] = [
    [10, "10"],
    [1e6, "1000000"],
    [-1, "-1"],
    [0.5, "0.5"],
    [NaN, "NaN"],
    [-Infinity, "-Infinity"],
    ["3", '"3" (a string)'],
    [null, "null (object)"],
  ];
  for (const [bad, shown] of cases) {
    const y = [0, 1, bad, 2, bad] as number[];
    assert.throws(() => checkClasses("op", y, 10), {
      name: "RangeError",
      message: `op: y[2] = ${shown} is not a class in 0..9`,
    });
  }
  assert.throws(() => checkClasses("op", [0, 3], 3, "the net has 3 outputs", "yval"), {
    message: "op: yval[1] = 3 is not a class in 0..2: the net has 3 outputs",
  });
});

Deno.test("inferNumClasses: C = max + 1 when every class appears, else the stray label named", () => {
  assert.equal(inferNumClasses("op", Int32Array.of(1, 0, 2, 2)), 3);
  assert.equal(inferNumClasses("op", [0]), 1);
  assert.equal(inferNumClasses("op", []), 0);
  // 0 … 9 appear, then one stray label: refused at its position.
  const y = Int32Array.from({ length: 100 }, (_, i) => i % 10);
  y[17] = 1e6;
  assert.throws(() => inferNumClasses("LinearSVM.train", y), {
    name: "RangeError",
    message: "LinearSVM.train: y[17] = 1000000 is not a class in 0..9: class 10 never appears in " +
      "y, so the classes were taken to be 0..9; if some classes have no examples here, give the " +
      "model numClasses (e.g. { numClasses: 10 })",
  });
  // A gap: class 1 never appears, so 2 is the first label past it.
  assert.throws(() => inferNumClasses("op", [0, 2, 0, 3]), /^RangeError: op: y\[1\] = 2 is not/);
  assert.throws(() => inferNumClasses("op", [0, 2, 0, 3]), /class 1 never appears in y, so the/);
  // No class 0 at all.
  assert.throws(() => inferNumClasses("op", [1, 2]), {
    message: "op: y[0] = 1 is not a class: class 0 never appears in y; if some classes have no " +
      "examples here, give the model numClasses (e.g. { numClasses: 10 })",
  });
  // Not an integer label, before anything else.
  for (const [bad, shown] of [[NaN, "NaN"], [-2, "-2"], [1.5, "1.5"], [2 ** 31, "2147483648"]]) {
    assert.throws(() => inferNumClasses("op", [0, 1, bad as number]), {
      message: `op: y[2] = ${shown} is not a class: labels are integers 0, 1, 2, …`,
    });
  }
  // Labels of any size cost one byte per label, not one per class: 2e9 is refused at once.
  const t0 = performance.now();
  assert.throws(
    () => inferNumClasses("op", [0, 2e9]),
    /y\[1\] = 2000000000 is not a class in 0..0/,
  );
  assert(performance.now() - t0 < 100);
});

Deno.test("checkNumClasses: an integer from 1 to 2³¹", () => {
  checkNumClasses("op", 1);
  checkNumClasses("op", 2 ** 31);
  for (const bad of [0, -3, 2.5, NaN, Infinity, 2 ** 31 + 1]) {
    assert.throws(() => checkNumClasses("Softmax", bad), {
      name: "RangeError",
      message: `Softmax: numClasses must be an integer from 1 to 2147483648, got ${bad}`,
    });
  }
  assert.throws(() => checkNumClasses("op", "10"), /got "10" \(a string\)/);
});

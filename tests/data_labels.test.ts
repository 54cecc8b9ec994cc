import assert from "node:assert/strict";
import { accuracy, oneHot } from "../lib/data/labels.ts";

Deno.test("accuracy: the fraction of equal labels, in [0, 1]", () => {
  assert.equal(accuracy(Int32Array.of(3, 1, 4, 1, 5), Int32Array.of(3, 1, 4, 1, 5)), 1);
  assert.equal(accuracy(Int32Array.of(0, 0, 0, 0), Int32Array.of(1, 1, 1, 1)), 0);
  assert.equal(accuracy([2, 7, 1, 8], Int32Array.of(2, 7, 0, 0)), 0.5);
  assert.equal(accuracy(Int32Array.of(9), [9]), 1);
});

Deno.test("accuracy: clear errors for a length mismatch, no labels, or non-arrays", () => {
  assert.throws(
    () => accuracy(Int32Array.of(0, 1, 2), Int32Array.of(0, 1)),
    /^RangeError: accuracy: yPred has 3 labels but yTrue has 2$/,
  );
  assert.throws(() => accuracy([], []), /accuracy: no labels/);
  assert.throws(
    () => accuracy(undefined as unknown as number[], [0]),
    /TypeError: accuracy: yPred must be an array of labels, got undefined/,
  );
  assert.throws(
    () => accuracy([0], 3 as unknown as number[]),
    /accuracy: yTrue must be an array of labels, got 3$/,
  );
});

Deno.test("oneHot: one 1 per row at the label's column; bad labels or C refused", () => {
  const Y = oneHot(Int32Array.of(2, 0, 2, 1), 4);
  assert.deepEqual(Y.toArray(), [[0, 0, 1, 0], [1, 0, 0, 0], [0, 0, 1, 0], [0, 1, 0, 0]]);
  assert.deepEqual(Array.from(Y.sum(1).data), [1, 1, 1, 1]);
  assert.deepEqual(oneHot([], 3).shape, [0, 3]);
  assert.throws(() => oneHot([0, -1], 3), /oneHot: y\[1\] = -1 is not a class in 0..2/);
  assert.throws(() => oneHot([0.5], 3), /oneHot: y\[0\] = 0.5 is not a class/);
  assert.throws(() => oneHot([0], 0), /oneHot: numClasses must be an integer from 1/);
});

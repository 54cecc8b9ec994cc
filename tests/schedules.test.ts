import assert from "node:assert/strict";
import { exponentialDecay, inverseTimeDecay, stepDecay } from "../lib/optim/schedules.ts";

const close = (a: number, b: number, tol = 1e-15) =>
  assert(Math.abs(a - b) <= tol * Math.max(1, Math.abs(b)), `${a} ≠ ${b}`);

Deno.test("stepDecay: lr0 · factor^⌊t / dropEvery⌋", () => {
  const lr = stepDecay({ lr0: 0.1, dropEvery: 3, factor: 0.5 });
  // t = 0..8 → drops after epochs 2 and 5
  assert.deepEqual([0, 1, 2, 3, 4, 5, 6, 7, 8].map(lr), [
    0.1,
    0.1,
    0.1,
    0.05,
    0.05,
    0.05,
    0.025,
    0.025,
    0.025,
  ]);
  close(stepDecay({ lr0: 1e-3, dropEvery: 10, factor: 0.1 })(35), 1e-6); // three drops of 10×
  assert.equal(stepDecay({ lr0: 0.2, dropEvery: 1 })(2), 0.05); // default factor 0.5
  assert.equal(stepDecay({ lr0: 0.2, dropEvery: 2, factor: 1 })(100), 0.2); // factor 1: constant
  assert.equal(lr(2.9), 0.1); // fractional epochs floor like whole ones
});

Deno.test("exponentialDecay: lr0 · e^(−k·t)", () => {
  const lr = exponentialDecay({ lr0: 0.1, k: 0.5 });
  assert.equal(lr(0), 0.1);
  close(lr(1), 0.1 * 0.6065306597126334); // e^−0.5
  close(lr(4), 0.1 * 0.1353352832366127); // e^−2
  // CS231n's Solver multiplies by lrDecay = 0.95 each epoch: k = −ln 0.95.
  const solver = exponentialDecay({ lr0: 1e-3, k: -Math.log(0.95) });
  close(solver(3), 1e-3 * 0.95 ** 3, 1e-14);
  assert.equal(exponentialDecay({ lr0: 0.3, k: 0 })(50), 0.3);
});

Deno.test("inverseTimeDecay: lr0 / (1 + k·t)", () => {
  const lr = inverseTimeDecay({ lr0: 1, k: 0.25 });
  assert.deepEqual([0, 4, 12, 36].map(lr), [1, 0.5, 0.25, 0.1]);
  close(inverseTimeDecay({ lr0: 0.03, k: 2 })(1), 0.01);
});

Deno.test("schedules are pure: the same t always gives the same rate", () => {
  for (
    const lr of [
      stepDecay({ lr0: 0.1, dropEvery: 2 }),
      exponentialDecay({ lr0: 0.1, k: 0.3 }),
      inverseTimeDecay({ lr0: 0.1, k: 0.3 }),
    ]
  ) {
    const a = [5, 1, 5, 0, 5].map(lr);
    assert.equal(a[0], a[2]);
    assert.equal(a[2], a[4]);
    assert(a[1] >= a[0] && a[3] >= a[1], "a decay never increases the rate");
  }
});

Deno.test("schedules reject bad parameters and times with clear errors", () => {
  assert.throws(() => stepDecay({ lr0: 0, dropEvery: 1 }), /stepDecay: lr0 must be a positive/);
  assert.throws(
    () => stepDecay({ lr0: 0.1, dropEvery: 0 }),
    /stepDecay: dropEvery must be a positive integer, got 0/,
  );
  assert.throws(
    () => stepDecay({ lr0: 0.1, dropEvery: 2, factor: 1.5 }),
    /stepDecay: factor must be in \(0, 1\], got 1\.5/,
  );
  assert.throws(() => exponentialDecay({ lr0: NaN, k: 1 }), /exponentialDecay: lr0 .*got NaN/);
  assert.throws(() => exponentialDecay({ lr0: 1, k: -1 }), /exponentialDecay: k must be .*got -1/);
  assert.throws(
    () => inverseTimeDecay({ lr0: 1, k: Infinity }),
    /inverseTimeDecay: k must be a finite number ≥ 0, got Infinity/,
  );
  const lr = inverseTimeDecay({ lr0: 1, k: 1 });
  assert.throws(() => lr(-1), /inverseTimeDecay: t \(epoch or iteration\) must be .* got -1/);
  assert.throws(() => stepDecay({ lr0: 1, dropEvery: 1 })(NaN), /stepDecay: t .*got NaN/);
  assert.throws(() => exponentialDecay({ lr0: 1, k: 1 })(-0.5), /exponentialDecay: t/);
});

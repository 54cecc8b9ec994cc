import assert from "node:assert/strict";
import { Matrix } from "../lib/matrix.ts";
import { makeBlobs, makeSpiral } from "../lib/data/synthetic.ts";

const close = (a: number, b: number, tol = 1e-12) =>
  assert.ok(Math.abs(a - b) <= tol * Math.max(1, Math.abs(b)), `${a} ≠ ${b}`);

Deno.test("makeSpiral: shapes, labels in blocks of pointsPerClass, class names", () => {
  const { X, y, classNames } = makeSpiral({ pointsPerClass: 40, numClasses: 4, seed: 0 });
  assert.deepEqual(X.shape, [160, 2]);
  assert.equal(y.length, 160);
  for (let i = 0; i < 160; i++) assert.equal(y[i], Math.floor(i / 40));
  assert.deepEqual(classNames, ["class 0", "class 1", "class 2", "class 3"]);
  const d = makeSpiral();
  assert.deepEqual(d.X.shape, [300, 2]); // defaults: 100 points × 3 classes
});

Deno.test("makeSpiral: without noise, point i of arm j is r·(sin t, cos t) with t = 4j + 4r", () => {
  const N = 5, K = 3;
  const { X } = makeSpiral({ pointsPerClass: N, numClasses: K, noise: 0, seed: 0 });
  for (let j = 0; j < K; j++) {
    for (let i = 0; i < N; i++) {
      const r = i / (N - 1), t = 4 * j + 4 * r;
      close(X.get(j * N + i, 0), r * Math.sin(t));
      close(X.get(j * N + i, 1), r * Math.cos(t));
    }
  }
  close(X.get(N - 1, 0), Math.sin(4)); // end of arm 0: r = 1, t = 4
  assert.deepEqual([X.get(0, 0), X.get(0, 1)], [0, 0]); // every arm starts at the origin
});

Deno.test("makeSpiral: the noise jitters the angle only, so |x| = i/(N−1) exactly", () => {
  const N = 50;
  const { X } = makeSpiral({ pointsPerClass: N, numClasses: 3, noise: 0.5, seed: 2 });
  for (let row = 0; row < X.rows; row++) {
    close(Math.hypot(X.get(row, 0), X.get(row, 1)), (row % N) / (N - 1));
  }
});

Deno.test("makeSpiral: same seed → same points, other seed → other points, pinned values", () => {
  const a = makeSpiral({ seed: 0 }), b = makeSpiral({ seed: 0 }), c = makeSpiral({ seed: 1 });
  assert.deepEqual(a.X.data, b.X.data);
  assert.ok(a.X.maxAbsDiff(c.X) > 0.01);
  // Regression values of the seeded xoshiro128** stream (seed 0, noise 0.2).
  close(a.X.get(1, 0), 0.0004854541012537992);
  close(a.X.get(1, 1), 0.010089337905744062);
  close(a.X.get(150, 0), -0.18828513263068009);
  close(a.X.get(299, 1), 0.7231368775985398);
  close(a.X.sum() as number, -13.244118779850139);
});

Deno.test("makeBlobs: shapes, labels, default centers on a circle of radius 2, pinned values", () => {
  const { X, y, classNames } = makeBlobs({ seed: 0 });
  assert.deepEqual(X.shape, [300, 2]);
  assert.deepEqual(classNames, ["blob 0", "blob 1", "blob 2"]);
  for (let i = 0; i < 300; i++) assert.equal(y[i], Math.floor(i / 100));
  close(X.get(0, 0), 2.2442731606635054);
  close(X.get(0, 1), 0.01918609008040707);
  close(X.get(299, 1), -2.1105906869290845);
  close(X.sum() as number, -5.286982278263478);
  const tight = makeBlobs({ pointsPerClass: 1, numClasses: 4, std: 0, seed: 0 });
  assert.ok(
    tight.X.allClose(Matrix.fromArray([[2, 0], [0, 2], [-2, 0], [0, -2]]), { atol: 1e-12 }),
  );
});

Deno.test("makeBlobs: per-class means and spreads match the centers and std", () => {
  const centers = [[0, 0, 0], [5, 5, 5]];
  const { X, y } = makeBlobs({ pointsPerClass: 2000, centers, std: 0.5, seed: 3 });
  assert.deepEqual(X.shape, [4000, 3]);
  for (let k = 0; k < 2; k++) {
    const part = X.sliceRows(k * 2000, (k + 1) * 2000);
    assert.ok(y.subarray(k * 2000, (k + 1) * 2000).every((v) => v === k));
    const mean = part.mean(0);
    const std = part.sub(mean).pow(2).mean(0).sqrt();
    for (let d = 0; d < 3; d++) {
      assert.ok(Math.abs(mean.get(0, d) - centers[k][d]) < 0.05, `mean ${mean.get(0, d)}`);
      assert.ok(Math.abs(std.get(0, d) - 0.5) < 0.03, `std ${std.get(0, d)}`);
    }
  }
  const a = makeBlobs({ seed: 5 }), b = makeBlobs({ seed: 5 }), c = makeBlobs({ seed: 6 });
  assert.deepEqual(a.X.data, b.X.data);
  assert.notDeepEqual(a.X.data, c.X.data);
});

Deno.test("makeSpiral / makeBlobs: bad sizes and ragged centers throw RangeErrors", () => {
  assert.throws(
    () => makeSpiral({ pointsPerClass: 0 }),
    { name: "RangeError", message: "makeSpiral: pointsPerClass must be a positive integer, got 0" },
  );
  assert.throws(() => makeSpiral({ numClasses: 2.5 }), /numClasses must be a positive integer/);
  assert.throws(() => makeBlobs({ pointsPerClass: -3 }), /makeBlobs: pointsPerClass .* got -3/);
  assert.throws(() => makeBlobs({ centers: [] }), /makeBlobs: numClasses .* got 0/);
  assert.throws(
    () => makeBlobs({ centers: [[0, 0], [1, 1, 1]] }),
    /makeBlobs: center 1 has 3 coordinates, center 0 has 2/,
  );
});

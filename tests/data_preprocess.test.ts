import assert from "node:assert/strict";
import { Matrix } from "../lib/matrix.ts";
import { featureStats, meanImage, normalize, subtractMean } from "../lib/data/preprocess.ts";

// Hand-computed example: 3 "images" of 2 pixels.
//   X = [[1, 10], [2, 20], [6, 60]]  →  mean = [3, 30]
//   X − mean = [[−2, −20], [−1, −10], [3, 30]]
//   variance = [(4 + 1 + 9)/3, (400 + 100 + 900)/3] = [14/3, 1400/3]
const X = Matrix.fromArray([[1, 10], [2, 20], [6, 60]]);

Deno.test("meanImage: the 1×D mean of the rows", () => {
  const mean = meanImage(X);
  assert.deepEqual(mean.shape, [1, 2]);
  assert.deepEqual(mean.toArray(), [[3, 30]]);
  assert.deepEqual(meanImage(Matrix.fromArray([[7, 8, 9]])).toArray(), [[7, 8, 9]]);
});

Deno.test("subtractMean: X − mean, broadcast over rows; X itself is not modified", () => {
  const centred = subtractMean(X, meanImage(X));
  assert.deepEqual(centred.toArray(), [[-2, -20], [-1, -10], [3, 30]]);
  assert.deepEqual(centred.mean(0).toArray(), [[0, 0]]);
  assert.deepEqual(X.toArray(), [[1, 10], [2, 20], [6, 60]]);
  // The training mean is applied unchanged to other splits.
  const XVal = Matrix.fromArray([[3, 30], [4, 0]]);
  assert.deepEqual(subtractMean(XVal, meanImage(X)).toArray(), [[0, 0], [1, -30]]);
});

Deno.test("appendOnes (the bias trick): a column of ones, so [X 1]·[W; b] = X·W + b", () => {
  const Xb = X.appendOnes();
  assert.deepEqual(Xb.toArray(), [[1, 10, 1], [2, 20, 1], [6, 60, 1]]);
  const W = Matrix.fromArray([[1, 0], [0, 2]]), b = Matrix.fromArray([[5, -5]]);
  const Wb = Matrix.fromArray([[1, 0], [0, 2], [5, -5]]);
  assert.deepEqual(Xb.matmul(Wb).toArray(), X.matmul(W).add(b).toArray());
  assert.deepEqual(new Matrix(0, 3).appendOnes().shape, [0, 4]);
});

Deno.test("featureStats: per-feature mean and population standard deviation", () => {
  const { mean, std } = featureStats(X);
  assert.deepEqual(mean.toArray(), [[3, 30]]);
  assert.ok(std.allClose(Matrix.fromArray([[Math.sqrt(14 / 3), Math.sqrt(1400 / 3)]])));
  assert.ok(Math.abs(std.get(0, 0) - 2.160246899469287) < 1e-12);
});

Deno.test("normalize: zero mean and unit variance per feature; constants map to 0", () => {
  const Z = normalize(X, featureStats(X), 0);
  const s = Math.sqrt(14 / 3);
  assert.ok(Z.allClose(Matrix.fromArray([[-2 / s, -2 / s], [-1 / s, -1 / s], [3 / s, 3 / s]])));
  const stats = featureStats(Z);
  assert.ok(stats.mean.allClose(Matrix.zeros(1, 2), { atol: 1e-12 }));
  assert.ok(stats.std.allClose(Matrix.ones(1, 2)));
  // Default stats are those of X itself; eps keeps a constant column finite.
  const C = Matrix.fromArray([[1, 4], [3, 4]]);
  assert.deepEqual(normalize(C).toArray().map((r) => r[1]), [0, 0]);
  assert.ok(Math.abs(normalize(C).get(1, 0) - 1 / (1 + 1e-8)) < 1e-15);
  // Training statistics applied to new data.
  const z = normalize(Matrix.fromArray([[3 + s, 30]]), featureStats(X), 0);
  assert.ok(z.allClose(Matrix.fromArray([[1, 0]])));
});

Deno.test("preprocess: errors name the operation and the shapes", () => {
  assert.throws(() => meanImage(new Matrix(0, 4)), {
    name: "RangeError",
    message: "meanImage: X (0×4) has no rows",
  });
  assert.throws(() => featureStats(new Matrix(0, 2)), /featureStats: X \(0×2\) has no rows/);
  assert.throws(
    () => subtractMean(X, Matrix.zeros(1, 3)),
    { name: "RangeError", message: "subtractMean: mean must be 1×2 for X (3×2), got (1×3)" },
  );
  assert.throws(() => subtractMean(X, Matrix.zeros(3, 2)), /mean must be 1×2 .* got \(3×2\)/);
  const stats = featureStats(X);
  assert.throws(
    () => normalize(Matrix.zeros(2, 3), stats),
    /normalize: mean must be 1×3 for X \(2×3\), got \(1×2\)/,
  );
  assert.throws(
    () => normalize(X, { mean: stats.mean, std: Matrix.ones(1, 1) }),
    /normalize: std must be 1×2/,
  );
  assert.throws(() => normalize(X, stats, -1), /normalize: eps must be ≥ 0, got -1/);
});

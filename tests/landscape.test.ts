import assert from "node:assert/strict";
import { Matrix } from "../lib/matrix.ts";
import { makeBlobs } from "../lib/data/synthetic.ts";
import { svmLossVectorized } from "../lib/losses/linear_svm.ts";
import { lossAlongRay, lossOnPlane } from "../lib/optim/landscape.ts";

// A quadratic bowl f(W) = Σ W² (Frobenius): along W + a·D it is the parabola
// ‖W‖² + 2a⟨W, D⟩ + a²‖D‖².
const bowl = (W: Matrix) => W.pow(2).sum();
const W = Matrix.fromArray([[1, 2], [0, -1]]); // ‖W‖² = 6
const D = Matrix.fromArray([[1, 0], [1, 1]]); // ⟨W, D⟩ = 1 + 0 + 0 − 1 = 0, ‖D‖² = 3
const D2 = Matrix.fromArray([[0, 1], [0, 0]]); // ⟨W, D2⟩ = 2, ‖D2‖² = 1

Deno.test("lossAlongRay: a quadratic's slice is a parabola with the right coefficients", () => {
  const alphas = [-2, -1, 0, 0.5, 1, 3];
  const t = lossAlongRay(bowl, W, D2, alphas);
  // f(W + a·D2) = 6 + 2a·2 + a²·1 = a² + 4a + 6
  assert.deepEqual(Array.from(t.alpha), alphas);
  assert.deepEqual(Array.from(t.loss), alphas.map((a) => a * a + 4 * a + 6));
  // ⟨W, D⟩ = 1·1 + 2·0 + 0·1 + (−1)·1 = 0 and ‖D‖² = 3: a symmetric parabola 6 + 3a².
  const s = lossAlongRay(bowl, W, D, [-1, 0, 1, 2]);
  assert.deepEqual(Array.from(s.loss), [9, 6, 9, 18]);
});

Deno.test("lossAlongRay at alpha = 0 is f(W), and W and the direction are left unchanged", () => {
  const { X, y } = makeBlobs({ pointsPerClass: 20, numClasses: 3, seed: 1 });
  const Xb = X.appendOnes();
  const f = (V: Matrix) => svmLossVectorized(V, Xb, y, 0.1).loss;
  const W0 = Matrix.randn(3, 3, 2).mul(0.1), dir = Matrix.randn(3, 3, 3);
  const before = [W0.clone(), dir.clone()];
  const t = lossAlongRay(f, W0, dir, [-1, 0, 1]);
  assert.equal(t.alpha[1], 0);
  assert.equal(t.loss[1], f(W0));
  assert.equal(t.loss[2], f(W0.add(dir)));
  assert(
    W0.allClose(before[0], { atol: 0, rtol: 0 }) && dir.allClose(before[1], { atol: 0, rtol: 0 }),
  );
});

Deno.test("the SVM loss along a ray is a convex, piecewise-linear bowl (as in the notes)", () => {
  const { X, y } = makeBlobs({ pointsPerClass: 30, numClasses: 3, seed: 0 });
  const Xb = X.appendOnes();
  const f = (V: Matrix) => svmLossVectorized(V, Xb, y, 0).loss; // no regularization
  const alphas = Array.from({ length: 81 }, (_, i) => -4 + i * 0.1);
  const loss = Array.from(lossAlongRay(f, Matrix.zeros(3, 3), Matrix.randn(3, 3, 7), alphas).loss);
  // Convex: every second difference is ≥ 0 ...
  const second = loss.slice(2).map((l, i) => l - 2 * loss[i + 1] + loss[i]);
  assert(second.every((d) => d > -1e-12), `min second difference ${Math.min(...second)}`);
  // ... and piecewise linear: zero wherever no hinge kinks between the three points, yet not a
  // single straight line.
  assert(second.filter((d) => Math.abs(d) < 1e-12).length > 5);
  assert(second.some((d) => d > 1e-3));
});

Deno.test("lossOnPlane: grid order, values of the bowl and the grid's shape", () => {
  const as = [-1, 0, 2], bs = [0, 1];
  const t = lossOnPlane(bowl, W, D, D2, as, bs);
  assert.deepEqual(Array.from(t.a), as);
  assert.deepEqual(Array.from(t.b), bs);
  assert.deepEqual(t.loss.shape, [3, 2]); // one row per a, one column per b
  // f(W + aD + bD2) = 6 + 2a⟨W,D⟩ + 2b⟨W,D2⟩ + a²‖D‖² + 2ab⟨D,D2⟩ + b²‖D2‖²
  //                 = 6 + 0 + 4b + 3a² + 0 + b²            (⟨D, D2⟩ = 0)
  const expected = as.map((a) => bs.map((b) => 6 + 4 * b + 3 * a * a + b * b));
  assert.deepEqual(t.loss.toArray(), expected);
  // The b = 0 column of the plane is the ray along D.
  const ray = Array.from(lossAlongRay(bowl, W, D, as).loss);
  assert.deepEqual(t.loss.toArray().map((row) => row[0]), ray);
});

Deno.test("lossAlongRay: one Float64 entry per alpha (and none for no alphas)", () => {
  const t = lossAlongRay(bowl, W, D, new Float64Array([0.25, 0.5]));
  assert(t.alpha instanceof Float64Array && t.loss instanceof Float64Array);
  assert.deepEqual(Array.from(t.alpha), [0.25, 0.5]);
  assert.deepEqual(Array.from(t.loss), [0.25, 0.5].map((a) => 6 + 3 * a * a));
  assert.equal(lossAlongRay(bowl, W, D, []).loss.length, 0);
  assert.deepEqual(lossOnPlane(bowl, W, D, D2, [], [1, 2]).loss.shape, [0, 2]);
});

Deno.test("landscape helpers reject bad input with clear errors", () => {
  assert.throws(
    () => lossAlongRay(bowl, W, Matrix.ones(1, 2), [0]),
    /lossAlongRay: W vs direction 1: \(2×2\) and \(1×2\): shapes differ/,
  );
  assert.throws(
    () => lossOnPlane(bowl, W, D, Matrix.ones(2, 3), [0], [0]),
    /lossOnPlane: W vs direction 2: \(2×2\) and \(2×3\): shapes differ/,
  );
  assert.throws(
    () => lossAlongRay(bowl, W, D, [0, NaN]),
    /lossAlongRay: alphas\[1\] must be a finite number, got NaN/,
  );
  assert.throws(() => lossOnPlane(bowl, W, D, D2, [0], [Infinity]), /lossOnPlane: bs\[0\] must be/);
  assert.throws(
    () => lossAlongRay(bowl, W, D, 3 as unknown as number[]),
    /alphas must be an array/,
  );
  assert.throws(() => lossAlongRay(bowl, [[1]] as unknown as Matrix, D, [0]), TypeError);
  assert.throws(
    () => lossAlongRay(((V: Matrix) => ({ loss: bowl(V) })) as unknown as typeof bowl, W, D, [0]),
    /lossAlongRay: f must return a number, got object/,
  );
});

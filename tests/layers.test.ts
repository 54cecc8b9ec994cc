import assert from "node:assert/strict";
import { Matrix } from "../lib/matrix.ts";
import { evalNumericalGradient, evalNumericalGradientArray, relError } from "../lib/gradients.ts";
import { affineBackward, affineForward } from "../lib/nn/layers.ts";
import { softmaxLoss, svmLoss } from "../lib/losses/scores.ts";

// CS231n's three training images (one per row: cat, car, frog images), classes cat, car, frog.
const CS231N_SCORES = Matrix.fromArray([[3.2, 5.1, -1.7], [1.3, 4.9, 2.0], [2.2, 2.5, -3.1]]);
const CS231N_LABELS = Int32Array.from([0, 1, 2]);

Deno.test("affineForward: known answer", () => {
  const x = Matrix.fromArray([[1, 2, 3], [-1, 0, 1]]);
  const w = Matrix.fromArray([[1, 0], [0, 1], [1, -1]]);
  const b = Matrix.fromArray([[0.5, -0.5]]);
  const { out, cache } = affineForward(x, w, b);
  assert.deepEqual(out.toArray(), [[4.5, -1.5], [0.5, -1.5]]);
  assert(cache.x === x && cache.w === w && cache.b === b);
});

Deno.test("affineBackward: dx, dw, db pass the numerical gradient check", () => {
  const x = Matrix.randn(10, 6, 1), w = Matrix.randn(6, 5, 2), b = Matrix.randn(1, 5, 3);
  const dout = Matrix.randn(10, 5, 4);
  const { dx, dw, db } = affineBackward(dout, affineForward(x, w, b).cache);
  const f = () => affineForward(x, w, b).out;
  const errs = [
    relError(dx, evalNumericalGradientArray(f, x, dout)),
    relError(dw, evalNumericalGradientArray(f, w, dout)),
    relError(db, evalNumericalGradientArray(f, b, dout)),
  ];
  assert(errs.every((e) => e < 1e-7), `rel errors dx, dw, db: ${errs}`);
  assert.deepEqual(dx.shape, [10, 6]);
  assert.deepEqual(dw.shape, [6, 5]);
  assert.deepEqual(db.shape, [1, 5]);
});

Deno.test("softmaxLoss: CS231n's known answers (natural log)", () => {
  const cat = softmaxLoss(CS231N_SCORES.sliceRows(0, 1), [0]);
  assert(Math.abs(cat.loss - 2.0403551) < 1e-7, `${cat.loss}`);
  // per image 2.04036, 0.07913, 6.15648
  const all = softmaxLoss(CS231N_SCORES, CS231N_LABELS);
  assert(Math.abs(all.loss - 2.7586547) < 1e-7, `${all.loss}`);
});

Deno.test("softmaxLoss: equal scores give ln C and gradient (1/C − onehot)/N", () => {
  const { loss, dx } = softmaxLoss(Matrix.zeros(2, 4), [1, 3]);
  assert(Math.abs(loss - Math.log(4)) < 1e-15);
  assert(dx.allClose(Matrix.fromArray([[1, -3, 1, 1], [1, 1, 1, -3]]).mul(1 / 8)));
});

Deno.test("softmaxLoss: the gradient passes the numerical gradient check", () => {
  const scores = Matrix.randn(8, 5, 5);
  const y = Int32Array.from([0, 1, 2, 3, 4, 0, 1, 2]);
  const { dx } = softmaxLoss(scores, y);
  const num = evalNumericalGradient((s) => softmaxLoss(s, y).loss, scores);
  const err = relError(dx, num);
  assert(err < 1e-7, `rel error ${err}`);
  for (let i = 0; i < 8; i++) assert(Math.abs(dx.sliceRows(i, i + 1).sum()) < 1e-15);
});

Deno.test("softmaxLoss: stable for huge scores and huge gaps", () => {
  const base = softmaxLoss(CS231N_SCORES, CS231N_LABELS).loss;
  const shifted = softmaxLoss(CS231N_SCORES.add(1e4), CS231N_LABELS).loss;
  assert(Math.abs(shifted - base) < 1e-9);
  const { loss, dx } = softmaxLoss(Matrix.fromArray([[0, 1000]]), [0]);
  assert.equal(loss, 1000); // −ln p where p = e⁻¹⁰⁰⁰ underflows to 0
  assert.deepEqual(dx.toArray(), [[-1, 1]]);
});

Deno.test("svmLoss: CS231n's known answers (2.9, 0, 12.9)", () => {
  const per = [0, 1, 2].map((i) => svmLoss(CS231N_SCORES.sliceRows(i, i + 1), [i]).loss);
  assert(Math.abs(per[0] - 2.9) < 1e-12 && per[1] === 0 && Math.abs(per[2] - 12.9) < 1e-12);
  // the slide prints 10.9 and 4.6 because it misreads 2.5 as 2.3; the table gives 12.9
  const { loss } = svmLoss(CS231N_SCORES, CS231N_LABELS);
  assert(Math.abs(loss - 15.8 / 3) < 1e-12);
});

Deno.test("svmLoss: equal scores give C − 1 and the known gradient", () => {
  const { loss, dx } = svmLoss(Matrix.zeros(2, 3), [0, 2]);
  assert.equal(loss, 2);
  assert.deepEqual(dx.toArray(), [[-1, 0.5, 0.5], [0.5, 0.5, -1]]);
});

Deno.test("svmLoss: the gradient passes the numerical gradient check (away from kinks)", () => {
  const scores = Matrix.randn(10, 4, 6);
  const y = Int32Array.from([0, 1, 2, 3, 0, 1, 2, 3, 0, 1]);
  for (let i = 0; i < 10; i++) {
    for (let j = 0; j < 4; j++) {
      const margin = scores.get(i, j) - scores.get(i, y[i]) + 1;
      assert(j === y[i] || Math.abs(margin) > 1e-3, `margin ${margin} at (${i}, ${j})`);
    }
  }
  const { loss, dx } = svmLoss(scores, y);
  assert(loss > 0.5);
  const num = evalNumericalGradient((s) => svmLoss(s, y).loss, scores);
  const err = relError(dx, num);
  assert(err < 1e-7, `rel error ${err}`);
});

Deno.test("affine layer rejects mismatched shapes, naming them", () => {
  const x = Matrix.zeros(2, 3);
  assert.throws(
    () => affineForward(x, Matrix.zeros(4, 5), Matrix.zeros(1, 5)),
    /affineForward: x \(2×3\) · w \(4×5\): x has 3 features, w expects 4/,
  );
  assert.throws(
    () => affineForward(x, Matrix.zeros(3, 5), Matrix.zeros(5, 1)),
    /b \(5×1\) should be \(1×5\)/,
  );
  const { cache } = affineForward(x, Matrix.zeros(3, 5), Matrix.zeros(1, 5));
  assert.throws(() => affineBackward(Matrix.zeros(2, 4), cache), /dout \(2×4\) should be \(2×5\)/);
});

Deno.test("losses reject bad labels and empty batches", () => {
  const s = Matrix.zeros(2, 3);
  for (const loss of [softmaxLoss, svmLoss]) {
    const name = loss.name;
    assert.throws(
      () => loss(s, [0]),
      new RegExp(`${name}: scores \\(2×3\\) has 2 rows but y has 1 labels`),
    );
    assert.throws(() => loss(s, [0, 3]), /y\[1\] = 3 is not a class in 0\.\.2$/);
    assert.throws(() => loss(s, [-1, 0]), /y\[0\] = -1 is not a class/);
    assert.throws(() => loss(s, [0.5, 0]), /y\[0\] = 0.5 is not a class/);
    assert.throws(
      () => loss(Matrix.zeros(0, 3), []),
      new RegExp(`${name}: empty batch: scores \\(0×3\\) has no examples`),
    );
  }
});

import assert from "node:assert/strict";
import {
  evalNumericalGradient,
  evalNumericalGradientArray,
  gradCheckSparse,
  relError,
} from "../lib/gradients.ts";
import { matmul, Matrix } from "../lib/matrix.ts";

// f(x) = Σ sin(x) + x², with the exact gradient cos(x) + 2x.
const f = (x: Matrix) => x.map(Math.sin).sum() + x.pow(2).sum();
const df = (x: Matrix) => x.map(Math.cos).add(x.mul(2));

Deno.test("centered differences match the exact gradient to ~1e-10", () => {
  const x = Matrix.randn(3, 4, 1);
  const before = x.data.slice();
  const g = evalNumericalGradient(f, x);
  assert.ok(relError(g, df(x)) < 1e-8, `rel error ${relError(g, df(x))}`);
  assert.deepEqual(x.data, before, "x is restored exactly");
});

Deno.test("forward differences are O(h), centered O(h²)", () => {
  const x = Matrix.fromArray([[0.7]]);
  const exact = df(x).get(0, 0);
  const err = (h: number, method: "centered" | "forward") =>
    Math.abs(evalNumericalGradient(f, x, { h, method }).get(0, 0) - exact);
  // Shrinking h by 10 shrinks the forward error ~10× and the centered error ~100×.
  const fwdRatio = err(1e-2, "forward") / err(1e-3, "forward");
  const ctrRatio = err(1e-2, "centered") / err(1e-3, "centered");
  assert.ok(fwdRatio > 8 && fwdRatio < 12, `forward ratio ${fwdRatio}`);
  assert.ok(ctrRatio > 80 && ctrRatio < 120, `centered ratio ${ctrRatio}`);
  assert.ok(err(1e-5, "centered") < err(1e-5, "forward"));
});

Deno.test("evalNumericalGradientArray contracts with the upstream gradient", () => {
  const x = Matrix.randn(3, 4, 2);
  const w = Matrix.randn(4, 5, 3);
  const dout = Matrix.randn(3, 5, 4);
  // out = x·W, so dx = dout·Wᵀ.
  const dx = evalNumericalGradientArray((m) => matmul(m, w), x, dout);
  assert.ok(relError(dx, matmul(dout, w.T)) < 1e-8);
  assert.throws(
    () => evalNumericalGradientArray((m) => m, x, Matrix.zeros(2, 2)),
    /evalNumericalGradientArray: f\(x\) vs df: \(3×4\) and \(2×2\): shapes differ/,
  );
});

Deno.test("gradCheckSparse returns one record per checked coordinate", () => {
  const x = Matrix.randn(5, 6, 5);
  const recs = gradCheckSparse(f, x, df(x), { numChecks: 7, seed: 3 });
  assert.equal(recs.length, 7);
  for (const r of recs) {
    assert.equal(r.row * 6 + r.col, r.index);
    assert.equal(r.analytic, df(x).data[r.index]);
    assert.ok(r.relError < 1e-7, `rel error ${r.relError}`);
  }
  // Same seed, same coordinates.
  assert.deepEqual(
    gradCheckSparse(f, x, df(x), { numChecks: 7, seed: 3 }).map((r) => r.index),
    recs.map((r) => r.index),
  );
  // A wrong gradient is caught.
  const bad = gradCheckSparse(f, x, df(x).mul(1.01), { numChecks: 3, seed: 3 });
  assert.ok(bad.every((r) => r.relError > 1e-3));
  assert.throws(
    () => gradCheckSparse(f, x, Matrix.zeros(1, 1)),
    /x vs analyticGrad: \(5×6\) and \(1×1\)/,
  );
  assert.throws(() => gradCheckSparse(f, new Matrix(0, 0), new Matrix(0, 0)), /x has no entries/);
});

Deno.test("relError follows the CS231n definition", () => {
  assert.equal(relError(0, 0), 0);
  assert.equal(relError(1, 3), 0.5);
  assert.equal(relError(1e-9, 0), 0.1, "denominator floors at 1e-8");
  assert.equal(relError(Matrix.fromArray([[1, 2]]), Matrix.fromArray([[1, 6]])), 0.5);
  assert.throws(() => relError(Matrix.eye(2), 1), /compare two numbers or two matrices/);
  assert.throws(() => relError(Matrix.eye(2), Matrix.eye(3)), /relError: \(2×2\) and \(3×3\)/);
});

Deno.test("bad step sizes and methods are rejected", () => {
  const x = Matrix.eye(2);
  assert.throws(() => evalNumericalGradient(f, x, { h: 0 }), /step h must be > 0, got 0/);
  assert.throws(() => evalNumericalGradientArray((m) => m, x, x, { h: -1 }), /got -1/);
  assert.throws(
    () => evalNumericalGradient(f, x, { method: "backward" as "forward" }),
    /unknown method "backward"/,
  );
  assert.deepEqual(x.data, Matrix.eye(2).data, "x restored even after a throw");
});

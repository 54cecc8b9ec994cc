import assert from "node:assert/strict";
import { Matrix } from "../lib/matrix.ts";
import { gradCheckSparse } from "../lib/gradients.ts";
import { regLoss, type RegOptions } from "../lib/losses/regularization.ts";

const W = Matrix.fromArray([[1, -2, 0], [0.5, 3, -1]]);
const sumSq = 1 + 4 + 0 + 0.25 + 9 + 1; // 15.25
const sumAbs = 1 + 2 + 0 + 0.5 + 3 + 1; // 7.5

Deno.test("regLoss: L2 is reg · ΣW² with gradient 2 · reg · W (the default)", () => {
  const { loss, dW } = regLoss(W, 0.1);
  assert(Math.abs(loss - 0.1 * sumSq) < 1e-14);
  assert(dW.maxAbsDiff(Matrix.fromArray([[0.2, -0.4, 0], [0.1, 0.6, -0.2]])) < 1e-15);
  assert.equal(regLoss(W, 0.1, { regType: "L2" }).loss, loss);
});

Deno.test("regLoss: L1 is reg · Σ|W| with subgradient reg · sign(W), and sign(0) = 0", () => {
  const { loss, dW } = regLoss(W, 0.1, { regType: "L1" });
  assert(Math.abs(loss - 0.1 * sumAbs) < 1e-14);
  assert.deepEqual(dW.toArray(), [[0.1, -0.1, 0], [0.1, 0.1, -0.1]]);
});

Deno.test("regLoss: elastic net mixes L1 and L2 by l1Ratio (default 0.5)", () => {
  const r = regLoss(W, 2, { regType: "elasticNet", l1Ratio: 0.3 });
  assert(Math.abs(r.loss - 2 * (0.3 * sumAbs + 0.7 * sumSq)) < 1e-12);
  // Entry (0, 0) = 1: 2 · (0.3 · 1 + 2 · 0.7 · 1) = 3.4; entry (0, 2) = 0: exactly 0.
  assert(Math.abs(r.dW.get(0, 0) - 3.4) < 1e-14);
  assert.equal(r.dW.get(0, 2), 0);
  const half = regLoss(W, 1, { regType: "elasticNet" });
  assert(Math.abs(half.loss - (0.5 * sumAbs + 0.5 * sumSq)) < 1e-12);
  // The two ends of the mix are L1 and L2.
  const l1 = regLoss(W, 0.7, { regType: "L1" }), l2 = regLoss(W, 0.7, { regType: "L2" });
  const en1 = regLoss(W, 0.7, { regType: "elasticNet", l1Ratio: 1 });
  const en0 = regLoss(W, 0.7, { regType: "elasticNet", l1Ratio: 0 });
  assert.equal(en1.loss, l1.loss);
  assert(en1.dW.maxAbsDiff(l1.dW) === 0);
  assert.equal(en0.loss, l2.loss);
  assert(en0.dW.maxAbsDiff(l2.dW) === 0);
});

Deno.test("regLoss: reg = 0 gives zero loss and gradient for every kind", () => {
  for (const regType of ["L2", "L1", "elasticNet"] as const) {
    const r = regLoss(W, 0, { regType });
    assert.equal(r.loss, 0);
    assert.equal(r.dW.norm(), 0);
    assert.deepEqual(r.dW.shape, [2, 3]);
  }
});

Deno.test("regLoss: gradients pass the gradient check away from 0 (rel error < 1e-7)", () => {
  const V = Matrix.randn(6, 5, 11);
  const minAbs = Math.min(...V.data.map(Math.abs));
  assert(minAbs > 1e-3, `an entry of V is within ${minAbs} of the L1 kink`);
  const cases: RegOptions[] = [
    { regType: "L2" },
    { regType: "L1" },
    { regType: "elasticNet", l1Ratio: 0.4 },
  ];
  for (const opts of cases) {
    const { dW } = regLoss(V, 0.3, opts);
    const recs = gradCheckSparse((m) => regLoss(m, 0.3, opts).loss, V, dW, {
      numChecks: 15,
      seed: 2,
    });
    const worst = Math.max(...recs.map((r) => r.relError));
    assert(worst < 1e-7, `${opts.regType}: rel error ${worst}`);
  }
});

Deno.test("regLoss: rejects a bad reg, regType, l1Ratio or W with a clear error", () => {
  assert.throws(() => regLoss(W, -1), /regLoss: reg must be a finite number ≥ 0, got -1/);
  assert.throws(() => regLoss(W, NaN), /reg must be a finite number ≥ 0, got NaN/);
  assert.throws(() => regLoss(W, Infinity), /got Infinity/);
  assert.throws(
    // deno-lint-ignore no-explicit-any
    () => regLoss(W, 1, { regType: "L3" as any }),
    /unknown regType "L3", expected one of L2, L1, elasticNet/,
  );
  assert.throws(
    () => regLoss(W, 1, { regType: "elasticNet", l1Ratio: 1.5 }),
    /l1Ratio must be in \[0, 1\], got 1.5/,
  );
  assert.throws(
    () => regLoss(W, 1, { regType: "elasticNet", l1Ratio: NaN }),
    /l1Ratio must be in \[0, 1\], got NaN/,
  );
  // deno-lint-ignore no-explicit-any
  assert.throws(() => regLoss([[1]] as any, 1), TypeError);
});

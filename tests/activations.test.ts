import assert from "node:assert/strict";
import { Matrix } from "../lib/matrix.ts";
import { evalNumericalGradient, evalNumericalGradientArray, relError } from "../lib/gradients.ts";
import {
  type ActivationName,
  activations,
  eluBackward,
  eluForward,
  leakyReluBackward,
  leakyReluForward,
  maxoutBackward,
  maxoutForward,
  reluBackward,
  reluForward,
  sigmoidBackward,
  sigmoidForward,
  tanhBackward,
  tanhForward,
} from "../lib/nn/activations.ts";

/** N(0, 2²) samples pushed at least 0.01 away from the kink at 0. */
function awayFromZero(rows: number, cols: number, seed: number): Matrix {
  const x = Matrix.randn(rows, cols, seed).mul(2).map((v) => v + (v >= 0 ? 0.01 : -0.01));
  assert(x.abs().min() >= 0.01);
  return x;
}

type Pair = {
  name: string;
  forward: (x: Matrix) => { out: Matrix; cache: unknown };
  backward: (dout: Matrix, cache: never) => Matrix;
};

const pairs: Pair[] = [
  { name: "sigmoid", forward: sigmoidForward, backward: sigmoidBackward },
  { name: "tanh", forward: tanhForward, backward: tanhBackward },
  { name: "relu", forward: reluForward, backward: reluBackward },
  { name: "leakyRelu α=0.01", forward: (x) => leakyReluForward(x), backward: leakyReluBackward },
  {
    name: "leakyRelu α=0.1",
    forward: (x) => leakyReluForward(x, 0.1),
    backward: leakyReluBackward,
  },
  { name: "elu α=1", forward: (x) => eluForward(x), backward: eluBackward },
  { name: "elu α=0.5", forward: (x) => eluForward(x, 0.5), backward: eluBackward },
];

for (const [k, { name, forward, backward }] of pairs.entries()) {
  Deno.test(`${name}: backward passes the numerical gradient check`, () => {
    const x = awayFromZero(4, 6, 10 + k);
    const dout = Matrix.randn(4, 6, 100 + k);
    const { cache } = forward(x);
    const dx = backward(dout, cache as never);
    const dxNum = evalNumericalGradientArray((m) => forward(m).out, x, dout);
    const err = relError(dx, dxNum);
    assert(err < 1e-7, `${name}: rel error ${err}`);
  });
}

Deno.test("forward passes give known values", () => {
  const x = Matrix.fromArray([[-2, 0, 3]]);
  assert.deepEqual(sigmoidForward(x).out.toArray(), [[
    1 / (1 + Math.exp(2)),
    0.5,
    1 / (1 + Math.exp(-3)),
  ]]);
  assert.deepEqual(tanhForward(x).out.toArray(), [[Math.tanh(-2), 0, Math.tanh(3)]]);
  assert.deepEqual(reluForward(x).out.toArray(), [[0, 0, 3]]);
  assert.deepEqual(leakyReluForward(x).out.toArray(), [[-0.02, 0, 3]]);
  assert.deepEqual(leakyReluForward(x, 0.1).out.toArray(), [[-0.2, 0, 3]]);
  assert.deepEqual(eluForward(x).out.toArray(), [[Math.exp(-2) - 1, 0, 3]]);
  assert.deepEqual(eluForward(x, 2).out.toArray(), [[2 * (Math.exp(-2) - 1), 0, 3]]);
});

Deno.test("sigmoid is numerically stable at extreme inputs", () => {
  const { out, cache } = sigmoidForward(Matrix.fromArray([[-1000, 1000, -40]]));
  assert.equal(out.get(0, 0), 0);
  assert.equal(out.get(0, 1), 1);
  assert(out.get(0, 2) > 0 && Math.abs(out.get(0, 2) - Math.exp(-40)) < 1e-30);
  // saturated: almost no gradient flows back
  const dx = sigmoidBackward(Matrix.ones(1, 3), cache);
  assert.deepEqual(dx.toArray()[0].slice(0, 2), [0, 0]);
});

Deno.test("backward passes gate the gradient at the kink like CS231n (x = 0 counts as x ≤ 0)", () => {
  const x = Matrix.fromArray([[0]]), g = Matrix.fromArray([[4]]);
  assert.equal(reluBackward(g, reluForward(x).cache).get(0, 0), 0);
  assert.equal(leakyReluBackward(g, leakyReluForward(x, 0.1).cache).get(0, 0), 0.4);
  assert.equal(eluBackward(g, eluForward(x).cache).get(0, 0), 4); // α·e⁰ = 1: ELU is smooth
});

Deno.test("activations record: matrix forwards agree with the scalar f", () => {
  const x = awayFromZero(3, 5, 7);
  const byName: Record<ActivationName, Matrix> = {
    sigmoid: sigmoidForward(x).out,
    tanh: tanhForward(x).out,
    relu: reluForward(x).out,
    leakyRelu: leakyReluForward(x).out,
    elu: eluForward(x).out,
  };
  for (const [name, out] of Object.entries(byName)) {
    const act = activations[name as ActivationName];
    assert(out.maxAbsDiff(x.map(act.f)) < 1e-15, name);
  }
});

Deno.test("activations record: df is the derivative of f (numerically, away from 0)", () => {
  const x = awayFromZero(1, 40, 8);
  for (const [name, act] of Object.entries(activations)) {
    for (const v of x.data) {
      const d = evalNumericalGradient((m) => act.f(m.get(0, 0)), Matrix.fromArray([[v]]));
      const err = relError(act.df(v), d.get(0, 0));
      assert(err < 1e-7, `${name} at ${v}: rel error ${err}`);
    }
  }
});

Deno.test("activations record: saturation and dead regions", () => {
  const { sigmoid, tanh, relu, leakyRelu, elu } = activations;
  assert.equal(sigmoid.df(0), 0.25); // at most 1/4: stacked sigmoids shrink gradients
  assert(sigmoid.df(10) < 5e-5 && sigmoid.df(-10) < 5e-5);
  assert.equal(tanh.df(0), 1);
  assert(tanh.df(10) < 1e-8);
  assert.equal(relu.df(10), 1);
  assert.equal(relu.df(-10), 0); // a dead ReLU passes no gradient
  assert.equal(leakyRelu.df(-10), 0.01);
  assert(Math.abs(elu.df(-10) - Math.exp(-10)) < 1e-18);
  assert.equal(elu.f(-1000), -1); // ELU saturates at −α
  assert.deepEqual(Object.keys(activations), ["sigmoid", "tanh", "relu", "leakyRelu", "elu"]);
});

/** Maxout pieces whose top two values differ by more than 1e-3 everywhere (no ties). */
function maxoutSetup() {
  const x = Matrix.randn(5, 4, 21);
  const Ws = [0, 1, 2].map((k) => Matrix.randn(4, 3, 30 + k));
  const bs = [0, 1, 2].map((k) => Matrix.randn(1, 3, 40 + k));
  const zs = Ws.map((W, k) => x.matmul(W).add(bs[k]));
  for (let t = 0; t < zs[0].size; t++) {
    const sorted = zs.map((z) => z.data[t]).sort((a, b) => b - a);
    assert(sorted[0] - sorted[1] > 1e-3, `maxout tie at ${t}`);
  }
  return { x, Ws, bs, zs, dout: Matrix.randn(5, 3, 50) };
}

Deno.test("maxout: output is the elementwise max of the affine pieces", () => {
  const { x, Ws, bs, zs } = maxoutSetup();
  const { out } = maxoutForward(x, Ws, bs);
  assert(out.allClose(zs[0].maximum(zs[1]).maximum(zs[2]), { atol: 0, rtol: 0 }));
});

Deno.test("maxout with pieces (W, b) and (0, 0) is ReLU(x·W + b)", () => {
  const x = Matrix.randn(3, 2, 1), W = Matrix.randn(2, 4, 2), b = Matrix.randn(1, 4, 3);
  const { out } = maxoutForward(x, [W, Matrix.zeros(2, 4)], [b, Matrix.zeros(1, 4)]);
  assert(out.allClose(reluForward(x.matmul(W).add(b)).out, { atol: 0, rtol: 0 }));
});

Deno.test("maxout: dx, every dW and every db pass the numerical gradient check", () => {
  const { x, Ws, bs, dout } = maxoutSetup();
  const { dx, dWs, dbs } = maxoutBackward(dout, maxoutForward(x, Ws, bs).cache);
  const f = () => maxoutForward(x, Ws, bs).out; // the checked matrix is perturbed in place
  assert(relError(dx, evalNumericalGradientArray(f, x, dout)) < 1e-7);
  for (let k = 0; k < 3; k++) {
    const eW = relError(dWs[k], evalNumericalGradientArray(f, Ws[k], dout));
    const eb = relError(dbs[k], evalNumericalGradientArray(f, bs[k], dout));
    assert(eW < 1e-7 && eb < 1e-7, `piece ${k}: dW ${eW}, db ${eb}`);
  }
});

Deno.test("backward passes reject a dout of the wrong shape", () => {
  const x = Matrix.zeros(2, 3), bad = Matrix.zeros(3, 2);
  const shapes = /\(3×2\) and \(2×3\): shapes differ/;
  assert.throws(() => sigmoidBackward(bad, sigmoidForward(x).cache), /sigmoidBackward/);
  assert.throws(() => tanhBackward(bad, tanhForward(x).cache), shapes);
  assert.throws(() => reluBackward(bad, reluForward(x).cache), /reluBackward: dout vs x/);
  assert.throws(() => leakyReluBackward(bad, leakyReluForward(x).cache), /leakyReluBackward/);
  assert.throws(() => eluBackward(bad, eluForward(x).cache), /eluBackward/);
});

Deno.test("alpha must be a finite number", () => {
  const x = Matrix.zeros(1, 1);
  assert.throws(() => leakyReluForward(x, NaN), /leakyReluForward: alpha .* got NaN/);
  assert.throws(() => eluForward(x, Infinity), /eluForward: alpha .* got Infinity/);
});

Deno.test("maxout rejects inconsistent pieces with the shapes named", () => {
  const x = Matrix.zeros(2, 4), W = Matrix.zeros(4, 3), b = Matrix.zeros(1, 3);
  assert.throws(() => maxoutForward(x, [], []), /k ≥ 1 .* got 0 Ws and 0 bs/);
  assert.throws(() => maxoutForward(x, [W, W], [b]), /got 2 Ws and 1 bs/);
  assert.throws(
    () => maxoutForward(x, [W, Matrix.zeros(3, 3)], [b, b]),
    /Ws\[1\] \(3×3\) should be \(4×3\) for x \(2×4\)/,
  );
  assert.throws(() => maxoutForward(x, [W], [Matrix.zeros(3, 1)]), /bs\[0\] \(3×1\) should be/);
  const { cache } = maxoutForward(x, [W], [b]);
  assert.throws(() => maxoutBackward(Matrix.zeros(2, 4), cache), /dout \(2×4\) should be \(2×3\)/);
});

import assert from "node:assert/strict";
import { matmul, Matrix } from "../lib/matrix.ts";
import {
  adagrad,
  adam,
  getUpdateRule,
  nesterov,
  rmsprop,
  sgd,
  sgdMomentum,
  type UpdateConfig,
  type UpdateRule,
  type UpdateRuleName,
  updateRules,
} from "../lib/optim/update_rules.ts";

/** Entrywise |actual − expected| ≤ tol, with a message naming the entry. */
function assertClose(actual: Matrix, expected: number[][], tol = 1e-12, what = "") {
  const e = Matrix.fromArray(expected);
  assert.deepEqual(actual.shape, e.shape, `${what}: shape`);
  const diff = actual.maxAbsDiff(e);
  assert(diff <= tol, `${what}: max |diff| ${diff} > ${tol}: ${actual.toArray()} vs ${expected}`);
}

// ---- convergence on an ill-conditioned quadratic ------------------------------------------------

// f(w) = ½ wᵀAw with A = [[50.5, 49.5], [49.5, 50.5]]: eigenvalues 100 (along [1, 1]) and 1 (along
// [1, −1]), condition number 100, so plain SGD must use lr < 2/100 and crawls along [1, −1].
const A = Matrix.fromArray([[50.5, 49.5], [49.5, 50.5]]);
const gradQuad = (w: Matrix) => matmul(A, w); // ∇f = Aw (A symmetric)

function runQuadratic(rule: UpdateRule, config: UpdateConfig, steps: number): Matrix {
  let w = Matrix.fromArray([[1], [-0.5]]); // ‖w0‖ ≈ 1.118, on both eigenvectors
  for (let t = 0; t < steps; t++) ({ w, config } = rule(w, gradQuad(w), config));
  return w;
}

// Learning rates chosen per rule (Adagrad's shrinking step wants a large one, Adam a moderate one).
const quadraticSettings: [UpdateRuleName, number][] = [
  ["sgd", 0.019],
  ["sgdMomentum", 0.01],
  ["nesterov", 0.01],
  ["adagrad", 0.5],
  ["rmsprop", 0.01],
  ["adam", 0.1],
];

for (const [name, learningRate] of quadraticSettings) {
  Deno.test(`${name} converges on an ill-conditioned quadratic in 500 steps`, () => {
    const w = runQuadratic(updateRules[name], { learningRate }, 500);
    assert(w.norm() < 5e-3, `${name}: ‖w‖ = ${w.norm()} after 500 steps`);
  });
}

Deno.test("momentum beats plain SGD at the same learning rate on the ill-conditioned bowl", () => {
  const plain = runQuadratic(sgd, { learningRate: 0.01 }, 200).norm();
  const heavy = runQuadratic(sgdMomentum, { learningRate: 0.01 }, 200).norm();
  const look = runQuadratic(nesterov, { learningRate: 0.01 }, 200).norm();
  assert(plain > 0.1, `sgd ‖w‖ = ${plain}`); // (1 − 0.01)^200 ≈ 0.13 along the flat direction
  assert(heavy < 1e-4 && look < 1e-4, `momentum ${heavy}, nesterov ${look}`);
});

Deno.test("sgd with too large a step diverges on the steep direction (lr > 2/λmax)", () => {
  const w = runQuadratic(sgd, { learningRate: 0.021 }, 200);
  assert(w.norm() > 10, `‖w‖ = ${w.norm()}`);
});

// ---- hand-checked steps ---------------------------------------------------------------------

Deno.test("sgd: one step by hand", () => {
  const { w, config } = sgd(Matrix.fromArray([[1, 2]]), Matrix.fromArray([[10, -10]]), {
    learningRate: 0.1,
  });
  assertClose(w, [[0, 3]], 1e-15, "w"); // [1 − 0.1·10, 2 + 0.1·10]
  assert.equal(config.learningRate, 0.1);
  assert.equal(sgd(Matrix.zeros(1, 1), Matrix.ones(1, 1)).config.learningRate, 1e-2); // default
});

Deno.test("sgdMomentum: one step by hand", () => {
  // v = 0.9·[0.5, −1] − 0.1·[1, −1] = [0.45 − 0.1, −0.9 + 0.1] = [0.35, −0.8]
  // w = [1, 2] + v = [1.35, 1.2]
  const { w, config } = sgdMomentum(Matrix.fromArray([[1, 2]]), Matrix.fromArray([[1, -1]]), {
    learningRate: 0.1,
    momentum: 0.9,
    velocity: Matrix.fromArray([[0.5, -1]]),
  });
  assertClose(config.velocity, [[0.35, -0.8]], 1e-15, "velocity");
  assertClose(w, [[1.35, 1.2]], 1e-15, "w");
  assert.equal(config.momentum, 0.9);
});

Deno.test("nesterov: one step by hand (v_prev form)", () => {
  // vPrev = [0.5, −1]; v = 0.9·vPrev − 0.1·[1, −1] = [0.35, −0.8]
  // w += −0.9·vPrev + 1.9·v = [−0.45 + 0.665, 0.9 − 1.52] = [0.215, −0.62]
  // w = [1, 2] + [0.215, −0.62] = [1.215, 1.38]
  const { w, config } = nesterov(Matrix.fromArray([[1, 2]]), Matrix.fromArray([[1, -1]]), {
    learningRate: 0.1,
    momentum: 0.9,
    velocity: Matrix.fromArray([[0.5, -1]]),
  });
  assertClose(config.velocity, [[0.35, -0.8]], 1e-15, "velocity");
  assertClose(w, [[1.215, 1.38]], 1e-15, "w");
});

Deno.test("adagrad: one step by hand", () => {
  // cache = [1, 4] + [1², (−2)²] = [2, 8]
  // w = [1, 2] − 0.1·[1/√2, −2/√8] = [1 − 0.0707106781186548, 2 + 0.0707106781186548]
  const { w, config } = adagrad(Matrix.fromArray([[1, 2]]), Matrix.fromArray([[1, -2]]), {
    learningRate: 0.1,
    epsilon: 0,
    cache: Matrix.fromArray([[1, 4]]),
  });
  assertClose(config.cache, [[2, 8]], 0, "cache");
  assertClose(w, [[0.9292893218813452, 2.0707106781186548]], 1e-15, "w");
});

Deno.test("rmsprop: one step by hand", () => {
  // cache = 0.9·[1, 4] + 0.1·[1², (−2)²] = [1, 4]
  // w = [1, 2] − 0.1·[1/(√1 + 1e-8), −2/(√4 + 1e-8)] ≈ [0.9, 2.1]
  const { w, config } = rmsprop(Matrix.fromArray([[1, 2]]), Matrix.fromArray([[1, -2]]), {
    learningRate: 0.1,
    decayRate: 0.9,
    cache: Matrix.fromArray([[1, 4]]),
  });
  assertClose(config.cache, [[1, 4]], 1e-15, "cache");
  assertClose(w, [[1 - 0.1 / (1 + 1e-8), 2 + 0.1 * 2 / (2 + 1e-8)]], 1e-15, "w");
  assert.equal(config.epsilon, 1e-8); // default filled in
});

Deno.test("adam: the first two steps by hand, with bias correction", () => {
  const w0 = Matrix.fromArray([[1, -2]]);
  // Step 1 (t = 1), dw = [0.1, −0.4], lr = 0.1, β1 = 0.9, β2 = 0.999, ε = 1e-8:
  //   m = 0.1·dw = [0.01, −0.04]          m̂ = m / (1 − 0.9) = [0.1, −0.4]
  //   v = 0.001·dw² = [1e-5, 1.6e-4]      v̂ = v / (1 − 0.999) = [0.01, 0.16], √v̂ = [0.1, 0.4]
  //   w = [1 − 0.1·0.1/(0.1 + 1e-8), −2 + 0.1·0.4/(0.4 + 1e-8)]  (≈ [0.9, −1.9]: a step of lr)
  const s1 = adam(w0, Matrix.fromArray([[0.1, -0.4]]), { learningRate: 0.1 });
  const w1 = [1 - 0.1 * 0.1 / (0.1 + 1e-8), -2 + 0.1 * 0.4 / (0.4 + 1e-8)];
  assertClose(s1.config.m, [[0.01, -0.04]], 1e-15, "m after step 1");
  assertClose(s1.config.v, [[1e-5, 1.6e-4]], 1e-18, "v after step 1");
  assertClose(s1.w, [w1], 1e-14, "w after step 1");
  assert.equal(s1.config.t, 1);
  assert(Math.abs(s1.w.get(0, 0) - 0.9) < 1e-7);

  // Step 2 (t = 2), dw = [0.3, 0.2]:
  //   m = 0.9·[0.01, −0.04] + 0.1·[0.3, 0.2] = [0.039, −0.016]
  //   v = 0.999·[1e-5, 1.6e-4] + 0.001·[0.09, 0.04] = [9.999e-5, 1.9984e-4]
  //   m̂ = m / (1 − 0.9²) = m / 0.19,  v̂ = v / (1 − 0.999²) = v / 0.001999
  //   w = w1 − 0.1·m̂ / (√v̂ + 1e-8)
  const s2 = adam(s1.w, Matrix.fromArray([[0.3, 0.2]]), s1.config);
  assertClose(s2.config.m, [[0.039, -0.016]], 1e-15, "m after step 2");
  assertClose(s2.config.v, [[9.999e-5, 1.9984e-4]], 1e-18, "v after step 2");
  assert.equal(s2.config.t, 2);
  const w2 = [
    w1[0] - 0.1 * (0.039 / 0.19) / (Math.sqrt(9.999e-5 / 0.001999) + 1e-8),
    w1[1] - 0.1 * (-0.016 / 0.19) / (Math.sqrt(1.9984e-4 / 0.001999) + 1e-8),
  ];
  assertClose(s2.w, [w2], 1e-12, "w after step 2");
  // The numbers themselves: m̂ ≈ [0.2052632, −0.0842105], √v̂ ≈ [0.2236515, 0.3161803],
  // step ≈ [0.0917781, −0.0266337], so w2 ≈ [0.9 − 0.0917781, −1.9 + 0.0266337].
  assertClose(s2.w, [[0.8082219, -1.8733663]], 1e-7, "w after step 2, decimals");
});

Deno.test("adam defaults follow optim.py (lr 1e-3, β1 0.9, β2 0.999, ε 1e-8)", () => {
  const { config } = adam(Matrix.ones(1, 1), Matrix.ones(1, 1));
  assert.equal(config.learningRate, 1e-3);
  assert.equal(config.beta1, 0.9);
  assert.equal(config.beta2, 0.999);
  assert.equal(config.epsilon, 1e-8);
  const r = rmsprop(Matrix.ones(1, 1), Matrix.ones(1, 1)).config;
  assert.deepEqual([r.learningRate, r.decayRate, r.epsilon], [1e-2, 0.99, 1e-8]);
  assert.equal(sgdMomentum(Matrix.ones(1, 1), Matrix.ones(1, 1)).config.momentum, 0.9);
});

// ---- purity ---------------------------------------------------------------------------------

Deno.test("every rule is pure: w, dw, config and its state matrices are left unchanged", () => {
  for (const [name, rule] of Object.entries(updateRules)) {
    const w = Matrix.fromArray([[1, -2], [3, 0.5]]);
    const dw = Matrix.fromArray([[0.3, -0.1], [0.2, 4]]);
    const state = Matrix.fromArray([[0.1, 0.2], [0.3, 0.4]]);
    const config: UpdateConfig = {
      learningRate: 0.1,
      velocity: state,
      cache: state,
      m: state,
      v: state,
      t: 3,
    };
    const before = {
      w: w.clone(),
      dw: dw.clone(),
      state: state.clone(),
      keys: Object.keys(config),
    };
    const out = rule(w, dw, config);
    assert(w.allClose(before.w, { atol: 0, rtol: 0 }), `${name} mutated w`);
    assert(dw.allClose(before.dw, { atol: 0, rtol: 0 }), `${name} mutated dw`);
    assert(state.allClose(before.state, { atol: 0, rtol: 0 }), `${name} mutated the state`);
    assert.deepEqual(Object.keys(config), before.keys, `${name} added keys to the input config`);
    assert.equal(config.t, 3, `${name} changed config.t`);
    assert.notEqual(out.config, config, `${name} returned the input config`);
    assert.notEqual(out.w, w, `${name} returned the input w`);
    assert(!out.w.allClose(w), `${name} did not move w`);
  }
});

Deno.test("updateRules and getUpdateRule resolve names", () => {
  assert.deepEqual(Object.keys(updateRules), [
    "sgd",
    "sgdMomentum",
    "nesterov",
    "adagrad",
    "rmsprop",
    "adam",
  ]);
  assert.equal(getUpdateRule("adagrad"), adagrad);
  assert.equal(getUpdateRule(sgd), sgd);
  assert(Object.isFrozen(updateRules));
});

// ---- errors ---------------------------------------------------------------------------------

Deno.test("update rules reject bad input with clear errors", () => {
  const w = Matrix.ones(2, 3), dw = Matrix.ones(2, 3);
  for (const [name, rule] of Object.entries(updateRules)) {
    // a 1×3 gradient would broadcast silently without the shape check
    assert.throws(
      () => rule(w, Matrix.ones(1, 3)),
      new RegExp(`${name}: w vs dw: \\(2×3\\) and \\(1×3\\): shapes differ`),
    );
    assert.throws(() => rule(w, dw, { learningRate: -1 }), /config\.learningRate must be .*got -1/);
    assert.throws(() => rule(w, dw, { learningRate: NaN }), /config\.learningRate .*got NaN/);
    assert.throws(() => rule(w, [1] as unknown as Matrix), TypeError);
  }
  assert.throws(() => sgdMomentum(w, dw, { momentum: 1 }), /config\.momentum must be in \[0, 1\)/);
  assert.throws(() => nesterov(w, dw, { momentum: -0.1 }), /nesterov: config\.momentum/);
  assert.throws(() => rmsprop(w, dw, { decayRate: 1.5 }), /config\.decayRate must be in \[0, 1\)/);
  assert.throws(() => adam(w, dw, { beta1: 1 }), /adam: config\.beta1 must be in \[0, 1\), got 1/);
  assert.throws(() => adam(w, dw, { beta2: -1 }), /adam: config\.beta2/);
  assert.throws(() => adagrad(w, dw, { epsilon: -1e-8 }), /config\.epsilon must be a finite/);
  assert.throws(() => adam(w, dw, { t: 1.5 }), /adam: config\.t must be a non-negative integer/);
  assert.throws(
    () => sgdMomentum(w, dw, { velocity: Matrix.zeros(3, 2) }),
    /sgdMomentum: config\.velocity \(3×2\) does not match w \(2×3\)/,
  );
  assert.throws(
    () => adagrad(w, dw, { cache: [0] as unknown as Matrix }),
    /cache must be a Matrix/,
  );
  assert.throws(() => sgd(w, dw, null as unknown as UpdateConfig), /config must be an object/);
  assert.throws(
    () => getUpdateRule("lbfgs" as UpdateRuleName),
    /getUpdateRule: unknown update rule "lbfgs"; expected a function or one of sgd, sgdMomentum/,
  );
});

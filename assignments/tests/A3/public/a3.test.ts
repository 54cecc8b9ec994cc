/**
 * A3 public tests: the two-layer network's loss and the update rules. Run them with
 * `deno task check A3`.
 */
import { Matrix } from "../../../../lib/matrix.ts";
import { assert, assertClose, load, test } from "../../harness.ts";

const NET = "lib/nn/two_layer_net.ts";
const RULES = "lib/optim/update_rules.ts";
const nn = () => load(import("../../../../lib/nn/two_layer_net.ts"), NET, "TwoLayerNet");
const rules = () => load(import("../../../../lib/optim/update_rules.ts"), RULES);

/** A 2-3-2 network with hand-picked weights. */
async function handSetNet() {
  const { TwoLayerNet } = await nn();
  const net = new TwoLayerNet(2, 3, 2);
  net.params.W1.data.set([1, -1, 0, 0, 2, 1]);
  net.params.b1.data.set([0, 0, -1]);
  net.params.W2.data.set([1, 0, 0, 1, 1, 1]);
  net.params.b2.data.set([0.5, -0.5]);
  return net;
}
const X = Matrix.fromArray([[1, 2], [-1, 1]]);

test("TwoLayerNet.loss: scores of a hand-set network", async () => {
  const net = await handSetNet();
  // hidden = max(0, X·W1 + b1) = [[1, 3, 1], [0, 3, 0]]; scores = hidden·W2 + b2
  const scores = net.loss(X);
  assert.ok(scores instanceof Matrix, "without labels, loss returns the scores");
  assert.deepEqual(scores.shape, [2, 2]);
  assertClose(scores.data, [2.5, 3.5, 0.5, 2.5], 1e-12, "scores");
});

test("TwoLayerNet.loss: softmax loss plus reg·(ΣW1² + ΣW2²) of a hand-set network", async () => {
  const net = await handSetNet();
  const { loss, grads } = net.loss(X, [1, 0], 0.1);
  // (ln(1 + e⁻¹) + ln(1 + e²)) / 2 + 0.1 · (7 + 4)
  assertClose(loss, 2.320094849280598, 1e-12, "loss");
  assert.deepEqual(grads.W1.shape, [2, 3]);
  assert.deepEqual(grads.b1.shape, [1, 3]);
  assert.deepEqual(grads.W2.shape, [3, 2]);
  assert.deepEqual(grads.b2.shape, [1, 2]);
});

test("sgdMomentum: two steps from rest", async () => {
  const { sgdMomentum } = await load(rules(), RULES, "sgdMomentum");
  const dw = Matrix.fromArray([[0.5, 1]]);
  const s1 = sgdMomentum(Matrix.fromArray([[1, -2]]), dw, { learningRate: 0.1, momentum: 0.9 });
  assertClose(s1.w.data, [0.95, -2.1], 1e-12, "w after one step");
  const s2 = sgdMomentum(s1.w, dw, s1.config);
  assertClose(s2.config.velocity.data, [-0.095, -0.19], 1e-12, "velocity after two steps");
  assertClose(s2.w.data, [0.855, -2.29], 1e-12, "w after two steps");
});

test("rmsprop: the first step", async () => {
  const { rmsprop } = await load(rules(), RULES, "rmsprop");
  const { w, config } = rmsprop(Matrix.fromArray([[1, 1]]), Matrix.fromArray([[10, -0.5]]), {
    learningRate: 0.01,
    decayRate: 0.99,
    epsilon: 0,
  });
  assertClose(config.cache.data, [1, 0.0025], 1e-12, "cache = (1 − ρ)·dw²");
  assertClose(w.data, [0.9, 1.1], 1e-12, "w");
});

test("adam: the first step moves each weight by the learning rate", async () => {
  const { adam } = await load(rules(), RULES, "adam");
  const { w, config } = adam(Matrix.fromArray([[1, 1, 1]]), Matrix.fromArray([[5, -0.2, 1e-3]]), {
    epsilon: 0,
  });
  assertClose(w.data, [0.999, 1.001, 0.999], 1e-12, "w");
  assert.equal(config.t, 1);
});

/**
 * A3 public tests: the two-layer network's loss and the update rules. Run them with
 * `deno task check A3`. Your code runs in a sandbox process of its own; each test loads your
 * module through `t.load` and checks what comes back.
 */
import {
  assert,
  assertClose,
  expectMatrix,
  expectObject,
  Matrix,
  test,
  type TestSession,
} from "../../harness.ts";

const NET = "lib/nn/two_layer_net.ts";
const RULES = "lib/optim/update_rules.ts";

/** A 2-3-2 network with hand-picked weights, in the sandbox. */
async function handSetNet(t: TestSession) {
  const { TwoLayerNet } = await t.load(NET, "TwoLayerNet");
  const net = await TwoLayerNet.new(2, 3, 2);
  await net.set(["params", "W1"], new Matrix(2, 3, Float64Array.of(1, -1, 0, 0, 2, 1)));
  await net.set(["params", "b1"], new Matrix(1, 3, Float64Array.of(0, 0, -1)));
  await net.set(["params", "W2"], new Matrix(3, 2, Float64Array.of(1, 0, 0, 1, 1, 1)));
  await net.set(["params", "b2"], new Matrix(1, 2, Float64Array.of(0.5, -0.5)));
  return net;
}
const X = Matrix.fromArray([[1, 2], [-1, 1]]);

test("TwoLayerNet.loss: scores of a hand-set network", async (t) => {
  const net = await handSetNet(t);
  // hidden = max(0, X·W1 + b1) = [[1, 3, 1], [0, 3, 0]]; scores = hidden·W2 + b2
  const scores = expectMatrix(
    await net.call("loss", X),
    "the scores (without labels, loss returns the scores)",
    [2, 2],
  );
  assertClose(scores.data, [2.5, 3.5, 0.5, 2.5], 1e-12, "scores");
});

test("TwoLayerNet.loss: softmax loss plus reg·(ΣW1² + ΣW2²) of a hand-set network", async (t) => {
  const net = await handSetNet(t);
  const result = expectObject(
    await net.call("loss", X, [1, 0], 0.1),
    "the result",
    "loss",
    "grads",
  );
  const grads = expectObject(result.grads, "grads", "W1", "b1", "W2", "b2");
  // (ln(1 + e⁻¹) + ln(1 + e²)) / 2 + 0.1 · (7 + 4)
  assertClose(result.loss, 2.320094849280598, 1e-12, "loss");
  expectMatrix(grads.W1, "grads.W1", [2, 3]);
  expectMatrix(grads.b1, "grads.b1", [1, 3]);
  expectMatrix(grads.W2, "grads.W2", [3, 2]);
  expectMatrix(grads.b2, "grads.b2", [1, 2]);
});

/** Checks an update rule's `{ w, config }`. */
function step(result: unknown, what: string) {
  const { w, config } = expectObject(result, what, "w", "config");
  return { w: expectMatrix(w, `${what}: w`), config: expectObject(config, `${what}: config`) };
}

test("sgdMomentum: two steps from rest", async (t) => {
  const { sgdMomentum } = await t.load(RULES, "sgdMomentum");
  const dw = Matrix.fromArray([[0.5, 1]]);
  const s1 = step(
    await sgdMomentum(Matrix.fromArray([[1, -2]]), dw, { learningRate: 0.1, momentum: 0.9 }),
    "step 1",
  );
  assertClose(s1.w.data, [0.95, -2.1], 1e-12, "w after one step");
  const s2 = step(await sgdMomentum(s1.w, dw, s1.config), "step 2");
  const velocity = expectMatrix(s2.config.velocity, "config.velocity after two steps");
  assertClose(velocity.data, [-0.095, -0.19], 1e-12, "velocity after two steps");
  assertClose(s2.w.data, [0.855, -2.29], 1e-12, "w after two steps");
});

test("rmsprop: the first step", async (t) => {
  const { rmsprop } = await t.load(RULES, "rmsprop");
  const { w, config } = step(
    await rmsprop(Matrix.fromArray([[1, 1]]), Matrix.fromArray([[10, -0.5]]), {
      learningRate: 0.01,
      decayRate: 0.99,
      epsilon: 0,
    }),
    "rmsprop(…)",
  );
  const cache = expectMatrix(config.cache, "config.cache");
  assertClose(cache.data, [1, 0.0025], 1e-12, "cache = (1 − ρ)·dw²");
  assertClose(w.data, [0.9, 1.1], 1e-12, "w");
});

test("adam: the first step moves each weight by the learning rate", async (t) => {
  const { adam } = await t.load(RULES, "adam");
  const { w, config } = step(
    await adam(Matrix.fromArray([[1, 1, 1]]), Matrix.fromArray([[5, -0.2, 1e-3]]), {
      epsilon: 0,
    }),
    "adam(…)",
  );
  assertClose(w.data, [0.999, 1.001, 0.999], 1e-12, "w");
  assert.equal(config.t, 1);
});

/** A3 hidden tests: gradient checks, training on the spiral, update rules over several steps. */
import { Matrix } from "../../../../lib/matrix.ts";
import { makeSpiral } from "../../../../lib/data/synthetic.ts";
import { assert, assertClose, load, test } from "../../harness.ts";
import { numericalGradient, relError } from "../../hidden/support.ts";

const NET = "lib/nn/two_layer_net.ts";
const RULES = "lib/optim/update_rules.ts";
const nn = () => load(import("../../../../lib/nn/two_layer_net.ts"), NET, "TwoLayerNet");
const rules = () => load(import("../../../../lib/optim/update_rules.ts"), RULES);

test("TwoLayerNet.loss: every gradient passes a gradient check, with regularization", async () => {
  const { TwoLayerNet } = await nn();
  const net = new TwoLayerNet(4, 6, 3, { std: 0.3, seed: 1 });
  const X = Matrix.randn(5, 4, 2);
  const y = [0, 1, 2, 1, 0];
  const { grads } = net.loss(X, y, 0.05);
  for (const name of ["W1", "b1", "W2", "b2"] as const) {
    const numeric = numericalGradient(() => net.loss(X, y, 0.05).loss, net.params[name].data);
    const err = relError(numeric, grads[name].data);
    assert.ok(err < 1e-6, `${name}: relative error ${err.toExponential(2)} (want < 1e-6)`);
  }
});

test("TwoLayerNet.loss: training with it separates the spiral (accuracy > 0.9)", async () => {
  const { TwoLayerNet } = await nn();
  const { X, y } = makeSpiral({ pointsPerClass: 50, numClasses: 3, seed: 0 });
  const net = new TwoLayerNet(2, 50, 3, { std: 0.1, seed: 0 });
  const options = { learningRate: 2, learningRateDecay: 1, reg: 1e-4, numIters: 300 };
  net.train(X, y, X, y, { ...options, batchSize: 150 });
  const acc = net.predict(X).filter((p, i) => p === y[i]).length / y.length;
  assert.ok(acc > 0.9, `training accuracy ${acc}`);
});

/** Five gradients for five steps, and a starting point. */
const W0 = [0.5, -1, 2];
const GRADS = [[0.1, -0.3, 2], [0.2, -0.1, 1], [-0.4, 0.2, 0.5], [0.3, 0.3, -1], [0, -0.2, 0.1]];

test("sgdMomentum: five steps match a reference; the velocity is carried in config", async () => {
  const { sgdMomentum } = await load(rules(), RULES, "sgdMomentum");
  const [lr, mu] = [0.05, 0.8];
  let w = Matrix.fromArray([W0]);
  let config: Record<string, unknown> = { learningRate: lr, momentum: mu };
  const ref = [...W0], v = [0, 0, 0];
  for (const g of GRADS) {
    ({ w, config } = sgdMomentum(w, Matrix.fromArray([g]), config));
    g.forEach((gi, i) => {
      v[i] = mu * v[i] - lr * gi;
      ref[i] += v[i];
    });
  }
  assertClose(w.data, ref, 1e-12, "w after 5 steps");
  assertClose((config.velocity as Matrix).data, v, 1e-12, "velocity");
});

test("rmsprop: five steps match a reference; the cache is carried in config", async () => {
  const { rmsprop } = await load(rules(), RULES, "rmsprop");
  const [lr, rho, eps] = [0.01, 0.9, 1e-8];
  let w = Matrix.fromArray([W0]);
  let config: Record<string, unknown> = { learningRate: lr, decayRate: rho, epsilon: eps };
  const ref = [...W0], cache = [0, 0, 0];
  for (const g of GRADS) {
    ({ w, config } = rmsprop(w, Matrix.fromArray([g]), config));
    g.forEach((gi, i) => {
      cache[i] = rho * cache[i] + (1 - rho) * gi * gi;
      ref[i] -= (lr * gi) / (Math.sqrt(cache[i]) + eps);
    });
  }
  assertClose(w.data, ref, 1e-12, "w after 5 steps");
  assertClose((config.cache as Matrix).data, cache, 1e-12, "cache");
});

test("adam: five steps match a reference, with bias correction and t counted", async () => {
  const { adam } = await load(rules(), RULES, "adam");
  const [lr, b1, b2, eps] = [0.01, 0.9, 0.999, 1e-8];
  let w = Matrix.fromArray([W0]);
  let config: Record<string, unknown> = { learningRate: lr };
  const ref = [...W0], m = [0, 0, 0], v = [0, 0, 0];
  GRADS.forEach((g, step) => {
    ({ w, config } = adam(w, Matrix.fromArray([g]), config));
    const t = step + 1;
    g.forEach((gi, i) => {
      m[i] = b1 * m[i] + (1 - b1) * gi;
      v[i] = b2 * v[i] + (1 - b2) * gi * gi;
      const mHat = m[i] / (1 - b1 ** t), vHat = v[i] / (1 - b2 ** t);
      ref[i] -= (lr * mHat) / (Math.sqrt(vHat) + eps);
    });
  });
  assertClose(w.data, ref, 1e-12, "w after 5 steps");
  assert.equal(config.t, 5);
});

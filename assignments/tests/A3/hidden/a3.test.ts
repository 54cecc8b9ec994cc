/** A3 hidden tests: gradient checks, training on the spiral, update rules over several steps. */
import { makeSpiral } from "../../../../lib/data/synthetic.ts";
import {
  assert,
  assertClose,
  expectMatrix,
  expectNumber,
  expectNumbers,
  expectObject,
  Matrix,
  test,
} from "../../harness.ts";
import { numericalGradientAsync, relError } from "../../hidden/support.ts";

const NET = "lib/nn/two_layer_net.ts";
const RULES = "lib/optim/update_rules.ts";

test("TwoLayerNet.loss: every gradient passes a gradient check, with regularization", async (t) => {
  const { TwoLayerNet } = await t.load(NET, "TwoLayerNet");
  const net = await TwoLayerNet.new(4, 6, 3, { std: 0.3, seed: 1 });
  const X = Matrix.randn(5, 4, 2);
  const y = [0, 1, 2, 1, 0];
  const lossOf = async () => {
    const result = expectObject(await net.call("loss", X, y, 0.05), "the result", "loss", "grads");
    return { loss: expectNumber(result.loss, "loss"), grads: result.grads };
  };
  const grads = expectObject((await lossOf()).grads, "grads", "W1", "b1", "W2", "b2");
  for (const name of ["W1", "b1", "W2", "b2"] as const) {
    // A judge-side copy of the parameter is perturbed one entry at a time and sent to the net
    // before every loss; the original is sent back afterwards.
    const param = expectMatrix(await net.get("params", name), `params.${name}`);
    const original = param.clone();
    const analytic = expectMatrix(grads[name], `grads.${name}`, [param.rows, param.cols]);
    let numeric: Float64Array;
    try {
      numeric = await numericalGradientAsync(async () => {
        await net.set(["params", name], param);
        return (await lossOf()).loss;
      }, param.data);
    } finally {
      await net.set(["params", name], original);
    }
    const err = relError(numeric, analytic.data);
    assert.ok(err < 1e-6, `${name}: relative error ${err.toExponential(2)} (want < 1e-6)`);
  }
});

test("TwoLayerNet.loss: training with it separates the spiral (accuracy > 0.9)", async (t) => {
  const { TwoLayerNet } = await t.load(NET, "TwoLayerNet");
  const { X, y } = makeSpiral({ pointsPerClass: 50, numClasses: 3, seed: 0 });
  const net = await TwoLayerNet.new(2, 50, 3, { std: 0.1, seed: 0 });
  const options = { learningRate: 2, learningRateDecay: 1, reg: 1e-4, numIters: 300 };
  await net.call("train", X, y, X, y, { ...options, batchSize: 150 });
  const predicted = expectNumbers(await net.call("predict", X), "predict(X)");
  const acc = predicted.filter((p, i) => p === y[i]).length / y.length;
  assert.ok(acc > 0.9, `training accuracy ${acc}`);
});

/** Five gradients for five steps, and a starting point. */
const W0 = [0.5, -1, 2];
const GRADS = [[0.1, -0.3, 2], [0.2, -0.1, 1], [-0.4, 0.2, 0.5], [0.3, 0.3, -1], [0, -0.2, 0.1]];

/** Checks an update rule's `{ w, config }`. */
function step(result: unknown, what: string) {
  const { w, config } = expectObject(result, what, "w", "config");
  return { w: expectMatrix(w, `${what}: w`), config: expectObject(config, `${what}: config`) };
}

test("sgdMomentum: five steps match a reference; the velocity is carried in config", async (t) => {
  const { sgdMomentum } = await t.load(RULES, "sgdMomentum");
  const [lr, mu] = [0.05, 0.8];
  let w = Matrix.fromArray([W0]);
  let config: Record<string, unknown> = { learningRate: lr, momentum: mu };
  const ref = [...W0], v = [0, 0, 0];
  for (const [k, g] of GRADS.entries()) {
    ({ w, config } = step(await sgdMomentum(w, Matrix.fromArray([g]), config), `step ${k + 1}`));
    g.forEach((gi, i) => {
      v[i] = mu * v[i] - lr * gi;
      ref[i] += v[i];
    });
  }
  assertClose(w.data, ref, 1e-12, "w after 5 steps");
  assertClose(expectMatrix(config.velocity, "config.velocity").data, v, 1e-12, "velocity");
});

test("rmsprop: five steps match a reference; the cache is carried in config", async (t) => {
  const { rmsprop } = await t.load(RULES, "rmsprop");
  const [lr, rho, eps] = [0.01, 0.9, 1e-8];
  let w = Matrix.fromArray([W0]);
  let config: Record<string, unknown> = { learningRate: lr, decayRate: rho, epsilon: eps };
  const ref = [...W0], cache = [0, 0, 0];
  for (const [k, g] of GRADS.entries()) {
    ({ w, config } = step(await rmsprop(w, Matrix.fromArray([g]), config), `step ${k + 1}`));
    g.forEach((gi, i) => {
      cache[i] = rho * cache[i] + (1 - rho) * gi * gi;
      ref[i] -= (lr * gi) / (Math.sqrt(cache[i]) + eps);
    });
  }
  assertClose(w.data, ref, 1e-12, "w after 5 steps");
  assertClose(expectMatrix(config.cache, "config.cache").data, cache, 1e-12, "cache");
});

test("adam: five steps match a reference, with bias correction and t counted", async (t) => {
  const { adam } = await t.load(RULES, "adam");
  const [lr, b1, b2, eps] = [0.01, 0.9, 0.999, 1e-8];
  let w = Matrix.fromArray([W0]);
  let config: Record<string, unknown> = { learningRate: lr };
  const ref = [...W0], m = [0, 0, 0], v = [0, 0, 0];
  for (const [k, g] of GRADS.entries()) {
    ({ w, config } = step(await adam(w, Matrix.fromArray([g]), config), `step ${k + 1}`));
    const n = k + 1; // the step count t
    g.forEach((gi, i) => {
      m[i] = b1 * m[i] + (1 - b1) * gi;
      v[i] = b2 * v[i] + (1 - b2) * gi * gi;
      const mHat = m[i] / (1 - b1 ** n), vHat = v[i] / (1 - b2 ** n);
      ref[i] -= (lr * mHat) / (Math.sqrt(vHat) + eps);
    });
  }
  assertClose(w.data, ref, 1e-12, "w after 5 steps");
  assert.equal(config.t, 5);
});

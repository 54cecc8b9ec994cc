/**
 * The Solver (lib/optim/solver.ts): every update rule trains a net, histories and best parameters,
 * same seed → same numbers, learning-rate decay and schedules, bad options, and the wrappers
 * (LinearSVM/Softmax.train, TwoLayerNet.train) giving the numbers recorded on main before they
 * became wrappers (tests/fixtures/solver_wrappers_main.json, made by the same calls).
 */
import assert from "node:assert/strict";
import { Matrix } from "../lib/matrix.ts";
import { makeBlobs, makeSpiral } from "../lib/data/synthetic.ts";
import { LinearSVM, Softmax } from "../lib/classifiers/linear_classifier.ts";
import { TwoLayerNet } from "../lib/nn/two_layer_net.ts";
import { DivergenceError } from "../lib/optim/training.ts";
import { stepDecay } from "../lib/optim/schedules.ts";
import { type UpdateRuleName, updateRules } from "../lib/optim/update_rules.ts";
import { type MimeBundle, progress } from "../lib/plot/mod.ts";
import {
  Solver,
  type SolverHistory,
  type SolverModel,
  type SolverOptions,
  type SolverProgress,
} from "../lib/optim/solver.ts";

const spiral = makeSpiral({ pointsPerClass: 50, numClasses: 3, seed: 0 });
const data = { XTrain: spiral.X, yTrain: spiral.y, XVal: spiral.X, yVal: spiral.y };

/** A TwoLayerNet as a SolverModel with regularization strength reg. */
function netModel(
  reg = 1e-4,
  seed = 0,
): SolverModel<"W1" | "b1" | "W2" | "b2"> & { net: TwoLayerNet } {
  const net = new TwoLayerNet(2, 50, 3, { std: 0.1, seed });
  return {
    net,
    params: net.params,
    loss: (X, y) => (y === undefined ? net.loss(X) : net.loss(X, y, reg)),
  };
}

const mean = (a: number[]) => a.reduce((s, v) => s + v, 0) / a.length;

// 150 spiral points, batches of 50: 3 steps per epoch, 40 epochs = 120 steps. The loss starts at
// ln 3 ≈ 1.0986; the bounds are what each rule reached with these rates, with some room.
const rules: [UpdateRuleName, number, number, number][] = [
  ["sgd", 1, 0.75, 0.6],
  ["sgdMomentum", 0.3, 0.55, 0.8],
  ["nesterov", 0.3, 0.45, 0.8],
  ["adagrad", 0.3, 0.4, 0.85],
  ["rmsprop", 0.01, 0.5, 0.8],
  ["adam", 0.02, 0.45, 0.8],
];
for (const [rule, learningRate, lossBound, accBound] of rules) {
  Deno.test(`Solver with ${rule} trains a two-layer net on the spiral`, () => {
    const model = netModel();
    const solver = new Solver(model, data, {
      updateRule: rule,
      optimConfig: { learningRate },
      batchSize: 50,
      numEpochs: 40,
    });
    const h = solver.train();
    assert(Math.abs(h.lossHistory[0] - Math.log(3)) < 1e-2, `first loss ${h.lossHistory[0]}`);
    const last = mean(h.lossHistory.slice(-10));
    assert(last < lossBound, `${rule}: mean of the last 10 losses ${last} ≥ ${lossBound}`);
    assert(solver.bestValAcc > accBound, `${rule}: best val accuracy ${solver.bestValAcc}`);
    // the per-parameter state is the rule's own (e.g. Adam's t counts the steps)
    if (rule === "adam") assert.equal(solver.optimConfigs.W1.t, 120);
    if (rule === "sgdMomentum") assert(solver.optimConfigs.b2.velocity instanceof Matrix);
    assert.notEqual(solver.optimConfigs.W1, solver.optimConfigs.W2);
  });
}

Deno.test("histories: a loss per step, accuracies per completed epoch; iteration and epoch", () => {
  const seen: SolverProgress[] = [];
  const solver = new Solver(netModel(), data, {
    updateRule: "adam",
    batchSize: 40, // ⌊150 / 40⌋ = 3 steps per epoch
    numIters: 10, // 3 epochs and a third
    onProgress: (p) => seen.push(p),
  });
  assert.equal(solver.iterationsPerEpoch, 3);
  const h = solver.train();
  assert.equal(h.lossHistory.length, 10);
  assert.equal(h.trainAccHistory.length, 3);
  assert.equal(h.valAccHistory.length, 3);
  assert.deepEqual([solver.iteration, solver.epoch], [10, 3]);
  assert.deepEqual(seen.map((p) => p.iteration), [...Array(10).keys()]);
  assert.deepEqual(seen.filter((p) => p.epoch !== undefined).map((p) => [p.iteration, p.epoch]), [
    [2, 1],
    [5, 2],
    [8, 3],
  ]);
  assert.deepEqual(
    seen.filter((p) => p.valAcc !== undefined).map((p) => p.valAcc),
    h.valAccHistory,
  );
  assert.deepEqual(seen.map((p) => p.loss), h.lossHistory);
  // train() again has nothing left to do; step() goes on
  assert.equal(solver.train().lossHistory.length, 10);
  solver.step();
  assert.equal(solver.lossHistory.length, 11);
  // numEpochs: epochs × steps per epoch
  const byEpochs = new Solver(netModel(), data, { batchSize: 40, numEpochs: 4 });
  assert.equal(byEpochs.numIters, 12);
});

Deno.test("bestParams reproduce bestValAcc, and train() ends with them (restoreBest)", () => {
  const model = netModel();
  const options: SolverOptions = {
    updateRule: "sgd",
    optimConfig: { learningRate: 2 }, // large: the validation accuracy goes up and down
    batchSize: 30,
    numEpochs: 12,
    seed: 4,
  };
  const solver = new Solver(model, data, options);
  solver.train();
  const best = Math.max(...solver.valAccHistory);
  assert.equal(solver.bestValAcc, best);
  assert.notEqual(solver.valAccHistory.at(-1), best, "pick a run whose last epoch is not the best");
  assert.equal(solver.checkAccuracy(spiral.X, spiral.y), best); // the model holds bestParams
  for (const key of ["W1", "b1", "W2", "b2"] as const) {
    assert.deepEqual(model.params[key].data, solver.bestParams![key].data);
    assert.notEqual(model.params[key], solver.bestParams![key]); // copies
  }
  // restoreBest false keeps the last parameters, whose accuracy is the last entry
  const last = new Solver(netModel(), data, { ...options, restoreBest: false });
  last.train();
  assert.equal(last.checkAccuracy(spiral.X, spiral.y), last.valAccHistory.at(-1));
});

Deno.test("same seed → identical histories and parameters; another seed → other batches", () => {
  const run = (seed: number) => {
    const model = netModel();
    const solver = new Solver(model, data, {
      updateRule: "rmsprop",
      batchSize: 25,
      numEpochs: 3,
      seed,
      numTrainSamples: 100,
    });
    return { h: solver.train(), W1: model.params.W1.data };
  };
  const a = run(7), b = run(7), c = run(8);
  assert.deepEqual(a.h, b.h);
  assert.deepEqual(a.W1, b.W1);
  assert.notDeepEqual(a.h.lossHistory, c.h.lossHistory);
  // onProgress changes no number
  const watched: SolverProgress[] = [];
  const model = netModel();
  const h = new Solver(model, data, {
    updateRule: "rmsprop",
    batchSize: 25,
    numEpochs: 3,
    seed: 7,
    numTrainSamples: 100,
    onProgress: (p) => watched.push(p),
  }).train();
  assert.deepEqual(h, a.h);
  assert.deepEqual(model.params.W1.data, a.W1);
  assert.equal(watched.length, 18);
});

Deno.test("onProgress feeds a progress line (as in the lessons) to numIters/numIters", async () => {
  const shown: string[] = [];
  const show = (x: unknown) => {
    shown.push((x as MimeBundle)["text/plain"]);
    return Promise.resolve();
  };
  const bar = await progress("solver", { show, interval: 0 });
  const solver = new Solver(netModel(), data, {
    updateRule: "adam",
    batchSize: 50,
    numEpochs: 4,
    onProgress: bar.onProgress,
  });
  const h = solver.train();
  await bar.done();
  assert.equal(bar.current, 12);
  const last = shown.at(-1)!;
  assert.match(last, /^✓ solver · 12\/12 in /);
  assert.match(last, new RegExp(`loss ${+h.lossHistory[11].toPrecision(4)}`));
});

Deno.test("lrDecay multiplies the rate after every epoch; a schedule sets it per epoch or step", () => {
  const rates = (options: SolverOptions) => {
    const seen: number[] = [];
    new Solver(netModel(), data, {
      batchSize: 50, // 3 steps per epoch
      numIters: 9,
      ...options,
      onProgress: (p) => seen.push(p.learningRate),
    }).train();
    return seen;
  };
  const lr = 0.1;
  assert.deepEqual(rates({ optimConfig: { learningRate: lr }, lrDecay: 0.5 }), [
    lr,
    lr,
    lr,
    lr * 0.5,
    lr * 0.5,
    lr * 0.5,
    lr * 0.5 * 0.5,
    lr * 0.5 * 0.5,
    lr * 0.5 * 0.5,
  ]);
  const schedule = stepDecay({ lr0: 0.2, dropEvery: 2, factor: 0.1 });
  const byEpoch = rates({ schedule });
  assert.deepEqual(byEpoch, [0.2, 0.2, 0.2, 0.2, 0.2, 0.2, schedule(2), schedule(2), schedule(2)]);
  assert.deepEqual(
    rates({ schedule, scheduleBy: "iteration" }),
    [...Array(9).keys()].map(schedule),
  );
  // the rate used is the rate of the update: an SGD step with lr 0 changes nothing
  const model = netModel();
  const before = model.params.W1.clone();
  new Solver(model, data, { schedule: () => 0, numIters: 2 }).train();
  assert.deepEqual(model.params.W1.data, before.data);
});

Deno.test("checkAccuracy: all rows, or numSamples evenly spaced, in batches", () => {
  const net = new TwoLayerNet(1, 1, 2);
  net.params.b2.set(0, 1, 1); // every example: class 1
  const X = Matrix.zeros(10, 1), y = [1, 1, 0, 1, 0, 1, 1, 1, 1, 1];
  const solver = new Solver(net, {
    XTrain: X,
    yTrain: y,
  });
  assert.equal(solver.checkAccuracy(X, y), 0.8);
  assert.equal(solver.checkAccuracy(X, y, { batchSize: 3 }), 0.8);
  assert.equal(solver.checkAccuracy(X, y, { numSamples: 5 }), 0.6); // rows 0, 2, 4, 6, 8
  assert.equal(solver.checkAccuracy(X, y, { numSamples: 5, batchSize: 2 }), 0.6);
  assert.equal(solver.checkAccuracy(X, y, { numSamples: 50 }), 0.8); // at most all
  assert.throws(() => solver.checkAccuracy(X, y.slice(1)), /X \(10×1\) has 10 rows but y has 9/);
  assert.throws(
    () => solver.checkAccuracy(X, y, { batchSize: 0 }),
    /batchSize must be an integer ≥ 1/,
  );
  net.params.b2.set(0, 0, NaN);
  assert.throws(() => solver.checkAccuracy(X, y), /Solver.checkAccuracy: scores\[0,0\] is NaN/);
});

Deno.test("bad options and data give errors naming them, before anything changes", () => {
  const model = netModel();
  const before = model.params.W1.clone();
  const bad: [SolverOptions, RegExp][] = [
    [{ updateRule: "lbfgs" as UpdateRuleName }, /unknown update rule "lbfgs"/],
    [{ batchSize: 0 }, /Solver: batchSize must be an integer ≥ 1, got 0/],
    [{ numEpochs: -1 }, /Solver: numEpochs must be an integer ≥ 0, got -1/],
    [{ numIters: 2.5 }, /Solver: numIters must be an integer ≥ 0, got 2.5/],
    [{ numIters: 5, numEpochs: 2 }, /give numEpochs or numIters, not both/],
    [{ lrDecay: 0 }, /Solver: lrDecay must be a finite number > 0, got 0/],
    [{ schedule: () => 0.1, optimConfig: { learningRate: 1 } }, /give schedule or optimConfig/],
    [{ schedule: 0.1 as unknown as () => number }, /schedule must be a function of the epoch/],
    [{ numTrainSamples: 0 }, /numTrainSamples must be an integer ≥ 1, got 0/],
    [{ numValSamples: 1.5 }, /numValSamples must be an integer ≥ 1, got 1.5/],
    [{ onProgress: "yes" as unknown as () => void }, /onProgress must be a function, got "yes"/],
    [{ batches: "some" as "all" }, /batches must be "withReplacement", "withoutReplacement"/],
    [{ batches: "withoutReplacement", batchSize: 151 }, /cannot draw batches of 151 without/],
    [{ scheduleBy: "step" as "epoch" }, /scheduleBy must be "epoch" or "iteration"/],
    [{ iterationsPerEpoch: 0 }, /iterationsPerEpoch must be an integer ≥ 1/],
    [{ name: "MyNet.fit", batchSize: -1 }, /MyNet.fit: batchSize/],
  ];
  for (const [options, message] of bad) {
    assert.throws(() => new Solver(model, data, options), message, JSON.stringify(options));
  }
  const Xnan = spiral.X.clone().set(3, 1, NaN);
  assert.throws(
    () => new Solver(model, { ...data, XTrain: Xnan }),
    /Solver: XTrain\[3,1\] is NaN: the data must be finite/,
  );
  assert.throws(
    () => new Solver(model, { ...data, yVal: [0, 1] }),
    /XVal \(150×2\) has 150 rows but yVal has 2 labels/,
  );
  assert.throws(
    () => new Solver(model, { XTrain: spiral.X, yTrain: spiral.y, XVal: spiral.X }),
    /give both XVal and yVal/,
  );
  assert.throws(
    () => new Solver(model, { ...data, XVal: Matrix.zeros(2, 3), yVal: [0, 1] }),
    /XVal \(2×3\) has 3 features but XTrain \(150×2\) has 2/,
  );
  assert.throws(
    () => new Solver({ params: {} } as unknown as SolverModel, data),
    /model must have a loss/,
  );
  // a step whose loss gives a gradient of the wrong shape
  const wrong = {
    params: { W: Matrix.zeros(2, 3) },
    loss: () => ({ loss: 1, grads: { W: Matrix.zeros(3, 3) } }),
  };
  assert.throws(
    () => new Solver(wrong, data).step(),
    /grads.W \(3×3\) for params.W \(2×3\) \(iteration 0\)/,
  );
  assert.deepEqual(model.params.W1.data, before.data);
});

Deno.test("a NaN loss stops the Solver with a DivergenceError carrying the histories", () => {
  const model = netModel(0);
  const solver = new Solver(model, { ...data, XTrain: spiral.X.mul(1000) }, {
    optimConfig: { learningRate: 1 },
    batchSize: 50,
    numEpochs: 100,
    name: "Demo.train",
  });
  let caught: unknown;
  try {
    solver.train();
  } catch (e) {
    caught = e;
  }
  assert(caught instanceof DivergenceError, String(caught));
  assert.match(caught.message, /^Demo.train: diverged at iteration \d+ /);
  const history = caught.history as SolverHistory;
  assert.equal(history.lossHistory.length, caught.iteration);
  assert(history.lossHistory.every(Number.isFinite));
  assert.equal(history.valAccHistory.length, Math.floor(caught.iteration / 3));
  // stopOnDivergence false records it and goes on
  const free = new Solver(netModel(0), { ...data, XTrain: spiral.X.mul(1000) }, {
    optimConfig: { learningRate: 1 },
    batchSize: 50,
    numIters: caught.iteration + 1,
    stopOnDivergence: false,
  });
  const losses = free.train().lossHistory;
  assert.equal(losses.length, caught.iteration + 1);
});

// ---- the wrappers give the numbers they gave before the Solver -----------------------------

/** Same length, and every entry equal to within 1e-12 relative. */
function assertClose(actual: number[], expected: number[]): void {
  assert.equal(actual.length, expected.length);
  actual.forEach((a, i) => {
    const e = expected[i];
    assert.ok(Math.abs(a - e) <= 1e-12 * Math.max(1, Math.abs(e)), `entry ${i}: ${a} vs ${e}`);
  });
}

const main = JSON.parse(
  await Deno.readTextFile(new URL("./fixtures/solver_wrappers_main.json", import.meta.url)),
);
const blobs = makeBlobs({ pointsPerClass: 30, numClasses: 3, std: 0.5, seed: 2 });
const Xb = blobs.X.appendOnes();

for (const Model of [LinearSVM, Softmax]) {
  // Recorded before the Solver. Since then the losses moved onto the shared scores-level
  // svmLoss/softmaxLoss + addReg, which sum in another order: the last bit may differ (1e-16).
  Deno.test(`${Model.name}.train gives main's numbers (to 1e-12)`, () => {
    const model = new Model();
    const history = model.train(Xb, blobs.y, {
      learningRate: 0.1,
      reg: 1e-3,
      numIters: 40,
      batchSize: 16,
      seed: 5,
    });
    assertClose(history, main[Model.name].history);
    assertClose(Array.from(model.W!.data), main[Model.name].W);
  });
}

Deno.test("TwoLayerNet.train gives main's numbers bit for bit", () => {
  const net = new TwoLayerNet(2, 20, 3, { std: 0.1, seed: 1 });
  const h = net.train(spiral.X, spiral.y, blobs.X, Array.from(blobs.y), {
    learningRate: 0.5,
    learningRateDecay: 0.9,
    reg: 1e-3,
    numIters: 45,
    batchSize: 32,
    seed: 3,
  });
  const { params, ...history } = main.TwoLayerNet;
  assert.deepEqual(h, history);
  for (const key of ["W1", "b1", "W2", "b2"] as const) {
    assert.deepEqual(Array.from(net.params[key].data), params[key]);
  }
});

Deno.test("every update rule is reachable from the Solver by name or as a function", () => {
  for (const [name, rule] of Object.entries(updateRules)) {
    const a = new Solver(netModel(), data, { updateRule: name as UpdateRuleName, numIters: 3 });
    const b = new Solver(netModel(), data, { updateRule: rule, numIters: 3 });
    assert.deepEqual(a.train(), b.train(), name);
  }
});

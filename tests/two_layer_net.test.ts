import assert from "node:assert/strict";
import { Matrix } from "../lib/matrix.ts";
import { evalNumericalGradient, relError } from "../lib/gradients.ts";
import { loadMnist } from "../lib/data/mnist.ts";
import { trainValTestSplit } from "../lib/data/split.ts";
import { makeBlobs, makeSpiral } from "../lib/data/synthetic.ts";
import { TwoLayerNet, type TwoLayerNetParams } from "../lib/nn/two_layer_net.ts";

// CS231n assignment 1 toy problem (two_layer_net.ipynb): init_toy_model() draws W1, W2 with
// np.random.seed(0) and std 1e-1, init_toy_data() draws X = 10·randn(5, 4) with np.random.seed(1).
// The values below are those numpy draws, so the notebook's published answers apply.
const TOY_X = Matrix.fromArray([
  [16.243453636632417, -6.117564136500754, -5.2817175226345565, -10.729686221561705],
  [8.654076293246785, -23.015386968802826, 17.4481176421648, -7.612069008951028],
  [3.1903909605709857, -2.493703754774101, 14.621079370449742, -20.60140709497654],
  [-3.224172040135075, -3.8405435466841564, 11.337694423354375, -10.998912673140309],
  [-1.7242820755043575, -8.778584179213718, 0.4221374671559283, 5.828152137158222],
]);
const TOY_W1 = Matrix.fromArray([
  [
    0.1764052345967664,
    0.040015720836722335,
    0.09787379841057392,
    0.2240893199201458,
    0.18675579901499675,
    -0.0977277879876411,
    0.09500884175255894,
    -0.01513572082976979,
    -0.010321885179355785,
    0.04105985019383723,
  ],
  [
    0.014404357116087799,
    0.1454273506962975,
    0.07610377251469935,
    0.012167501649282842,
    0.04438632327454257,
    0.033367432737426685,
    0.14940790731576062,
    -0.020515826376580087,
    0.03130677016509014,
    -0.08540957393017248,
  ],
  [
    -0.25529898158340786,
    0.06536185954403606,
    0.08644361988595058,
    -0.0742165020406442,
    0.22697546239876076,
    -0.1454365674598765,
    0.004575851730144607,
    -0.01871838500258336,
    0.15327792143584576,
    0.1469358769900285,
  ],
  [
    0.015494742569691631,
    0.03781625196021736,
    -0.08877857476301128,
    -0.1980796468223927,
    -0.034791214932615264,
    0.015634896910398006,
    0.12302906807277209,
    0.12023798487844113,
    -0.03873268174079523,
    -0.03023027505753356,
  ],
]);
const TOY_W2 = Matrix.fromArray([
  [-0.10485529650670927, -0.14200179371789753, -0.17062701906250127],
  [0.19507753952317897, -0.050965218175165354, -0.04380743016111864],
  [-0.12527953600499261, 0.07774903558319102, -0.16138978475579516],
  [-0.02127402802139687, -0.08954665611936757, 0.0386902497859262],
  [-0.051080513756887304, -0.11806321841224121, -0.002818222833865487],
  [0.04283318705304177, 0.006651722238316789, 0.03024718977397814],
  [-0.06343220936809636, -0.03627411659871382, -0.0672460447775951],
  [-0.03595531615405413, -0.0813146282044454, -0.17262826023316769],
  [0.017742614225375285, -0.040178093620826194, -0.16301983469660447],
  [0.04627822555257742, -0.09072983643832422, 0.005194539579613896],
]);
const TOY_Y = Int32Array.from([0, 1, 2, 2, 1]);
// correct_scores and correct_loss (reg = 0.05) as published in the CS231n notebook
const CS231N_SCORES = Matrix.fromArray([
  [-0.81233741, -1.27654624, -0.70335995],
  [-0.17129677, -1.18803311, -0.47310444],
  [-0.51590475, -1.01354314, -0.8504215],
  [-0.15419291, -0.48629638, -0.52901952],
  [-0.00618733, -0.12435261, -0.15226949],
]);
const CS231N_LOSS = 1.30378789133;

const NAMES = ["W1", "b1", "W2", "b2"] as const;

function toyNet(): TwoLayerNet {
  const net = new TwoLayerNet(4, 10, 3, { std: 1e-1 });
  net.params.W1.data.set(TOY_W1.data);
  net.params.W2.data.set(TOY_W2.data);
  return net;
}

function accuracy(pred: Int32Array, y: Int32Array): number {
  return pred.filter((p, i) => p === y[i]).length / y.length;
}

/** Checks every parameter's analytic gradient against centered differences; returns rel errors. */
function gradCheckAll(net: TwoLayerNet, X: Matrix, y: Int32Array, reg: number) {
  const { grads } = net.loss(X, y, reg);
  const errors: Record<string, number> = {};
  for (const name of NAMES) {
    const num = evalNumericalGradient(() => net.loss(X, y, reg).loss, net.params[name]);
    errors[name] = relError(grads[name], num);
  }
  return errors;
}

/** Smallest |hidden pre-activation|: the ReLU kink must be far from every unit. */
function minAbsPreActivation(net: TwoLayerNet, X: Matrix): number {
  return X.matmul(net.params.W1).add(net.params.b1).abs().min();
}

Deno.test("CS231n toy net: scores and loss match the published answers", () => {
  const net = toyNet();
  const scores = net.loss(TOY_X);
  const diff = scores.maxAbsDiff(CS231N_SCORES);
  assert(diff < 1e-7, `scores differ by ${diff}`);
  const { loss } = net.loss(TOY_X, TOY_Y, 0.05);
  assert(Math.abs(loss - CS231N_LOSS) < 1e-10, `loss ${loss}`); // reg·ΣW² convention
});

Deno.test("CS231n toy net: every parameter passes the gradient check (reg 0.05)", () => {
  const net = toyNet();
  assert(minAbsPreActivation(net, TOY_X) > 1e-2);
  const errors = gradCheckAll(net, TOY_X, TOY_Y, 0.05);
  for (const name of NAMES) assert(errors[name] < 1e-7, `${name}: ${errors[name]}`);
});

Deno.test("seeded toy net (N=5, D=4, H=10, C=3): every parameter passes the gradient check", () => {
  const net = new TwoLayerNet(4, 10, 3, { std: 1e-1, seed: 0 });
  net.params.b1.data.set(Matrix.randn(1, 10, 2).mul(0.1).data); // nonzero biases get checked too
  const X = Matrix.randn(5, 4, 1).mul(10);
  assert(minAbsPreActivation(net, X) > 1e-3);
  for (const reg of [0, 0.05]) {
    const errors = gradCheckAll(net, X, TOY_Y, reg);
    for (const name of NAMES) assert(errors[name] < 1e-7, `reg ${reg}, ${name}: ${errors[name]}`);
  }
});

Deno.test("regularization is reg·(ΣW1² + ΣW2²) with gradient 2·reg·W, biases unregularized", () => {
  const net = toyNet();
  const reg = 0.3;
  const plain = net.loss(TOY_X, TOY_Y, 0), regd = net.loss(TOY_X, TOY_Y, reg);
  const { W1, W2 } = net.params;
  const penalty = reg * (W1.pow(2).sum() + W2.pow(2).sum());
  assert(Math.abs(regd.loss - plain.loss - penalty) < 1e-14);
  assert(regd.grads.W1.sub(plain.grads.W1).allClose(W1.mul(2 * reg)));
  assert(regd.grads.W2.sub(plain.grads.W2).allClose(W2.mul(2 * reg)));
  assert.deepEqual(regd.grads.b1.data, plain.grads.b1.data);
  assert.deepEqual(regd.grads.b2.data, plain.grads.b2.data);
});

Deno.test("hand-computed net: scores, loss and predictions", () => {
  const net = new TwoLayerNet(2, 2, 2);
  net.params.W1.data.set([1, -1, 2, 1]);
  net.params.b1.data.set([0, 1]);
  net.params.W2.data.set([1, 0, -1, 2]);
  net.params.b2.data.set([0.5, 0]);
  const X = Matrix.fromArray([[1, 1], [1, -1]]);
  // row 0: hidden max(0, [3, 1]) = [3, 1], scores [3 − 1 + 0.5, 2] = [2.5, 2]
  // row 1: hidden max(0, [−1, −1]) = [0, 0], scores = b2 = [0.5, 0]
  assert.deepEqual(net.loss(X).toArray(), [[2.5, 2], [0.5, 0]]);
  const { loss } = net.loss(X, [0, 1], 0.1);
  const expected = (Math.log(1 + Math.exp(-0.5)) + Math.log(1 + Math.exp(0.5))) / 2 + 0.1 * 13;
  assert(Math.abs(loss - expected) < 1e-14);
  assert.deepEqual(Array.from(net.predict(X)), [0, 0]);
});

Deno.test("with std small the initial loss is ≈ ln C", () => {
  const toy = new TwoLayerNet(4, 10, 3, { seed: 1 }); // std 1e-4
  const { loss } = toy.loss(TOY_X, TOY_Y);
  assert(Math.abs(loss - Math.log(3)) < 1e-5, `${loss}`);
  const big = new TwoLayerNet(784, 50, 10, { std: 1e-4, seed: 2 });
  const X = Matrix.rand(20, 784, 3), y = Int32Array.from({ length: 20 }, (_, i) => i % 10);
  assert(Math.abs(big.loss(X, y).loss - Math.log(10)) < 1e-5);
});

Deno.test("construction: shapes, std·randn weights, zero biases, seeded", () => {
  const a = new TwoLayerNet(6, 5, 4, { std: 0.5, seed: 9 });
  const shapes = NAMES.map((n) => a.params[n].shape);
  assert.deepEqual(shapes, [[6, 5], [1, 5], [5, 4], [1, 4]]);
  assert.equal(a.params.b1.norm() + a.params.b2.norm(), 0);
  const expectedW1 = Matrix.randn(6, 5, 9).mul(0.5);
  assert.deepEqual(a.params.W1.data, expectedW1.data);
  const b = new TwoLayerNet(6, 5, 4, { std: 0.5, seed: 9 });
  assert.deepEqual(b.params.W2.data, a.params.W2.data);
  assert.notDeepEqual(
    new TwoLayerNet(6, 5, 4, { std: 0.5, seed: 10 }).params.W1.data,
    a.params.W1.data,
  );
});

Deno.test("predict is the argmax of the scores", () => {
  const net = new TwoLayerNet(4, 10, 3, { std: 1, seed: 4 });
  const X = Matrix.randn(30, 4, 5);
  const pred = net.predict(X);
  assert.deepEqual(pred, net.loss(X).argmax(1));
  assert(new Set(pred).size > 1);
});

Deno.test("MNIST: H = 100 reaches ≥ 0.93 test accuracy", async () => {
  const { X, y } = await loadMnist();
  const s = trainValTestSplit(X, y, { numTrain: 8000, numVal: 1000, numTest: 1000, seed: 0 });
  // Raw pixels in [0, 1]: ~80% zeros, which the matmul kernel skips (mean-subtraction removes them).
  const net = new TwoLayerNet(784, 100, 10, { std: 1e-2, seed: 0 });
  const t0 = performance.now();
  const history = net.train(s.XTrain, s.yTrain, s.XVal, s.yVal, {
    learningRate: 0.5,
    numIters: 1000,
    batchSize: 100,
    seed: 0,
  });
  const seconds = (performance.now() - t0) / 1000;
  const testAcc = accuracy(net.predict(s.XTest), s.yTest);
  const valAcc = history.valAccHistory.at(-1)!;
  console.log(`MNIST two-layer net: val ${valAcc}, test ${testAcc}, ${seconds.toFixed(1)} s`);
  assert(testAcc >= 0.93, `test accuracy ${testAcc}`);
  assert(valAcc >= 0.93, `val accuracy ${valAcc}`);
  assert.equal(history.valAccHistory.length, 12); // 80 iterations per epoch
  assert(history.lossHistory.at(-1)! < history.lossHistory[0] / 5);
});

Deno.test("spiral: H = 100 reaches ≥ 97% train accuracy", () => {
  const { X, y } = makeSpiral({ pointsPerClass: 100, numClasses: 3, seed: 0 });
  const net = new TwoLayerNet(2, 100, 3, { std: 0.1, seed: 0 });
  net.train(X, y, X, y, {
    learningRate: 1,
    learningRateDecay: 1,
    reg: 1e-4,
    numIters: 2000,
    batchSize: 100,
  });
  const acc = accuracy(net.predict(X), y);
  console.log(`spiral two-layer net: train accuracy ${acc}`);
  assert(acc >= 0.97, `train accuracy ${acc}`);
});

Deno.test("training is deterministic: same seeds give identical weights", () => {
  const { X, y } = makeSpiral({ pointsPerClass: 20, numClasses: 3, seed: 1 });
  const run = (trainSeed: number): TwoLayerNetParams => {
    const net = new TwoLayerNet(2, 16, 3, { std: 0.1, seed: 5 });
    net.train(X, y, X, y, { learningRate: 0.5, numIters: 30, batchSize: 16, seed: trainSeed });
    return net.params;
  };
  const a = run(7), b = run(7), c = run(8);
  for (const name of NAMES) assert.deepEqual(a[name].data, b[name].data, name);
  assert.notDeepEqual(a.W1.data, c.W1.data);
  assert.notDeepEqual(a.W1.data, new TwoLayerNet(2, 16, 3, { std: 0.1, seed: 5 }).params.W1.data);
});

Deno.test("history lengths, per-epoch accuracy and learning-rate decay", () => {
  const { X, y } = makeBlobs({ pointsPerClass: 20, numClasses: 2, seed: 0 }); // N = 40
  const net = new TwoLayerNet(2, 8, 2, { std: 0.1 });
  const seen: { it: number; lr: number; epoch?: number }[] = [];
  const h = net.train(X, y, X, y, {
    learningRate: 0.2,
    learningRateDecay: 0.5,
    numIters: 10,
    batchSize: 10, // 4 iterations per epoch
    onProgress: (p) => seen.push({ it: p.iteration, lr: p.learningRate, epoch: p.epoch }),
  });
  assert.equal(h.lossHistory.length, 10);
  assert.equal(h.trainAccHistory.length, 2);
  assert.equal(h.valAccHistory.length, 2);
  assert.deepEqual(seen.map((s) => s.lr), [0.2, 0.2, 0.2, 0.2, 0.1, 0.1, 0.1, 0.1, 0.05, 0.05]);
  assert.deepEqual(seen.filter((s) => s.epoch !== undefined).map((s) => [s.it, s.epoch]), [
    [3, 1],
    [7, 2],
  ]);
  for (const a of [...h.trainAccHistory, ...h.valAccHistory]) assert(a >= 0 && a <= 1);
  // fewer examples than a batch: every iteration is an epoch
  const small = new TwoLayerNet(2, 8, 2).train(X, y, X, y, { numIters: 3, batchSize: 64 });
  assert.equal(small.valAccHistory.length, 3);
});

Deno.test("bad input gets clear errors", () => {
  const net = new TwoLayerNet(4, 10, 3);
  const X = Matrix.zeros(5, 4), X3 = Matrix.zeros(5, 3);
  assert.throws(
    () => net.loss(X3),
    /TwoLayerNet.loss: X \(5×3\) has 3 features but the net has inputSize 4 \(W1 \(4×10\)\)/,
  );
  assert.throws(() => net.predict(X3), /TwoLayerNet.predict: X \(5×3\)/);
  assert.throws(
    () => net.loss(X, [0, 1]),
    /TwoLayerNet.loss: X \(5×4\) has 5 rows but y has 2 labels/,
  );
  assert.throws(
    () => net.loss(X, [0, 1, 2, 3, 0]),
    /TwoLayerNet.loss: y\[3\] = 3 is not a class in 0..2: the net has outputSize 3/,
  );
  assert.throws(
    () => net.loss(Matrix.zeros(0, 4), []),
    /TwoLayerNet.loss: empty batch: X \(0×4\) has no examples/,
  );
  assert.throws(() => net.predict(Matrix.zeros(0, 4)), /predict: empty batch: X \(0×4\)/);
  assert.throws(() => net.loss(X, TOY_Y, -1), /reg must be a finite number ≥ 0, got -1/);
  assert.throws(() => new TwoLayerNet(4, 0, 3), /hiddenSize must be a positive integer, got 0/);
  assert.throws(() => new TwoLayerNet(4.5, 2, 3), /inputSize .* got 4.5/);
  assert.throws(() => new TwoLayerNet(4, 2, 3, { std: -1 }), /std must be .* got -1/);
  const train = (opts: object, Xv = X, yv: ArrayLike<number> = TOY_Y) =>
    net.train(X, TOY_Y, Xv, yv, opts);
  assert.throws(() => train({ batchSize: 0 }), /train: batchSize must be an integer ≥ 1, got 0/);
  assert.throws(() => train({ numIters: 1.5 }), /numIters must be an integer ≥ 0, got 1.5/);
  assert.throws(() => train({ learningRate: NaN }), /learningRate must be .* got NaN/);
  assert.throws(() => train({}, X3), /TwoLayerNet.train: Xval \(5×3\) has 3 features/);
  assert.throws(
    () => train({}, X, [0]),
    /TwoLayerNet.train: Xval \(5×4\) has 5 rows but yval has 1 labels/,
  );
  assert.throws(
    () => train({}, X, [0, 1, 2, 3, 1]),
    /TwoLayerNet.train: yval\[3\] = 3 is not a class in 0..2/,
  );
  assert.throws(
    () => net.train(Matrix.zeros(0, 4), [], X, TOY_Y),
    /TwoLayerNet.train: X \(0×4\) has no examples to train on/,
  );
});

import assert from "node:assert/strict";
import { Matrix } from "../lib/matrix.ts";
import { Rng } from "../lib/random.ts";
import { loadMnist } from "../lib/data/mnist.ts";
import { accuracy, gatherLabels } from "../lib/data/labels.ts";
import { trainValTestSplit } from "../lib/data/split.ts";
import { makeBlobs, makeSpiral } from "../lib/data/synthetic.ts";
import { svmLossVectorized } from "../lib/losses/linear_svm.ts";
import { softmaxLossVectorized } from "../lib/losses/softmax.ts";
import { LinearSVM, Softmax } from "../lib/classifiers/linear_classifier.ts";

/** The MNIST split of the course, mean-subtracted (train mean) and with the bias column. */
let split: ReturnType<typeof prepareMnist> | undefined;
const mnistSplit = () => (split ??= prepareMnist());

async function prepareMnist() {
  const { X, y } = await loadMnist();
  const s = trainValTestSplit(X, y, { numTrain: 8000, numVal: 1000, numTest: 1000, seed: 0 });
  const mean = s.XTrain.mean(0);
  const prep = (A: Matrix) => A.sub(mean).appendOnes();
  return { ...s, XTrain: prep(s.XTrain), XVal: prep(s.XVal), XTest: prep(s.XTest) };
}

const blobs = () => {
  const { X, y } = makeBlobs({ pointsPerClass: 40, numClasses: 3, std: 0.4, seed: 1 });
  return { X: X.appendOnes(), y };
};

Deno.test("Softmax on MNIST (8000 train) reaches ≥ 0.88 test accuracy", async () => {
  const s = await mnistSplit();
  const model = new Softmax();
  const history = model.train(s.XTrain, s.yTrain, {
    learningRate: 0.5,
    reg: 1e-4,
    numIters: 1000,
    batchSize: 100,
    seed: 0,
  });
  assert(Math.abs(history[0] - Math.log(10)) < 0.05, `first loss ${history[0]}`);
  assert(history.slice(-50).reduce((a, b) => a + b) / 50 < 0.5);
  const test = accuracy(model.predict(s.XTest), s.yTest);
  assert(test >= 0.88, `Softmax test accuracy ${test}`);
  assert(accuracy(model.predict(s.XVal), s.yVal) >= 0.88);
  assert.deepEqual(model.W?.shape, [785, 10]);
});

Deno.test("LinearSVM on MNIST (8000 train) reaches ≥ 0.87 test accuracy", async () => {
  const s = await mnistSplit();
  const model = new LinearSVM();
  const history = model.train(s.XTrain, s.yTrain, {
    learningRate: 0.1,
    reg: 1e-3,
    numIters: 600,
    batchSize: 200,
    seed: 0,
  });
  assert(Math.abs(history[0] - 9) < 0.1, `first loss ${history[0]}`);
  const test = accuracy(model.predict(s.XTest), s.yTest);
  assert(test >= 0.87, `LinearSVM test accuracy ${test}`);
  assert(accuracy(model.predict(s.XVal), s.yVal) >= 0.87);
});

Deno.test("a linear Softmax cannot fit the spiral: train accuracy stays near 50%", () => {
  const { X, y } = makeSpiral({ pointsPerClass: 100, numClasses: 3, seed: 0 });
  const model = new Softmax();
  const history = model.train(X.appendOnes(), y, {
    learningRate: 1,
    reg: 1e-3,
    numIters: 200,
    batchSize: 300,
    seed: 0,
  });
  const acc = accuracy(model.predict(X.appendOnes()), y);
  assert(acc >= 0.4 && acc <= 0.6, `spiral train accuracy ${acc}`);
  assert(history[199] < history[0] && history[199] > 0.6, `final loss ${history[199]}`);
});

Deno.test("train is minibatch SGD with replacement from 0.001 · randn(D, C), exactly", () => {
  const { X, y } = blobs();
  const opts = { learningRate: 0.3, reg: 1e-3, numIters: 20, batchSize: 16, seed: 9 };
  const model = new LinearSVM();
  const history = model.train(X, y, opts);
  // The same steps by hand, from the same generator.
  const rng = new Rng(9);
  const W = Matrix.randn(3, 3, rng).mul(0.001);
  const losses: number[] = [];
  for (let it = 0; it < 20; it++) {
    const idx = rng.choice(X.rows, 16, { replace: true });
    const { loss, dW } = svmLossVectorized(W, X.gatherRows(idx), gatherLabels(y, idx), 1e-3);
    losses.push(loss);
    W.addScaledInPlace(dW, -0.3);
  }
  assert.deepEqual(history, losses);
  assert.deepEqual(model.W?.data, W.data);
});

Deno.test("train: C from the labels or numClasses, and numIters = 0 leaves 0.001 · randn", () => {
  const X = Matrix.randn(6, 4, 0);
  // Every class 0 … C−1 appears: C = max(y) + 1.
  const inferred = new Softmax();
  assert.equal(inferred.numClasses, null);
  inferred.train(X, Int32Array.of(0, 2, 1, 2, 1, 0), { numIters: 0 });
  assert.equal(inferred.numClasses, 3);
  assert.deepEqual(inferred.W?.shape, [4, 3]);
  // Class 3 never appears: refused without numClasses (W stays null), fine with it.
  const y = Int32Array.of(0, 4, 1, 4, 2, 0);
  const refused = new Softmax();
  assert.throws(() => refused.train(X, y), {
    name: "RangeError",
    message:
      /^Softmax.train: y\[1\] = 4 is not a class in 0..2: class 3 never appears in y.*numClasses/,
  });
  assert.equal(refused.W, null);
  const model = new Softmax({ numClasses: 5 });
  assert.equal(model.numClasses, 5);
  const initial = model.W; // (a copy, so that TypeScript does not narrow model.W to null)
  assert.equal(initial, null);
  assert.deepEqual(model.train(X, y, { numIters: 0, seed: 2 }), []);
  assert.deepEqual(model.W?.shape, [4, 5]);
  assert.deepEqual(model.W?.data, Matrix.randn(4, 5, 2).mul(0.001).data);
  // Training again continues from the current W instead of starting over.
  const before = model.W!.clone();
  model.train(X, y, { numIters: 5, learningRate: 0.1, batchSize: 3, seed: 2 });
  assert(model.W!.maxAbsDiff(before) > 0);
  assert.deepEqual(model.W?.shape, [4, 5]);
  // numClasses does not reach the loss options.
  assert.deepEqual(new LinearSVM({ delta: 2, numClasses: 3 }).lossOptions, { delta: 2 });
});

Deno.test("same seed, same weights; another seed, other weights", () => {
  const { X, y } = blobs();
  const opts = { learningRate: 0.5, numIters: 30, batchSize: 20 };
  for (const make of [() => new Softmax(), () => new LinearSVM()]) {
    const a = make(), b = make(), c = make();
    const ha = a.train(X, y, { ...opts, seed: 7 });
    const hb = b.train(X, y, { ...opts, seed: 7 });
    c.train(X, y, { ...opts, seed: 8 });
    assert.deepEqual(a.W?.data, b.W?.data);
    assert.deepEqual(ha, hb);
    assert(a.W!.maxAbsDiff(c.W!) > 1e-6);
  }
});

Deno.test("train learns separable blobs and reports every step through onProgress", () => {
  const { X, y } = blobs();
  const seen: [number, number][] = [];
  const model = new Softmax();
  const history = model.train(X, y, {
    learningRate: 0.5,
    numIters: 60,
    batchSize: 30,
    onProgress: (it, loss) => seen.push([it, loss]),
  });
  assert.equal(history.length, 60);
  assert.deepEqual(seen, history.map((l, it) => [it, l]));
  assert(history[59] < 0.5 * history[0]);
  assert(accuracy(model.predict(X), y) > 0.95);
});

Deno.test("verbose logs the loss every 100 iterations", () => {
  const { X, y } = blobs();
  const lines: string[] = [];
  const log = console.log;
  console.log = (...args: unknown[]) => lines.push(args.join(" "));
  try {
    new LinearSVM().train(X, y, { numIters: 250, batchSize: 8, verbose: true });
    new LinearSVM().train(X, y, { numIters: 250, batchSize: 8 });
  } finally {
    console.log = log;
  }
  assert.equal(lines.length, 3);
  assert.match(lines[0], /^iteration 0 \/ 250: loss \d/);
  assert.match(lines[2], /^iteration 200 \/ 250: loss \d/);
});

Deno.test("LinearSVM and Softmax use their loss with their options", () => {
  const W = Matrix.randn(3, 4, 1), X = Matrix.randn(5, 3, 2), y = Int32Array.of(0, 1, 2, 3, 0);
  const svm = new LinearSVM({ delta: 2, regType: "L1" });
  svm.W = W;
  const a = svm.loss(X, y, 0.1), b = svmLossVectorized(W, X, y, 0.1, { delta: 2, regType: "L1" });
  assert.equal(a.loss, b.loss);
  assert.deepEqual(a.dW.data, b.dW.data);
  const soft = new Softmax({ regType: "elasticNet", l1Ratio: 0.2 });
  soft.W = W;
  const opts = { regType: "elasticNet", l1Ratio: 0.2 } as const;
  assert.equal(soft.loss(X, y, 0.1).loss, softmaxLossVectorized(W, X, y, 0.1, opts).loss);
  assert.notEqual(soft.loss(X, y, 0.1).loss, softmaxLossVectorized(W, X, y, 0.1).loss);
  assert.throws(() => new Softmax().loss(X, y, 0), /Softmax.loss: the model has no weights yet/);
});

Deno.test("predict: the argmax of X·W, with clear errors", () => {
  const model = new LinearSVM();
  assert.throws(() => model.predict(Matrix.zeros(1, 2)), /LinearSVM.predict: .*call train first/);
  model.W = Matrix.fromArray([[1, 0, -1], [0, 2, 0]]);
  const pred = model.predict(Matrix.fromArray([[1, 0], [0, 1], [-1, 0], [0, 0]]));
  assert(pred instanceof Int32Array);
  assert.deepEqual(Array.from(pred), [0, 1, 2, 0]); // all-zero scores: the first class
  assert.throws(
    () => model.predict(Matrix.zeros(1, 3)),
    /LinearSVM.predict: X \(1×3\) has 3 features but W \(2×3\) has 2 rows/,
  );
});

Deno.test("train rejects bad data and options with errors naming the problem", () => {
  const X = Matrix.randn(4, 3, 0), y = Int32Array.of(0, 1, 2, 1);
  const fresh = () => new Softmax();
  assert.throws(
    () => fresh().train(X, Int32Array.of(0, 1, 2)),
    /Softmax.train: X \(4×3\) has 4 rows but y has 3 labels/,
  );
  assert.throws(
    () => fresh().train(X, [0, -1, 2, 1]),
    /Softmax.train: y\[1\] = -1 is not a class: labels are integers 0, 1, 2, …/,
  );
  assert.throws(() => fresh().train(X, [0, 1, 2.5, 1]), /y\[2\] = 2.5 is not a class: labels/);
  assert.throws(
    () => fresh().train(Matrix.zeros(0, 3), []),
    /Softmax.train: X \(0×3\) has no examples to train on/,
  );
  // After the first train C is fixed by W: a larger label is out of range.
  const model = new LinearSVM();
  model.train(X, y, { numIters: 1 });
  assert.throws(
    () => model.train(X, [0, 1, 3, 1]),
    /LinearSVM.train: y\[2\] = 3 is not a class in 0..2: the model has 3 classes \(W \(3×3\)\)/,
  );
  assert.throws(
    () => model.train(Matrix.zeros(4, 5), y),
    /LinearSVM.train: X \(4×5\) has 5 features but W \(3×3\) has 3 rows/,
  );
  const bad: [object, RegExp][] = [
    [{ batchSize: 0 }, /batchSize must be an integer ≥ 1, got 0/],
    [{ batchSize: 2.5 }, /batchSize must be an integer ≥ 1, got 2.5/],
    [{ numIters: -1 }, /numIters must be an integer ≥ 0, got -1/],
    [{ learningRate: 0 }, /learningRate must be a finite number > 0, got 0/],
    [{ learningRate: NaN }, /learningRate must be a finite number > 0, got NaN/],
    [{ reg: -1e-3 }, /reg must be a finite number ≥ 0, got -0.001/],
  ];
  for (const [opts, re] of bad) assert.throws(() => fresh().train(X, y, opts), re);
  // A bad option is caught before anything happens to the model.
  const untouched = fresh();
  assert.throws(() => untouched.train(X, y, { batchSize: 0 }), /batchSize/);
  assert.equal(untouched.W, null);
  // deno-lint-ignore no-explicit-any
  assert.throws(() => fresh().train([[1, 2, 3]] as any, [0]), TypeError);
});

/**
 * Issue 14, the models' part: classes come from the model and every label is checked against them
 * (no allocation sized by a label), the kNN vote is O(k), training stops at the first non-finite
 * loss keeping its history, and LinearSVM, Softmax and TwoLayerNet share one rule per option.
 */
import assert from "node:assert/strict";
import { Matrix } from "../lib/matrix.ts";
import { makeBlobs, makeSpiral } from "../lib/data/synthetic.ts";
import { LinearSVM, Softmax } from "../lib/classifiers/linear_classifier.ts";
import { KNearestNeighbor, predictLabels } from "../lib/classifiers/k_nearest_neighbor.ts";
import { TwoLayerNet, type TwoLayerNetHistory } from "../lib/nn/two_layer_net.ts";
import { DivergenceError } from "../lib/optim/training.ts";

const TYPED = ["Float64Array", "Float32Array", "Int32Array", "Uint32Array", "Uint8Array"] as const;

/**
 * Runs `fn` with typed-array constructors that refuse to allocate more than `limit` elements, so a
 * test fails at once (instead of exhausting memory) if something is sized by a label's value.
 */
function withAllocationLimit<T>(limit: number, fn: () => T): T {
  const g = globalThis as unknown as Record<string, unknown>;
  const saved = TYPED.map((name) => g[name]);
  TYPED.forEach((name, i) => {
    const Original = saved[i] as new (...args: unknown[]) => object;
    g[name] = class extends Original {
      constructor(...args: unknown[]) {
        const n = typeof args[0] === "number"
          ? args[0]
          : (args[0] as { length?: number } | undefined)?.length ?? 0;
        if (n > limit) throw new Error(`test: ${name}(${n}) refused (more than ${limit} elements)`);
        super(...args);
      }
      static override [Symbol.hasInstance](x: unknown) {
        return x instanceof Original;
      }
    };
  });
  try {
    return fn();
  } finally {
    TYPED.forEach((name, i) => (g[name] = saved[i]));
  }
}

/** MNIST-shaped data: N×785 with labels i mod 10. */
function digitsLike(N = 200) {
  const X = Matrix.randn(N, 785, 0);
  const y = Int32Array.from({ length: N }, (_, i) => i % 10);
  return { X, y };
}

const linearModels = [
  ["LinearSVM", (o = {}) => new LinearSVM(o)],
  ["Softmax", (o = {}) => new Softmax(o)],
] as const;

Deno.test("a stray label of 1e6 is refused at once, naming it, with nothing sized by it", () => {
  const { X, y: clean } = digitsLike();
  const y = clean.slice();
  y[17] = 1e6;
  for (const [name, make] of linearModels) {
    // A fresh model takes C from the labels: 0 … 9 all appear, 10 does not.
    const fresh = make();
    const t0 = performance.now();
    assert.throws(() => withAllocationLimit(1e6, () => fresh.train(X, y)), {
      name: "RangeError",
      message: `${name}.train: y[17] = 1000000 is not a class in 0..9: class 10 never appears in ` +
        "y, so the classes were taken to be 0..9; if some classes have no examples here, give " +
        "the model numClasses (e.g. { numClasses: 10 })",
    });
    assert(performance.now() - t0 < 1000, `${name}: refused in ${performance.now() - t0} ms`);
    assert.equal(fresh.W, null);
    // A model given numClasses.
    assert.throws(() => withAllocationLimit(1e6, () => make({ numClasses: 10 }).train(X, y)), {
      name: "RangeError",
      message:
        `${name}.train: y[17] = 1000000 is not a class in 0..9: the model was built with numClasses 10`,
    });
    // A trained model: C is fixed by W, which is left as it was.
    const trained = make();
    trained.train(X, clean, { numIters: 2, batchSize: 50 });
    const W = trained.W!.clone();
    assert.throws(() => withAllocationLimit(1e6, () => trained.train(X, y)), {
      name: "RangeError",
      message: `${name}.train: y[17] = 1000000 is not a class in 0..9: the model has 10 classes ` +
        "(W (785×10)); set W = null to start over",
    });
    assert.deepEqual(trained.W!.data, W.data);
  }
});

Deno.test("a label of 10 on a 10-class model is refused: no silent 11th class", () => {
  const { X, y: clean } = digitsLike(60);
  const y = clean.slice();
  y[5] = 10;
  for (const [name, make] of linearModels) {
    const model = make();
    model.train(X, clean, { numIters: 1, batchSize: 10 });
    assert.equal(model.numClasses, 10);
    assert.throws(() => model.train(X, y), {
      message: new RegExp(`^${name}.train: y\\[5\\] = 10 is not a class in 0..9: the model has 10`),
    });
    assert.deepEqual(model.W?.shape, [785, 10]);
    assert.throws(() => make({ numClasses: 10 }).train(X, y), /y\[5\] = 10 is not a class in 0..9/);
    // Without numClasses a first train cannot tell: every class 0 … 10 appears, so C = 11.
    const eleven = make();
    eleven.train(X, Int32Array.from({ length: 60 }, (_, i) => i % 11), { numIters: 0 });
    assert.equal(eleven.numClasses, 11);
  }
  const net = new TwoLayerNet(785, 5, 10);
  assert.throws(() => net.train(X, y, X, clean), {
    message: "TwoLayerNet.train: y[5] = 10 is not a class in 0..9: the net has outputSize 10",
  });
  assert.throws(
    () => net.train(X, clean, X, y),
    /TwoLayerNet.train: yval\[5\] = 10 is not a class/,
  );
  const knn = new KNearestNeighbor({ numClasses: 10 });
  assert.throws(() => knn.train(X, y), {
    message:
      "KNearestNeighbor.train: y[5] = 10 is not a class in 0..9: the classifier was built with " +
      "numClasses 10",
  });
  assert.equal(knn.XTrain, null);
});

Deno.test("NaN, negative, fractional and non-number labels are named in every model", () => {
  const X = Matrix.randn(4, 3, 1);
  const bad: [unknown, string][] = [
    [NaN, "NaN"],
    [-1, "-1"],
    [2.5, "2.5"],
    [Infinity, "Infinity"],
    [
      "1",
      '"1" (a string)',
    ],
  ];
  for (const [value, shown] of bad) {
    const y = [0, 1, 2, 0] as unknown[];
    y[2] = value;
    const labels = y as number[];
    for (const [name, make] of linearModels) {
      assert.throws(() => make().train(X, labels), {
        name: "RangeError",
        message: `${name}.train: y[2] = ${shown} is not a class: labels are integers 0, 1, 2, …`,
      });
      assert.throws(() => make({ numClasses: 3 }).train(X, labels), {
        name: "RangeError",
        message: `${name}.train: y[2] = ${shown} is not a class in 0..2: the model was built ` +
          "with numClasses 3",
      });
    }
    const net = new TwoLayerNet(3, 4, 3);
    assert.throws(() => net.train(X, labels, X, [0, 1, 2, 0]), {
      name: "RangeError",
      message:
        `TwoLayerNet.train: y[2] = ${shown} is not a class in 0..2: the net has outputSize 3`,
    });
    assert.throws(
      () => net.loss(X, labels),
      /TwoLayerNet.loss: y\[2\] = .* is not a class in 0..2/,
    );
    assert.throws(
      () => new KNearestNeighbor({ numClasses: 3 }).train(X, labels),
      new RegExp(`KNearestNeighbor.train: y\\[2\\] = ${shown.replace(/[.()]/g, "\\$&")} is not`),
    );
  }
  for (const numClasses of [0, -1, 2.5, NaN, 2 ** 31 + 1]) {
    assert.throws(() => new Softmax({ numClasses }), {
      message: `Softmax: numClasses must be an integer from 1 to 2147483648, got ${numClasses}`,
    });
    assert.throws(() => new KNearestNeighbor({ numClasses }), /KNearestNeighbor: numClasses must/);
  }
  assert.throws(
    () => new LinearSVM({ numClasses: "10" as unknown as number }),
    /LinearSVM: numClasses must be an integer .* got "10" \(a string\)/,
  );
});

Deno.test("kNN: labels up to 2e9 vote correctly in O(k) memory", () => {
  const XTrain = Matrix.colVector([0, 1, 2, 10, 11]);
  const yTrain = [2e9, 2e9, 7, 5, 2 ** 31 - 1];
  const knn = new KNearestNeighbor().train(XTrain, yTrain);
  const XTest = Matrix.colVector([0.4, 1.6, 10.4, 10.6]);
  const t0 = performance.now();
  const pred = withAllocationLimit(1000, () => ({
    k1: knn.predict(XTest, { k: 1 }),
    k2: knn.predict(XTest, { k: 2 }),
    k3: knn.predict(XTest, { k: 3, numLoops: 2 }),
  }));
  assert(performance.now() - t0 < 1000, `kNN with large labels took ${performance.now() - t0} ms`);
  assert.deepEqual(Array.from(pred.k1), [2e9, 7, 5, 2 ** 31 - 1]);
  // 1.6: nearest are 2 (label 7) and 1 (2e9): a tie goes to the smaller label, 7.
  // 10.4 and 10.6: 5 and 2³¹−1 tie: 5.
  assert.deepEqual(Array.from(pred.k2), [2e9, 7, 5, 5]);
  // 1.6 with k = 3: 7, 2e9, 2e9 → 2e9; 10.4: 5, 2³¹−1, 7 → a three-way tie: 5.
  assert.deepEqual(Array.from(pred.k3), [2e9, 2e9, 5, 5]);
  // The standalone vote, same rule.
  const dists = Matrix.fromArray([[3, 1, 2, 1]]); // nearest: 1, 3 (tie, earlier first), 2, 0
  const big = [2e9, 2e9 - 1, 1e9, 2e9];
  const vote = (k: number) => withAllocationLimit(1000, () => predictLabels(dists, big, k)[0]);
  assert.deepEqual([1, 2, 3, 4].map(vote), [2e9 - 1, 2e9 - 1, 1e9, 2e9]);
  assert.throws(
    () => predictLabels(dists, [0, 1, 2 ** 31, 3], 1),
    /predictLabels: label y\[2\] = 2147483648 is not a non-negative integer/,
  );
});

Deno.test("linear classifiers stop at the first non-finite loss, keeping the history", () => {
  const { X, y } = makeBlobs({ pointsPerClass: 20, numClasses: 3, std: 0.5, seed: 1 });
  const Xb = X.appendOnes();
  // |1 − 2·lr·reg| > 1: the regularization term grows geometrically until it overflows.
  const cases = [
    ["LinearSVM", () => new LinearSVM(), { learningRate: 1, reg: 10 }, 121],
    ["Softmax", () => new Softmax(), { learningRate: 1, reg: 100 }, 68],
  ] as const;
  for (const [name, make, rates, iteration] of cases) {
    const options = { ...rates, numIters: 1000, batchSize: 10, seed: 0 };
    const seen: number[] = [];
    const model = make();
    const e = catchError(() =>
      model.train(Xb, y, { ...options, onProgress: (it) => seen.push(it) })
    );
    assert(e instanceof DivergenceError && e instanceof RangeError, String(e));
    assert.equal(e.name, "DivergenceError");
    assert.equal(
      e.message,
      `${name}.train: diverged at iteration ${iteration} (loss Infinity): lower the learning ` +
        "rate (now 1) or check the data",
    );
    assert.deepEqual([e.iteration, e.loss, e.learningRate], [iteration, Infinity, 1]);
    assert.equal(e.history.length, iteration);
    assert(e.history.every(Number.isFinite));
    assert(e.history[iteration - 1] > 1e300, `last loss ${e.history[iteration - 1]}`);
    // The history is exactly that of a run stopped just before.
    assert.deepEqual(e.history, make().train(Xb, y, { ...options, numIters: iteration }));
    assert.equal(seen.length, iteration);
    // W was not stepped with the non-finite gradient; training again from it diverges at once.
    assert(model.W!.data.every(Number.isFinite));
    assert.throws(() => model.train(Xb, y, options), /diverged at iteration 0 \(loss Infinity\)/);
  }
});

Deno.test("a NaN pixel is named before training instead of turning W into NaN", () => {
  const { X, y } = makeBlobs({ pointsPerClass: 10, numClasses: 3, seed: 2 });
  const Xnan = X.clone().set(7, 1, NaN);
  for (const [name, make] of linearModels) {
    const model = make();
    assert.throws(() => model.train(Xnan, y), {
      name: "RangeError",
      message: `${name}.train: X[7,1] is NaN: the data must be finite (a missing value or a ` +
        "division by 0?)",
    });
    assert.equal(model.W, null);
    // Weights broken by hand (or by an earlier run) are named too, before any step.
    model.W = Matrix.fromArray([[0, 0, 0], [0, Infinity, 0]]);
    assert.throws(() => model.train(X, y), {
      message: `${name}.train: W[1,1] is Infinity: the weights are not finite (did an earlier ` +
        "train diverge?); set W = null to start over",
    });
  }
  const net = new TwoLayerNet(2, 4, 3);
  assert.throws(() => net.train(Xnan, y, X, y), /TwoLayerNet.train: X\[7,1\] is NaN/);
  assert.throws(() => net.train(X, y, Xnan, y), /TwoLayerNet.train: Xval\[7,1\] is NaN/);
  net.params.b2.set(0, 2, NaN);
  assert.throws(() => net.train(X, y, X, y), {
    message: "TwoLayerNet.train: b2[0,2] is NaN: the weights are not finite (did an earlier " +
      "train diverge?); make a new TwoLayerNet to start over",
  });
});

Deno.test("TwoLayerNet stops at the first NaN loss (unscaled data), keeping its history", () => {
  const { X, y } = makeSpiral({ pointsPerClass: 100, numClasses: 3, seed: 0 });
  const Xbig = X.mul(1000); // e.g. raw pixel values instead of normalized ones
  const options = { learningRate: 1, learningRateDecay: 1, reg: 1e-3, batchSize: 100, seed: 0 };
  const make = () => new TwoLayerNet(2, 100, 3, { std: 0.1, seed: 0 });
  const net = make();
  const e = catchError(() => net.train(Xbig, y, X, y, { ...options, numIters: 300 }));
  assert(e instanceof DivergenceError, String(e));
  // The scores overflow at iteration 70: softmaxLoss returns NaN for them or, where the losses
  // check their input, refuses them with a NonFiniteError that becomes the cause.
  assert.match(
    e.message,
    /^TwoLayerNet\.train: diverged at iteration 70 \((loss NaN|softmaxLoss: scores\[\d+,\d+\] is (-?Infinity|NaN), not a finite number)\): lower the learning rate \(now 1\) or check the data$/,
  );
  assert.equal(e.iteration, 70);
  assert(Number.isNaN(e.loss));
  if (e.cause !== undefined) assert.equal((e.cause as Error).name, "NonFiniteError");
  const history = e.history as TwoLayerNetHistory;
  assert.equal(history.lossHistory.length, 70);
  assert.equal(history.valAccHistory.length, 23); // 3 iterations per epoch: 23 epochs completed
  assert(history.lossHistory.every(Number.isFinite));
  assert.deepEqual(history, make().train(Xbig, y, X, y, { ...options, numIters: 70 }));
  // With a decaying rate the message gives the rate in use at that iteration.
  const decayed = catchError(() =>
    make().train(X, y, X, y, { ...options, learningRateDecay: 0.99, reg: 10, numIters: 500 })
  );
  assert(decayed instanceof DivergenceError, String(decayed));
  assert.equal(decayed.learningRate, 0.99 ** Math.floor(decayed.iteration / 3));
  assert.match(
    decayed.message,
    new RegExp(`iteration ${decayed.iteration} .*\\(now ${decayed.learningRate}\\)`),
  );
});

Deno.test("numIters, learningRate, batchSize, reg and empty X: one rule in every model", () => {
  const { X, y } = makeBlobs({ pointsPerClass: 5, numClasses: 2, seed: 3 }); // N = 10, D = 2
  const train: Record<string, (options: object, Xt?: Matrix, yt?: number[]) => unknown> = {
    LinearSVM: (o, Xt = X, yt = [...y]) => new LinearSVM().train(Xt, yt, o),
    Softmax: (o, Xt = X, yt = [...y]) => new Softmax().train(Xt, yt, o),
    TwoLayerNet: (o, Xt = X, yt = [...y]) => new TwoLayerNet(2, 4, 2).train(Xt, yt, X, y, o),
  };
  const refused: [object, string][] = [
    [{ numIters: -1 }, "numIters must be an integer ≥ 0, got -1"],
    [{ numIters: 1.5 }, "numIters must be an integer ≥ 0, got 1.5"],
    [{ numIters: "100" }, 'numIters must be an integer ≥ 0, got "100" (a string)'],
    [{ learningRate: 0 }, "learningRate must be a finite number > 0, got 0"],
    [{ learningRate: -0.1 }, "learningRate must be a finite number > 0, got -0.1"],
    [{ learningRate: Infinity }, "learningRate must be a finite number > 0, got Infinity"],
    [{ learningRate: NaN }, "learningRate must be a finite number > 0, got NaN"],
    [{ batchSize: 0 }, "batchSize must be an integer ≥ 1, got 0"],
    [{ batchSize: 2.5 }, "batchSize must be an integer ≥ 1, got 2.5"],
    [{ reg: -1e-3 }, "reg must be a finite number ≥ 0, got -0.001"],
    [{ reg: NaN }, "reg must be a finite number ≥ 0, got NaN"],
  ];
  for (const [name, run] of Object.entries(train)) {
    for (const [options, text] of refused) {
      assert.throws(() => run(options), { name: "RangeError", message: `${name}.train: ${text}` });
    }
    assert.throws(() => run({}, Matrix.zeros(0, 2), []), {
      name: "RangeError",
      message: `${name}.train: X (0×2) has no examples to train on`,
    });
    assert.throws(() => run({}, [[1, 2]] as unknown as Matrix, [0]), {
      name: "TypeError",
      message: new RegExp(`^${name}.train: X must be a Matrix`),
    });
  }
  // The edges every model accepts: numIters 0 (nothing trained), batches larger than N, reg 0.
  const svm = new LinearSVM(), soft = new Softmax(), net = new TwoLayerNet(2, 4, 2);
  const W1 = net.params.W1.clone();
  assert.deepEqual(svm.train(X, y, { numIters: 0 }), []);
  assert.deepEqual(soft.train(X, y, { numIters: 0 }), []);
  assert.deepEqual(net.train(X, y, X, y, { numIters: 0 }), {
    lossHistory: [],
    trainAccHistory: [],
    valAccHistory: [],
  });
  assert.deepEqual(net.params.W1.data, W1.data);
  const edge = { numIters: 3, batchSize: 64, reg: 0, learningRate: 1e-12 };
  assert.equal(svm.train(X, y, edge).length, 3);
  assert.equal(soft.train(X, y, edge).length, 3);
  assert.equal(net.train(X, y, X, y, edge).lossHistory.length, 3);
  // TwoLayerNet's own option follows the learning rate's rule.
  for (const learningRateDecay of [0, -0.5, NaN]) {
    assert.throws(() => train.TwoLayerNet({ learningRateDecay }), {
      message:
        `TwoLayerNet.train: learningRateDecay must be a finite number > 0, got ${learningRateDecay}`,
    });
  }
});

/** The error `fn` throws (the test fails if it returns). */
function catchError(fn: () => unknown): unknown {
  try {
    fn();
  } catch (e) {
    return e;
  }
  throw new assert.AssertionError({ message: "expected an error" });
}

/**
 * The `onProgress` hooks of the library's long loops (LinearSVM/Softmax.train, TwoLayerNet.train,
 * randomSearch, randomLocalSearch, crossValidate, crossValidateKnn): called once per step with
 * increasing iterations, the last one numIters − 1 of numIters; the same numbers with and without
 * a hook; a progress line fed by a hook ends at total/total.
 */
import assert from "node:assert/strict";
import { Matrix } from "../lib/matrix.ts";
import { makeBlobs } from "../lib/data/synthetic.ts";
import { LinearSVM, Softmax } from "../lib/classifiers/linear_classifier.ts";
import { TwoLayerNet, type TwoLayerNetProgress } from "../lib/nn/two_layer_net.ts";
import {
  randomLocalSearch,
  randomSearch,
  type SearchProgress,
} from "../lib/optim/random_search.ts";
import type { StepProgress, TrainProgress } from "../lib/optim/training.ts";
import {
  crossValidate,
  crossValidateKnn,
  type CrossValidationProgress,
} from "../lib/cross_validation.ts";
import { type MimeBundle, progress } from "../lib/plot/mod.ts";

const blobs = makeBlobs({ pointsPerClass: 30, numClasses: 3, std: 0.5, seed: 2 });
const Xb = blobs.X.appendOnes();

/** Iterations 0, 1, …, numIters − 1 in order, each report saying numIters. */
function assertSteps(reports: StepProgress[], numIters: number): void {
  assert.deepEqual(reports.map((r) => r.iteration), [...Array(numIters).keys()]);
  assert(reports.every((r) => r.numIters === numIters));
  assert.equal(reports.at(-1)!.iteration + 1, numIters);
}

/** A progress line with a fake show that keeps the text of every state it was given. */
async function fakeBar(total?: number) {
  const shown: string[] = [];
  const show = (x: unknown) => {
    shown.push((x as MimeBundle)["text/plain"]);
    return Promise.resolve();
  };
  return { bar: await progress("hook", { total, show, interval: 0 }), shown };
}

for (const Model of [LinearSVM, Softmax]) {
  Deno.test(`${Model.name}.train: onProgress gets (it, loss, { iteration, numIters, loss })`, () => {
    const options = { learningRate: 0.1, reg: 1e-3, numIters: 40, batchSize: 16, seed: 5 };
    const plain = new Model(), watched = new Model();
    const history = plain.train(Xb, blobs.y, options);
    const calls: [number, number, TrainProgress][] = [];
    const watchedHistory = watched.train(Xb, blobs.y, {
      ...options,
      onProgress: (it, loss, p) => calls.push([it, loss, p]),
    });
    assert.deepEqual(watchedHistory, history); // same losses…
    assert.deepEqual(watched.W!.data, plain.W!.data); // …and the same weights, bit for bit
    assertSteps(calls.map(([, , p]) => p), 40);
    calls.forEach(([it, loss, p]) => {
      assert.equal(it, p.iteration);
      assert.equal(loss, history[it]);
      assert.equal(p.loss, history[it]);
    });
  });
}

Deno.test("LinearClassifier.train: a progress line fed by onProgress ends at numIters/numIters", async () => {
  const { bar, shown } = await fakeBar(25);
  const model = new Softmax();
  const history = model.train(Xb, blobs.y, {
    numIters: 25,
    batchSize: 10,
    onProgress: bar.onProgress,
  });
  await bar.done();
  assert.equal(bar.current, 25);
  assert.match(
    shown.at(-1)!,
    new RegExp(`^✓ hook · 25/25 in .* · loss ${+history[24].toPrecision(4)}$`),
  );
});

Deno.test("train refuses an onProgress that is not a function before touching the model", () => {
  const svm = new LinearSVM();
  const bad = { onProgress: 1 as unknown as () => void };
  assert.throws(() => svm.train(Xb, blobs.y, bad), {
    name: "TypeError",
    message: "LinearSVM.train: onProgress must be a function, got 1",
  });
  assert.equal(svm.W, null);
  const net = new TwoLayerNet(2, 5, 3);
  assert.throws(
    () => net.train(blobs.X, blobs.y, blobs.X, blobs.y, bad),
    /TwoLayerNet\.train: onProgress must be a function, got 1$/,
  );
});

Deno.test("TwoLayerNet.train: onProgress reports every iteration; the same history with or without", () => {
  const options = { learningRate: 0.5, numIters: 30, batchSize: 20, seed: 3 };
  const plain = new TwoLayerNet(2, 10, 3, { std: 0.1, seed: 1 });
  const watched = new TwoLayerNet(2, 10, 3, { std: 0.1, seed: 1 });
  const history = plain.train(blobs.X, blobs.y, blobs.X, blobs.y, options);
  const seen: TwoLayerNetProgress[] = [];
  const watchedHistory = watched.train(blobs.X, blobs.y, blobs.X, blobs.y, {
    ...options,
    onProgress: (p) => seen.push(p),
  });
  assert.deepEqual(watchedHistory, history);
  for (const name of ["W1", "b1", "W2", "b2"] as const) {
    assert.deepEqual(watched.params[name].data, plain.params[name].data);
  }
  assertSteps(seen, 30);
  assert.deepEqual(seen.map((p) => p.loss), history.lossHistory);
  // 90 examples, batches of 20: 4 iterations per epoch, so epochs end at iterations 3, 7, …, 27
  assert.deepEqual(seen.filter((p) => p.epoch !== undefined).map((p) => p.iteration), [
    3,
    7,
    11,
    15,
    19,
    23,
    27,
  ]);
  assert.deepEqual(seen.flatMap((p) => p.valAcc ?? []), history.valAccHistory);
});

Deno.test("randomSearch / randomLocalSearch: onProgress per try, with iteration and numIters", async () => {
  const f = (W: Matrix) => W.sub(0.5).pow(2).sum();
  for (const search of [randomSearch, randomLocalSearch]) {
    const plain = search(f, [2, 2], { tries: 30, scale: 1, seed: 7 });
    const seen: SearchProgress[] = [];
    const watched = search(f, [2, 2], {
      tries: 30,
      scale: 1,
      seed: 7,
      onProgress: (p) => seen.push(p),
    });
    assert.deepEqual(watched.W.data, plain.W.data);
    assert.deepEqual(watched.history, plain.history);
    assertSteps(seen, 30);
    assert.deepEqual(seen.map((p) => p.attempt), seen.map((p) => p.iteration));
    assert.deepEqual(Float64Array.from(seen, (p) => p.bestLoss), plain.history.best);
    assert.throws(
      () => search(f, [2, 2], { onProgress: "yes" as unknown as () => void }),
      /onProgress must be a function, got string/,
    );
  }
  const { bar, shown } = await fakeBar();
  randomSearch(f, [2, 2], { tries: 12, scale: 1, seed: 7, onProgress: bar.onProgress });
  await bar.done();
  assert.match(shown.at(-1)!, /^✓ hook · 12\/12 in .* · loss [\d.]+ · best loss [\d.]+$/);
});

Deno.test("crossValidate: onProgress after each (fold, value), in fold order; results unchanged", () => {
  const X = Matrix.colVector(Array.from({ length: 12 }, (_, i) => i));
  const y = Array.from({ length: 12 }, (_, i) => i % 3);
  const evaluate = (v: number, _XTr: Matrix, _yTr: Int32Array, XVal: Matrix) =>
    (XVal.data[0] + v) / 20;
  const base = { X, y, values: [1, 2, 3], folds: 4, seed: 9, evaluate };
  const plain = crossValidate(base);
  const seen: CrossValidationProgress<number>[] = [];
  const watched = crossValidate({ ...base, onProgress: (p) => seen.push(p) });
  assert.deepEqual(watched.accuracies, plain.accuracies);
  assert.equal(watched.best, plain.best);
  assertSteps(seen, 12);
  assert.deepEqual(seen.map((p) => `${p.fold}:${p.value}`), [
    "0:1",
    "0:2",
    "0:3",
    "1:1",
    "1:2",
    "1:3",
    "2:1",
    "2:2",
    "2:3",
    "3:1",
    "3:2",
    "3:3",
  ]);
  seen.forEach((p) => assert.equal(p.accuracy, plain.accuracies.get(p.value)![p.fold]));
  assert.throws(
    () => crossValidate({ ...base, onProgress: {} as () => void }),
    /crossValidate: onProgress must be a function/,
  );
});

Deno.test("crossValidateKnn: onProgress for every k of every fold; results unchanged", async () => {
  const options = { ks: [1, 3, 5], folds: 3 };
  const plain = crossValidateKnn(blobs.X, blobs.y, options);
  const seen: CrossValidationProgress<number>[] = [];
  const watched = crossValidateKnn(blobs.X, blobs.y, {
    ...options,
    onProgress: (p) => seen.push(p),
  });
  assert.deepEqual(watched.accuracies, plain.accuracies);
  assertSteps(seen, 9);
  assert.deepEqual(seen.map((p) => [p.fold, p.value]), [
    [0, 1],
    [0, 3],
    [0, 5],
    [1, 1],
    [1, 3],
    [1, 5],
    [2, 1],
    [2, 3],
    [2, 5],
  ]);
  seen.forEach((p) => assert.equal(p.accuracy, plain.accuracies.get(p.value)![p.fold]));
  const { bar, shown } = await fakeBar();
  crossValidateKnn(blobs.X, blobs.y, { ...options, onProgress: bar.onProgress });
  await bar.done();
  assert.match(shown.at(-1)!, /^✓ hook · 9\/9 in .* · accuracy [\d.]+$/);
});

import assert from "node:assert/strict";
import { matmul, Matrix } from "../lib/matrix.ts";
import { loadMnist } from "../lib/data/mnist.ts";
import { trainValTestSplit } from "../lib/data/split.ts";
import { svmLossVectorized } from "../lib/losses/linear_svm.ts";
import { svmLoss } from "../lib/losses/scores.ts";
import {
  randomLocalSearch,
  randomSearch,
  type SearchProgress,
} from "../lib/optim/random_search.ts";

const bowl = (W: Matrix) => W.sub(1).pow(2).sum(); // minimum 0 at W = all ones

function isNonIncreasing(a: Float64Array): boolean {
  return a.every((x, i) => i === 0 || x <= a[i - 1]);
}

Deno.test("randomSearch keeps the best of its tries and records the history", () => {
  const seen: SearchProgress[] = [];
  const r = randomSearch(bowl, [2, 3], {
    tries: 50,
    scale: 1,
    seed: 4,
    onProgress: (p) => seen.push(p),
  });
  assert.deepEqual(r.W.shape, [2, 3]);
  assert.equal(r.history.loss.length, 50);
  assert.equal(r.loss, Math.min(...r.history.loss)); // best of all tries
  assert.equal(r.loss, bowl(r.W)); // and it is the loss of the returned weights
  assert(isNonIncreasing(r.history.best));
  r.history.best.forEach((b, i) => assert.equal(b, Math.min(...r.history.loss.subarray(0, i + 1))));
  assert.deepEqual(seen.map((p) => p.attempt), [...Array(50).keys()]);
  assert.equal(seen[49].bestLoss, r.loss);
  assert(r.history.loss.some((l) => l > r.loss + 1)); // the tries really differ
});

Deno.test("randomSearch draws W = scale·randn: the spread of the weights follows scale", () => {
  const spread = (scale: number) => {
    let W = Matrix.zeros(1, 1);
    randomSearch((V) => ((W = V), 0), [100, 100], { tries: 1, scale, seed: 0 });
    return Math.sqrt(W.pow(2).mean()); // ≈ scale for N(0, scale²) entries
  };
  assert(Math.abs(spread(1e-4) / 1e-4 - 1) < 0.05, `${spread(1e-4)}`);
  assert(Math.abs(spread(2) / 2 - 1) < 0.05);
});

Deno.test("randomLocalSearch only moves downhill and leaves W0 alone", () => {
  const W0 = Matrix.full(2, 2, 3); // loss 4·(3 − 1)² = 16
  const r = randomLocalSearch(bowl, W0, { tries: 400, stepSize: 0.1, seed: 2 });
  assert(W0.allClose(Matrix.full(2, 2, 3), { atol: 0, rtol: 0 }), "W0 was mutated");
  assert(isNonIncreasing(r.history.best));
  assert.equal(r.loss, bowl(r.W));
  assert.equal(r.loss, r.history.best[399]);
  assert(r.loss < 0.5, `local search reached only ${r.loss} from 16`);
  // Every try is a small step from the current point, so the tries stay near the path.
  assert(Math.max(...r.history.loss) < 20);
});

Deno.test("randomLocalSearch from a shape starts at scale·randn", () => {
  const first: Matrix[] = [];
  randomLocalSearch((W) => (first.push(W), 0), [50, 40], {
    tries: 1,
    scale: 1e-3,
    stepSize: 1e-9,
    seed: 0,
  });
  const rms = Math.sqrt(first[0].pow(2).mean());
  assert(Math.abs(rms / 1e-3 - 1) < 0.05, `rms ${rms}`);
});

Deno.test("random searches: same seed, same result; another seed, another result", () => {
  const a = randomSearch(bowl, [3, 2], { tries: 20, scale: 1, seed: 9 });
  const b = randomSearch(bowl, [3, 2], { tries: 20, scale: 1, seed: 9 });
  const c = randomSearch(bowl, [3, 2], { tries: 20, scale: 1, seed: 10 });
  assert.deepEqual(a.W.data, b.W.data);
  assert.deepEqual(a.history.loss, b.history.loss);
  assert.notDeepEqual(a.history.loss, c.history.loss);
  const d = randomLocalSearch(bowl, [3, 2], { tries: 20, stepSize: 0.1, seed: 9 });
  const e = randomLocalSearch(bowl, [3, 2], { tries: 20, stepSize: 0.1, seed: 9 });
  assert.deepEqual(d.W.data, e.W.data);
});

Deno.test("a diverged (NaN) loss never becomes the best", () => {
  let call = 0;
  const f = (W: Matrix) => (call++ % 2 === 0 ? NaN : bowl(W));
  const r = randomSearch(f, [1, 2], { tries: 10, scale: 1, seed: 0 });
  assert(Number.isFinite(r.loss));
  assert.equal(r.history.loss[0], Infinity); // NaN is recorded as +∞
});

Deno.test("random searches reject bad input with clear errors", () => {
  assert.throws(() => randomSearch(bowl, [2, 0]), /randomSearch: shape must be \[rows, cols\]/);
  assert.throws(
    () => randomSearch(bowl, [2] as unknown as [number, number]),
    /shape must be \[rows, cols\] of positive integers, got \[2\]/,
  );
  assert.throws(() => randomSearch(bowl, [2, 2], { tries: 0 }), /tries must be a positive integer/);
  assert.throws(() => randomSearch(bowl, [2, 2], { scale: -1 }), /randomSearch: scale must be/);
  assert.throws(
    () => randomLocalSearch(bowl, [2, 2], { stepSize: 0 }),
    /randomLocalSearch: stepSize must be a positive finite number, got 0/,
  );
  assert.throws(
    () => randomLocalSearch(bowl, [1.5, 2]),
    /randomLocalSearch: shape must be \[rows, cols\]/,
  );
  assert.throws(() => randomSearch("loss" as unknown as () => number, [1, 1]), TypeError);
  // The classic mistake: passing a { loss, dW } loss where a number is expected.
  const withGrad = (W: Matrix) => ({ loss: 0, dW: W }) as unknown as number;
  assert.throws(
    () => randomSearch(withGrad, [1, 1], { tries: 1 }),
    /randomSearch: lossFn must return a number, got object; wrap a \{ loss, dW \} loss/,
  );
});

// ---- the lecture's experiment on real data: MNIST with the multiclass SVM loss -----------------

Deno.test("MNIST + SVM: random search beats chance, random local search beats it", async () => {
  const { X, y } = await loadMnist();
  const s = trainValTestSplit(X, y, { numTrain: 8000, numVal: 1000, numTest: 1000, seed: 0 });
  // 500 training rows (2000 loss evaluations must stay fast); subtract their mean image (CS231n's
  // preprocessing: without it random W mostly sort digits by amount of ink), then the bias trick.
  const XTrain0 = s.XTrain.sliceRows(0, 500), yTrain = s.yTrain.subarray(0, 500);
  const mean = XTrain0.mean(0);
  const XTrain = XTrain0.sub(mean).appendOnes(); // 500×785
  const XTest = s.XTest.sub(mean).appendOnes(), yTest = s.yTest; // 1000×785
  const accuracy = (W: Matrix) => {
    const pred = matmul(XTest, W).argmax(1);
    return pred.filter((p, i) => p === yTest[i]).length / yTest.length;
  };

  // Random search needs only the loss value (no gradient), so it evaluates the SVM loss from the
  // scores: the same number as svmLossVectorized's loss (checked here), at half the cost.
  const L = (W: Matrix) => svmLoss(matmul(XTrain, W), yTrain).loss;
  const Wcheck = Matrix.randn(785, 10, 5).mul(1e-3);
  assert(Math.abs(L(Wcheck) - svmLossVectorized(Wcheck, XTrain, yTrain, 0).loss) < 1e-12);

  // Strategy #1: 1000 random W = 1e-4·randn (the notes' code).
  const global = randomSearch(L, [785, 10], { tries: 1000, scale: 1e-4, seed: 1 });
  // Strategy #2, same budget of 1000 loss evaluations: W0 = 1e-3·randn, steps of 1e-4·randn.
  const local = randomLocalSearch(L, [785, 10], {
    tries: 1000,
    scale: 1e-3,
    stepSize: 1e-4,
    seed: 1,
  });
  const accGlobal = accuracy(global.W), accLocal = accuracy(local.W);
  console.log(
    `random search: loss ${global.loss.toFixed(4)}, test accuracy ${accGlobal}; ` +
      `random local search: loss ${local.loss.toFixed(4)}, test accuracy ${accLocal}`,
  );
  assert(accGlobal >= 0.2, `random search test accuracy ${accGlobal} (chance 0.1)`);
  assert(local.loss < global.loss, `local ${local.loss} vs random ${global.loss}`);
  assert(accLocal > accGlobal + 0.1, `local ${accLocal} vs random ${accGlobal}`);
  // With all scores near 0, every margin is ≈ 1: the loss starts near C − 1 = 9.
  assert(global.history.loss.every((l) => Math.abs(l - 9) < 0.05));
});

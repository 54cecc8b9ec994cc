/**
 * What `deno task bench` times: the cases (products, the lessons' hot paths, whole training
 * loops), their labels and flop counts, and this library's side of each (a closure to time).
 * numpy's side of the same cases is `bench_numpy.ts`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { benchCases, caseFlops } from "./bench_cases.ts";
 * const cases = benchCases(true);
 * assert(cases.some((c) => c.op === "knn"));
 * assert.equal(caseFlops({ op: "matmul", dims: [2, 3, 4], threads: 1 }), 48);
 * ```
 * @module
 */
import { matmul, matmulTA, matmulTB, Matrix } from "../lib/matrix.ts";
import { KNearestNeighbor } from "../lib/classifiers/k_nearest_neighbor.ts";
import { Softmax } from "../lib/classifiers/linear_classifier.ts";
import { softmaxLossVectorized } from "../lib/losses/softmax.ts";
import { TwoLayerNet } from "../lib/nn/two_layer_net.ts";
import type { Case } from "./bench_numpy.ts";

/**
 * Iterations per timed call of a training loop: ten epochs of 45 iterations at N = 9000, batch
 * 200, so the per-epoch accuracy checks count as often as in a real run, and the checks `train`
 * makes once per call (its data finite) weigh per iteration as in a run of 450 steps (CS231n's
 * runs take 1000–1500).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { TRAIN_ITERS } from "./bench_cases.ts";
 * assert.equal(TRAIN_ITERS % 45, 0);
 * ```
 */
export const TRAIN_ITERS = 450;

/** Validation rows of the two-layer training loops (accuracy checked once per epoch). */
const VAL_ROWS = 1000;

/**
 * Flops of a case (2·m·k·n per product; the lessons' cases count their products only, the
 * training loops those of one iteration's loss and gradient).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { caseFlops } from "./bench_cases.ts";
 * assert.equal(caseFlops({ op: "matmul", dims: [2, 3, 4], threads: 1 }), 48);
 * assert.equal(caseFlops({ op: "softmaxTrain", dims: [9000, 784, 10, 200], threads: 2 }), 4 * 200 * 784 * 10);
 * ```
 */
export function caseFlops({ op, dims: d }: Case): number {
  if (op === "knn") return 2 * d[0] * d[1] * d[2];
  if (op === "softmax") return 4 * d[0] * d[1] * d[2]; // X·W and Xᵀ·dscores
  if (op === "twolayer") return 2 * d[0] * d[1] * d[2] * 2 + 2 * d[0] * d[2] * d[3] * 3;
  if (op === "softmaxTrain") return 4 * d[3] * d[1] * d[2];
  if (op === "twolayerTrain") return 4 * d[4] * d[1] * d[2] + 6 * d[4] * d[2] * d[3];
  return 2 * d[0] * d[1] * d[2];
}

/**
 * A case's name in the tables, e.g. "A·B 1024×1024·1024×1024".
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { caseLabel } from "./bench_cases.ts";
 * assert.equal(caseLabel({ op: "matmul", dims: [2, 3, 4], threads: 1 }), "A·B 2×3·3×4");
 * ```
 */
export function caseLabel({ op, dims: d }: Case): string {
  const names = {
    matmul: `A·B ${d[0]}×${d[1]}·${d[1]}×${d[2]}`,
    matmulTA: `Aᵀ·B ${d[0]}×${d[1]}·${d[1]}×${d[2]}`,
    matmulTB: `A·Bᵀ ${d[0]}×${d[1]}·${d[1]}×${d[2]}`,
    knn: `kNN distances ${d[0]} test × ${d[1]} train × ${d[2]}`,
    softmax: `softmax loss+grad N=${d[0]} D=${d[1]} C=${d[2]}`,
    twolayer: `two-layer fwd+bwd N=${d[0]} D=${d[1]} H=${d[2]} C=${d[3]}`,
    softmaxTrain: `softmax SGD ${d[0]}×${d[1]}, batch ${d[3]}, per iteration`,
    twolayerTrain: `two-layer SGD ${d[0]}×${d[1]} H=${d[2]}, batch ${d[4]}, per iteration`,
  };
  return names[op];
}

/**
 * How many iterations one call of the case's closure runs (1, or `TRAIN_ITERS` for the training
 * loops): times are divided by it.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { caseIterations } from "./bench_cases.ts";
 * assert.equal(caseIterations({ op: "knn", dims: [1, 1, 1], threads: 2 }), 1);
 * ```
 */
export function caseIterations({ op }: Case): number {
  return op === "softmaxTrain" || op === "twolayerTrain" ? TRAIN_ITERS : 1;
}

/**
 * A closure computing the case with this library (inputs built once, outside the closure).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { ourCase } from "./bench_cases.ts";
 * const f = ourCase({ op: "matmul", dims: [3, 4, 5], threads: 1 });
 * assert.deepEqual((f() as { shape: number[] }).shape, [3, 5]);
 * ```
 */
export function ourCase({ op, dims: d }: Case): () => unknown {
  if (op === "knn") {
    const knn = new KNearestNeighbor().train(Matrix.rand(d[1], d[2], 1), new Int32Array(d[1]));
    const X = Matrix.rand(d[0], d[2], 2);
    return () => knn.computeDistancesNoLoops(X);
  }
  if (op === "softmax") {
    const X = Matrix.randn(d[0], d[1], 1), W = Matrix.randn(d[1], d[2], 2).mul(1e-4);
    const y = Int32Array.from({ length: d[0] }, (_, i) => i % d[2]);
    return () => softmaxLossVectorized(W, X, y, 0.1);
  }
  if (op === "twolayer") {
    const net = new TwoLayerNet(d[1], d[2], d[3], { std: 1e-4, seed: 1 });
    const X = Matrix.randn(d[0], d[1], 2);
    const y = Int32Array.from({ length: d[0] }, (_, i) => i % d[3]);
    return () => net.loss(X, y, 0.1);
  }
  if (op === "softmaxTrain") {
    const [N, D, C, batchSize] = d;
    const X = Matrix.rand(N, D, 1), y = Int32Array.from({ length: N }, (_, i) => i % C);
    const options = { numIters: TRAIN_ITERS, batchSize, learningRate: 1e-7, reg: 1e-5 };
    return () => new Softmax().train(X, y, options);
  }
  if (op === "twolayerTrain") {
    const [N, D, H, C, batchSize] = d;
    const X = Matrix.rand(N, D, 1), y = Int32Array.from({ length: N }, (_, i) => i % C);
    const Xval = Matrix.rand(VAL_ROWS, D, 2);
    const yval = Int32Array.from({ length: VAL_ROWS }, (_, i) => i % C);
    const options = { numIters: TRAIN_ITERS, batchSize, learningRate: 1e-3, reg: 5e-6 };
    return () => new TwoLayerNet(D, H, C, { seed: 1 }).train(X, y, Xval, yval, options);
  }
  const [m, k, n] = d;
  const A = op === "matmulTA" ? Matrix.randn(k, m, 1) : Matrix.randn(m, k, 1);
  const B = op === "matmulTB" ? Matrix.randn(n, k, 2) : Matrix.randn(k, n, 2);
  const f = { matmul, matmulTA, matmulTB }[op];
  return () => f(A, B);
}

/**
 * The cases of a full (or quick) run.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { benchCases } from "./bench_cases.ts";
 * assert(benchCases(true).some((c) => c.op === "knn" && c.threads === 2));
 * assert(benchCases(true).some((c) => c.op === "twolayerTrain"));
 * ```
 */
export function benchCases(quick: boolean): Case[] {
  const sizes = quick ? [256, 1024] : [64, 128, 256, 512, 1024];
  const cases: Case[] = [];
  for (const s of sizes) {
    for (const threads of [1, 2]) cases.push({ op: "matmul", dims: [s, s, s], threads, js: true });
  }
  for (const op of ["matmulTA", "matmulTB"] as const) {
    cases.push({ op, dims: [1024, 1024, 1024], threads: 2 });
  }
  cases.push({ op: "matmulTB", dims: [500, 3072, 5000], threads: 2 });
  cases.push({ op: "knn", dims: [500, 5000, 3072], threads: 2 });
  cases.push({ op: "softmax", dims: [500, 3073, 10], threads: 2 });
  cases.push({ op: "twolayer", dims: [200, 3072, 100, 10], threads: 2 });
  cases.push({ op: "softmaxTrain", dims: [9000, 784, 10, 200], threads: 2 });
  cases.push({ op: "twolayerTrain", dims: [9000, 784, 100, 10, 200], threads: 2 });
  cases.push({ op: "twolayerTrain", dims: [5000, 3072, 100, 10, 200], threads: 2 });
  return cases;
}

/**
 * Optimization: the update rules (SGD, momentum, Nesterov, Adagrad, RMSprop, Adam), learning-rate
 * schedules, random search and random local search, full-batch and minibatch gradient descent, and
 * 1-D / 2-D slices of a loss landscape.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { Matrix } from "../matrix.ts";
 * import { gradientDescent, stepDecay } from "./mod.ts";
 * const f = (W: Matrix) => ({ loss: 0.5 * W.pow(2).sum(), dW: W }); // bowl at 0
 * const { W } = gradientDescent(f, Matrix.ones(2, 2), Matrix.zeros(1, 1), new Int32Array(1), {
 *   numIters: 100,
 *   update: "sgdMomentum",
 *   schedule: stepDecay({ lr0: 0.1, dropEvery: 50, factor: 0.5 }),
 * });
 * assert(W.norm() < 0.05);
 * ```
 * @module
 */
export * from "./update_config.ts";
export * from "./update_rules.ts";
export * from "./schedules.ts";
export * from "./descent.ts";
export * from "./training.ts";
export * from "./random_search.ts";
export * from "./landscape.ts";
export * from "./solver.ts";

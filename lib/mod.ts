/**
 * Image classification from scratch: dense matrices, seeded randomness, datasets, and the
 * classifiers of CS231n's first module.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { Matrix, Rng } from "./mod.ts";
 * const W = Matrix.randn(3, 2, new Rng(0)).mul(0.001);
 * assert(W.shape[0] === 3 && W.shape[1] === 2);
 * ```
 * @module
 */
export * from "./matrix.ts";
export * from "./random.ts";
export * from "./gradients.ts";
export * from "./data/mod.ts";
export * from "./classifiers/k_nearest_neighbor.ts";
export * from "./cross_validation.ts";
export * from "./losses/mod.ts";
export * from "./classifiers/linear_classifier.ts";
export * from "./nn/mod.ts";
export * from "./optim/mod.ts";
export * from "./kernels/mod.ts";
export * from "./numpy_timing.ts";
export * from "./features/mod.ts";

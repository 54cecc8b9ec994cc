/**
 * Neural-network building blocks: activation functions (forward and backward), the affine layer,
 * softmax and SVM losses on score matrices, and the two-layer ReLU network.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { Matrix } from "../matrix.ts";
 * import { reluForward, TwoLayerNet } from "./mod.ts";
 * assert.equal(reluForward(Matrix.fromArray([[-1]])).out.get(0, 0), 0);
 * assert.equal(new TwoLayerNet(4, 10, 3).params.W2.rows, 10);
 * ```
 * @module
 */
export * from "./activations.ts";
export * from "./layers.ts";
export * from "./two_layer_net.ts";

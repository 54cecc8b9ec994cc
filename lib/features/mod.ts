/**
 * Image features (lesson 08, after CS231n's features.ipynb): histograms of oriented gradients,
 * colour histograms in HSV space, and `extractFeatures`, which turns a dataset of images into a
 * matrix of features for the classifiers.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { Matrix } from "../matrix.ts";
 * import { extractFeatures, hogFeature } from "./mod.ts";
 * const X = Matrix.zeros(10, 784); // ten blank MNIST-sized digits
 * const F = extractFeatures(X, [(im) => hogFeature(im, { cellSize: 4 })], { side: 28 });
 * assert.deepEqual(F.shape, [10, 7 * 7 * 9]);
 * assert.equal(F.max(), 0); // no edges, no votes
 * ```
 * @module
 */
export { grayscale, type Image, type ImageInput } from "./image.ts";
export {
  hogFeature,
  type HogGlyph,
  hogGlyphs,
  type HogOptions,
  type ImageGradients,
  imageGradients,
} from "./hog.ts";
export { colorHistogramHsv, type ColorHistogramOptions, rgbToHsv } from "./color_histogram.ts";
export {
  extractFeatures,
  type FeatureFn,
  imageFromRow,
  type ImageLayoutOptions,
} from "./extract.ts";

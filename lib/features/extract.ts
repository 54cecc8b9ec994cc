/**
 * From a dataset of images to a matrix of features, as CS231n's `extract_features`: every row of
 * `X` (one image, MNIST's or CIFAR-10's layout) goes through each feature function, and the
 * results are laid side by side in one row of the N×F feature matrix.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { Matrix } from "../matrix.ts";
 * import { extractFeatures } from "./extract.ts";
 * import { hogFeature } from "./hog.ts";
 * const X = Matrix.rand(5, 28 * 28, 0); // five 28×28 grey "images"
 * const F = extractFeatures(X, [(im) => hogFeature(im, { cellSize: 7 })], { side: 28 });
 * assert.deepEqual(F.shape, [5, 4 * 4 * 9]);
 * ```
 * @module
 */
import { Matrix, shapeOf } from "../matrix.ts";
import type { Image } from "./image.ts";

/**
 * A feature function: one image in, a fixed number of features out (the same length for every
 * image of a dataset).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import type { FeatureFn } from "./extract.ts";
 * const meanLevel: FeatureFn = (im) => {
 *   let s = 0;
 *   for (let k = 0; k < im.data.length; k++) s += im.data[k];
 *   return [s / im.data.length];
 * };
 * assert.deepEqual(meanLevel({ data: [1, 3], height: 1, width: 2, channels: 1 }), [2]);
 * ```
 */
export type FeatureFn = (image: Image) => ArrayLike<number>;

/**
 * How the rows of a dataset matrix are images: `side × side` pixels with `channels` (1 for MNIST,
 * 3 for CIFAR-10) values each, channel-planar.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import type { ImageLayoutOptions } from "./extract.ts";
 * const cifar: ImageLayoutOptions = { side: 32, channels: 3 };
 * assert.equal(cifar.channels! * cifar.side * cifar.side, 3072);
 * ```
 */
export interface ImageLayoutOptions {
  /** Side of the square images in pixels. */
  side: number;
  /** 1 (grey, default) or 3 (RGB). */
  channels?: number;
}

/**
 * Row `i` of a dataset matrix (N × channels·side², one image per row) as a square `Image` that
 * shares the row's memory.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { Matrix } from "../matrix.ts";
 * import { imageFromRow } from "./extract.ts";
 * const X = Matrix.zeros(2, 3 * 32 * 32); // two CIFAR-10-sized images
 * const im = imageFromRow(X, 1, { side: 32, channels: 3 });
 * assert.deepEqual([im.height, im.width, im.channels, im.data.length], [32, 32, 3, 3072]);
 * assert.throws(() => imageFromRow(X, 0, { side: 28 }), /X \(2×3072\) has 3072 columns/);
 * ```
 */
export function imageFromRow(X: Matrix, i: number, layout: ImageLayoutOptions): Image {
  const channels = checkLayout("imageFromRow", X, layout);
  return { data: X.row(i), height: layout.side, width: layout.side, channels };
}

/**
 * The N×F feature matrix of the N images in the rows of `X`: row i is the outputs of
 * `featureFns[0]`, `featureFns[1]`, … on image i, concatenated (F is the sum of their lengths,
 * taken from the first image). Throws a RangeError when X's columns do not match `side` and
 * `channels`, X has no rows, there is no feature function, or a function's length changes from
 * one image to the next.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { Matrix } from "../matrix.ts";
 * import { colorHistogramHsv, extractFeatures, hogFeature } from "./mod.ts";
 * const X = Matrix.zeros(3, 3 * 32 * 32); // three black 32×32 colour images
 * const F = extractFeatures(X, [hogFeature, (im) => colorHistogramHsv(im, { bins: 10 })], {
 *   side: 32,
 *   channels: 3,
 * });
 * assert.deepEqual(F.shape, [3, 144 + 10]); // 4×4 cells × 9 bins, then 10 hue bins
 * assert.equal(F.get(2, 144), 1); // black has no hue: all in bin 0
 * assert.throws(() => extractFeatures(X, [hogFeature], { side: 32 }), /need 1024/);
 * ```
 */
export function extractFeatures(
  X: Matrix,
  featureFns: readonly FeatureFn[],
  layout: ImageLayoutOptions,
): Matrix {
  const channels = checkLayout("extractFeatures", X, layout);
  if (!Array.isArray(featureFns) || featureFns.length === 0) {
    throw new RangeError("extractFeatures: featureFns must be a non-empty array of functions");
  }
  featureFns.forEach((fn, k) => {
    if (typeof fn !== "function") {
      throw new TypeError(`extractFeatures: featureFns[${k}] is not a function`);
    }
  });
  if (X.rows === 0) throw new RangeError(`extractFeatures: X ${shapeOf(X)} has no images`);
  const side = layout.side;
  const image = (i: number): Image => ({
    data: X.row(i),
    height: side,
    width: side,
    channels,
  });
  const first = featureFns.map((fn) => fn(image(0)));
  const lengths = first.map((f) => f.length);
  const F = lengths.reduce((a, b) => a + b, 0);
  const out = new Matrix(X.rows, F);
  for (let i = 0; i < X.rows; i++) {
    let offset = i * F;
    for (let k = 0; k < featureFns.length; k++) {
      const f = i === 0 ? first[k] : featureFns[k](image(i));
      if (f.length !== lengths[k]) {
        throw new RangeError(
          `extractFeatures: featureFns[${k}] gave ${f.length} features for image ${i}, but ` +
            `${lengths[k]} for image 0`,
        );
      }
      for (let j = 0; j < f.length; j++) out.data[offset + j] = f[j];
      offset += f.length;
    }
  }
  return out;
}

/** Checks that X's rows are images of this layout; returns the channels (default 1). */
function checkLayout(op: string, X: Matrix, { side, channels = 1 }: ImageLayoutOptions): number {
  if (!(X instanceof Matrix)) throw new TypeError(`${op}: X must be a Matrix`);
  if (!Number.isInteger(side) || side < 1) {
    throw new RangeError(`${op}: side must be a positive integer, got ${side}`);
  }
  if (channels !== 1 && channels !== 3) {
    throw new RangeError(`${op}: channels must be 1 (grey) or 3 (RGB), got ${channels}`);
  }
  const expected = channels * side * side;
  if (X.cols !== expected) {
    throw new RangeError(
      `${op}: X ${shapeOf(X)} has ${X.cols} columns, but images of ${side}×${side} with ` +
        `${channels} channel${channels === 1 ? "" : "s"} need ${expected}`,
    );
  }
  return channels;
}

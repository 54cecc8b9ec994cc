/**
 * The image shape the feature extractors read: `height × width` pixels with 1 (grey) or 3 (RGB)
 * channels, stored **channel-planar** like a CIFAR-10 row (all of channel 0 row by row, then
 * channel 1, …). A grey image can also be given as an H×W `Matrix`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { Matrix } from "../matrix.ts";
 * import { grayscale, toImage } from "./image.ts";
 * const im = toImage("example", Matrix.fromArray([[0, 1], [2, 3]]));
 * assert.deepEqual([im.height, im.width, im.channels], [2, 2, 1]);
 * const rgb = { data: [255, 0, 0, 255, 0, 0], height: 1, width: 2, channels: 3 }; // red, green
 * assert.deepEqual(Array.from(grayscale(rgb), (v) => +v.toFixed(3)), [76.245, 149.685]);
 * ```
 * @module
 */
import { Matrix } from "../matrix.ts";

/**
 * An image of `height × width` pixels and `channels` values per pixel, channel-planar: the value of
 * channel ch at row r, column c is `data[ch·height·width + r·width + c]`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import type { Image } from "./image.ts";
 * const red: Image = { data: [255, 255, 0, 0, 0, 0], height: 1, width: 2, channels: 3 };
 * assert.equal(red.data.length, red.channels * red.height * red.width);
 * ```
 */
export interface Image {
  /** channels·height·width values (any range: 0…1 for MNIST, 0…255 for CIFAR-10). */
  data: ArrayLike<number>;
  /** Rows of pixels, ≥ 1. */
  height: number;
  /** Columns of pixels, ≥ 1. */
  width: number;
  /** 1 (grey) or 3 (red, green, blue planes). */
  channels: number;
}

/**
 * What the extractors accept: an `Image`, or an H×W `Matrix` read as a grey image.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { Matrix } from "../matrix.ts";
 * import type { ImageInput } from "./image.ts";
 * const grey: ImageInput = Matrix.zeros(28, 28);
 * assert.ok(grey instanceof Matrix);
 * ```
 */
export type ImageInput = Image | Matrix;

/**
 * Checks an image and returns it as an `Image` (a Matrix becomes a 1-channel view of its data, no
 * copy). Throws a RangeError naming `op` when a size is not a positive integer, the channels are
 * not 1 or 3, or `data` does not hold channels·height·width values.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { toImage } from "./image.ts";
 * assert.throws(
 *   () => toImage("hogFeature", { data: new Float64Array(780), height: 28, width: 28, channels: 1 }),
 *   /hogFeature: image data has 780 values, expected 1·28·28 = 784/,
 * );
 * ```
 */
export function toImage(op: string, image: ImageInput): Image {
  if (image instanceof Matrix) {
    return { data: image.data, height: image.rows, width: image.cols, channels: 1 };
  }
  if (image === null || typeof image !== "object" || image.data?.length === undefined) {
    throw new TypeError(`${op}: image must be a Matrix or { data, height, width, channels }`);
  }
  const { data, height, width, channels } = image;
  for (const [name, v] of Object.entries({ height, width })) {
    if (!Number.isInteger(v) || v < 1) {
      throw new RangeError(`${op}: image ${name} must be a positive integer, got ${v}`);
    }
  }
  if (channels !== 1 && channels !== 3) {
    throw new RangeError(`${op}: image channels must be 1 (grey) or 3 (RGB), got ${channels}`);
  }
  const expected = channels * height * width;
  if (data.length !== expected) {
    throw new RangeError(
      `${op}: image data has ${data.length} values, expected ${channels}·${height}·${width} = ` +
        `${expected}`,
    );
  }
  return image;
}

/**
 * The grey levels of an image, row-major (height·width values): a grey image's own data (no copy),
 * or for RGB the luma 0.299·R + 0.587·G + 0.114·B (ITU-R BT.601, as `rgb2gray` in CS231n's
 * features.py, whose third weight 0.144 is a typo).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { grayscale } from "./image.ts";
 * const white = { data: [1, 1, 1], height: 1, width: 1, channels: 3 };
 * assert.ok(Math.abs(grayscale(white)[0] - 1) < 1e-12);
 * ```
 */
export function grayscale(image: ImageInput): ArrayLike<number> {
  const im = toImage("grayscale", image);
  if (im.channels === 1) return im.data;
  const n = im.height * im.width, d = im.data;
  const grey = new Float64Array(n);
  for (let p = 0; p < n; p++) grey[p] = 0.299 * d[p] + 0.587 * d[n + p] + 0.114 * d[2 * n + p];
  return grey;
}

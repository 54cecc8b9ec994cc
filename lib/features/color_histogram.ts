/**
 * Colour histograms in HSV space, as CS231n's `color_histogram_hsv`: convert every pixel of an RGB
 * image to hue, saturation and value, and count the hues in `bins` equal bins over [0, 1). Hue is
 * the "which colour" angle of the colour wheel divided by 360° (red 0, yellow 1/6, green 1/3, cyan
 * 1/2, blue 2/3, magenta 5/6); it ignores brightness and where in the image a colour is.
 *
 * A grey pixel (R = G = B) has no hue; like matplotlib's `rgb_to_hsv` (which CS231n uses) we give it
 * hue 0, so grey pixels count as red. On a grey dataset such as MNIST the histogram is therefore
 * always `[1, 0, …, 0]`: no information.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { colorHistogramHsv } from "./color_histogram.ts";
 * // a 1×2 image: one pure red pixel, one pure blue pixel (planes R, G, B)
 * const im = { data: [255, 0, 0, 0, 0, 255], height: 1, width: 2, channels: 3 };
 * assert.deepEqual(Array.from(colorHistogramHsv(im, { bins: 6 })), [0.5, 0, 0, 0, 0.5, 0]);
 * ```
 * @module
 */
import { type Image, toImage } from "./image.ts";

/**
 * One colour as hue, saturation and value, each in [0, 1] (hue in [0, 1)), from red, green and
 * blue ≥ 0 on any common scale (0…1 or 0…255: hue and saturation do not depend on it; value is
 * max(r, g, b) on the input's scale). Matplotlib's `rgb_to_hsv` formula; a grey gets hue 0 and
 * saturation 0.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { rgbToHsv } from "./color_histogram.ts";
 * assert.deepEqual(rgbToHsv(255, 0, 0), [0, 1, 255]); // red
 * assert.deepEqual(rgbToHsv(0, 1, 0), [1 / 3, 1, 1]); // green
 * assert.deepEqual(rgbToHsv(0.5, 0.5, 0.5), [0, 0, 0.5]); // grey: no hue
 * ```
 */
export function rgbToHsv(r: number, g: number, b: number): [number, number, number] {
  const max = Math.max(r, g, b), min = Math.min(r, g, b), delta = max - min;
  const s = max > 0 ? delta / max : 0;
  return [hue(r, g, b, max, delta), s, max];
}

/**
 * Options of `colorHistogramHsv`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import type { ColorHistogramOptions } from "./color_histogram.ts";
 * const cs231n: ColorHistogramOptions = { bins: 10, normalized: true };
 * assert.equal(cs231n.bins, 10);
 * ```
 */
export interface ColorHistogramOptions {
  /** Equal hue bins over [0, 1) (default 10, CS231n's `nbin`). */
  bins?: number;
  /** Divide the counts by the number of pixels, so they sum to 1 (default true). */
  normalized?: boolean;
}

/**
 * The hue histogram of an RGB image (`channels: 3`, channel-planar like a CIFAR-10 row): `bins`
 * numbers, bin b counting the pixels with hue in [b/bins, (b+1)/bins), as fractions of all pixels
 * (or raw counts with `normalized: false`). Throws a RangeError for a grey image or a bad `bins`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { colorHistogramHsv } from "./color_histogram.ts";
 * const red = { data: new Float64Array(3 * 4 * 4), height: 4, width: 4, channels: 3 };
 * red.data.fill(200, 0, 16); // the R plane; G and B stay 0
 * assert.deepEqual(Array.from(colorHistogramHsv(red)), [1, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
 * assert.throws(
 *   () => colorHistogramHsv({ data: new Float64Array(16), height: 4, width: 4, channels: 1 }),
 *   /colorHistogramHsv: needs an RGB image \(3 channels\), got 1 channel/,
 * );
 * ```
 */
export function colorHistogramHsv(
  image: Image,
  { bins = 10, normalized = true }: ColorHistogramOptions = {},
): Float64Array {
  const im = toImage("colorHistogramHsv", image);
  if (im.channels !== 3) {
    throw new RangeError(
      "colorHistogramHsv: needs an RGB image (3 channels), got 1 channel (a grey image has no hue)",
    );
  }
  if (!Number.isInteger(bins) || bins < 1) {
    throw new RangeError(`colorHistogramHsv: bins must be a positive integer, got ${bins}`);
  }
  const n = im.height * im.width, d = im.data;
  const out = new Float64Array(bins);
  for (let p = 0; p < n; p++) {
    const r = d[p], g = d[n + p], b = d[2 * n + p];
    const max = Math.max(r, g, b), delta = max - Math.min(r, g, b);
    out[Math.min(bins - 1, Math.floor(hue(r, g, b, max, delta) * bins))]++;
  }
  if (normalized) { for (let k = 0; k < bins; k++) out[k] /= n; }
  return out;
}

/** Hue in [0, 1) from r, g, b, their max and max − min (matplotlib's case order: b, then g, then r). */
function hue(r: number, g: number, b: number, max: number, delta: number): number {
  if (!(delta > 0)) return 0;
  let h: number;
  if (b === max) h = 4 + (r - g) / delta;
  else if (g === max) h = 2 + (b - r) / delta;
  else h = (g - b) / delta;
  h /= 6;
  h -= Math.floor(h); // Python's % 1.0: −1/6 → 5/6
  return h >= 1 ? 0 : h;
}

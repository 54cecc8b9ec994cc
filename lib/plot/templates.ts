/**
 * A linear classifier's weights as pictures: column j of W (one weight per pixel, plus the bias
 * row of the bias trick, which is dropped) reshaped to the image, its **template** for class j.
 * `templateSheet` lays the templates of several weight matrices out as one matrix for `heatmap`:
 * one row of templates per W, each scaled to its own largest |weight| so it spans [−1, 1].
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { Matrix } from "../matrix.ts";
 * import { templateSheet } from "./templates.ts";
 * // Two classes of 2×2 images plus a bias row: W is 5×2.
 * const W = Matrix.fromArray([[1, 0], [0, -2], [0, 0], [-1, 1], [9, 9]]);
 * const sheet = templateSheet([W], { side: 2, gap: 1 });
 * assert.deepEqual(sheet.toArray(), [[1, 0, 0, 0, -1], [0, -1, 0, 0, 0.5]]);
 * ```
 * @module
 */
import { Matrix } from "../matrix.ts";

/**
 * The templates of each W (D×C with D ≥ side², extra rows such as the bias ignored) side by side:
 * row r of templates shows the C columns of `Ws[r]` as side×side images, `gap` blank pixels apart,
 * each divided by its largest |weight|. Draw with `heatmap(sheet, { ramp: "rdbu", domain: [-1, 1] })`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { Matrix } from "../matrix.ts";
 * import { templateSheet } from "./templates.ts";
 * const sheet = templateSheet([Matrix.ones(785, 10), Matrix.ones(785, 10)]); // two MNIST classifiers
 * assert.deepEqual(sheet.shape, [2 * 28 + 2, 10 * 28 + 9 * 2]);
 * assert.throws(() => templateSheet([Matrix.ones(10, 3)]), /Ws\[0\] is 10×3: needs at least 784 rows/);
 * ```
 */
export function templateSheet(
  Ws: readonly Matrix[],
  { side = 28, gap = 2 }: { side?: number; gap?: number } = {},
): Matrix {
  if (!Array.isArray(Ws) || Ws.length === 0) {
    throw new RangeError("templateSheet: Ws must be a non-empty array of weight matrices");
  }
  const C = Ws[0].cols, P = side * side;
  Ws.forEach((W, r) => {
    if (!(W instanceof Matrix) || W.rows < P || W.cols !== C) {
      const shape = W instanceof Matrix ? `${W.rows}×${W.cols}` : typeof W;
      throw new RangeError(
        `templateSheet: Ws[${r}] is ${shape}: needs at least ${P} rows (${side}×${side} pixels) and ${C} columns`,
      );
    }
  });
  const sheet = Matrix.zeros(Ws.length * (side + gap) - gap, C * (side + gap) - gap);
  Ws.forEach((W, r) => {
    for (let c = 0; c < C; c++) {
      const w = W.col(c).subarray(0, P); // the pixels' weights, without the bias
      const scale = Math.max(...Array.from(w, Math.abs)) || 1;
      for (let p = 0; p < P; p++) {
        sheet.set(
          r * (side + gap) + Math.floor(p / side),
          c * (side + gap) + (p % side),
          w[p] / scale,
        );
      }
    }
  });
  return sheet;
}

/**
 * Histograms of oriented gradients (HOG; Dalal & Triggs, 2005), in the simple form of CS231n's
 * `hog_feature`: image gradients by centered differences, each pixel's gradient magnitude and
 * **unsigned** orientation θ ∈ [0°, 180°), and per `cellSize × cellSize` cell a histogram of the
 * orientations over `bins` equal bins, each pixel voting with its magnitude (the cell's votes are
 * averaged over its pixels). There is no block normalization; `normalize: true` divides the whole
 * descriptor by its L2 norm.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { Matrix } from "../matrix.ts";
 * import { hogFeature } from "./hog.ts";
 * // a vertical edge: dark left half, bright right half → every vote is for θ = 0° (bin 0)
 * const edge = Matrix.fromArray([[0, 0, 1, 1], [0, 0, 1, 1], [0, 0, 1, 1], [0, 0, 1, 1]]);
 * const h = hogFeature(edge, { cellSize: 4, bins: 9 });
 * assert.deepEqual(Array.from(h), [0.25, 0, 0, 0, 0, 0, 0, 0, 0]);
 * ```
 * @module
 */
import { Matrix } from "../matrix.ts";
import { grayscale, type ImageInput, toImage } from "./image.ts";

/**
 * Options of `hogFeature`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import type { HogOptions } from "./hog.ts";
 * const cifar: HogOptions = { cellSize: 8, bins: 9 }; // 4×4 cells × 9 bins = 144 numbers
 * assert.equal(32 / cifar.cellSize! * (32 / cifar.cellSize!) * cifar.bins!, 144);
 * ```
 */
export interface HogOptions {
  /** Side of a square cell in pixels; must divide the image's height and width (default 8). */
  cellSize?: number;
  /** Orientation bins over [0°, 180°) (default 9, i.e. 20° each). */
  bins?: number;
  /** Divide the descriptor by its L2 norm (default false). */
  normalize?: boolean;
}

/**
 * The gradient of a grey image, from `imageGradients`: four H×W matrices.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { Matrix } from "../matrix.ts";
 * import { imageGradients } from "./hog.ts";
 * const { magnitude, orientation } = imageGradients(Matrix.fromArray([[0, 0], [3, 3]]));
 * assert.deepEqual(magnitude.toArray(), [[3, 3], [3, 3]]);
 * assert.deepEqual(orientation.toArray(), [[90, 90], [90, 90]]); // it gets brighter downwards
 * ```
 */
export interface ImageGradients {
  /** ∂I/∂x, along a row (left → right). */
  gx: Matrix;
  /** ∂I/∂y, along a column (top → bottom). */
  gy: Matrix;
  /** √(gx² + gy²). */
  magnitude: Matrix;
  /** Unsigned orientation atan2(gy, gx) folded into [0°, 180°). */
  orientation: Matrix;
}

/**
 * The gradient of an image (RGB is converted to grey first), by centered differences as numpy's
 * `np.gradient`: (I[x+1] − I[x−1]) / 2 inside, the one-sided difference on the border, 0 along a
 * side of length 1. Returns gx, gy, the magnitude and the unsigned orientation in degrees.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { Matrix } from "../matrix.ts";
 * import { imageGradients } from "./hog.ts";
 * const { gx, gy, orientation } = imageGradients(Matrix.fromArray([[0, 1, 4], [0, 1, 4]]));
 * assert.deepEqual(gx.toArray(), [[1, 2, 3], [1, 2, 3]]);
 * assert.deepEqual(gy.toArray(), [[0, 0, 0], [0, 0, 0]]);
 * assert.deepEqual(orientation.toArray(), [[0, 0, 0], [0, 0, 0]]);
 * ```
 */
export function imageGradients(image: ImageInput): ImageGradients {
  const im = toImage("imageGradients", image);
  const h = im.height, w = im.width, grey = grayscale(im);
  const gx = new Matrix(h, w), gy = new Matrix(h, w);
  const magnitude = new Matrix(h, w), orientation = new Matrix(h, w);
  for (let r = 0; r < h; r++) {
    for (let c = 0; c < w; c++) {
      const p = r * w + c;
      const dx = diffX(grey, w, r, c), dy = diffY(grey, h, w, r, c);
      gx.data[p] = dx;
      gy.data[p] = dy;
      magnitude.data[p] = Math.sqrt(dx * dx + dy * dy);
      orientation.data[p] = unsignedDegrees(dx, dy);
    }
  }
  return { gx, gy, magnitude, orientation };
}

/**
 * The HOG descriptor of an image (RGB is converted to grey first): for each `cellSize × cellSize`
 * cell, row by row, `bins` numbers: the cell's mean over its pixels of magnitude · [θ in bin b],
 * where bin b holds θ ∈ [b·180°/bins, (b+1)·180°/bins). The value for cell (i, j) and bin b is at
 * index (i·cellsAcross + j)·bins + b; the length is (height/cellSize)·(width/cellSize)·bins. Throws
 * a RangeError when the cells do not tile the image or an option is not a positive integer.
 *
 * Centered differences make the descriptor blind to adding a constant to every pixel; scaling the
 * image by k > 0 scales it by k, so with `normalize: true` it does not change.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { Matrix } from "../matrix.ts";
 * import { hogFeature } from "./hog.ts";
 * // a horizontal edge (dark top, bright bottom) has θ = 90°, in bin ⌊90 / 20⌋ = 4 of 9
 * const edge = Matrix.fromArray([[0, 0], [1, 1]]);
 * assert.deepEqual(Array.from(hogFeature(edge, { cellSize: 2 })), [0, 0, 0, 0, 1, 0, 0, 0, 0]);
 * assert.equal(hogFeature(Matrix.zeros(28, 28), { cellSize: 7 }).length, 4 * 4 * 9);
 * assert.throws(() => hogFeature(Matrix.zeros(28, 28)), /28×28 image is not a whole number of 8×8 cells/);
 * ```
 */
export function hogFeature(
  image: ImageInput,
  { cellSize = 8, bins = 9, normalize = false }: HogOptions = {},
): Float64Array {
  const im = toImage("hogFeature", image);
  checkPositiveInt("hogFeature", { cellSize, bins });
  const h = im.height, w = im.width;
  if (h % cellSize !== 0 || w % cellSize !== 0) {
    throw new RangeError(
      `hogFeature: a ${h}×${w} image is not a whole number of ${cellSize}×${cellSize} cells ` +
        `(choose a cellSize that divides ${h} and ${w})`,
    );
  }
  const grey = grayscale(im);
  const across = w / cellSize;
  const out = new Float64Array((h / cellSize) * across * bins);
  const perDegree = bins / 180;
  for (let r = 0; r < h; r++) {
    const rowBase = Math.floor(r / cellSize) * across;
    for (let c = 0; c < w; c++) {
      const dx = diffX(grey, w, r, c), dy = diffY(grey, h, w, r, c);
      const mag = Math.sqrt(dx * dx + dy * dy);
      if (mag === 0) continue;
      const bin = Math.min(bins - 1, Math.floor(unsignedDegrees(dx, dy) * perDegree));
      out[(rowBase + Math.floor(c / cellSize)) * bins + bin] += mag;
    }
  }
  const area = cellSize * cellSize;
  let sumSq = 0;
  for (let k = 0; k < out.length; k++) {
    out[k] /= area;
    sumSq += out[k] * out[k];
  }
  if (normalize && sumSq > 0) {
    const inv = 1 / Math.sqrt(sumSq);
    for (let k = 0; k < out.length; k++) out[k] *= inv;
  }
  return out;
}

/**
 * One line of a HOG picture, from `hogGlyphs`: cell (row, col) and bin, the segment's end points in
 * pixel coordinates (x → right, y → down; pixel (r, c) covers [c, c+1] × [r, r+1]) and the value.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import type { HogGlyph } from "./hog.ts";
 * const g: HogGlyph = { row: 0, col: 0, bin: 4, x1: 0, y1: 4, x2: 8, y2: 4, value: 1 };
 * assert.equal(g.y1, g.y2); // a horizontal edge (vertical gradient, bin 4 of 9) is drawn flat
 * ```
 */
export interface HogGlyph {
  /** Cell row. */
  row: number;
  /** Cell column. */
  col: number;
  /** Orientation bin. */
  bin: number;
  /** Start x. */
  x1: number;
  /** Start y. */
  y1: number;
  /** End x. */
  x2: number;
  /** End y. */
  y2: number;
  /** The descriptor's value for this cell and bin. */
  value: number;
}

/**
 * The classic HOG picture as line segments: for every cell and every bin with a positive value, a
 * segment through the cell's centre **along the edge** (perpendicular to the bin's central gradient
 * direction), as long as the cell times value / (largest value). Draw them with `Plot.link` over
 * the image (y axis pointing down).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { Matrix } from "../matrix.ts";
 * import { hogFeature, hogGlyphs } from "./hog.ts";
 * const edge = Matrix.fromArray([[0, 0, 1, 1], [0, 0, 1, 1], [0, 0, 1, 1], [0, 0, 1, 1]]);
 * const [g] = hogGlyphs(hogFeature(edge, { cellSize: 4, bins: 2 }), {
 *   height: 4, width: 4, cellSize: 4, bins: 2,
 * });
 * // with 2 bins, bin 0 holds θ ∈ [0°, 90°) and is drawn for its centre, a 45° gradient: the segment
 * // through the cell's centre (2, 2) runs perpendicular to it, half the cell long on each side
 * assert.deepEqual([g.bin, +g.x1.toFixed(3), +g.y1.toFixed(3), +g.x2.toFixed(3), +g.y2.toFixed(3)],
 *   [0, 3.414, 0.586, 0.586, 3.414]);
 * ```
 */
export function hogGlyphs(
  feature: ArrayLike<number>,
  { height, width, cellSize = 8, bins = 9 }: {
    height: number;
    width: number;
    cellSize?: number;
    bins?: number;
  },
): HogGlyph[] {
  checkPositiveInt("hogGlyphs", { height, width, cellSize, bins });
  const down = Math.floor(height / cellSize), across = Math.floor(width / cellSize);
  if (feature.length !== down * across * bins) {
    throw new RangeError(
      `hogGlyphs: feature has ${feature.length} values, but a ${height}×${width} image in ` +
        `${cellSize}×${cellSize} cells with ${bins} bins has ${down}·${across}·${bins} = ` +
        `${down * across * bins}`,
    );
  }
  let max = 0;
  for (let k = 0; k < feature.length; k++) max = Math.max(max, feature[k]);
  const glyphs: HogGlyph[] = [];
  if (max === 0) return glyphs;
  for (let row = 0; row < down; row++) {
    for (let col = 0; col < across; col++) {
      const cx = (col + 0.5) * cellSize, cy = (row + 0.5) * cellSize;
      for (let bin = 0; bin < bins; bin++) {
        const value = feature[(row * across + col) * bins + bin];
        if (!(value > 0)) continue;
        const theta = ((bin + 0.5) * Math.PI) / bins; // the bin's central gradient direction
        const half = (0.5 * cellSize * value) / max;
        const ex = -Math.sin(theta) * half, ey = Math.cos(theta) * half; // along the edge
        glyphs.push({ row, col, bin, x1: cx - ex, y1: cy - ey, x2: cx + ex, y2: cy + ey, value });
      }
    }
  }
  return glyphs;
}

/** ∂I/∂x at (r, c) of a row-major grey image of width w (centered inside, one-sided on the border). */
function diffX(grey: ArrayLike<number>, w: number, r: number, c: number): number {
  if (w === 1) return 0;
  const p = r * w + c;
  if (c === 0) return grey[p + 1] - grey[p];
  if (c === w - 1) return grey[p] - grey[p - 1];
  return (grey[p + 1] - grey[p - 1]) / 2;
}

/** ∂I/∂y at (r, c) of a row-major grey image of height h and width w. */
function diffY(grey: ArrayLike<number>, h: number, w: number, r: number, c: number): number {
  if (h === 1) return 0;
  const p = r * w + c;
  if (r === 0) return grey[p + w] - grey[p];
  if (r === h - 1) return grey[p] - grey[p - w];
  return (grey[p + w] - grey[p - w]) / 2;
}

/** atan2(dy, dx) in degrees, folded into [0, 180): a gradient and its opposite are one orientation. */
function unsignedDegrees(dx: number, dy: number): number {
  let theta = (Math.atan2(dy, dx) * 180) / Math.PI;
  if (theta < 0) theta += 180;
  if (theta >= 180) theta -= 180;
  return theta;
}

function checkPositiveInt(op: string, values: Record<string, number>): void {
  for (const [name, v] of Object.entries(values)) {
    if (!Number.isInteger(v) || v < 1) {
      throw new RangeError(`${op}: ${name} must be a positive integer, got ${v}`);
    }
  }
}

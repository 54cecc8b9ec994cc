/**
 * lib/features: image gradients, HOG, hue histograms and extractFeatures — known answers, an
 * independent HOG, invariances, shapes and errors. One file for the module's four parts, which
 * share the helpers below (a little over 400 lines).
 */
import assert from "node:assert/strict";
import { Matrix } from "../lib/matrix.ts";
import { Rng } from "../lib/random.ts";
import {
  colorHistogramHsv,
  extractFeatures,
  grayscale,
  hogFeature,
  hogGlyphs,
  type Image,
  imageFromRow,
  imageGradients,
  rgbToHsv,
} from "../lib/features/mod.ts";

const close = (a: ArrayLike<number>, b: ArrayLike<number>, tol = 1e-12) => {
  assert.equal(a.length, b.length, "lengths differ");
  for (let k = 0; k < a.length; k++) {
    assert.ok(Math.abs(a[k] - b[k]) <= tol, `index ${k}: ${a[k]} vs ${b[k]}`);
  }
};

/** An RGB image from per-pixel [r, g, b] triples, row-major, as channel-planar data. */
function rgbImage(height: number, width: number, pixels: number[][]): Image {
  const n = height * width, data = new Float64Array(3 * n);
  pixels.forEach(([r, g, b], p) => {
    data[p] = r;
    data[n + p] = g;
    data[2 * n + p] = b;
  });
  return { data, height, width, channels: 3 };
}

/**
 * An independent HOG, written from the definition with 2-D arrays: np.gradient's differences,
 * unsigned angle by `% 180`, bin by comparing with the bin edges, per-cell sums divided by the area.
 */
function naiveHog(I: number[][], cellSize: number, bins: number): number[] {
  const h = I.length, w = I[0].length;
  const grad = (f: (k: number) => number, k: number, n: number) =>
    n === 1
      ? 0
      : k === 0
      ? f(1) - f(0)
      : k === n - 1
      ? f(n - 1) - f(n - 2)
      : (f(k + 1) - f(k - 1)) / 2;
  const hist: number[] = new Array((h / cellSize) * (w / cellSize) * bins).fill(0);
  for (let r = 0; r < h; r++) {
    for (let c = 0; c < w; c++) {
      const gx = grad((k) => I[r][k], c, w), gy = grad((k) => I[k][c], r, h);
      const mag = Math.hypot(gx, gy);
      const angle = (((Math.atan2(gy, gx) * 180) / Math.PI) % 180 + 180) % 180;
      let bin = 0;
      while (bin < bins - 1 && angle >= ((bin + 1) * 180) / bins) bin++;
      const cell = Math.floor(r / cellSize) * (w / cellSize) + Math.floor(c / cellSize);
      hist[cell * bins + bin] += mag / (cellSize * cellSize);
    }
  }
  return hist;
}

const randomImage = (h: number, w: number, seed: number) => Matrix.rand(h, w, seed);

// ---- gradients ----------------------------------------------------------------------------------

Deno.test("imageGradients: np.gradient's centered differences, one-sided on the border", () => {
  const I = Matrix.fromArray([[1, 2, 4], [3, 7, 8], [0, 5, 6]]);
  const { gx, gy, magnitude, orientation } = imageGradients(I);
  // numpy: np.gradient(I, axis=1) and np.gradient(I, axis=0)
  assert.deepEqual(gx.toArray(), [[1, 1.5, 2], [4, 2.5, 1], [5, 3, 1]]);
  assert.deepEqual(gy.toArray(), [[2, 5, 4], [-0.5, 1.5, 1], [-3, -2, -2]]);
  assert.equal(magnitude.get(0, 0), Math.sqrt(5));
  assert.equal(magnitude.get(2, 0), Math.sqrt(34));
  // (gx, gy) = (5, −3): atan2 = −30.96°, folded to 149.04°
  assert.ok(Math.abs(orientation.get(2, 0) - (180 - (Math.atan2(3, 5) * 180) / Math.PI)) < 1e-12);
});

Deno.test("imageGradients: orientation is unsigned, in [0°, 180°)", () => {
  const ramp = (f: (r: number, c: number) => number) => {
    const m = new Matrix(3, 3);
    for (let r = 0; r < 3; r++) for (let c = 0; c < 3; c++) m.set(r, c, f(r, c));
    return imageGradients(m).orientation.get(1, 1);
  };
  assert.equal(ramp((_, c) => c), 0); // brighter to the right
  assert.equal(ramp((_, c) => -c), 0); // brighter to the left: the same orientation
  assert.equal(ramp((r) => r), 90); // brighter downwards
  assert.equal(ramp((r) => -r), 90);
  assert.ok(Math.abs(ramp((r, c) => r + c) - 45) < 1e-12);
  assert.ok(Math.abs(ramp((r, c) => c - r) - 135) < 1e-12);
  const all = imageGradients(randomImage(10, 10, 3)).orientation.data;
  assert.ok(all.every((t) => t >= 0 && t < 180));
});

Deno.test("imageGradients: a side of length 1 has zero derivative along it", () => {
  const { gx, gy } = imageGradients(Matrix.fromArray([[1, 3, 7]]));
  assert.deepEqual(gx.toArray(), [[2, 3, 4]]);
  assert.deepEqual(gy.toArray(), [[0, 0, 0]]);
  const column = imageGradients(Matrix.fromArray([[1], [3], [7]]));
  assert.deepEqual(column.gx.toArray(), [[0], [0], [0]]);
  assert.deepEqual(column.gy.toArray(), [[2], [3], [4]]);
});

// ---- HOG: known answers -------------------------------------------------------------------------

Deno.test("hogFeature: a vertical edge puts all the mass into bin 0, either polarity", () => {
  const edge = new Matrix(8, 8).map((_, __, c) => (c >= 4 ? 1 : 0));
  const h = hogFeature(edge, { cellSize: 8, bins: 9 });
  // |gx| = 0.5 in columns 3 and 4 of all 8 rows: 8 · 2 · 0.5 = 8, averaged over 64 pixels
  assert.deepEqual(Array.from(h), [0.125, 0, 0, 0, 0, 0, 0, 0, 0]);
  const reversed = edge.map((v) => 1 - v);
  assert.deepEqual(Array.from(hogFeature(reversed, { cellSize: 8 })), Array.from(h));
});

Deno.test("hogFeature: a horizontal edge lands in the 80°–100° bin, a diagonal one at 40°–60°", () => {
  const horizontal = new Matrix(8, 8).map((_, r) => (r >= 4 ? 2 : 0));
  const h = hogFeature(horizontal, { cellSize: 8 });
  assert.deepEqual(Array.from(h), [0, 0, 0, 0, 0.25, 0, 0, 0, 0]);
  const diagonal = new Matrix(8, 8).map((_, r, c) => r + c);
  const d = hogFeature(diagonal, { cellSize: 8 });
  assert.equal(d.indexOf(Math.max(...d)), 2);
  assert.ok(Math.abs(d[2] - Math.SQRT2) < 1e-12); // |(1, 1)| = √2 at every pixel
  assert.equal(d.reduce((a, b) => a + b), d[2]);
});

Deno.test("hogFeature: the edge's cell gets the votes, the other cells none", () => {
  // 8×16 image, cells of 8: the edge sits inside the right cell (columns 11|12)
  const im = new Matrix(8, 16).map((_, __, c) => (c >= 12 ? 1 : 0));
  const h = hogFeature(im, { cellSize: 8, bins: 9 });
  assert.deepEqual(Array.from(h.subarray(0, 9)), new Array(9).fill(0));
  assert.deepEqual(Array.from(h.subarray(9)), [0.125, 0, 0, 0, 0, 0, 0, 0, 0]);
});

Deno.test("hogFeature: agrees with an independent implementation on random images", () => {
  for (
    const [h, w, cellSize, bins, seed] of [[8, 8, 4, 9, 1], [12, 8, 4, 6, 2], [28, 28, 7, 9, 3]]
  ) {
    const im = randomImage(h, w, seed);
    close(hogFeature(im, { cellSize, bins }), naiveHog(im.toArray(), cellSize, bins));
  }
});

Deno.test("hogFeature: length (H/cell)·(W/cell)·bins; values ≥ 0", () => {
  assert.equal(hogFeature(randomImage(28, 28, 0), { cellSize: 4 }).length, 7 * 7 * 9);
  assert.equal(hogFeature(randomImage(32, 16, 0), { cellSize: 8, bins: 12 }).length, 4 * 2 * 12);
  assert.ok(hogFeature(randomImage(16, 16, 5)).every((v) => v >= 0));
});

// ---- HOG: invariances ---------------------------------------------------------------------------

Deno.test("hogFeature: unchanged by adding a constant to every pixel", () => {
  const im = randomImage(16, 16, 7);
  close(hogFeature(im.add(0.3)), hogFeature(im), 1e-14);
});

Deno.test("hogFeature: scaling the image scales the feature; normalize makes it unchanged", () => {
  const im = randomImage(16, 16, 8);
  const a = hogFeature(im), b = hogFeature(im.mul(3));
  close(b, a.map((v) => 3 * v));
  const n = hogFeature(im, { normalize: true });
  close(hogFeature(im.mul(3).add(0.5), { normalize: true }), n);
  assert.ok(Math.abs(Math.hypot(...n) - 1) < 1e-12);
  assert.deepEqual(
    Array.from(hogFeature(Matrix.zeros(8, 8), { normalize: true })),
    new Array(9).fill(0),
  );
});

Deno.test("hogFeature: a small shape shifted within its cell gives the same feature", () => {
  const square = (top: number, left: number) =>
    new Matrix(16, 16).map((
      _,
      r,
      c,
    ) => (r >= top && r < top + 2 && c >= left && c < left + 2 ? 1 : 0));
  const base = hogFeature(square(2, 2), { cellSize: 8 });
  assert.ok(base.some((v) => v > 0));
  close(hogFeature(square(3, 4), { cellSize: 8 }), base, 0);
  // moved into another cell, the same histogram appears at another place
  const moved = hogFeature(square(10, 2), { cellSize: 8 });
  close(moved.subarray(18, 27), base.subarray(0, 9), 0);
  assert.ok(moved.subarray(0, 9).every((v) => v === 0));
});

Deno.test("hogFeature: an RGB image is converted to grey (R = G = B gives the grey image's HOG)", () => {
  const grey = randomImage(8, 8, 9);
  const n = 64, data = new Float64Array(3 * n);
  for (let ch = 0; ch < 3; ch++) data.set(grey.data, ch * n);
  close(
    hogFeature({ data, height: 8, width: 8, channels: 3 }, { cellSize: 4 }),
    hogFeature(grey, { cellSize: 4 }),
  );
  const rgb = rgbImage(1, 2, [[1, 0, 0], [0, 0, 1]]);
  close(grayscale(rgb), [0.299, 0.114]);
});

Deno.test("hogFeature: same image, same numbers; the image is not modified", () => {
  const im = randomImage(16, 16, 11), copy = im.clone();
  assert.deepEqual(hogFeature(im), hogFeature(im));
  assert.deepEqual(im.data, copy.data);
});

// ---- HOG: errors --------------------------------------------------------------------------------

Deno.test("hogFeature: clear errors for image sizes and options", () => {
  assert.throws(
    () => hogFeature(Matrix.zeros(28, 28)),
    /hogFeature: a 28×28 image is not a whole number of 8×8 cells \(choose a cellSize that divides 28 and 28\)/,
  );
  assert.throws(() => hogFeature(Matrix.zeros(8, 12), { cellSize: 8 }), /8×12 image/);
  assert.throws(
    () => hogFeature(Matrix.zeros(8, 8), { cellSize: 0 }),
    /cellSize must be a positive integer, got 0/,
  );
  assert.throws(
    () => hogFeature(Matrix.zeros(8, 8), { bins: 2.5 }),
    /bins must be a positive integer, got 2.5/,
  );
  assert.throws(
    () => hogFeature({ data: new Float64Array(100), height: 8, width: 8, channels: 1 }),
    /hogFeature: image data has 100 values, expected 1·8·8 = 64/,
  );
  assert.throws(
    () => hogFeature({ data: new Float64Array(128), height: 8, width: 8, channels: 2 }),
    /image channels must be 1 \(grey\) or 3 \(RGB\), got 2/,
  );
  assert.throws(
    () => hogFeature({ data: [], height: 0, width: 8, channels: 1 }),
    /height must be a positive integer, got 0/,
  );
  assert.throws(
    () => hogFeature([1, 2, 3] as unknown as Image),
    /image must be a Matrix or \{ data, height, width, channels \}/,
  );
});

// ---- HOG picture --------------------------------------------------------------------------------

Deno.test("hogGlyphs: one segment per positive bin, along the edge, longest for the largest value", () => {
  // left cell: all mass in bin 0 (a vertical edge); right cell: half as much in bin 4 (horizontal)
  const h = new Float64Array(18);
  h[0] = 0.2;
  h[9 + 4] = 0.1;
  const glyphs = hogGlyphs(h, { height: 8, width: 16, cellSize: 8, bins: 9 });
  assert.deepEqual(glyphs.map((g) => [g.row, g.col, g.bin]), [[0, 0, 0], [0, 1, 4]]);
  const [left, right] = glyphs;
  const len = (g: typeof left) => Math.hypot(g.x2 - g.x1, g.y2 - g.y1);
  assert.ok(Math.abs(len(left) - 8) < 1e-12); // the largest value spans the cell
  assert.ok(Math.abs(len(right) - 4) < 1e-12); // half the value, half the length
  // bin 0 is drawn for its centre, a 10° gradient: the segment runs at 100°, nearly vertical
  assert.ok(
    Math.abs(Math.atan2(left.y2 - left.y1, left.x2 - left.x1) * 180 / Math.PI - 100) < 1e-9,
  );
  assert.ok(
    Math.abs((left.x1 + left.x2) / 2 - 4) < 1e-12 &&
      Math.abs((right.x1 + right.x2) / 2 - 12) < 1e-12,
  );
  // bin 4 (80°–100°) is centred on 90°: a horizontal edge, drawn horizontally
  assert.ok(Math.abs(right.y1 - right.y2) < 1e-12);
  assert.deepEqual(hogGlyphs(new Float64Array(9), { height: 8, width: 8 }), []);
  assert.throws(
    () => hogGlyphs(h, { height: 8, width: 8, cellSize: 8 }),
    /hogGlyphs: feature has 18 values, but a 8×8 image in 8×8 cells with 9 bins has 1·1·9 = 9/,
  );
});

// ---- colour histogram ---------------------------------------------------------------------------

Deno.test("rgbToHsv: the hues of the colour wheel, saturation and value", () => {
  const hue = (r: number, g: number, b: number) => rgbToHsv(r, g, b)[0];
  close(
    [hue(1, 0, 0), hue(1, 1, 0), hue(0, 1, 0), hue(0, 1, 1), hue(0, 0, 1), hue(1, 0, 1)],
    [0, 1 / 6, 2 / 6, 3 / 6, 4 / 6, 5 / 6],
  );
  close([hue(1, 0, 0.5)], [1 - 1 / 12]); // red towards magenta wraps around to 11/12
  // a hue a hair below 0 wraps to 1 − 1.7e-18, which rounds to 1: it must come back as 0, not 1
  assert.equal(hue(1, 0, 1e-17), 0);
  const almostRed = rgbImage(1, 1, [[1, 0, 1e-17]]);
  assert.deepEqual(Array.from(colorHistogramHsv(almostRed, { bins: 4 })), [1, 0, 0, 0]);
  close(rgbToHsv(200, 100, 100), [0, 0.5, 200]);
  assert.deepEqual(rgbToHsv(0, 0, 0), [0, 0, 0]);
  assert.deepEqual(rgbToHsv(7, 7, 7), [0, 0, 7]);
});

Deno.test("colorHistogramHsv: pure colours land in their hue bins; fractions sum to 1", () => {
  const im = rgbImage(2, 3, [[255, 0, 0], [255, 0, 0], [0, 255, 0], [0, 0, 255], [255, 255, 0], [
    128,
    128,
    128,
  ]]);
  // hues 0, 0, 1/3, 2/3, 1/6, grey → 0; with 6 bins: bins 0, 0, 2, 4, 1, 0
  close(colorHistogramHsv(im, { bins: 6 }), [3 / 6, 1 / 6, 1 / 6, 0, 1 / 6, 0]);
  assert.deepEqual(Array.from(colorHistogramHsv(im, { bins: 6, normalized: false })), [
    3,
    1,
    1,
    0,
    1,
    0,
  ]);
  // CS231n's 10 bins: green's 1/3 is in bin 3 ([0.3, 0.4)), blue's 2/3 in bin 6
  close(colorHistogramHsv(im), [0.5, 1 / 6, 0, 1 / 6, 0, 0, 1 / 6, 0, 0, 0]);
  const random = rgbImage(
    4,
    4,
    Array.from({ length: 16 }, (_, p) => [p * 7 % 256, p * 31 % 256, p * 101 % 256]),
  );
  assert.ok(Math.abs(colorHistogramHsv(random, { bins: 7 }).reduce((a, b) => a + b) - 1) < 1e-12);
});

Deno.test("colorHistogramHsv: blind to brightness and to where colours are", () => {
  const rng = new Rng(4);
  const pixels = Array.from({ length: 64 }, () => [rng.random(), rng.random(), rng.random()]);
  const h = colorHistogramHsv(rgbImage(8, 8, pixels), { bins: 12 });
  assert.deepEqual(
    colorHistogramHsv(rgbImage(8, 8, pixels.map((p) => p.map((v) => v * 255))), { bins: 12 }),
    h,
  );
  assert.deepEqual(colorHistogramHsv(rgbImage(8, 8, [...pixels].reverse()), { bins: 12 }), h);
  assert.deepEqual(colorHistogramHsv(rgbImage(4, 16, pixels), { bins: 12 }), h);
});

Deno.test("colorHistogramHsv: grey images (MNIST) carry no colour information", () => {
  const grey = rgbImage(2, 2, [[0, 0, 0], [0.2, 0.2, 0.2], [0.9, 0.9, 0.9], [1, 1, 1]]);
  assert.deepEqual(Array.from(colorHistogramHsv(grey, { bins: 4 })), [1, 0, 0, 0]);
});

Deno.test("colorHistogramHsv: clear errors", () => {
  assert.throws(
    () => colorHistogramHsv({ data: new Float64Array(4), height: 2, width: 2, channels: 1 }),
    /colorHistogramHsv: needs an RGB image \(3 channels\), got 1 channel \(a grey image has no hue\)/,
  );
  const im = rgbImage(1, 1, [[1, 0, 0]]);
  assert.throws(() => colorHistogramHsv(im, { bins: 0 }), /bins must be a positive integer, got 0/);
  assert.throws(
    () => colorHistogramHsv({ ...im, width: 2 }),
    /colorHistogramHsv: image data has 3 values, expected 3·1·2 = 6/,
  );
});

// ---- extractFeatures ----------------------------------------------------------------------------

Deno.test("extractFeatures: row i is the feature functions on image i, side by side", () => {
  const X = Matrix.rand(6, 3 * 8 * 8, 12).mul(255);
  const hog = (im: Image) => hogFeature(im, { cellSize: 4, bins: 6 });
  const hue = (im: Image) => colorHistogramHsv(im, { bins: 5 });
  const F = extractFeatures(X, [hog, hue], { side: 8, channels: 3 });
  assert.deepEqual(F.shape, [6, 4 * 6 + 5]);
  for (let i = 0; i < 6; i++) {
    const im = imageFromRow(X, i, { side: 8, channels: 3 });
    assert.deepEqual(F.row(i), Float64Array.from([...hog(im), ...hue(im)]));
  }
  // the order of the functions is the order of the columns
  const G = extractFeatures(X, [hue, hog], { side: 8, channels: 3 });
  assert.deepEqual(G.row(3).subarray(0, 5), F.row(3).subarray(24));
});

Deno.test("extractFeatures: MNIST-shaped rows, deterministic, X untouched", () => {
  const X = Matrix.rand(20, 784, 13), copy = X.clone();
  const fns = [(im: Image) => hogFeature(im, { cellSize: 7 })];
  const F = extractFeatures(X, fns, { side: 28 });
  assert.deepEqual(F.shape, [20, 144]);
  assert.deepEqual(extractFeatures(X, fns, { side: 28 }).data, F.data);
  assert.deepEqual(X.data, copy.data);
  close(
    F.row(19),
    hogFeature(new Matrix(28, 28, X.row(19)), { cellSize: 7 }),
  );
});

Deno.test("extractFeatures and imageFromRow: clear errors", () => {
  const X = Matrix.zeros(2, 784);
  const hog = (im: Image) => hogFeature(im, { cellSize: 7 });
  assert.throws(
    () => extractFeatures(X, [hog], { side: 32, channels: 3 }),
    /extractFeatures: X \(2×784\) has 784 columns, but images of 32×32 with 3 channels need 3072/,
  );
  assert.throws(() => extractFeatures(X, [], { side: 28 }), /featureFns must be a non-empty array/);
  assert.throws(
    () => extractFeatures(X, [hog, 3 as unknown as (im: Image) => number[]], { side: 28 }),
    /featureFns\[1\] is not a function/,
  );
  assert.throws(
    () => extractFeatures(new Matrix(0, 784), [hog], { side: 28 }),
    /X \(0×784\) has no images/,
  );
  assert.throws(
    () => extractFeatures(X, [hog], { side: 28, channels: 2 }),
    /channels must be 1 \(grey\) or 3 \(RGB\), got 2/,
  );
  assert.throws(
    () => extractFeatures(X, [hog], { side: 0 }),
    /side must be a positive integer, got 0/,
  );
  let calls = 0;
  const growing = () => new Float64Array(++calls);
  assert.throws(
    () => extractFeatures(X, [growing], { side: 28 }),
    /featureFns\[0\] gave 2 features for image 1, but 1 for image 0/,
  );
  assert.throws(
    () => imageFromRow([1, 2] as unknown as Matrix, 0, { side: 1 }),
    /imageFromRow: X must be a Matrix/,
  );
  assert.throws(() => imageFromRow(X, 2, { side: 28 }), /row/);
});

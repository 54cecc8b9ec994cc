/**
 * A grid of small images as one PNG: MNIST digits (28×28 grey), CIFAR-10 images (32×32×3 stored
 * channel-planar: the R plane, then G, then B) or a linear classifier's weight templates (one row
 * of Wᵀ each, rescaled to 0…255 like CS231n's `visualize_grid`).
 *
 * Tile k sits at grid row ⌊k / cols⌋, column k mod cols; each source pixel becomes a
 * `scale`×`scale` block and `padding` background pixels separate the tiles.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { decode } from "fast-png";
 * import { Matrix } from "../matrix.ts";
 * import { imageGrid } from "./image_grid.ts";
 * const X = Matrix.fromArray([[0, 1, 1, 0], [1, 0, 0, 1]]); // two 2×2 images in [0, 1]
 * const grid = imageGrid(X, { width: 2, height: 2, padding: 1 });
 * const png = decode(grid.bytes);
 * assert.deepEqual([png.width, png.height], [5, 2]);
 * assert.deepEqual(Array.from(png.data.subarray(0, 5)), [0, 255, 255, 255, 0]);
 * ```
 * @module
 */
import { Matrix } from "../matrix.ts";
import { escapeHtml, JUPYTER_DISPLAY, type MimeBundle } from "./display.ts";
import { type Channels, encodePng, PngImage } from "./png.ts";

/**
 * How an RGB image's values are ordered: `planar` = RRR…GGG…BBB, `interleaved` = RGBRGB….
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import type { ImageLayout } from "./image_grid.ts";
 * const cifar: ImageLayout = "planar"; // CIFAR-10 rows: 1024 red, 1024 green, 1024 blue
 * assert.equal(cifar, "planar");
 * ```
 */
export type ImageLayout = "planar" | "interleaved";

/**
 * How values become grey levels 0…255: `each` rescales every image's own min…max, `global` the
 * min…max of all images, `none` takes values as 0…255 levels (rounded and clamped).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { decode } from "fast-png";
 * import { imageGrid, type Normalize } from "./image_grid.ts";
 * const mode: Normalize = "none";
 * const png = decode(imageGrid([Float64Array.from([-5, 100, 300, 7.6])], { normalize: mode }).bytes);
 * assert.deepEqual(Array.from(png.data), [0, 100, 255, 8]);
 * ```
 */
export type Normalize = "each" | "global" | "none";

/**
 * Options of `imageGrid`; every field has a default.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { imageGrid, type ImageGridOptions } from "./image_grid.ts";
 * const cifar: ImageGridOptions = { width: 32, height: 32, channels: 3, normalize: "none", scale: 2 };
 * const grid = imageGrid([new Float64Array(32 * 32 * 3)], cifar);
 * assert.deepEqual([grid.width, grid.height, grid.channels], [64, 64, 3]);
 * ```
 */
export interface ImageGridOptions {
  /** Image width in pixels (default: a square image's side). */
  width?: number;
  /** Image height in pixels (default: the values left after width and channels). */
  height?: number;
  /** 1 (grey, default) or 3 (RGB). */
  channels?: Channels;
  /** Order of an RGB image's values (default `planar`, CIFAR-10's order). */
  layout?: ImageLayout;
  /** Tiles per grid row (default min(count, 10)). */
  cols?: number;
  /** Nearest-neighbour upscaling factor, a positive integer (default 1). */
  scale?: number;
  /** Background pixels between tiles (default 1). */
  padding?: number;
  /** Value → level mapping (default `each`). */
  normalize?: Normalize;
  /** Background grey level 0…255 (default 255, white). */
  background?: number;
  /** One caption per image, shown under its tile in the notebook (HTML output). */
  labels?: readonly string[];
}

/**
 * The PNG of an image grid plus its layout; with `labels` it displays as HTML with captions.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { imageGrid } from "./image_grid.ts";
 * import { JUPYTER_DISPLAY } from "./display.ts";
 * const grid = imageGrid([new Float64Array(4), new Float64Array(4)], { labels: ["cat", "dog"] });
 * assert.deepEqual(grid.tileOrigin(1), [3, 0]);
 * assert.match(grid[JUPYTER_DISPLAY]()["text/html"], /cat[\s\S]*dog/);
 * ```
 */
export class ImageGrid extends PngImage {
  /** Number of images. */
  readonly count: number;
  /** Tiles per grid row. */
  readonly cols: number;
  /** Width of one tile in output pixels (image width × scale). */
  readonly tileWidth: number;
  /** Height of one tile in output pixels. */
  readonly tileHeight: number;
  /** Pixels between tiles. */
  readonly padding: number;
  /** Captions, one per image, if given. */
  readonly labels?: readonly string[];
  /** With labels: one PNG per row of tiles, so each row's captions can sit under it. */
  readonly rowImages?: readonly PngImage[];

  /** Built by `imageGrid`. */
  constructor(
    png: PngImage,
    layout: { count: number; cols: number; tileWidth: number; tileHeight: number; padding: number },
    labels?: readonly string[],
    rowImages?: readonly PngImage[],
  ) {
    super(png.bytes, png.width, png.height, png.channels);
    this.rowImages = rowImages;
    this.count = layout.count;
    this.cols = layout.cols;
    this.tileWidth = layout.tileWidth;
    this.tileHeight = layout.tileHeight;
    this.padding = layout.padding;
    this.labels = labels;
  }

  /**
   * `[x, y]` of tile k's top-left pixel in the PNG.
   *
   * @example
   * ```ts
   * import assert from "node:assert/strict";
   * import { imageGrid } from "./image_grid.ts";
   * const four = Array.from({ length: 4 }, () => new Float64Array(4)); // four 2×2 images
   * const grid = imageGrid(four, { cols: 2, padding: 1 });
   * assert.deepEqual(grid.tileOrigin(3), [3, 3]); // row 1, column 1: one 2-pixel tile + 1 padding in
   * assert.throws(() => grid.tileOrigin(4), /tileOrigin: tile 4 is outside 0…3/);
   * ```
   */
  tileOrigin(k: number): [number, number] {
    if (!Number.isInteger(k) || k < 0 || k >= this.count) {
      throw new RangeError(`tileOrigin: tile ${k} is outside 0…${this.count - 1}`);
    }
    const col = k % this.cols, row = Math.floor(k / this.cols);
    return [col * (this.tileWidth + this.padding), row * (this.tileHeight + this.padding)];
  }

  /**
   * `image/png`; with labels also `text/html` showing each tile above its caption.
   *
   * @example
   * ```ts
   * import assert from "node:assert/strict";
   * import { imageGrid } from "./image_grid.ts";
   * import { JUPYTER_DISPLAY } from "./display.ts";
   * const bundle = imageGrid([new Float64Array(4), new Float64Array(4)])[JUPYTER_DISPLAY]();
   * assert.equal(bundle["text/plain"], "PNG 5×2 grey: 2 images");
   * assert.equal(bundle["text/html"], undefined); // captions (HTML) only with `labels`
   * ```
   */
  override [JUPYTER_DISPLAY](): MimeBundle {
    const bundle = super[JUPYTER_DISPLAY]();
    bundle["text/plain"] = `${this.describe()}: ${this.count} images`;
    if (this.labels) bundle["text/html"] = this.#captionedHtml(this.labels);
    return bundle;
  }

  /**
   * Each row of tiles as an `<img>` with its captions in a grid below, one column per tile. Only
   * inline styles JupyterLab's sanitizer keeps (no `<style>` element), so the captions also show in
   * notebooks opened untrusted.
   */
  #captionedHtml(labels: readonly string[]): string {
    const [w, p] = [this.tileWidth, this.padding];
    const rows = this.rowImages ?? [this];
    const columns = Array.from({ length: this.cols }, () => `${w}px`).join(" ");
    const body = rows.map((png, r) => {
      const own = labels.slice(r * this.cols, (r + 1) * this.cols);
      const captions = own.map((label) => `<div>${escapeHtml(label)}</div>`).join("");
      return `<img src="${png.dataUrl()}" width="${png.width}" height="${png.height}" ` +
        `alt="${escapeHtml(own.join(", "))}" style="display:block;max-width:none;` +
        `image-rendering:pixelated">` +
        `<div style="display:grid;grid-template-columns:${columns};column-gap:${p}px;` +
        `margin-bottom:2px;overflow-wrap:anywhere">${captions}</div>`;
    });
    return `<div style="display:inline-block;font:11px sans-serif;text-align:center">` +
      `${body.join("")}</div>`;
  }
}

/**
 * Tiles images (one per row of a Matrix, or one per array) into a single PNG.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { decode } from "fast-png";
 * import { imageGrid } from "./image_grid.ts";
 * // one 1×2 RGB image, channel-planar: R = [10, 20], G = [30, 40], B = [50, 60]
 * const grid = imageGrid([Float64Array.from([10, 20, 30, 40, 50, 60])], {
 *   width: 2, height: 1, channels: 3, normalize: "none", scale: 2,
 * });
 * const png = decode(grid.bytes);
 * assert.deepEqual([png.width, png.height, png.channels], [4, 2, 3]);
 * assert.deepEqual(Array.from(png.data.subarray(0, 12)), [10, 30, 50, 10, 30, 50, 20, 40, 60, 20, 40, 60]);
 * assert.throws(() => imageGrid([new Float64Array(5)]), /imageGrid: 5 values/);
 * ```
 */
export function imageGrid(
  images: Matrix | readonly ArrayLike<number>[],
  options: ImageGridOptions = {},
): ImageGrid {
  const list = images instanceof Matrix
    ? Array.from({ length: images.rows }, (_, i) => images.row(i))
    : images;
  if (!Array.isArray(list)) {
    throw new TypeError(
      `imageGrid: expected a Matrix (one image per row) or an array of images, got ${
        Object.prototype.toString.call(images).slice(8, -1)
      }`,
    );
  }
  if (list.length === 0) throw new RangeError("imageGrid: no images to show");
  const {
    channels = 1,
    layout = "planar",
    scale = 1,
    padding = 1,
    normalize = "each",
    background = 255,
    labels,
  } = options;
  const count = list.length;
  const cols = options.cols ?? Math.min(count, 10);
  checkChoice("channels", channels, [1, 3]);
  checkChoice("layout", layout, ["planar", "interleaved"]);
  checkChoice("normalize", normalize, ["each", "global", "none"]);
  checkInteger("scale", scale, 1);
  checkInteger("padding", padding, 0);
  checkInteger("cols", cols, 1);
  if (!(background >= 0 && background <= 255)) {
    throw new RangeError(`imageGrid: background must be a grey level in 0…255, got ${background}`);
  }
  if (labels !== undefined && labels.length !== count) {
    throw new RangeError(`imageGrid: ${labels.length} labels for ${count} images`);
  }
  const [w, h] = imageSize(list[0].length, channels, options.width, options.height);
  const size = w * h * channels;
  list.forEach((img, k) => {
    if (img.length !== size) {
      throw new RangeError(
        `imageGrid: image ${k} has ${img.length} values, image 0 has ${size} (${w}×${h}×${channels})`,
      );
    }
  });
  const levels = levelMaps(list, normalize);

  const tw = w * scale, th = h * scale, gridRows = Math.ceil(count / cols);
  const W = cols * tw + (cols - 1) * padding, H = gridRows * th + (gridRows - 1) * padding;
  const out = new Uint8Array(W * H * channels).fill(Math.round(background));
  list.forEach((img, k) => {
    const x0 = (k % cols) * (tw + padding), y0 = Math.floor(k / cols) * (th + padding);
    const toLevel = levels[k];
    for (let y = 0; y < h; y++) {
      for (let x = 0; x < w; x++) {
        for (let c = 0; c < channels; c++) {
          const src = layout === "planar" ? c * w * h + y * w + x : (y * w + x) * channels + c;
          const v = toLevel(img[src]);
          for (let dy = 0; dy < scale; dy++) {
            const rowStart = ((y0 + y * scale + dy) * W + x0 + x * scale) * channels + c;
            for (let dx = 0; dx < scale; dx++) out[rowStart + dx * channels] = v;
          }
        }
      }
    }
  });
  const png = encodePng(out, W, H, channels);
  const rowImages = labels === undefined ? undefined : Array.from({ length: gridRows }, (_, r) => {
    const y0 = r * (th + padding);
    return encodePng(out.subarray(y0 * W * channels, (y0 + th) * W * channels), W, th, channels);
  });
  const tiles = { count, cols, tileWidth: tw, tileHeight: th, padding };
  return new ImageGrid(png, tiles, labels, rowImages);
}

/** Width and height from the options, or a square image's side. */
function imageSize(values: number, channels: number, width?: number, height?: number): number[] {
  const pixels = values / channels;
  const w = width ?? (height !== undefined ? pixels / height : Math.sqrt(pixels));
  const h = height ?? pixels / w;
  if (!Number.isInteger(w) || !Number.isInteger(h) || w < 1 || h < 1 || w * h !== pixels) {
    throw new RangeError(
      `imageGrid: ${values} values do not make a ${width ?? "?"}×${height ?? "?"}×${channels} ` +
        `image; pass width and height`,
    );
  }
  return [w, h];
}

/** One value → level function per image, from the normalization mode. */
function levelMaps(
  list: readonly ArrayLike<number>[],
  normalize: Normalize,
): ((v: number) => number)[] {
  const ranges = list.map((img, k) => {
    let lo = Infinity, hi = -Infinity;
    for (let i = 0; i < img.length; i++) {
      const v = img[i];
      if (!Number.isFinite(v)) {
        throw new RangeError(`imageGrid: image ${k} value ${i} is ${v}, not a finite number`);
      }
      if (v < lo) lo = v;
      if (v > hi) hi = v;
    }
    return [lo, hi];
  });
  if (normalize === "none") {
    return list.map(() => (v) => Math.min(255, Math.max(0, Math.round(v))));
  }
  const global = [
    Math.min(...ranges.map((r) => r[0])),
    Math.max(...ranges.map((r) => r[1])),
  ];
  return ranges.map((own) => {
    const [lo, hi] = normalize === "each" ? own : global;
    // A constant image has no range to stretch: it shows black.
    return hi > lo ? (v) => Math.round((255 * (v - lo)) / (hi - lo)) : () => 0;
  });
}

function checkChoice<T>(name: string, value: T, allowed: readonly T[]): void {
  if (!allowed.includes(value)) {
    throw new RangeError(
      `imageGrid: ${name} must be one of ${allowed.map((a) => JSON.stringify(a)).join(", ")}, ` +
        `got ${JSON.stringify(value)}`,
    );
  }
}

function checkInteger(name: string, value: number, min: number): void {
  if (!Number.isInteger(value) || value < min) {
    throw new RangeError(`imageGrid: ${name} must be an integer ≥ ${min}, got ${value}`);
  }
}

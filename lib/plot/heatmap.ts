/**
 * A matrix as a PNG heatmap with a discrete colour ramp: a kNN distance matrix (one row per test
 * example), a loss surface over a grid of weights. The value range is cut into as many equal bins
 * as the ramp has colours, and entry (i, j) becomes a `scale`×`scale` block at row i, column j.
 * The notebook shows the image above a legend of the bins.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { decode } from "fast-png";
 * import { Matrix } from "../matrix.ts";
 * import { heatmap } from "./heatmap.ts";
 * const map = heatmap(Matrix.fromArray([[0, 1]]), { ramp: ["#000000", "#ffffff"] });
 * assert.deepEqual(Array.from(decode(map.bytes).data), [0, 0, 0, 255, 255, 255]);
 * ```
 * @module
 */
import { Matrix, shapeOf } from "../matrix.ts";
import { escapeHtml, JUPYTER_DISPLAY, type MimeBundle } from "./display.ts";
import { encodePng, PngImage } from "./png.ts";

/**
 * Built-in discrete ramps, low → high: `viridis` (sequential), `greys` (black → white) and `rdbu`
 * (diverging red → white → blue, for signed values such as weights or gradients).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { RAMPS } from "./heatmap.ts";
 * assert.equal(RAMPS.viridis.length, 9);
 * assert.equal(RAMPS.greys[0], "#000000");
 * ```
 */
export const RAMPS: Readonly<Record<"viridis" | "greys" | "rdbu", readonly string[]>> = {
  viridis: [
    "#440154",
    "#472d7b",
    "#3b528b",
    "#2c728e",
    "#21918c",
    "#28ae80",
    "#5ec962",
    "#addc30",
    "#fde725",
  ],
  greys: ["#000000", "#202020", "#404040", "#606060", "#808080", "#a0a0a0", "#c0c0c0", "#e0e0e0"]
    .concat(["#ffffff"]),
  rdbu: [
    "#b2182b",
    "#d6604d",
    "#f4a582",
    "#fddbc7",
    "#f7f7f7",
    "#d1e5f0",
    "#92c5de",
    "#4393c3",
    "#2166ac",
  ],
};

/**
 * Options of `heatmap`; every field has a default.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { Matrix } from "../matrix.ts";
 * import { heatmap, type HeatmapOptions } from "./heatmap.ts";
 * const options: HeatmapOptions = { ramp: "greys", domain: [0, 1], scale: 4, label: "loss" };
 * assert.equal(heatmap(Matrix.eye(3), options).width, 12);
 * ```
 */
export interface HeatmapOptions {
  /** A ramp name or colours as `#rrggbb`, low → high; one bin per colour (default `viridis`). */
  ramp?: keyof typeof RAMPS | readonly string[];
  /** Values mapped onto the ramp, `[low, high]` (default the matrix's min and max). */
  domain?: readonly [number, number];
  /** Pixels per entry, a positive integer (default 1). */
  scale?: number;
  /** A caption shown before the legend. */
  label?: string;
}

/**
 * A heatmap PNG with its bins; displays as HTML (image + legend) and as `image/png`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { Matrix } from "../matrix.ts";
 * import { heatmap } from "./heatmap.ts";
 * const map = heatmap(Matrix.fromArray([[0, 4], [8, 2]]), { ramp: "greys", scale: 3 });
 * assert.deepEqual([map.width, map.height], [6, 6]);
 * assert.deepEqual(map.domain, [0, 8]);
 * assert.equal(map.binOf(8), 8); // the top value falls in the last bin
 * ```
 */
export class Heatmap extends PngImage {
  /** The bin colours, low → high. */
  readonly colors: readonly string[];
  /** `[low, high]` of the ramp. */
  readonly domain: readonly [number, number];
  /** The caption, if any. */
  readonly label?: string;

  /** Built by `heatmap`. */
  constructor(png: PngImage, colors: readonly string[], domain: [number, number], label?: string) {
    super(png.bytes, png.width, png.height, png.channels);
    this.colors = colors;
    this.domain = domain;
    this.label = label;
  }

  /**
   * The bin (colour index) of a value: equal-width bins over the domain, clamped at the ends.
   *
   * @example
   * ```ts
   * import assert from "node:assert/strict";
   * import { Matrix } from "../matrix.ts";
   * import { heatmap } from "./heatmap.ts";
   * const map = heatmap(Matrix.fromArray([[0, 10]]), { ramp: ["#000000", "#808080", "#ffffff"] });
   * assert.deepEqual([map.binOf(0), map.binOf(5), map.binOf(10)], [0, 1, 2]); // 3 bins over [0, 10]
   * assert.deepEqual([map.binOf(-99), map.binOf(99)], [0, 2]); // clamped at the ends
   * ```
   */
  binOf(value: number): number {
    return binIndex(value, this.domain, this.colors.length);
  }

  /**
   * `image/png`, and `text/html` with the image above one swatch per bin and its value range.
   *
   * @example
   * ```ts
   * import assert from "node:assert/strict";
   * import { Matrix } from "../matrix.ts";
   * import { heatmap } from "./heatmap.ts";
   * import { JUPYTER_DISPLAY } from "./display.ts";
   * const map = heatmap(Matrix.fromArray([[0, 1]]), { ramp: ["#000000", "#ffffff"], label: "W" });
   * const bundle = map[JUPYTER_DISPLAY]();
   * assert.equal(bundle["text/plain"], "PNG 2×1 RGB heatmap, 2 bins over [0, 1]");
   * assert.equal(bundle["image/png"], map.base64());
   * assert.match(bundle["text/html"], /alt="W"/);
   * ```
   */
  override [JUPYTER_DISPLAY](): MimeBundle {
    const [lo, hi] = this.domain, k = this.colors.length;
    const edge = (b: number) => formatEdge(lo + ((hi - lo) * b) / k, hi - lo);
    const swatches = this.colors.map((c, b) =>
      `<span style="display:inline-block;text-align:center;margin-right:2px">` +
      `<span style="display:block;width:44px;height:10px;background:${c}"></span>` +
      `${edge(b)}–${edge(b + 1)}</span>`
    ).join("");
    const caption = this.label ? `<div>${escapeHtml(this.label)}</div>` : "";
    return {
      "image/png": this.base64(),
      "text/html": `<div>${this.imgTag(this.label ?? "heatmap")}${caption}` +
        `<div style="font:9px sans-serif">${swatches}</div></div>`,
      "text/plain": `${this.describe()} heatmap, ${k} bins over [${lo}, ${hi}]`,
    };
  }
}

/**
 * Draws a matrix as a heatmap PNG.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { decode } from "fast-png";
 * import { Matrix } from "../matrix.ts";
 * import { heatmap } from "./heatmap.ts";
 * const dists = Matrix.fromArray([[0, 5, 10]]);
 * const png = decode(heatmap(dists, { ramp: ["#ff0000", "#00ff00", "#0000ff"] }).bytes);
 * assert.deepEqual(Array.from(png.data), [255, 0, 0, 0, 255, 0, 0, 0, 255]);
 * assert.throws(() => heatmap(Matrix.fromArray([[NaN]])), /heatmap: entry \(0, 0\) is NaN/);
 * ```
 */
export function heatmap(M: Matrix, options: HeatmapOptions = {}): Heatmap {
  if (!(M instanceof Matrix)) throw new TypeError("heatmap: expected a Matrix");
  if (M.size === 0) throw new RangeError(`heatmap: matrix ${shapeOf(M)} is empty`);
  const { ramp = "viridis", scale = 1, label } = options;
  const colors = typeof ramp === "string" ? RAMPS[ramp] : ramp;
  if (!colors || colors.length === 0) {
    throw new RangeError(
      `heatmap: ramp must be one of ${Object.keys(RAMPS).join(", ")} or a list of colours, ` +
        `got ${JSON.stringify(ramp)}`,
    );
  }
  const rgb = colors.map(parseHexColor);
  if (!Number.isInteger(scale) || scale < 1) {
    throw new RangeError(`heatmap: scale must be an integer ≥ 1, got ${scale}`);
  }
  for (let i = 0; i < M.size; i++) {
    if (!Number.isFinite(M.data[i])) {
      const [r, c] = [Math.floor(i / M.cols), i % M.cols];
      throw new RangeError(`heatmap: entry (${r}, ${c}) is ${M.data[i]}, not a finite number`);
    }
  }
  const domain: [number, number] = options.domain ? [...options.domain] : [M.min(), M.max()];
  if (!(domain[1] >= domain[0])) {
    throw new RangeError(`heatmap: domain [${domain}] must be [low, high] with low ≤ high`);
  }

  const W = M.cols * scale, H = M.rows * scale;
  const out = new Uint8Array(W * H * 3);
  for (let i = 0; i < M.rows; i++) {
    for (let j = 0; j < M.cols; j++) {
      const color = rgb[binIndex(M.data[i * M.cols + j], domain, rgb.length)];
      for (let dy = 0; dy < scale; dy++) {
        for (let dx = 0; dx < scale; dx++) {
          out.set(color, ((i * scale + dy) * W + j * scale + dx) * 3);
        }
      }
    }
  }
  return new Heatmap(encodePng(out, W, H, 3), colors, domain, label);
}

/** Equal-width bins over [lo, hi]; values outside go to the end bins. */
function binIndex(value: number, [lo, hi]: readonly [number, number], k: number): number {
  if (!(hi > lo)) return 0;
  const bin = Math.floor(((value - lo) / (hi - lo)) * k);
  return Math.min(k - 1, Math.max(0, bin));
}

function parseHexColor(color: string): [number, number, number] {
  const m = /^#([0-9a-f]{2})([0-9a-f]{2})([0-9a-f]{2})$/i.exec(color);
  if (!m) throw new RangeError(`heatmap: colour ${JSON.stringify(color)} is not #rrggbb`);
  return [parseInt(m[1], 16), parseInt(m[2], 16), parseInt(m[3], 16)];
}

/** A bin edge to 3 significant digits; round-off residue (|x| ≪ span) shows as 0. */
function formatEdge(x: number, span: number): string {
  if (Math.abs(x) <= span * 1e-9) return "0";
  return Number.isInteger(x) ? String(x) : Number(x.toPrecision(3)).toString();
}

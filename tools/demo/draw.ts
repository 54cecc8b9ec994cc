/// <reference lib="dom" />
/**
 * Canvas drawing of the interactive demo (browser only): the data plane — class regions, each
 * classifier's zero line with its normal, the points — and the loss-surface panel with the
 * optimizer's path. Only pixels here; every number drawn comes from `model.ts`, i.e. the library.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { View } from "./draw.ts";
 * const view = new View(-2, 2, 400);
 * assert.deepEqual(view.toPixel(0, 0), [200, 200]);
 * assert.deepEqual(view.toData(400, 0), [2, 2]);
 * ```
 * @module
 */
import type { Matrix } from "../../lib/matrix.ts";
import type { Point } from "./data.ts";

/**
 * Class colours (red, green, blue as on CS231n's page, from a colour-blind-safe palette) and the
 * marker shape of each class, so the classes differ by more than colour.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { CLASS_STYLE } from "./draw.ts";
 * assert.equal(CLASS_STYLE.length, 3);
 * ```
 */
export const CLASS_STYLE: readonly {
  color: string;
  tint: [number, number, number];
  shape: string;
}[] = [
  { color: "#c0392b", tint: [250, 205, 200], shape: "circle" },
  { color: "#1e8449", tint: [200, 236, 208], shape: "square" },
  { color: "#1f5fa8", tint: [203, 220, 245], shape: "triangle" },
];

/**
 * A square view of the data plane, [lo, hi]² onto a canvas of `size` CSS pixels (y up).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { View } from "./draw.ts";
 * const v = new View(-1, 1, 100);
 * assert.deepEqual(v.toPixel(1, 1), [100, 0]);
 * ```
 */
export class View {
  /** The data range shown on both axes. */
  readonly lo: number;
  readonly hi: number;
  /** The canvas size in CSS pixels. */
  readonly size: number;
  /** [lo, hi]² onto a size×size canvas. */
  constructor(lo: number, hi: number, size: number) {
    this.lo = lo;
    this.hi = hi;
    this.size = size;
  }
  /** Data → CSS pixels. */
  toPixel(x: number, y: number): [number, number] {
    const k = this.size / (this.hi - this.lo);
    return [(x - this.lo) * k, (this.hi - y) * k];
  }
  /** CSS pixels → data. */
  toData(px: number, py: number): [number, number] {
    const k = (this.hi - this.lo) / this.size;
    return [this.lo + px * k, this.hi - py * k];
  }
  /** The centres of an n×n grid of cells over the view, row by row from the top: n² × 2. */
  grid(n: number): number[][] {
    const out: number[][] = [];
    const step = (this.hi - this.lo) / n;
    for (let r = 0; r < n; r++) {
      for (let c = 0; c < n; c++) {
        out.push([this.lo + (c + 0.5) * step, this.hi - (r + 0.5) * step]);
      }
    }
    return out;
  }
}

/** Canvas widths in CSS pixels, kept by a ResizeObserver (reading `clientWidth` forces a layout). */
const widths = new WeakMap<Element, number>();
let observer: ResizeObserver | undefined;

/**
 * The CSS width of `canvas`: measured once, then kept up to date by a ResizeObserver, which calls
 * `onResize` after a change.
 */
export function canvasWidth(canvas: HTMLCanvasElement, onResize: () => void): number {
  observer ??= new ResizeObserver((entries) => {
    let changed = false;
    for (const e of entries) {
      changed ||= widths.get(e.target) !== e.contentRect.width;
      widths.set(e.target, e.contentRect.width);
    }
    if (changed) onResize();
  });
  if (!widths.has(canvas)) {
    widths.set(canvas, canvas.clientWidth || 300);
    observer.observe(canvas);
  }
  return widths.get(canvas) || 300;
}

/**
 * Resizes a canvas's backing store to `width` CSS pixels (and width / `aspect`) times the device
 * pixel ratio, and returns its context scaled to CSS pixels.
 */
export function fitCanvas(
  canvas: HTMLCanvasElement,
  width: number,
  aspect = 1,
): CanvasRenderingContext2D {
  const dpr = globalThis.devicePixelRatio || 1;
  if (canvas.width !== Math.round(width * dpr)) {
    canvas.width = Math.round(width * dpr);
    canvas.height = Math.round((width / aspect) * dpr);
  }
  const ctx = canvas.getContext("2d")!;
  ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
  return ctx;
}

/** Everything the data plane shows. */
export interface Scene {
  /** The class of each grid cell (n×n, row by row from the top). */
  regions: Int32Array;
  /** The points. */
  points: readonly Point[];
  /** The linear classifier's parameters (3×3 layout of model.ts), or null in the net mode. */
  params: Matrix | null;
  /** The selected point (keyboard), or -1. */
  selected: number;
}

/** Draws the data plane: regions, axes, zero lines with normals, points. */
export function drawScene(ctx: CanvasRenderingContext2D, view: View, scene: Scene): void {
  const n = Math.round(Math.sqrt(scene.regions.length));
  const img = new ImageData(n, n);
  scene.regions.forEach((c, i) => img.data.set([...CLASS_STYLE[c].tint, 255], 4 * i));
  const tile = document.createElement("canvas");
  tile.width = tile.height = n;
  tile.getContext("2d")!.putImageData(img, 0, 0);
  ctx.imageSmoothingEnabled = false;
  ctx.drawImage(tile, 0, 0, view.size, view.size);
  // Axes and a grid every 1 unit.
  ctx.lineWidth = 1;
  for (let v = Math.ceil(view.lo); v <= view.hi; v++) {
    ctx.strokeStyle = v === 0 ? "rgba(0,0,0,0.45)" : "rgba(0,0,0,0.12)";
    const [px] = view.toPixel(v, 0), [, py] = view.toPixel(0, v);
    line(ctx, px, 0, px, view.size);
    line(ctx, 0, py, view.size, py);
  }
  if (scene.params) drawZeroLines(ctx, view, scene.params);
  scene.points.forEach((p, i) => drawPoint(ctx, view, p, i === scene.selected));
}

/** Each class's line W[c]·x + b[c] = 0 and, from its point nearest the origin, the normal W[c]. */
function drawZeroLines(ctx: CanvasRenderingContext2D, view: View, P: Matrix): void {
  for (let c = 0; c < 3; c++) {
    const w0 = P.get(0, c), w1 = P.get(1, c), b = P.get(2, c), nn = w0 * w0 + w1 * w1;
    if (!(nn > 1e-12)) continue;
    const ends: [number, number][] = Math.abs(w1) > Math.abs(w0)
      ? [view.lo, view.hi].map((x) => [x, -(b + w0 * x) / w1] as [number, number])
      : [view.lo, view.hi].map((y) => [-(b + w1 * y) / w0, y] as [number, number]);
    ctx.strokeStyle = CLASS_STYLE[c].color;
    ctx.lineWidth = 2;
    const [a, z] = ends.map(([x, y]) => view.toPixel(x, y));
    line(ctx, a[0], a[1], z[0], z[1]);
    // The normal: from the foot of the perpendicular from the origin, along W[c], 0.35 units long.
    const fx = (-b * w0) / nn, fy = (-b * w1) / nn, len = 0.35 / Math.sqrt(nn);
    const [p0, p1] = [view.toPixel(fx, fy), view.toPixel(fx + w0 * len, fy + w1 * len)];
    line(ctx, p0[0], p0[1], p1[0], p1[1]);
    ctx.beginPath();
    ctx.arc(p1[0], p1[1], 3, 0, 2 * Math.PI);
    ctx.fillStyle = CLASS_STYLE[c].color;
    ctx.fill();
  }
}

function drawPoint(ctx: CanvasRenderingContext2D, view: View, p: Point, selected: boolean): void {
  const [px, py] = view.toPixel(p.x, p.y), r = 6;
  const style = CLASS_STYLE[p.label];
  ctx.beginPath();
  if (style.shape === "circle") ctx.arc(px, py, r, 0, 2 * Math.PI);
  else if (style.shape === "square") ctx.rect(px - r * 0.9, py - r * 0.9, 1.8 * r, 1.8 * r);
  else {
    ctx.moveTo(px, py - r * 1.15);
    ctx.lineTo(px + r, py + r * 0.75);
    ctx.lineTo(px - r, py + r * 0.75);
    ctx.closePath();
  }
  ctx.fillStyle = style.color;
  ctx.fill();
  ctx.lineWidth = 1.5;
  ctx.strokeStyle = "#fff";
  ctx.stroke();
  if (selected) {
    ctx.beginPath();
    ctx.arc(px, py, r + 5, 0, 2 * Math.PI);
    ctx.lineWidth = 2.5;
    ctx.strokeStyle = "#111";
    ctx.stroke();
  }
}

function line(ctx: CanvasRenderingContext2D, x0: number, y0: number, x1: number, y1: number) {
  ctx.beginPath();
  ctx.moveTo(x0, y0);
  ctx.lineTo(x1, y1);
  ctx.stroke();
}

/** Stops of the viridis colour map, low loss dark, high loss bright. */
const VIRIDIS = [[68, 1, 84], [59, 82, 139], [33, 145, 140], [94, 201, 98], [253, 231, 37]];

function viridis(t: number): [number, number, number] {
  const x = Math.min(Math.max(t, 0), 1) * (VIRIDIS.length - 1), i = Math.min(Math.floor(x), 3);
  const f = x - i;
  return [0, 1, 2].map((k) => Math.round(VIRIDIS[i][k] * (1 - f) + VIRIDIS[i + 1][k] * f)) as [
    number,
    number,
    number,
  ];
}

/** What the loss-surface panel shows. */
export interface Surface {
  /** Loss at (as[i], bs[j]) in `values[i * n + j]`, n = as.length = bs.length. */
  values: Float64Array;
  /** Grid of parameter a (horizontal) and b (vertical), increasing. */
  as: readonly number[];
  bs: readonly number[];
  /** Names of the two parameters. */
  labels: [string, string];
  /** The optimizer's path in (a, b), oldest first; the last entry is the current value. */
  path: readonly [number, number][];
}

/** Draws the loss surface (log-scaled colours), its axes and the optimizer's path. */
export function drawSurface(ctx: CanvasRenderingContext2D, size: number, s: Surface): void {
  const n = s.as.length, pad = 28, inner = size - pad;
  let lo = Infinity, hi = -Infinity;
  for (const v of s.values) [lo, hi] = [Math.min(lo, v), Math.max(hi, v)];
  const img = new ImageData(n, n), span = Math.log1p(hi - lo) || 1;
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      const t = Math.log1p(s.values[i * n + j] - lo) / span;
      img.data.set([...viridis(t), 255], 4 * ((n - 1 - j) * n + i)); // a → right, b → up
    }
  }
  const tile = document.createElement("canvas");
  tile.width = tile.height = n;
  tile.getContext("2d")!.putImageData(img, 0, 0);
  ctx.clearRect(0, 0, size, size);
  ctx.imageSmoothingEnabled = true;
  ctx.drawImage(tile, pad, 0, inner, inner);
  const [a0, a1, b0, b1] = [s.as[0], s.as[n - 1], s.bs[0], s.bs[n - 1]];
  const px = (a: number) => pad + ((a - a0) / (a1 - a0)) * inner;
  const py = (b: number) => inner - ((b - b0) / (b1 - b0)) * inner;
  ctx.fillStyle = "#222";
  ctx.font = "12px system-ui, sans-serif";
  ctx.textAlign = "center";
  ctx.fillText(`${s.labels[0]}: ${a0.toFixed(1)} … ${a1.toFixed(1)}`, pad + inner / 2, size - 8);
  ctx.save();
  ctx.translate(14, inner / 2);
  ctx.rotate(-Math.PI / 2);
  ctx.fillText(`${s.labels[1]}: ${b0.toFixed(1)} … ${b1.toFixed(1)}`, 0, 0);
  ctx.restore();
  ctx.save();
  ctx.beginPath();
  ctx.rect(pad, 0, inner, inner);
  ctx.clip();
  ctx.strokeStyle = "#fff";
  ctx.lineWidth = 2;
  ctx.beginPath();
  s.path.forEach(([a, b], k) => (k === 0 ? ctx.moveTo(px(a), py(b)) : ctx.lineTo(px(a), py(b))));
  ctx.stroke();
  const [ca, cb] = s.path[s.path.length - 1];
  ctx.beginPath();
  ctx.arc(px(ca), py(cb), 5, 0, 2 * Math.PI);
  ctx.fillStyle = "#e8402c";
  ctx.fill();
  ctx.strokeStyle = "#fff";
  ctx.stroke();
  ctx.restore();
}

/** Draws the total loss over the steps taken so far (a small line chart). */
export function drawHistory(
  ctx: CanvasRenderingContext2D,
  width: number,
  height: number,
  history: readonly number[],
): void {
  ctx.clearRect(0, 0, width, height);
  ctx.strokeStyle = "#bbb";
  ctx.lineWidth = 1;
  line(ctx, 0, height - 0.5, width, height - 0.5);
  if (history.length < 2) return;
  const hi = Math.max(...history), lo = Math.min(0, ...history);
  ctx.strokeStyle = "#1f5fa8";
  ctx.lineWidth = 2;
  ctx.beginPath();
  history.forEach((v, k) => {
    const x = (k / (history.length - 1)) * width,
      y = height - 2 - ((v - lo) / (hi - lo || 1)) * (height - 6);
    if (k === 0) ctx.moveTo(x, y);
    else ctx.lineTo(x, y);
  });
  ctx.stroke();
}

/**
 * Pictures of 2-D classifiers: the class a model predicts at every point of the plane (decision
 * regions), and a linear classifier's lines s_j(x) = 0 with its weight vectors. The lessons call
 * these so a chart cell shows the idea, not the grid bookkeeping.
 *
 * ```ts ignore
 * import { decisionRegions, show } from "lib/plot/mod.ts";
 * await show(decisionRegions((G) => net.predict(G), { X, y }, { domain: [-1, 1], title: "ReLU net" }));
 * ```
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { Matrix } from "../matrix.ts";
 * import { regionRects } from "./regions.ts";
 * // Class 1 right of x₁ = 0, class 0 left of it: each grid row is two runs, so two rectangles.
 * const rects = regionRects((G) => Array.from({ length: G.rows }, (_, i) => +(G.get(i, 0) > 0)), {
 *   domain: [-1, 1],
 *   resolution: 4,
 * });
 * assert.equal(rects.length, 2 * 4);
 * assert.deepEqual([rects[0].x1, rects[0].x2, rects[0].label], [-1, 0, 0]);
 * ```
 * @module
 */
import * as Plot from "@observablehq/plot";
import { Matrix } from "../matrix.ts";
import { type Chart, plot } from "./chart.ts";
import type { Markish } from "./document.ts";

/**
 * Where to look: the square `domain` × `domain` of the plane, cut into `resolution` × `resolution`
 * cells; `labels` names the classes (label j is drawn as `labels[j]`); `panel`, when given, is
 * copied into every record so several pictures can share one chart with `fx: "panel"`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import type { RegionOptions } from "./regions.ts";
 * const o: RegionOptions = { domain: [-4, 4], resolution: 120, labels: ["a", "b"], panel: "k = 1" };
 * assert.equal(o.resolution, 120);
 * ```
 */
export interface RegionOptions {
  /** [low, high] of both axes. */
  domain: readonly [number, number];
  /** Cells per side (default 100). */
  resolution?: number;
  /** Class names by label; without them the label numbers are drawn. */
  labels?: readonly string[];
  /** A panel name copied into every record (facet with `fx: "panel"`). */
  panel?: string;
}

/**
 * One rectangle of a decision region: a run of grid cells along one row with the same predicted
 * class.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import type { RegionRect } from "./regions.ts";
 * const r: RegionRect = { x1: 0, x2: 1, y1: 0, y2: 0.1, label: "cat", panel: "" };
 * assert.equal(r.x2 - r.x1, 1);
 * ```
 */
export interface RegionRect {
  /** Left edge. */
  x1: number;
  /** Right edge. */
  x2: number;
  /** Bottom edge. */
  y1: number;
  /** Top edge. */
  y2: number;
  /** The predicted class (its name, or its number without `labels`). */
  label: string | number;
  /** The panel name ("" without one). */
  panel: string;
}

/**
 * The centres of a `resolution` × `resolution` grid over `domain`², one point per row of an
 * (n²×2) Matrix: row r (from the bottom), column c → point r·n + c = (x₁, x₂).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { planeGrid } from "./regions.ts";
 * assert.deepEqual(planeGrid([0, 2], 2).toArray(), [[0.5, 0.5], [1.5, 0.5], [0.5, 1.5], [1.5, 1.5]]);
 * ```
 */
export function planeGrid(domain: readonly [number, number], resolution = 100): Matrix {
  checkGrid("planeGrid", domain, resolution);
  const [lo, hi] = domain, n = resolution, cell = (hi - lo) / n;
  const grid = new Matrix(n * n, 2);
  for (let r = 0; r < n; r++) {
    for (let c = 0; c < n; c++) {
      grid.data[2 * (r * n + c)] = lo + (c + 0.5) * cell;
      grid.data[2 * (r * n + c) + 1] = lo + (r + 0.5) * cell;
    }
  }
  return grid;
}

/**
 * The decision regions of `predict` (one class per row of an n²×2 Matrix of points) as
 * rectangles, one per run of equal predictions along a grid row: far fewer SVG elements than
 * one per cell. Draw them with `Plot.rect(rects, { x1: "x1", x2: "x2", y1: "y1", y2: "y2",
 * fill: "label" })`. Throws when `predict` returns the wrong number of labels.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { regionRects } from "./regions.ts";
 * const one = regionRects(() => new Int32Array(9), { domain: [0, 3], resolution: 3, labels: ["a"] });
 * assert.deepEqual(one.map((r) => [r.y1, r.y2, r.label]), [[0, 1, "a"], [1, 2, "a"], [2, 3, "a"]]);
 * assert.throws(() => regionRects(() => [0], { domain: [0, 1], resolution: 2 }), /returned 1 labels for 4 points/);
 * ```
 */
export function regionRects(
  predict: (grid: Matrix) => ArrayLike<number>,
  { domain, resolution = 100, labels, panel = "" }: RegionOptions,
): RegionRect[] {
  const grid = planeGrid(domain, resolution);
  const pred = predict(grid);
  if (pred?.length !== grid.rows) {
    throw new RangeError(
      `regionRects: predict returned ${pred?.length} labels for ${grid.rows} points (${resolution}×${resolution} grid)`,
    );
  }
  const [lo, hi] = domain, n = resolution, cell = (hi - lo) / n;
  const rects: RegionRect[] = [];
  for (let r = 0; r < n; r++) {
    let start = 0;
    for (let c = 1; c <= n; c++) {
      if (c < n && pred[r * n + c] === pred[r * n + start]) continue;
      const cls = pred[r * n + start];
      rects.push({
        x1: lo + start * cell,
        x2: lo + c * cell,
        y1: lo + r * cell,
        y2: lo + (r + 1) * cell,
        label: labels ? labels[cls] : cls,
        panel,
      });
      start = c;
    }
  }
  return rects;
}

/**
 * A linear classifier's picture on 2-D points, for W (3×C: rows w₁, w₂, bias — the bias trick):
 * for each class j the line s_j(x) = w₁x₁ + w₂x₂ + b = 0 (two points far apart along it; draw
 * with `Plot.line(lines, { x: "x", y: "y", z: "label", clip: true })`) and an arrow of length 1
 * from the line's point nearest the origin along (w₁, w₂), the direction in which the score rises.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { Matrix } from "../matrix.ts";
 * import { zeroLines } from "./regions.ts";
 * // s(x) = x₁ − 1: the line x₁ = 1, the arrow from (1, 0) to (2, 0).
 * const { lines, arrows } = zeroLines(Matrix.fromArray([[1], [0], [-1]]), { labels: ["cat"] });
 * assert.deepEqual([arrows[0].x1, arrows[0].y1, arrows[0].x2, arrows[0].y2], [1, 0, 2, 0]);
 * assert.deepEqual(lines.map((p) => p.x), [1, 1]);
 * ```
 */
export function zeroLines(
  W: Matrix,
  { labels, panel = "", length = 20 }: {
    labels?: readonly string[];
    panel?: string;
    length?: number;
  } = {},
): {
  lines: { x: number; y: number; label: string | number; panel: string }[];
  arrows: {
    x1: number;
    y1: number;
    x2: number;
    y2: number;
    label: string | number;
    panel: string;
  }[];
} {
  if (!(W instanceof Matrix) || W.rows !== 3) {
    throw new RangeError(
      `zeroLines: W must be 3×C (rows w₁, w₂, bias), got ${
        W instanceof Matrix ? `${W.rows}×${W.cols}` : typeof W
      }`,
    );
  }
  const lines = [], arrows = [];
  for (let j = 0; j < W.cols; j++) {
    const [w1, w2, b] = [W.get(0, j), W.get(1, j), W.get(2, j)];
    const label = labels ? labels[j] : j;
    const norm = Math.hypot(w1, w2);
    if (norm === 0) continue; // a constant score has no line
    const [px, py] = [(-b * w1) / norm ** 2, (-b * w2) / norm ** 2]; // the line's point nearest 0
    const [dx, dy] = [-w2 / norm, w1 / norm]; // along the line
    lines.push(
      { x: px - length * dx, y: py - length * dy, label, panel },
      { x: px + length * dx, y: py + length * dy, label, panel },
    );
    arrows.push({ x1: px, y1: py, x2: px + w1 / norm, y2: py + w2 / norm, label, panel });
  }
  return { lines, arrows };
}

/**
 * Options of `decisionRegions`: where to look and how to draw.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import type { DecisionRegionsOptions } from "./regions.ts";
 * const o: DecisionRegionsOptions = { domain: [-1, 1], title: "1-NN", colors: ["red", "blue"] };
 * assert.equal(o.title, "1-NN");
 * ```
 */
export interface DecisionRegionsOptions extends Omit<RegionOptions, "panel"> {
  /** Chart title. */
  title?: string;
  /** Width and height in pixels (default 440 × 440). */
  width?: number;
  /** Height in pixels (default: the width). */
  height?: number;
  /** One colour per class (default: Plot's categorical scheme). */
  colors?: readonly string[];
  /** Opacity of the regions (default 0.3). */
  opacity?: number;
  /** More marks drawn on top (e.g. a linear classifier's `zeroLines`). */
  marks?: Markish[];
}

/**
 * One chart: the regions `predict` assigns to every point of `domain`², with the labelled points
 * `data` on top (X: N×2, y: N labels). `predict` gets an n²×2 Matrix of points (append a column of
 * ones inside it for a bias-trick W).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { Matrix } from "../matrix.ts";
 * import { decisionRegions } from "./regions.ts";
 * const X = Matrix.fromArray([[-0.5, 0], [0.5, 0]]), y = [0, 1];
 * const chart = decisionRegions((G) => Array.from({ length: G.rows }, (_, i) => +(G.get(i, 0) > 0)), { X, y }, {
 *   domain: [-1, 1],
 *   resolution: 10,
 *   labels: ["left", "right"],
 * });
 * assert.equal(chart.markup.match(/<rect/g)!.length >= 20, true); // 2 runs × 10 rows
 * assert.equal(chart.markup.match(/<circle/g)!.length, 2);
 * ```
 */
export function decisionRegions(
  predict: (grid: Matrix) => ArrayLike<number>,
  data: { X: Matrix; y: ArrayLike<number> },
  options: DecisionRegionsOptions,
): Chart {
  const { X, y } = data;
  if (!(X instanceof Matrix) || X.cols !== 2 || y?.length !== X.rows) {
    throw new RangeError(
      `decisionRegions: data must be X (N×2) and N labels, got X ${
        X instanceof Matrix ? `${X.rows}×${X.cols}` : typeof X
      } and ${y?.length} labels`,
    );
  }
  const { domain, labels, title, width = 440, height = width, colors, opacity = 0.3, marks = [] } =
    options;
  const name = (j: number) => (labels ? labels[j] : j);
  const points = Array.from(
    y,
    (label, i) => ({ x: X.get(i, 0), y: X.get(i, 1), label: name(label) }),
  );
  return plot({
    title,
    width,
    height,
    x: { domain: [...domain], label: "x₁" },
    y: { domain: [...domain], label: "x₂" },
    color: {
      type: "categorical",
      legend: true,
      ...(labels ? { domain: [...labels] } : {}),
      ...(colors ? { range: [...colors] } : {}),
    },
    marks: [
      Plot.rect(regionRects(predict, options), {
        x1: "x1",
        x2: "x2",
        y1: "y1",
        y2: "y2",
        fill: "label",
        fillOpacity: opacity,
        shapeRendering: "crispEdges",
      }),
      Plot.dot(points, {
        x: "x",
        y: "y",
        fill: "label",
        stroke: "white",
        strokeWidth: 0.6,
        r: 3.5,
      }),
      ...marks,
    ],
  });
}

function checkGrid(op: string, domain: readonly [number, number], resolution: number): void {
  if (!Array.isArray(domain) || domain.length !== 2 || !(domain[0] < domain[1])) {
    throw new RangeError(
      `${op}: domain must be [low, high] with low < high, got ${JSON.stringify(domain)}`,
    );
  }
  if (!Number.isInteger(resolution) || resolution < 1) {
    throw new RangeError(`${op}: resolution must be an integer ≥ 1, got ${resolution}`);
  }
}

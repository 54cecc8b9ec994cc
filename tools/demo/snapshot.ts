/**
 * A still picture of the demo's starting state (CS231n's nine points and W, b) as SVG: what a
 * notebook shows where the live page cannot run (an untrusted notebook, whose HTML outputs lose
 * their scripts and iframes). Regions and scores come from the library via `model.ts`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { snapshotSvg } from "./snapshot.ts";
 * const svg = snapshotSvg();
 * assert.match(svg, /^<svg[^>]+viewBox="0 0 360 360"/);
 * assert.equal(svg.match(/<circle|<rect class="pt"|<polygon/g)?.length, 9); // the nine points
 * ```
 * @module
 */
import { Matrix } from "../../lib/matrix.ts";
import { linearRegions, PRESETS } from "./model.ts";

const COLORS = ["#c0392b", "#1e8449", "#1f5fa8"];
const TINTS = ["#facdc8", "#c8ecd0", "#cbdcf5"];

/**
 * The SVG (size×size pixels) of the CS231n preset: class regions on an n×n grid, the three zero
 * lines, the points with one marker shape per class, the view [-1.5, 1.5]² as on the page.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { snapshotSvg } from "./snapshot.ts";
 * assert.match(snapshotSvg({ size: 200 }), /width="200"/);
 * ```
 */
export function snapshotSvg({ size = 360, n = 36 }: { size?: number; n?: number } = {}): string {
  const { points, params: P } = PRESETS.cs231n.make(0);
  const lo = -1.5, hi = 1.5, k = size / (hi - lo); // the live page's view
  const px = (x: number) => ((x - lo) * k).toFixed(1),
    py = (y: number) => ((hi - y) * k).toFixed(1);
  const cell = (hi - lo) / n;
  const centers: number[][] = [];
  for (let r = 0; r < n; r++) {
    for (let c = 0; c < n; c++) centers.push([lo + (c + 0.5) * cell, hi - (r + 0.5) * cell]);
  }
  const regions = linearRegions(Matrix.fromArray(centers), P);
  const rects = Array.from(regions, (cls, i) => {
    const [x, y] = centers[i];
    return `<rect x="${px(x - cell / 2)}" y="${py(y + cell / 2)}" width="${
      (cell * k).toFixed(1)
    }" ` +
      `height="${(cell * k).toFixed(1)}" fill="${TINTS[cls]}"/>`;
  });
  const lines = [0, 1, 2].map((c) => {
    const w0 = P.get(0, c), w1 = P.get(1, c), b = P.get(2, c);
    const ends = Math.abs(w1) > Math.abs(w0)
      ? [lo, hi].map((x) => [x, -(b + w0 * x) / w1])
      : [lo, hi].map((y) => [-(b + w1 * y) / w0, y]);
    return `<line x1="${px(ends[0][0])}" y1="${py(ends[0][1])}" x2="${px(ends[1][0])}" ` +
      `y2="${py(ends[1][1])}" stroke="${COLORS[c]}" stroke-width="2"/>`;
  });
  const marks = points.map(({ x, y, label }) => {
    const [cx, cy] = [Number(px(x)), Number(py(y))], fill = `fill="${COLORS[label]}" stroke="#fff"`;
    if (label === 0) return `<circle cx="${cx}" cy="${cy}" r="6" ${fill}/>`;
    if (label === 1) {
      return `<rect class="pt" x="${cx - 5}" y="${cy - 5}" width="10" height="10" ${fill}/>`;
    }
    return `<polygon points="${cx},${cy - 7} ${cx + 6},${cy + 5} ${cx - 6},${cy + 5}" ${fill}/>`;
  });
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${size}" height="${size}" ` +
    `viewBox="0 0 ${size} ${size}"><g shape-rendering="crispEdges">${rects.join("")}</g>` +
    `<line x1="${px(0)}" y1="0" x2="${px(0)}" y2="${size}" stroke="#0006"/>` +
    `<line x1="0" y1="${py(0)}" x2="${size}" y2="${py(0)}" stroke="#0006"/>` +
    `${lines.join("")}${marks.join("")}</svg>`;
}

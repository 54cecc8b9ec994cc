/** lib/plot/regions.ts: decision regions, zero lines and the grid behind them. */
import assert from "node:assert/strict";
import { Matrix } from "../lib/matrix.ts";
import { decisionRegions, planeGrid, regionRects, zeroLines } from "../lib/plot/regions.ts";

/** The nearest of three centres: a Voronoi diagram with known regions. */
const centres = [[-1, -1], [1, -1], [0, 1]];
const nearest = (G: Matrix) =>
  Array.from({ length: G.rows }, (_, i) => {
    const d = centres.map(([a, b]) => (G.get(i, 0) - a) ** 2 + (G.get(i, 1) - b) ** 2);
    return d.indexOf(Math.min(...d));
  });

Deno.test("regionRects: the rectangles tile the square exactly once, each with its cell's class", () => {
  const n = 40, rects = regionRects(nearest, { domain: [-2, 2], resolution: n });
  const area = rects.reduce((s, r) => s + (r.x2 - r.x1) * (r.y2 - r.y1), 0);
  assert.ok(Math.abs(area - 16) < 1e-9, `area ${area}`);
  const grid = planeGrid([-2, 2], n), pred = nearest(grid);
  for (let i = 0; i < grid.rows; i++) {
    const [x, y] = [grid.get(i, 0), grid.get(i, 1)];
    const hits = rects.filter((r) => r.x1 < x && x < r.x2 && r.y1 < y && y < r.y2);
    assert.equal(hits.length, 1);
    assert.equal(hits[0].label, pred[i]);
  }
  // Runs: no two neighbouring rectangles on a row have the same class.
  for (let k = 1; k < rects.length; k++) {
    if (rects[k].y1 === rects[k - 1].y1) assert.notEqual(rects[k].label, rects[k - 1].label);
  }
});

Deno.test("regionRects: labels name the classes and panel tags every record", () => {
  const rects = regionRects(nearest, {
    domain: [-2, 2],
    resolution: 8,
    labels: ["a", "b", "c"],
    panel: "k = 1",
  });
  assert.deepEqual([...new Set(rects.map((r) => r.label))].sort(), ["a", "b", "c"]);
  assert.ok(rects.every((r) => r.panel === "k = 1"));
});

Deno.test("planeGrid and regionRects refuse bad grids and predictions, naming the problem", () => {
  assert.throws(
    () => planeGrid([1, 1], 10),
    /domain must be \[low, high\] with low < high, got \[1,1\]/,
  );
  assert.throws(() => planeGrid([0, 1], 0), /resolution must be an integer ≥ 1, got 0/);
  assert.throws(
    () => regionRects(() => [0, 1], { domain: [0, 1], resolution: 3 }),
    /predict returned 2 labels for 9 points \(3×3 grid\)/,
  );
});

Deno.test("zeroLines: each line is where the score is 0, each arrow points up the score", () => {
  const W = Matrix.fromArray([[2, 0, 0], [1, -3, 0], [-4, 3, 5]]); // three classes; the last has w = 0
  const { lines, arrows } = zeroLines(W, { labels: ["p", "q", "r"] });
  assert.equal(arrows.length, 2); // class r has no line: its score is constant
  for (const [j, a] of arrows.entries()) {
    const score = (x: number, y: number) => W.get(0, j) * x + W.get(1, j) * y + W.get(2, j);
    assert.ok(Math.abs(score(a.x1, a.y1)) < 1e-12);
    assert.ok(Math.abs(score(lines[2 * j].x, lines[2 * j].y)) < 1e-9);
    assert.ok(Math.abs(score(lines[2 * j + 1].x, lines[2 * j + 1].y)) < 1e-9);
    assert.ok(Math.abs(Math.hypot(a.x2 - a.x1, a.y2 - a.y1) - 1) < 1e-12); // unit length
    assert.ok(score(a.x2, a.y2) > 0); // the arrow points to where the score rises
  }
  assert.throws(
    () => zeroLines(Matrix.zeros(2, 3)),
    /W must be 3×C \(rows w₁, w₂, bias\), got 2×3/,
  );
});

Deno.test("decisionRegions: regions, points and extra marks in one chart; bad data named", () => {
  const X = Matrix.fromArray(centres), y = [0, 1, 2];
  const chart = decisionRegions(nearest, { X, y }, {
    domain: [-2, 2],
    resolution: 20,
    labels: ["a", "b", "c"],
    colors: ["#111111", "#222222", "#333333"],
    title: "Three centres",
  });
  assert.equal(chart.markup.match(/<circle/g)?.length, 3);
  assert.match(chart.markup, /Three centres/);
  for (const c of ["#111111", "#222222", "#333333"]) assert.ok(chart.markup.includes(c), c);
  assert.throws(
    () => decisionRegions(nearest, { X: Matrix.zeros(3, 3), y }, { domain: [-1, 1] }),
    /data must be X \(N×2\) and N labels, got X 3×3 and 3 labels/,
  );
});

/**
 * Computational graphs as the lecture draws them: values and operations as labelled nodes, arrows
 * from inputs to outputs, the forward value above each arrow and the gradient flowing back below
 * it. The lessons use it to draw the derivations (softmax gradient, the two-layer backward pass)
 * next to the numbers they compute.
 *
 * ```ts ignore
 * import { computationalGraph, show } from "lib/plot/mod.ts";
 * await show(computationalGraph({ nodes, edges, title: "f = (x + y) · z" }));
 * ```
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { computationalGraph } from "./graph.ts";
 * const chart = computationalGraph({
 *   nodes: [
 *     { id: "x", label: "x", col: 0, row: 0 },
 *     { id: "sq", label: "·²", col: 1, row: 0, op: true },
 *     { id: "f", label: "f", col: 2, row: 0 },
 *   ],
 *   edges: [
 *     { from: "x", to: "sq", forward: "3", backward: "6" },
 *     { from: "sq", to: "f", forward: "9", backward: "1" },
 *   ],
 * });
 * assert.match(chart.markup, /·²/);
 * assert.match(chart.markup, />6</); // the gradient ∂f/∂x = 2x = 6 under the first arrow
 * ```
 * @module
 */
import * as Plot from "@observablehq/plot";
import { type Chart, plot } from "./chart.ts";

/**
 * One node of a computational graph: a value (an input, a parameter, an intermediate, the loss) or
 * an operation (`op: true`, drawn as a filled circle). `col` and `row` place it on a grid: inputs
 * on the left, the loss on the right.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import type { GraphNode } from "./graph.ts";
 * const n: GraphNode = { id: "W1", label: "W₁ (D×H)", col: 0, row: 1 };
 * assert.equal(n.col, 0);
 * ```
 */
export interface GraphNode {
  /** A unique name that edges refer to. */
  id: string;
  /** The text drawn at the node (may include shapes, e.g. "h (N×H)"). */
  label: string;
  /** Column, 0 = leftmost. */
  col: number;
  /** Row, 0 = top. */
  row: number;
  /** True for an operation (·, +, max(0, ·), softmax …), false or absent for a value. */
  op?: boolean;
}

/**
 * An arrow from one node to another, with optional labels: the forward value (drawn above, in
 * green) and the gradient of the loss with respect to it (drawn below, in red).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import type { GraphEdge } from "./graph.ts";
 * const e: GraphEdge = { from: "s", to: "L", forward: "s", backward: "p − 1[y]" };
 * assert.equal(e.to, "L");
 * ```
 */
export interface GraphEdge {
  /** The id of the node the arrow leaves. */
  from: string;
  /** The id of the node the arrow enters. */
  to: string;
  /** The forward value or expression, drawn above the arrow. */
  forward?: string;
  /** The upstream gradient, drawn below the arrow. */
  backward?: string;
}

/**
 * What `computationalGraph` draws.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import type { ComputationalGraphOptions } from "./graph.ts";
 * const g: ComputationalGraphOptions = { nodes: [], edges: [], title: "empty" };
 * assert.equal(g.nodes.length, 0);
 * ```
 */
export interface ComputationalGraphOptions {
  /** The nodes; ids must be unique. */
  nodes: readonly GraphNode[];
  /** The arrows; `from` and `to` must name nodes. */
  edges: readonly GraphEdge[];
  /** Title above the chart, also the image's alt text. */
  title?: string;
  /** Caption under the chart. */
  caption?: string;
  /** Pixels per column (default 160). */
  colWidth?: number;
  /** Pixels per row (default 90). */
  rowHeight?: number;
}

/** A node's box in data coordinates. */
interface Box {
  op: boolean;
  x1: number;
  x2: number;
  y1: number;
  y2: number;
}

/** Forward values are drawn in green, gradients in red, as in the lecture's circuit diagrams. */
const FORWARD_COLOR = "#2a7f2a";
const BACKWARD_COLOR = "#c0392b";

/**
 * Draws a computational graph (see the module example). Throws a `RangeError` naming the problem
 * for a duplicate node id, an edge to or from an unknown node, or a non-integer position.
 *
 * @param options nodes, edges and the layout
 * @returns a `Chart` that shows itself in the notebook
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { computationalGraph } from "./graph.ts";
 * assert.throws(
 *   () => computationalGraph({ nodes: [], edges: [{ from: "a", to: "b" }] }),
 *   /edge 0 leaves "a", which is not a node/,
 * );
 * ```
 */
export function computationalGraph(options: ComputationalGraphOptions): Chart {
  const { nodes, edges, title, caption, colWidth = 160, rowHeight = 90 } = options;
  const byId = new Map<string, GraphNode>();
  for (const [i, n] of nodes.entries()) {
    if (byId.has(n.id)) {
      throw new RangeError(`computationalGraph: node ${i}: duplicate id "${n.id}"`);
    }
    if (!Number.isInteger(n.col) || n.col < 0 || !Number.isInteger(n.row) || n.row < 0) {
      throw new RangeError(
        `computationalGraph: node "${n.id}": col and row must be integers ≥ 0, got ${n.col}, ${n.row}`,
      );
    }
    byId.set(n.id, n);
  }
  const halfHeight = 14; // a node's box, in pixels; its half width fits its label
  const halfWidth = (n: GraphNode) => Math.max(16, 3.6 * [...n.label].length + 10);
  const links = edges.map((e, i) => {
    const a = byId.get(e.from), b = byId.get(e.to);
    if (!a) {
      throw new RangeError(`computationalGraph: edge ${i} leaves "${e.from}", which is not a node`);
    }
    if (!b) {
      throw new RangeError(`computationalGraph: edge ${i} enters "${e.to}", which is not a node`);
    }
    // The arrow runs between the two boxes' borders: shorten it at both ends, in pixel space.
    const dx = (b.col - a.col) * colWidth, dy = (b.row - a.row) * rowHeight;
    const length = Math.hypot(dx, dy) || 1;
    /** The fraction of the arrow inside node n's box, plus 3 px of air. */
    const exit = (n: GraphNode) =>
      (Math.min(halfWidth(n) / (Math.abs(dx) / length), halfHeight / (Math.abs(dy) / length)) + 3) /
      length;
    const ea = exit(a), eb = exit(b);
    return {
      ...e,
      x1: a.col + ea * (b.col - a.col),
      y1: a.row + ea * (b.row - a.row),
      x2: b.col - eb * (b.col - a.col),
      y2: b.row - eb * (b.row - a.row),
      xm: (a.col + b.col) / 2,
      ym: (a.row + b.row) / 2,
    };
  });
  const cols = Math.max(0, ...nodes.map((n) => n.col)) + 1;
  const rows = Math.max(0, ...nodes.map((n) => n.row)) + 1;
  const box = (n: GraphNode): Box => ({
    op: n.op === true,
    x1: n.col - halfWidth(n) / colWidth,
    x2: n.col + halfWidth(n) / colWidth,
    y1: n.row - halfHeight / rowHeight,
    y2: n.row + halfHeight / rowHeight,
  });
  return plot({
    title,
    caption,
    width: cols * colWidth,
    height: rows * rowHeight + 30,
    margin: 10,
    marginTop: 20,
    x: { domain: [-0.5, cols - 0.5], axis: null },
    y: { domain: [-0.5, rows - 0.5], axis: null, reverse: true },
    marks: [
      Plot.arrow(links, {
        x1: "x1",
        y1: "y1",
        x2: "x2",
        y2: "y2",
        stroke: "#555",
      }),
      Plot.text(links.filter((l) => l.forward), {
        x: "xm",
        y: "ym",
        text: "forward",
        dy: -9,
        fill: FORWARD_COLOR,
        fontSize: 11,
      }),
      Plot.text(links.filter((l) => l.backward), {
        x: "xm",
        y: "ym",
        text: "backward",
        dy: 10,
        fill: BACKWARD_COLOR,
        fontSize: 11,
      }),
      Plot.rect(nodes.map(box), {
        x1: "x1",
        x2: "x2",
        y1: "y1",
        y2: "y2",
        rx: 8,
        fill: (d: Box) => (d.op ? "#dde6f3" : "white"),
        stroke: "#333",
      }),
      Plot.text(nodes, { x: "col", y: "row", text: "label", fontSize: 12 }),
    ],
  });
}

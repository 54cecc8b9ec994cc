/** The computational-graph figure of lib/plot/graph.ts: what it draws and what it refuses. */
import assert from "node:assert/strict";
import { computationalGraph, type GraphEdge, type GraphNode } from "../lib/plot/graph.ts";

const nodes: GraphNode[] = [
  { id: "x", label: "x", col: 0, row: 0 },
  { id: "w", label: "w", col: 0, row: 1 },
  { id: "mul", label: "x · w", col: 1, row: 0, op: true },
  { id: "L", label: "L", col: 2, row: 0 },
];
const edges: GraphEdge[] = [
  { from: "x", to: "mul", forward: "-2", backward: "3" },
  { from: "w", to: "mul", forward: "3", backward: "-2" },
  { from: "mul", to: "L", forward: "-6", backward: "1" },
];

Deno.test("computationalGraph: one box per node, one arrow per edge, every label drawn", () => {
  const { markup } = computationalGraph({ nodes, edges, title: "f = x · w" });
  assert.equal(markup.match(/<rect/g)?.length, nodes.length);
  const arrows = /aria-label="arrow"[^>]*>(.*?)<\/g>/s.exec(markup)?.[1] ?? "";
  assert.equal(arrows.match(/<path/g)?.length, edges.length);
  for (const text of ["x · w", ">-6<", ">-2<", ">1<", "f = x · w"]) {
    assert.ok(markup.includes(text), text);
  }
});

Deno.test("computationalGraph: operations are shaded, values are white", () => {
  const { markup } = computationalGraph({ nodes, edges });
  assert.equal(markup.match(/fill="#dde6f3"/g)?.length, 1);
  assert.equal(markup.match(/fill="white"/g)?.length, 3);
});

Deno.test("computationalGraph: an arrow stops at the box borders, not at the centres", () => {
  // x (col 0) → mul (col 1), 160 px apart: the arrow is shorter than the distance of the centres.
  const { markup } = computationalGraph({
    nodes: nodes.slice(0, 3),
    edges: [{ from: "x", to: "mul" }],
  });
  const d = /aria-label="arrow".*?<path d="M([\d.]+),([\d.]+)L([\d.]+),([\d.]+)/s.exec(markup);
  assert.ok(d, "an arrow path");
  const length = Number(d[3]) - Number(d[1]);
  assert.ok(length > 40 && length < 140, `arrow length ${length}`);
  assert.equal(Number(d[2]), Number(d[4])); // same row: horizontal
});

Deno.test("computationalGraph: bad graphs are refused with the node or edge named", () => {
  assert.throws(
    () => computationalGraph({ nodes: [nodes[0], nodes[0]], edges: [] }),
    /node 1: duplicate id "x"/,
  );
  assert.throws(
    () => computationalGraph({ nodes, edges: [{ from: "x", to: "y" }] }),
    /edge 0 enters "y", which is not a node/,
  );
  assert.throws(
    () => computationalGraph({ nodes: [{ id: "a", label: "a", col: 0.5, row: 0 }], edges: [] }),
    /node "a": col and row must be integers ≥ 0, got 0.5, 0/,
  );
});

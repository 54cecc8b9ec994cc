/**
 * The report side of `tools/bench.ts`: result rows, an SVG chart (Observable Plot drawn into a
 * linkedom document) and a Markdown table.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { gflops } from "./bench_report.ts";
 * assert.equal(gflops(2e9, 1000), 2); // 2 GFLOP in 1 s
 * ```
 * @module
 */
import * as Plot from "@observablehq/plot";
import { createDocument } from "../lib/plot/document.ts";

/**
 * One measured row of the table.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import type { Result } from "./bench_report.ts";
 * const r: Result = {
 *   label: "A·B", impl: "numpy", threads: 2, flops: 2e9, ms: 20, msMedian: 21, gflops: 100,
 *   vsNumpy: null,
 * };
 * assert.equal(r.flops / r.ms / 1e6, r.gflops);
 * ```
 */
export interface Result {
  /** The case, e.g. "A·B 1024×1024·1024×1024". */
  label: string;
  /**
   * Who computed it: "numpy", "this library (blas)", "this library (numpy's blas)",
   * "this library (wasm)", "this library (ts)",
   * "ml-matrix" or "tfjs-core cpu (float32)".
   */
  impl: string;
  /** Threads allowed (ml-matrix and tfjs always use one). */
  threads: number | null;
  /** Floating-point operations of the products in the case. */
  flops: number;
  /** Best time, milliseconds. */
  ms: number;
  /** Median time of the same runs, milliseconds. */
  msMedian: number;
  /** flops / best time. */
  gflops: number;
  /** This library's time over numpy's (on this library's rows, one per backend). */
  vsNumpy: number | null;
  /** The machine's 1-minute load average when the time was taken. */
  load?: number;
}

/**
 * GFLOP/s for `flops` in `ms` milliseconds.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { gflops } from "./bench_report.ts";
 * assert.equal(gflops(1e6, 1), 1);
 * ```
 */
export function gflops(flops: number, ms: number): number {
  return flops / ms / 1e6;
}

/**
 * The results as an SVG bar chart (one panel per case; cases under 20 MFLOP left out).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { renderChart } from "./bench_report.ts";
 * const row = { label: "A·B", impl: "numpy", threads: 1, flops: 2e9, ms: 20, msMedian: 21 };
 * const svg = renderChart([{ ...row, gflops: 100, vsNumpy: null }]);
 * assert.match(svg, /^<svg/);
 * ```
 */
export function renderChart(results: Result[]): string {
  const document = createDocument();
  const data = results.filter((r) => r.flops > 2e7)
    .map((r) => ({
      ...r,
      group: `${r.label}, ${r.threads ?? "?"} thread${r.threads === 1 ? "" : "s"}`,
    }));
  const svg = Plot.plot({
    document,
    marginLeft: 160,
    marginRight: 40,
    marginTop: 20,
    width: 900,
    height: 30 + 17 * data.length + 12 * new Set(data.map((d) => d.group)).size,
    x: { label: "GFLOP/s (float64 unless noted; higher is better)", grid: true },
    y: { label: null, domain: IMPLS },
    fy: { label: null, axis: null, padding: 0.25, domain: [...new Set(data.map((d) => d.group))] },
    facet: { data, y: "group" },
    marks: [
      Plot.frame({ strokeOpacity: 0.1 }),
      Plot.barX(data, { y: "impl", x: "gflops", fill: "impl", sort: { y: null } }),
      Plot.text(data, {
        y: "impl",
        x: "gflops",
        text: (d: Result) => d.gflops.toFixed(1),
        textAnchor: "start",
        dx: 3,
      }),
      Plot.text(data, Plot.selectFirst({ text: "group", frameAnchor: "top-left", dy: -9, dx: 4 })),
      Plot.ruleX([0]),
    ],
  }) as unknown as { outerHTML: string; setAttribute(k: string, v: string): void };
  svg.setAttribute("xmlns", "http://www.w3.org/2000/svg");
  return svg.outerHTML;
}

/** Every implementation, in the order of the chart and the table's columns. */
const IMPLS = [
  "numpy",
  "this library (blas)",
  "this library (numpy's blas)",
  "this library (wasm)",
  "this library (ts)",
  "ml-matrix",
  "tfjs-core cpu (float32)",
];

/**
 * The results as a Markdown table: one row per case and thread count, one column per
 * implementation that has results (milliseconds, GFLOP/s in parentheses, and this library's time
 * over numpy's), then a line naming the machine.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { markdownTable } from "./bench_report.ts";
 * const row = { label: "A·B", threads: 1, flops: 2e9, msMedian: 21, vsNumpy: null };
 * const table = markdownTable([
 *   { ...row, impl: "this library (blas)", ms: 20, gflops: 100, vsNumpy: 1 },
 *   { ...row, impl: "this library (wasm)", ms: 40, gflops: 50, vsNumpy: 2 },
 *   { ...row, impl: "numpy", ms: 20, gflops: 100 },
 * ], "a test machine");
 * assert.match(table, /\| case \| threads \| numpy +\| blas +\| wasm +\|/);
 * assert.match(table, /\| A·B  \| 1 +\| 20\.0 ms \(100\) \| 20\.0 ms \(100\) ×1\.00 \| 40\.0 ms \(50\.0\) ×2\.00 \|/);
 * assert.match(table, /Measured on a test machine/);
 * ```
 */
export function markdownTable(results: Result[], machine = ""): string {
  const impls = IMPLS.filter((impl) => results.some((r) => r.impl === impl));
  const short = (impl: string) => impl.replace(/^this library \((.+)\)$/, "$1");
  const header = ["case", "threads", ...impls.map(short)];
  const rows: string[][] = [];
  const keys = [...new Set(results.map((r) => `${r.label}\u0000${r.threads}`))];
  for (const key of keys) {
    const [label, threads] = key.split("\u0000");
    const group = results.filter((r) => r.label === label && String(r.threads) === threads);
    const cell = (impl: string) => {
      const r = group.find((x) => x.impl === impl);
      if (!r) return "";
      const ratio = r.vsNumpy ? ` ×${r.vsNumpy.toFixed(2)}` : "";
      return `${fmt(r.ms, r.ms < 10 ? 2 : 1)} ms (${fmt(r.gflops)})${ratio}`;
    };
    rows.push([label, threads, ...impls.map(cell)]);
  }
  // columns padded to equal width, the way `deno fmt` lays Markdown tables out
  const width = (text: string) => [...text].length;
  const widths = header.map((h, c) => Math.max(width(h), 3, ...rows.map((r) => width(r[c]))));
  const line = (cells: string[]) =>
    `| ${cells.map((x, c) => x + " ".repeat(widths[c] - width(x))).join(" | ")} |`;
  return [line(header), line(widths.map((w) => "-".repeat(w))), ...rows.map(line)].join("\n") +
    "\n\n(milliseconds per call, per iteration for the SGD loops, best of several runs; GFLOP/s " +
    "in parentheses; ×: time over numpy's)" + (machine ? `\n\nMeasured on ${machine}.` : "") +
    "\n";
}

/**
 * A number with 1 decimal (none from 100 on).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { fmt } from "./bench_report.ts";
 * assert.equal(fmt(3.14159), "3.1");
 * assert.equal(fmt(123.4), "123");
 * ```
 */
export function fmt(x: number, digits = 1): string {
  return x >= 100 ? x.toFixed(0) : x.toFixed(digits);
}

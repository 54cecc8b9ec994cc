/**
 * Observable Plot charts a notebook can display. `plot(options)` is `Plot.plot` with the
 * server-side `document` filled in; the `Chart` it returns carries the markup and shows itself as
 * `image/svg+xml` (a bare chart) or `text/html` (a `<figure>` with a title, caption or legend).
 *
 * ```ts ignore
 * import * as Plot from "@observablehq/plot";
 * import { plot } from "lib/plot/mod.ts";
 * await Deno.jupyter.display(plot({ marks: [Plot.lineY([3, 1, 2])] }));
 * ```
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import * as Plot from "@observablehq/plot";
 * import { plot } from "./chart.ts";
 * const chart = plot({ marks: [Plot.dot([[0, 0], [1, 1]])] });
 * assert.equal(chart.markup.match(/<circle/g)?.length, 2);
 * ```
 * @module
 */
import * as Plot from "@observablehq/plot";
import { type Displayable, JUPYTER_DISPLAY, type MimeBundle } from "./display.ts";
import { document } from "./document.ts";

const SVG_NS = "http://www.w3.org/2000/svg";

/**
 * What Plot returns, as far as rendering needs: an element that serializes itself.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { chartOf, type RenderedNode } from "./chart.ts";
 * const node: RenderedNode = { outerHTML: "<svg><circle></circle></svg>" };
 * assert.equal(chartOf(node).isSvg, true);
 * ```
 */
export interface RenderedNode {
  /** The element's markup. */
  readonly outerHTML: string;
}

/**
 * A rendered Plot chart (an `<svg>`, or a `<figure>` wrapping one).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import * as Plot from "@observablehq/plot";
 * import { plot } from "./chart.ts";
 * import { JUPYTER_DISPLAY } from "./display.ts";
 * const chart = plot({ width: 300, height: 200, marks: [Plot.ruleY([0])] });
 * assert.equal(chart.isSvg, true);
 * assert.match(chart[JUPYTER_DISPLAY]()["image/svg+xml"], /^<svg xmlns="http:\/\/www.w3.org\/2000\/svg"/);
 * ```
 */
export class Chart implements Displayable {
  /** The element Plot returned (a linkedom node). */
  readonly element: RenderedNode;
  /** Its markup; a bare `<svg>` gets the `xmlns` attribute standalone SVG viewers need. */
  readonly markup: string;
  /** True for a bare `<svg>`, false for a `<figure>` (title, caption or legend). */
  readonly isSvg: boolean;

  /** Wraps a node Plot returned. */
  constructor(element: RenderedNode) {
    if (typeof element !== "object" || element === null || typeof element.outerHTML !== "string") {
      throw new TypeError(
        `Chart: expected a Plot chart (an element with outerHTML), got ${describe(element)}`,
      );
    }
    this.element = element;
    const html = element.outerHTML;
    this.isSvg = html.startsWith("<svg");
    this.markup = this.isSvg && !/^<svg[^>]*\sxmlns=/.test(html)
      ? `<svg xmlns="${SVG_NS}"${html.slice(4)}`
      : html;
  }

  /** `image/svg+xml` for a bare chart, `text/html` for a figure, plus a `text/plain` summary. */
  [JUPYTER_DISPLAY](): MimeBundle {
    // The chart's own <svg> comes after any legend swatches (small <svg>s of their own).
    const sizes = [
      ...this.markup.matchAll(
        /<svg[^>]*?\swidth="(\d+)"[^>]*?\sheight="(\d+)"|<svg[^>]*?\sheight="(\d+)"[^>]*?\swidth="(\d+)"/g,
      ),
    ];
    const size = sizes.at(-1);
    const dims = size ? ` ${size[1] ?? size[4]}×${size[2] ?? size[3]}` : "";
    const text = `Plot chart${dims}`;
    return this.isSvg
      ? { "image/svg+xml": this.markup, "text/plain": text }
      : { "text/html": this.markup, "text/plain": text };
  }

  /** The markup. */
  toString(): string {
    return this.markup;
  }
}

/**
 * `Plot.plot(options)` rendered with the server-side `document`, ready to display.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import * as Plot from "@observablehq/plot";
 * import { plot } from "./chart.ts";
 * const bars = plot({ marks: [Plot.barY([{ k: "a", v: 3 }, { k: "b", v: 5 }], { x: "k", y: "v" })] });
 * assert.equal(bars.markup.match(/<rect/g)?.length, 2);
 * ```
 */
export function plot(options: Plot.PlotOptions = {}): Chart {
  return new Chart(Plot.plot({ ...options, document }));
}

/**
 * Wraps a node from `Plot.plot({ ..., document })` or `Plot.legend(...)` so the kernel displays it.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import * as Plot from "@observablehq/plot";
 * import { chartOf } from "./chart.ts";
 * import { document } from "./document.ts";
 * const chart = chartOf(Plot.plot({ document, title: "Loss", marks: [Plot.lineY([3, 2, 1])] }));
 * assert.equal(chart.isSvg, false); // a title wraps the svg in a <figure>
 * assert.match(chart.markup, /^<figure[\s\S]*<path/);
 * ```
 */
export function chartOf(node: RenderedNode): Chart {
  return new Chart(node);
}

function describe(value: unknown): string {
  if (value === null) return "null";
  if (typeof value !== "object") return typeof value;
  return value.constructor?.name ?? "object";
}

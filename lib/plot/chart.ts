/**
 * Observable Plot charts a notebook can display. `plot(options)` is `Plot.plot` with the
 * server-side `document` filled in; the `Chart` it returns carries the markup and shows itself as
 * `text/html` in which the SVG is an `<img>` (a data URL), so the chart also shows in notebooks
 * opened untrusted, where JupyterLab removes inline SVG.
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
import { type Displayable, escapeHtml, JUPYTER_DISPLAY, type MimeBundle } from "./display.ts";
import { document, type PlotOptions } from "./document.ts";

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
 * assert.match(chart.markup, /^<svg xmlns="http:\/\/www.w3.org\/2000\/svg"/);
 * assert.match(chart[JUPYTER_DISPLAY]()["text/html"], /^<img src="data:image\/svg\+xml;base64,/);
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

  /**
   * `text/html` in which every `<svg>` of the chart (and of its legend swatches) is an `<img>` with
   * an SVG data URL — JupyterLab's sanitizer keeps those in untrusted notebooks (a notebook opened
   * after being run elsewhere), where inline SVG is removed; the image stays vector-sharp. The
   * chart's `alt` text is its title (else its `aria-label`, else "chart"). Plus a `text/plain`
   * summary with the size.
   *
   * @example
   * ```ts
   * import assert from "node:assert/strict";
   * import * as Plot from "@observablehq/plot";
   * import { plot } from "./chart.ts";
   * import { JUPYTER_DISPLAY } from "./display.ts";
   * const bundle = plot({ width: 300, height: 200, marks: [Plot.ruleY([0])] })[JUPYTER_DISPLAY]();
   * assert.equal(bundle["text/plain"], "Plot chart 300×200");
   * assert.match(bundle["text/html"], /^<img src="data:image\/svg\+xml;base64,/);
   * ```
   */
  [JUPYTER_DISPLAY](): MimeBundle {
    // The chart's own <svg> comes after any legend swatches (small <svg>s of their own).
    const sizes = [
      ...this.markup.matchAll(
        /<svg[^>]*?\swidth="(\d+)"[^>]*?\sheight="(\d+)"|<svg[^>]*?\sheight="(\d+)"[^>]*?\swidth="(\d+)"/g,
      ),
    ];
    const size = sizes.at(-1);
    const dims = size ? ` ${size[1] ?? size[4]}×${size[2] ?? size[3]}` : "";
    return {
      "text/html": svgAsImages(this.markup, this.altText),
      "text/plain": `Plot chart${dims}`,
    };
  }

  /**
   * What the chart shows, for screen readers: the title, else the svg's `aria-label`.
   *
   * @example
   * ```ts
   * import assert from "node:assert/strict";
   * import * as Plot from "@observablehq/plot";
   * import { plot } from "./chart.ts";
   * assert.equal(plot({ title: "Loss & accuracy", marks: [Plot.ruleY([0])] }).altText, "Loss & accuracy");
   * assert.equal(plot({ ariaLabel: "weights", marks: [Plot.ruleY([0])] }).altText, "weights");
   * assert.equal(plot({ marks: [Plot.ruleY([0])] }).altText, "chart"); // neither
   * ```
   */
  get altText(): string {
    const title = /<h2[^>]*>([\s\S]*?)<\/h2>/.exec(this.markup)?.[1];
    const label = /^<svg[^>]*\saria-label="([^"]*)"/.exec(this.markup)?.[1];
    const text = (title ?? label ?? "").replace(/<[^>]*>/g, "").trim();
    return text === "" ? "chart" : unescapeEntities(text);
  }

  /**
   * The markup.
   *
   * @example
   * ```ts
   * import assert from "node:assert/strict";
   * import * as Plot from "@observablehq/plot";
   * import { plot } from "./chart.ts";
   * const chart = plot({ marks: [Plot.ruleY([0])] });
   * assert.equal(`${chart}`, chart.markup);
   * assert(chart.toString().startsWith("<svg"));
   * ```
   */
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
export function plot(options: PlotOptions = {}): Chart {
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

/**
 * `html` with each top-level `<svg>…</svg>` replaced by an `<img>` whose `src` is the SVG as a
 * base64 data URL, sized like the svg. The last (largest, the chart itself) gets `alt`; legend
 * swatches get an empty alt (their label is the text beside them).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { svgAsImages } from "./chart.ts";
 * const html = svgAsImages('<svg width="3" height="2"><rect/></svg>', "a bar");
 * assert.match(html, /^<img src="data:image\/svg\+xml;base64,[A-Za-z0-9+\/=]+" width="3" height="2" alt="a bar"/);
 * const svg = new TextDecoder().decode(Uint8Array.from(atob(html.split(",")[1].split('"')[0]), (c) => c.charCodeAt(0)));
 * assert.equal(svg, '<svg xmlns="http://www.w3.org/2000/svg" width="3" height="2"><rect/></svg>');
 * ```
 */
export function svgAsImages(html: string, alt: string): string {
  const svgs = [...html.matchAll(/<svg\b[\s\S]*?<\/svg>/g)];
  let out = "", at = 0;
  svgs.forEach((m, k) => {
    const svg = /^<svg[^>]*\sxmlns=/.test(m[0]) ? m[0] : `<svg xmlns="${SVG_NS}"${m[0].slice(4)}`;
    const open = /^<svg[^>]*>/.exec(svg)![0];
    const width = /\swidth="([\d.]+)"/.exec(open)?.[1];
    const height = /\sheight="([\d.]+)"/.exec(open)?.[1];
    const dims = (width ? ` width="${width}"` : "") + (height ? ` height="${height}"` : "");
    const isChart = k === svgs.length - 1;
    const style = isChart ? "max-width:100%;height:auto" : "vertical-align:middle";
    out += html.slice(at, m.index) +
      `<img src="data:image/svg+xml;base64,${base64Utf8(svg)}"${dims} alt="${
        isChart ? escapeHtml(alt) : ""
      }" style="${style}">`;
    at = m.index! + m[0].length;
  });
  return out + html.slice(at);
}

/** Base64 of the UTF-8 bytes of `text` (tick labels hold "−" and other non-ASCII characters). */
function base64Utf8(text: string): string {
  const bytes = new TextEncoder().encode(text);
  let binary = "";
  for (let i = 0; i < bytes.length; i += 0x8000) {
    binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  }
  return btoa(binary);
}

/** The few entities Plot's serializer writes in text. */
function unescapeEntities(text: string): string {
  return text.replace(/&lt;/g, "<").replace(/&gt;/g, ">").replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'").replace(/&amp;/g, "&");
}

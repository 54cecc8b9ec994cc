/**
 * A server-side DOM for Observable Plot. Plot builds its SVG with `document.createElementNS`;
 * a notebook kernel has no browser, so linkedom's `parseHTML` supplies a light `document`. Pass it
 * as `Plot.plot({ ..., document })` (the `plot` wrapper of `chart.ts` does that for you).
 *
 * Plot marks and legends that need a `<canvas>` (`Plot.raster`, continuous colour legends) fail
 * here: draw images with `imageGrid` / `heatmap` (PNG) instead.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import * as Plot from "@observablehq/plot";
 * import { document } from "./document.ts";
 * const svg = Plot.plot({ document, marks: [Plot.dot([[1, 2]])] });
 * assert.match(svg.outerHTML, /<circle/);
 * ```
 * @module
 */
import type * as Plot from "@observablehq/plot";
import { parseHTML } from "linkedom";

/**
 * The options of `plot`: Observable Plot's own `PlotOptions` (marks, scales, size, title).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import type { PlotOptions } from "./document.ts";
 * const options: PlotOptions = { width: 300, marks: [] };
 * assert.equal(options.width, 300);
 * ```
 */
export type PlotOptions = Plot.PlotOptions;

/**
 * Anything Plot accepts in `marks`: a mark, a render function, an array of them, or nothing.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import * as Plot from "@observablehq/plot";
 * import type { Markish } from "./document.ts";
 * const marks: Markish[] = [Plot.ruleY([0]), null];
 * assert.equal(marks.length, 2);
 * ```
 */
export type Markish = Plot.Markish;

/**
 * The `document` type Plot's `document` option takes.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { createDocument, type PlotDocument } from "./document.ts";
 * const doc: PlotDocument = createDocument();
 * assert.equal(doc.createElement("p").tagName, "P");
 * ```
 */
export type PlotDocument = NonNullable<PlotOptions["document"]>;

/**
 * A fresh, empty HTML document (linkedom).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { createDocument } from "./document.ts";
 * const doc = createDocument();
 * doc.body.append(doc.createElement("div"));
 * assert.equal(doc.body.innerHTML, "<div></div>");
 * ```
 */
export function createDocument(): PlotDocument {
  const window = parseHTML("<!DOCTYPE html><html><head></head><body></body></html>");
  return (window as unknown as { document: PlotDocument }).document;
}

/**
 * The shared document notebooks hand to Plot.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { document } from "./document.ts";
 * const svg = document.createElementNS("http://www.w3.org/2000/svg", "svg");
 * assert.equal(svg.outerHTML, "<svg />");
 * ```
 */
export const document: PlotDocument = createDocument();

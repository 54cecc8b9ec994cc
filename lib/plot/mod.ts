/**
 * Rendering for the lesson notebooks: Observable Plot charts drawn on a server-side `document`,
 * PNG image grids and heatmaps, HTML tables, and plain text. Import it as `"lib/plot"`. Every
 * result shows itself in the Deno kernel: `await show(result)`; text goes through `await print(…)`.
 *
 * ```ts ignore
 * import { Plot, plot, print, show } from "lib/plot";
 * await print("three points");
 * await show(plot({ marks: [Plot.lineY([3, 2, 1])] }));
 * ```
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { imageGrid, Plot, plot, table } from "./mod.ts";
 * import { Matrix } from "../matrix.ts";
 * assert.match(plot({ marks: [Plot.dot([[1, 1]])] }).markup, /<circle/);
 * assert.equal(imageGrid(Matrix.rand(3, 4, 0), { cols: 3, padding: 0 }).width, 6);
 * assert.equal(table([{ a: 1 }]).cells[0][0], "1");
 * ```
 * @module
 */

import * as ObservablePlot from "@observablehq/plot";

/**
 * Observable Plot itself (marks, scales, `Plot.plot`), re-exported so a notebook needs one import.
 * Its API is Observable Plot's own (https://observablehq.com/plot/); its types, such as
 * `Plot.PlotOptions` and `Plot.Markish`, come with it.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { Plot } from "./mod.ts";
 * assert.equal(typeof Plot.dot, "function");
 * const marks: Plot.Markish[] = [Plot.ruleY([0])];
 * assert.equal(marks.length, 1);
 * ```
 */
export const Plot: typeof ObservablePlot = ObservablePlot;

/**
 * Observable Plot's types under the same name (`Plot.PlotOptions`, `Plot.Markish`).
 */
export declare namespace Plot {
  /** The options of `plot` (Observable Plot's `PlotOptions`). */
  export type PlotOptions = ObservablePlot.PlotOptions;
  /** A mark, an array of marks, or a function that renders one. */
  export type Markish = ObservablePlot.Markish;
}
export * from "./display.ts";
export * from "./show.ts";
export * from "./progress.ts";
export * from "./document.ts";
export * from "./chart.ts";
export * from "./png.ts";
export * from "./image_grid.ts";
export * from "./heatmap.ts";
export * from "./table.ts";
export * from "./text.ts";
export * from "./graph.ts";
export * from "./regions.ts";
export * from "./templates.ts";

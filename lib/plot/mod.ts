/**
 * Rendering for the lesson notebooks: Observable Plot charts drawn on a server-side `document`,
 * PNG image grids and heatmaps, HTML tables, and plain text. Every result shows itself in the Deno
 * kernel; end the cell with `await Deno.jupyter.display(result)`. Text goes through `await print(…)`.
 *
 * ```ts ignore
 * import { imageGrid, loadMnist, Plot, plot, print, table } from "lib/plot/mod.ts";
 * await print("three points");
 * await Deno.jupyter.display(plot({ marks: [Plot.lineY([3, 2, 1])] }));
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

/**
 * Observable Plot itself (marks, scales, `Plot.plot`), re-exported so a notebook needs one import.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { Plot } from "./mod.ts";
 * assert.equal(typeof Plot.dot, "function");
 * ```
 */
export * as Plot from "@observablehq/plot";
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

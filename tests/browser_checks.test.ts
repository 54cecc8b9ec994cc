/**
 * The pure parts of the browser tests (tests/browser_jupyter.ts): which cells display a chart or
 * image, and what counts as a failure when the page is compared with the notebook. No browser.
 */
import assert from "node:assert/strict";
import {
  checkDisplays,
  displayCells,
  formatFindings,
  pictureOutputs,
  type ShownCell,
} from "./browser_jupyter.ts";
import type { Notebook } from "../tools/notebooks.ts";

const code = (source: string) => ({ cell_type: "code", source, outputs: [] });

Deno.test("displayCells: show/done of anything but a table, a string or nothing", () => {
  const nb: Notebook = {
    cells: [
      code("await show(plot({ marks: [] }));"), // 0: chart
      { cell_type: "markdown", source: "await show(plot())" }, // 1: not code
      code("await show(table(rows));"), // 2: table
      code("await show(\n  heatmap(M),\n);\nawait show(imageGrid(X));"), // 3: two
      code("// await show(plot())\nconst x = 1;"), // 4: commented out
      code("await bar.done();\nawait other.done(table(t));\nawait p.done('text');"), // 5: none
      code("await bar.done(lossChart(h)); // replaces the line"), // 6: chart
      code("grid.show(3); await print('show(plot())');"), // 7: a method, a string
      code("await show(decisionRegions(predict, `title`));"), // 8: a helper
    ],
  };
  assert.deepEqual([...displayCells(nb)], [[0, 1], [3, 2], [6, 1], [8, 1]]);
});

Deno.test("pictureOutputs: PNG, SVG and HTML with a picture in it", () => {
  const cell = {
    cell_type: "code",
    source: "",
    outputs: [
      { output_type: "display_data", data: { "image/png": "iVBOR", "text/plain": "grid" } },
      { output_type: "display_data", data: { "text/html": ["<img src=", '"data:…">'] } },
      { output_type: "display_data", data: { "text/html": "<table></table>" } },
      { output_type: "stream", text: "<svg" },
    ],
  };
  assert.equal(pictureOutputs(cell), 2);
});

Deno.test("checkDisplays: missing, misplaced, errors and cells that did not run", () => {
  const nb: Notebook = {
    cells: [
      code("await show(plot({}));"),
      code("await print('x');"),
      code("await show(imageGrid(X));"),
      code(""),
    ],
  };
  const out = (mime: string, pictures = 0, text = "") => ({ mime, pictures, trusted: true, text });
  const fine: ShownCell[] = [
    { type: "code", count: 1, outputs: [out("text/html", 1)] },
    { type: "code", count: 2, outputs: [out("text/plain")] },
    { type: "code", count: 3, outputs: [out("image/png", 1)] },
    { type: "code", count: null, outputs: [] },
  ];
  assert.deepEqual(checkDisplays(nb, fine, true), { expected: 2, rendered: 2, findings: [] });

  const bad: ShownCell[] = [
    { type: "code", count: 1, outputs: [] }, // the chart went missing…
    { type: "code", count: 2, outputs: [out("text/plain"), out("text/html", 1)] }, // …landed here
    { type: "code", count: "*", outputs: [out("application/vnd.jupyter.stderr", 0, "Error: x")] },
    { type: "code", count: null, outputs: [] },
  ];
  const report = checkDisplays(nb, bad, true);
  assert.equal(report.rendered, 0);
  assert.deepEqual(report.findings.map((f) => f.cell), [0, 1, 2, 2, 2]);
  assert.match(
    formatFindings(nb, report.findings),
    /^cell 0 \(await show\(plot\(\{\}\)\);\): displays 1/,
  );
  assert.match(report.findings[1].message, /misplaced/);
  assert.match(report.findings[2].message, /not executed \(prompt \[\*\]\)/);
  assert.match(report.findings[3].message, /^error: Error: x/);

  // Not run (an untrusted view): prompts are not checked, pictures still are.
  assert.deepEqual(checkDisplays(nb, bad, false).findings.map((f) => f.cell), [0, 1, 2, 2]);
  // A page that shows another notebook.
  assert.match(checkDisplays(nb, fine.slice(1), true).findings[0].message, /shows 3 cells/);
});

/**
 * The HTML of the interactive demo: one self-contained page (styles and the bundled script
 * inline, no other request), served by `deno task demo` and embedded in lesson 03. Every control
 * has a visible label or an `aria-label`; the Content-Security-Policy forbids any network request
 * (`default-src 'none'`, images from `data:` only), so the page cannot reach past its own document.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { demoHtml } from "./page.ts";
 * const html = demoHtml("console.log('</script>')");
 * assert.match(html, /^<!doctype html>/);
 * assert(!html.includes("log('</script>')")); // the script cannot close its own element
 * ```
 * @module
 */
import { LINEAR_LOSSES, PARAMS, PRESETS, UPDATE_RULES } from "./model.ts";

/**
 * The policy of the page: inline script and styles, `data:` images, nothing else (no fetch, no
 * external script, font or image).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { CSP } from "./page.ts";
 * assert.match(CSP, /default-src 'none'/);
 * ```
 */
export const CSP =
  "default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; img-src data:";

const options = (entries: [string, string][], selected: string) =>
  entries.map(([v, label]) =>
    `<option value="${v}"${v === selected ? " selected" : ""}>${label}</option>`
  ).join("");

const STYLE = `
:root { font: 15px/1.4 system-ui, sans-serif; color: #1b1b1b; background: #fafafa; }
body { margin: 0; }
main { max-width: 1280px; margin: 0 auto; padding: 12px; }
h1 { font-size: 1.3rem; margin: 0 0 4px; }
h2 { font-size: 1rem; margin: 0 0 8px; }
p { margin: 4px 0; }
.grid { display: grid; gap: 12px; grid-template-columns: repeat(auto-fit, minmax(min(100%, 340px), 1fr)); align-items: start; }
.stack { display: flex; flex-direction: column; gap: 12px; min-width: 0; }
section { background: #fff; border: 1px solid #ddd; border-radius: 6px; padding: 10px; min-width: 0; }
canvas { display: block; width: 100%; max-width: 520px; aspect-ratio: 1; touch-action: none; }
canvas#history { aspect-ratio: 4; }
canvas:focus-visible, button:focus-visible, select:focus-visible, input:focus-visible { outline: 3px solid #f0a500; outline-offset: 2px; }
label { display: block; margin: 6px 0 2px; font-weight: 600; font-size: 0.9rem; }
select, button, input[type=range] { font: inherit; max-width: 100%; }
input[type=range] { width: 100%; }
.row { display: flex; flex-wrap: wrap; gap: 6px; margin-top: 8px; }
button { padding: 4px 10px; border: 1px solid #888; border-radius: 4px; background: #f2f2f2; cursor: pointer; }
button.nudge { padding: 0 6px; line-height: 1.2; }
dl.losses { display: grid; grid-template-columns: auto 1fr; gap: 2px 10px; margin: 8px 0 0; }
dl.losses dt { font-weight: 600; }
dl.losses dd { margin: 0; font-family: ui-monospace, monospace; }
.scroll { overflow: auto; max-height: 420px; }
table { border-collapse: collapse; font-family: ui-monospace, monospace; font-size: 0.85rem; }
th, td { padding: 2px 6px; text-align: right; border-bottom: 1px solid #eee; white-space: nowrap; }
th { position: sticky; top: 0; background: #fff; }
td.grad { color: #666; }
.c0 { color: #c0392b; } .c1 { color: #1e8449; } .c2 { color: #1f5fa8; }
tr.selected td { background: #fff4cc; }
.formula { font-family: ui-serif, Georgia, serif; }
#error { color: #a00; font-weight: 600; }
[hidden] { display: none !important; }
`;

/**
 * The whole page around `script` (the bundled `app.ts`), which is inlined with every `</script`
 * escaped.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { demoHtml } from "./page.ts";
 * assert.match(demoHtml(""), /<canvas id="plot"[^>]* tabindex="0"/);
 * ```
 */
export function demoHtml(script: string): string {
  const losses = options(Object.entries(LINEAR_LOSSES).map(([k, v]) => [k, v.label]), "ww");
  const presets = options(Object.entries(PRESETS).map(([k, v]) => [k, v.label]), "cs231n");
  const rules = options(Object.entries(UPDATE_RULES).map(([k, v]) => [k, v.label]), "sgd");
  const params = (selected: string) => options(PARAMS.map((p, i) => [String(i), p.name]), selected);
  const classes = options([["0", "class 0 (red ●)"], ["1", "class 1 (green ■)"], [
    "2",
    "class 2 (blue ▲)",
  ]], "0");
  const safe = script.replace(/<\/script/gi, "<\\/script");
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="${CSP}">
<link rel="icon" href="data:,">
<title>Linear classifier: loss visualization</title>
<style>${STYLE}</style>
</head>
<body>
<main>
<h1>Linear classifier: loss visualization</h1>
<p class="formula">s = W x + b, &nbsp; L = (1/N) Σᵢ Lᵢ + λ Σ W²<sub>k,l</sub> &nbsp;(b is not penalized; ∂/∂W of λ‖W‖² is 2λW)</p>
<p id="error" role="alert" hidden></p>
<div class="grid">
<section aria-labelledby="plot-title">
<h2 id="plot-title">Data and classifiers</h2>
<canvas id="plot" tabindex="0" aria-describedby="plot-help" aria-label="Data plane: points, class regions and each classifier's zero line with its normal"></canvas>
<p id="plot-help">Drag a point to move it; click empty space to add a point of the class chosen below;
Shift-click a point to remove it. Keyboard: focus the plane, <kbd>N</kbd>/<kbd>P</kbd> select a point,
arrow keys move it (<kbd>Shift</kbd> for bigger steps), <kbd>1</kbd>–<kbd>3</kbd> set its class,
<kbd>A</kbd> adds a point at the centre, <kbd>Delete</kbd> removes it.</p>
<p id="status" aria-live="polite"></p>
</section>
<section aria-labelledby="controls-title">
<h2 id="controls-title">Controls</h2>
<label for="mode">Model</label>
<select id="mode">${
    options([["linear", "Linear classifier (W, b)"], [
      "net",
      "Two-layer net (ReLU, softmax)",
    ]], "linear")
  }</select>
<label for="preset">Data preset (loads points and parameters)</label>
<select id="preset">${presets}</select>
<label for="add-class">Class of added points</label>
<select id="add-class">${classes}</select>
<label for="loss">Loss (the two-layer net always uses softmax)</label>
<select id="loss">${losses}</select>
<p id="loss-formula" class="formula" aria-live="polite"></p>
<label for="hidden-size" id="hidden-label">Hidden units (two-layer net)</label>
<select id="hidden-size">${options([["10", "10"], ["50", "50"], ["100", "100"]], "50")}</select>
<label for="reg">L2 strength λ = <output id="reg-value" for="reg"></output></label>
<input id="reg" type="range" min="-5" max="1" step="0.1" value="-1" aria-describedby="reg-help">
<p id="reg-help">Log scale: 10⁻⁵ … 10; the leftmost position is λ = 0.</p>
<label for="lr">Step size = <output id="lr-value" for="lr"></output></label>
<input id="lr" type="range" min="-4" max="0" step="0.1" value="-1">
<label for="rule">Update rule</label>
<select id="rule">${rules}</select>
<div class="row">
<button id="step" type="button">Step</button>
<button id="run" type="button">Run</button>
<button id="stop" type="button" disabled>Stop</button>
<button id="randomize" type="button">Randomize parameters</button>
<button id="reset" type="button">Reload preset</button>
</div>
<dl class="losses">
<dt>Data loss</dt><dd><output id="data-loss" aria-label="data loss"></output></dd>
<dt>Regularization loss</dt><dd><output id="reg-loss" aria-label="regularization loss"></output></dd>
<dt>Total loss</dt><dd><output id="total-loss" aria-label="total loss"></output></dd>
<dt>Steps taken</dt><dd><output id="iteration" aria-label="steps taken">0</output></dd>
<dt>Training accuracy</dt><dd><output id="accuracy" aria-label="training accuracy"></output></dd>
</dl>
<canvas id="history" width="320" height="80" role="img" aria-label="Total loss over the steps taken"></canvas>
</section>
<div class="stack">
<section aria-labelledby="params-title" id="params-panel">
<h2 id="params-title">Parameters and their gradients</h2>
<p id="params-help">Each class c scores s<sub>c</sub> = W[c,0] x₀ + W[c,1] x₁ + b[c]. ▲/▼ nudge a parameter by 0.1;
the grey number under it is ∂L/∂ of that parameter.</p>
<div class="scroll" id="params"></div>
<p id="net-summary" hidden></p>
</section>
<section aria-labelledby="surface-title" id="surface-panel">
<h2 id="surface-title">Loss surface over two parameters</h2>
<p>The total loss as two parameters vary and all others stay at their current values; the white
line is the optimizer's path, the red dot where it is now.</p>
<div class="row">
<label for="surface-a">Horizontal</label><select id="surface-a">${params("0")}</select>
<label for="surface-b">Vertical</label><select id="surface-b">${params("1")}</select>
</div>
<canvas id="surface" role="img" aria-label="Loss surface over the two chosen parameters with the optimizer's path"></canvas>
</section>
</div>
<section aria-labelledby="examples-title">
<h2 id="examples-title">Per-example scores and losses</h2>
<div class="scroll" id="examples" tabindex="0" role="region" aria-label="Per-example table (scrollable)"></div>
</section>
</div>
</main>
<script type="module">${safe}</script>
</body>
</html>
`;
}

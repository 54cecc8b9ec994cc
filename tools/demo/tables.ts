/**
 * The two tables of the interactive demo as HTML: the parameters with their gradients and ▲/▼
 * buttons, and the per-example scores and losses. Every number is printed rounded and kept
 * unrounded in its cell's `data-value` (what tests/demo.test.ts compares with the library).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { fmt } from "./tables.ts";
 * assert.equal(fmt(-0.00001, 3), "0.000"); // no "-0.000"
 * ```
 * @module
 */
import type { Matrix } from "../../lib/matrix.ts";
import type { Point } from "./data.ts";
import { PARAMS } from "./model.ts";

/**
 * `v` with `digits` decimals, and never a negative zero.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { fmt } from "./tables.ts";
 * assert.equal(fmt(Math.PI, 2), "3.14");
 * ```
 */
export function fmt(v: number, digits = 4): string {
  const s = v.toFixed(digits);
  return /^-0\.?0*$/.test(s) ? s.slice(1) : s;
}

/**
 * The parameter table: one row per class, columns W[c,0], W[c,1], b[c], each cell the value
 * (`<output id="param-k">`), ▲/▼ buttons (`data-param="k"`, `data-dir="±1"`, labelled
 * "Increase …"/"Decrease …") and the gradient (`id="grad-k"`), k indexing `PARAMS`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { Matrix } from "../../lib/matrix.ts";
 * import { paramsTableHtml } from "./tables.ts";
 * const html = paramsTableHtml(Matrix.eye(3), Matrix.zeros(3, 3));
 * assert.match(html, /<output id="param-0" data-value="1">1\.000<\/output>/);
 * assert.match(html, /aria-label="Decrease b\[2\]"/);
 * ```
 */
export function paramsTableHtml(P: Matrix, G: Matrix): string {
  const rows = [0, 1, 2].map((c) => {
    const cells = [0, 1, 2].map((d) => {
      const k = 3 * c + d, { name, row, col } = PARAMS[k];
      const v = P.get(row, col), g = G.get(row, col);
      const nudge = (dir: number, what: string, sign: string) =>
        `<button type="button" class="nudge" data-param="${k}" data-dir="${dir}" ` +
        `aria-label="${what} ${name}">${sign}</button>`;
      return `<td><output id="param-${k}" data-value="${v}">${fmt(v, 3)}</output> ` +
        `${nudge(1, "Increase", "▲")}${nudge(-1, "Decrease", "▼")}<br>` +
        `<span class="grad" id="grad-${k}" data-value="${g}" title="∂L/∂${name}">${
          fmt(g, 3)
        }</span></td>`;
    });
    return `<tr><th scope="row" class="c${c}">class ${c}</th>${cells.join("")}</tr>`;
  });
  return `<table><caption>value ▲▼ / ∂L/∂ of each parameter</caption><thead><tr>` +
    `<th scope="col">class</th><th scope="col">W[c,0]</th><th scope="col">W[c,1]</th>` +
    `<th scope="col">b[c]</th></tr></thead><tbody>${rows.join("")}</tbody></table>`;
}

/**
 * The per-example table: index, x₀, x₁, class, the three scores and Lᵢ of every point; the row
 * of the `selected` point is marked.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { Matrix } from "../../lib/matrix.ts";
 * import { examplesTableHtml } from "./tables.ts";
 * const html = examplesTableHtml(
 *   [{ x: 0.5, y: 0.4, label: 0 }],
 *   { scores: Matrix.fromArray([[1.3, -0.1, 0.6]]), losses: Float64Array.of(0.3), dataLoss: 0.3 },
 *   0,
 * );
 * assert.match(html, /<tr data-index="0" class="selected">/);
 * assert.match(html, /<td data-value="0.3">0\.3000<\/td><\/tr>/);
 * ```
 */
export function examplesTableHtml(
  points: readonly Point[],
  e: { scores: Matrix; losses: Float64Array; dataLoss: number },
  selected: number,
): string {
  const head = ["#", "x₀", "x₁", "y", "s₀", "s₁", "s₂", "Lᵢ"]
    .map((h) => `<th scope="col">${h}</th>`).join("");
  const rows = points.map((p, i) => {
    const s = [0, 1, 2].map((c) =>
      `<td data-value="${e.scores.get(i, c)}">${fmt(e.scores.get(i, c), 2)}</td>`
    );
    return `<tr data-index="${i}"${i === selected ? ' class="selected"' : ""}><td>${i}</td>` +
      `<td data-value="${p.x}">${fmt(p.x, 2)}</td><td data-value="${p.y}">${fmt(p.y, 2)}</td>` +
      `<td class="c${p.label}" data-value="${p.label}">${p.label}</td>${s.join("")}` +
      `<td data-value="${e.losses[i]}">${fmt(e.losses[i], 4)}</td></tr>`;
  });
  return `<table id="examples-table"><caption>${points.length} points, mean Lᵢ = ${
    fmt(e.dataLoss)
  }</caption><thead><tr>${head}</tr></thead><tbody>${rows.join("")}</tbody></table>`;
}

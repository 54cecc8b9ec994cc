/**
 * Small result tables for notebooks (hyperparameter searches, per-class accuracies): an array of
 * plain objects → an HTML table with numbers rounded to `digits`
 * significant digits and right-aligned.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { table } from "./table.ts";
 * const t = table([{ k: 1, acc: 0.27412 }, { k: 5, acc: 0.28199 }], { digits: 3 });
 * assert.deepEqual(t.columns, ["k", "acc"]);
 * assert.deepEqual(t.cells, [["1", "0.274"], ["5", "0.282"]]);
 * ```
 * @module
 */
import { escapeHtml, HtmlView } from "./display.ts";

/**
 * Options of `table`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { table, type TableOptions } from "./table.ts";
 * const options: TableOptions = { digits: 2, columns: ["b"], maxRows: 1 };
 * assert.deepEqual(table([{ a: 1, b: 0.123 }, { a: 2, b: 1 }], options).cells, [["0.12"]]);
 * ```
 */
export interface TableOptions {
  /** Significant digits of non-integer numbers (default 4). */
  digits?: number;
  /** Columns to show, in order (default: every key, in order of first appearance). */
  columns?: readonly string[];
  /** Rows to show before "… n more rows" (default 100). */
  maxRows?: number;
}

/**
 * A rendered table: the formatted cells, and HTML / aligned plain text views.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { table } from "./table.ts";
 * import { JUPYTER_DISPLAY } from "./display.ts";
 * const t = table([{ name: "<b>", n: 2 }]);
 * assert.match(t[JUPYTER_DISPLAY]()["text/html"], /<td[^>]*>&lt;b&gt;<\/td>/);
 * assert.equal(t.text, "name  n\n<b>   2");
 * ```
 */
export class Table extends HtmlView {
  /** Column names. */
  readonly columns: readonly string[];
  /** Formatted cell strings, one array per shown row. */
  readonly cells: readonly (readonly string[])[];
  /** Total number of rows, shown or not. */
  readonly totalRows: number;

  /** Built by `table`. */
  constructor(columns: string[], cells: string[][], numeric: boolean[], totalRows: number) {
    const more = totalRows - cells.length;
    const note = more > 0 ? `… ${more} more rows` : "";
    const align = (j: number) => numeric[j] ? ` style="text-align:right"` : "";
    const head = columns.map((c, j) => `<th${align(j)}>${escapeHtml(c)}</th>`).join("");
    const body = cells.map((row) =>
      `<tr>${row.map((v, j) => `<td${align(j)}>${escapeHtml(v)}</td>`).join("")}</tr>`
    ).join("");
    const html = `<table><thead><tr>${head}</tr></thead><tbody>${body}</tbody></table>` +
      (note ? `<div>${note}</div>` : "");
    super(html, plainText(columns, cells, numeric) + (note ? `\n${note}` : ""));
    this.columns = columns;
    this.cells = cells;
    this.totalRows = totalRows;
  }
}

/**
 * Renders rows (plain objects) as a displayable table: one column per key, in order of first
 * appearance.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { table } from "./table.ts";
 * const rows = [{ lr: 1e-7, acc: 0.3 }, { lr: 5e-5, acc: 0.25 }];
 * assert.deepEqual(table(rows).cells, [["1e-7", "0.3"], ["5e-5", "0.25"]]);
 * assert.throws(() => table([{ a: 1 }], { digits: 0 }), /table: digits must be an integer in 1…21/);
 * ```
 */
export function table(
  rows: readonly Record<string, unknown>[],
  options: TableOptions = {},
): Table {
  const { digits = 4, maxRows = 100 } = options;
  if (!Number.isInteger(digits) || digits < 1 || digits > 21) {
    throw new RangeError(`table: digits must be an integer in 1…21, got ${digits}`);
  }
  if (!(maxRows >= 0) || !(Number.isInteger(maxRows) || maxRows === Infinity)) {
    throw new RangeError(`table: maxRows must be a non-negative integer, got ${maxRows}`);
  }
  if (!Array.isArray(rows)) throw new TypeError("table: expected an array of objects");
  rows.forEach((row, i) => {
    if (typeof row !== "object" || row === null) {
      throw new TypeError(
        `table: row ${i} is ${row === null ? "null" : typeof row}, not an object`,
      );
    }
  });
  let columns = [...new Set(rows.flatMap((row) => Object.keys(row)))];
  const total = rows.length;
  if (options.columns) {
    const missing = options.columns.filter((c) => !columns.includes(c));
    if (missing.length > 0) {
      throw new RangeError(`table: no column ${missing.join(", ")} (have ${columns.join(", ")})`);
    }
    columns = [...options.columns];
  }
  const shown = Math.min(total, maxRows);
  const values = Array.from({ length: shown }, (_, i) => columns.map((c) => rows[i][c]));
  const numeric = columns.map((_, j) =>
    values.length > 0 &&
    values.every((row) => typeof row[j] === "number" || typeof row[j] === "bigint")
  );
  const cells = values.map((row) => row.map((v) => formatValue(v, digits)));
  return new Table(columns, cells, numeric, total);
}

/**
 * Formats a number like C's `%g`: `digits` significant digits, trailing zeros dropped, exponent
 * form below 1e-4 or from 10^digits; integers are printed whole.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { formatNumber } from "./table.ts";
 * assert.deepEqual([0.123456, 2.5e-7, 123456.7, 42, 0.5].map((x) => formatNumber(x, 4)),
 *   ["0.1235", "2.5e-7", "1.235e+5", "42", "0.5"]);
 * ```
 */
export function formatNumber(x: number, digits: number): string {
  if (!Number.isFinite(x) || (Number.isInteger(x) && Math.abs(x) < 1e21)) return String(x);
  const exponent = Math.floor(Math.log10(Math.abs(x)));
  if (exponent < -4 || exponent >= digits) {
    const [mantissa, exp] = x.toExponential(digits - 1).split("e");
    return `${stripZeros(mantissa)}e${exp}`;
  }
  return stripZeros(x.toPrecision(digits));
}

function stripZeros(s: string): string {
  return s.includes(".") ? s.replace(/\.?0+$/, "") : s;
}

function formatValue(v: unknown, digits: number): string {
  if (v === null || v === undefined) return "";
  if (typeof v === "number") return formatNumber(v, digits);
  if (v instanceof Date) return v.toISOString();
  if (typeof v === "object" && !ArrayBuffer.isView(v) && !Array.isArray(v)) {
    return JSON.stringify(v) ?? String(v);
  }
  return String(v);
}

function plainText(columns: string[], cells: string[][], numeric: boolean[]): string {
  const widths = columns.map((c, j) => Math.max(c.length, ...cells.map((row) => row[j].length)));
  const line = (row: string[]) =>
    row.map((v, j) => numeric[j] ? v.padStart(widths[j]) : v.padEnd(widths[j])).join("  ")
      .trimEnd();
  return [line(columns), ...cells.map(line)].join("\n");
}

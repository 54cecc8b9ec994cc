/**
 * Numbers quoted in a lesson's Markdown must be numbers its cells printed, so the prose cannot
 * drift from the results. A **quoted result** is a decimal with at least three significant digits
 * (`0.219`, `8.5608`, `2.61e-1`), a percentage with decimals (`94.70%`) or a number with thousands
 * separators (`79,510`), outside code spans. Each must appear in the text of some code cell's
 * output (plain text, a table's HTML, a stream) of the executed notebook, rounded to the digits the
 * Markdown writes (`179.00` for a printed `178.996508`, `0.890` for `0.89`, `79,510` for `79510`).
 *
 * A number that is not a result — a constant from the lecture, a formula, a hyperparameter — is
 * listed with the reason in the notebook's metadata, `"quotedNumbers": { "0.25": "σ′(0)" }`, so
 * every exception is written down once.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { unmatchedNumbers } from "./quoted_numbers.ts";
 * const nb = {
 *   metadata: { quotedNumbers: { "0.25": "the sigmoid's largest slope, not a result" } },
 *   cells: [
 *     { cell_type: "code", source: "", outputs: [{ output_type: "stream", text: "acc 0.932\n" }] },
 *     { cell_type: "markdown", source: "1-NN gets **0.932**, slope at most 0.25, L2 0.914." },
 *   ],
 * };
 * assert.deepEqual(unmatchedNumbers(nb).map((p) => p.message), [
 *   "0.914 is quoted in the text but no output prints it",
 * ]);
 * ```
 * @module
 */
import { type CellProblem, excerpt, type Notebook, sourceOf } from "./notebook_checks.ts";

/** Decimals (optionally with an exponent), percentages and comma-grouped integers. */
const NUMBER =
  /(?<![\w.,^{\\])[−-]?\d{1,3}(?:,\d{3})+(?:\.\d+)?%?|(?<![\w.,^{\\])[−-]?\d+\.\d+(?:e[−-]?\d+)?%?/g;

/**
 * The quoted results of one Markdown text (see the module doc), in order, code spans left out.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { quotedNumbers } from "./quoted_numbers.ts";
 * assert.deepEqual(
 *   quotedNumbers("**0.539** vs 0.2, 94.70% of 8000 (79,510), `lr = 1.234`, $2.46 \\cdot 10^{-5}$"),
 *   ["0.539", "94.70%", "79,510", "2.46e-5"],
 * );
 * ```
 */
export function quotedNumbers(markdown: string): string[] {
  const text = markdown
    .replace(/`[^`]*`/g, " ")
    // LaTeX scientific notation, 2.46 \cdot 10^{-5}, reads as 2.46e-5.
    .replace(/(\d+\.\d+)\s*\\(?:cdot|times)\s*10\^\{?([−-]?\d+)\}?/g, "$1e$2");
  return [...text.matchAll(NUMBER)].map((m) => m[0].replace(/^[−-]/, "")).filter(isQuotedResult);
}

/**
 * Every quoted result of the notebook's Markdown cells that no code cell's output prints and that
 * the notebook's `quotedNumbers` metadata does not list, one problem per number and cell.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { unmatchedNumbers } from "./quoted_numbers.ts";
 * const nb = { cells: [{ cell_type: "markdown", source: "We reach 94.70%." }] };
 * assert.equal(unmatchedNumbers(nb)[0].cell, 0);
 * ```
 */
export function unmatchedNumbers(nb: Notebook): CellProblem[] {
  const allowed = allowList(nb);
  const printed = nb.cells
    .filter((c) => c.cell_type === "code")
    .flatMap((c) => c.outputs ?? [])
    .flatMap((o) => [...outputText(o).matchAll(PRINTED)].map((m) => parseNumber(m[0])));
  const problems: CellProblem[] = [];
  nb.cells.forEach((cell, i) => {
    if (cell.cell_type !== "markdown") return;
    for (const n of new Set(quotedNumbers(sourceOf(cell)))) {
      if (allowed.has(n)) continue;
      const q = parseNumber(n);
      if (printed.some((p) => sameNumber(q, p))) continue;
      problems.push({
        cell: i,
        source: excerpt(sourceOf(cell)),
        message: `${n} is quoted in the text but no output prints it`,
      });
    }
  });
  return problems;
}

/** Any number an output prints (plain, with decimals, an exponent or thousands separators). */
const PRINTED = /\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?(?:e[−+-]?\d+)?/g;

/** A number and half a unit of its last written digit (what rounding may hide). */
interface Written {
  value: number;
  halfUnit: number;
}

function parseNumber(token: string): Written {
  const t = token.replaceAll(",", "").replace("%", "").replaceAll("−", "-");
  const [mantissa, exp = "0"] = t.split("e");
  const decimals = mantissa.split(".")[1]?.length ?? 0;
  return { value: Number(t), halfUnit: 0.5 * 10 ** (Number(exp) - decimals) };
}

/**
 * The quoted number is what was printed, rounded to the quoted digits (179.00 for 178.996508), or
 * the printed number written with more zeros (0.890 for 0.89).
 */
function sameNumber(quoted: Written, printed: Written): boolean {
  const tolerance = quoted.halfUnit * (1 + 1e-9);
  if (printed.halfUnit <= quoted.halfUnit) {
    return Math.abs(printed.value - quoted.value) <= tolerance;
  }
  return Math.abs(printed.value - quoted.value) <= 1e-12 * Math.max(1, Math.abs(quoted.value));
}

/** At least three significant digits, or a percentage with decimals, or thousands separators. */
function isQuotedResult(token: string): boolean {
  if (token.includes(",")) return true;
  if (token.endsWith("%")) return token.includes(".");
  const mantissa = token.split("e")[0].replace(".", "").replace(/^0+/, "");
  return mantissa.length >= 3;
}

function allowList(nb: Notebook): Set<string> {
  const list = nb.metadata?.quotedNumbers;
  return new Set(list && typeof list === "object" ? Object.keys(list) : []);
}

function outputText(o: NonNullable<Notebook["cells"][number]["outputs"]>[number]): string {
  const parts: string[] = [];
  const text = (o as { text?: string | string[] }).text;
  if (text !== undefined) parts.push(Array.isArray(text) ? text.join("") : text);
  const data = (o as { data?: Record<string, unknown> }).data ?? {};
  for (const mime of ["text/plain", "text/html", "text/markdown"]) {
    const v = data[mime];
    if (typeof v === "string") parts.push(v);
    else if (Array.isArray(v)) parts.push(v.join(""));
  }
  return parts.join("\n");
}

/**
 * What the notebook harness checks in a notebook file, without running anything: the nbformat
 * types, reading and listing notebooks, and the cell-by-cell checks (errors in outputs, charts
 * that did not render, leftover outputs) with a readable report.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { type Notebook, uncleanCells } from "./notebook_checks.ts";
 * const nb: Notebook = { cells: [{ cell_type: "code", source: "1", outputs: [], execution_count: 3 }] };
 * assert.equal(uncleanCells(nb)[0].message, "execution_count is 3, expected null");
 * ```
 * @module
 */
import { join, relative } from "node:path";
import { REPO_ROOT } from "./kernelspec.ts";

/**
 * One notebook cell (nbformat 4), as far as the harness reads it.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import type { Cell } from "./notebook_checks.ts";
 * const cell: Cell = { cell_type: "markdown", source: ["# Title\n", "text"] };
 * assert.equal(cell.cell_type, "markdown");
 * ```
 */
export interface Cell {
  /** `code`, `markdown` or `raw`. */
  cell_type: string;
  /** The text, as one string or a list of lines. */
  source: string | string[];
  /** Outputs of a code cell. */
  outputs?: Output[];
  /** Execution counter of a code cell, null when never run. */
  execution_count?: number | null;
  /** Cell metadata; `tags` may contain "chart". */
  metadata?: { tags?: string[]; [key: string]: unknown };
}

/**
 * One output of a code cell.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import type { Output } from "./notebook_checks.ts";
 * const out: Output = { output_type: "display_data", data: { "image/png": "iVBOR…" } };
 * assert.ok(out.data?.["image/png"]);
 * ```
 */
export interface Output {
  /** `stream`, `display_data`, `execute_result` or `error`. */
  output_type: string;
  /** MIME bundle of a display or result. */
  data?: Record<string, unknown>;
  /** Error name, message and traceback lines of an `error` output. */
  ename?: string;
  /** The error message. */
  evalue?: string;
  /** Traceback lines (may carry ANSI colours). */
  traceback?: string[];
  /** Output metadata (e.g. image sizes; the output tracer's label). */
  metadata?: Record<string, unknown>;
  /** Text of a `stream` output. */
  text?: string | string[];
}

/**
 * A notebook file (nbformat 4).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import type { Notebook } from "./notebook_checks.ts";
 * const nb: Notebook = { cells: [], metadata: { kernelspec: { name: "deno" } } };
 * assert.equal(nb.cells.length, 0);
 * ```
 */
export interface Notebook {
  /** The cells, top to bottom. */
  cells: Cell[];
  /** Notebook metadata (kernelspec, language_info). */
  metadata?: Record<string, unknown>;
  /** Any other field. */
  [key: string]: unknown;
}

/**
 * Something wrong with one cell: its index (−1 when unknown), a source excerpt and the message.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { type CellProblem, formatProblems } from "./notebook_checks.ts";
 * const p: CellProblem = { cell: 2, source: "throw 1", message: "Error: 1" };
 * assert.match(formatProblems("a.ipynb", [p]), /a\.ipynb cell 2: Error: 1/);
 * ```
 */
export interface CellProblem {
  /** Index of the cell in the notebook (0-based), −1 when not known. */
  cell: number;
  /** The first lines of the cell's source. */
  source: string;
  /** What went wrong (ANSI colours stripped). */
  message: string;
}

/**
 * MIME types that count as a rendered chart, image or table.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { RICH_MIME_TYPES } from "./notebook_checks.ts";
 * assert.ok(RICH_MIME_TYPES.includes("image/png"));
 * ```
 */
export const RICH_MIME_TYPES: readonly string[] = ["image/svg+xml", "text/html", "image/png"];

/**
 * The lesson notebooks: `notebooks/*.ipynb`, sorted by name.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { listNotebooks } from "./notebook_checks.ts";
 * const lessons = await listNotebooks();
 * assert.ok(lessons.every((p) => p.endsWith(".ipynb")));
 * ```
 */
export async function listNotebooks(dir = join(REPO_ROOT, "notebooks")): Promise<string[]> {
  const found: string[] = [];
  try {
    for await (const entry of Deno.readDir(dir)) {
      if (entry.isFile && entry.name.endsWith(".ipynb")) found.push(join(dir, entry.name));
    }
  } catch (e) {
    if (!(e instanceof Deno.errors.NotFound)) throw e;
  }
  return found.sort();
}

/**
 * Reads and parses a notebook file.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { readNotebook } from "./notebook_checks.ts";
 * await assert.rejects(readNotebook("/no/such.ipynb"), /readNotebook: cannot read \/no\/such.ipynb/);
 * ```
 */
export async function readNotebook(path: string): Promise<Notebook> {
  let text: string;
  try {
    text = await Deno.readTextFile(path);
  } catch (e) {
    throw new Error(`readNotebook: cannot read ${path}: ${e instanceof Error ? e.message : e}`);
  }
  const nb = JSON.parse(text) as Notebook;
  if (!Array.isArray(nb.cells)) throw new TypeError(`readNotebook: ${path} has no cells array`);
  return nb;
}

/**
 * A cell's source as one string.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { sourceOf } from "./notebook_checks.ts";
 * assert.equal(sourceOf({ cell_type: "code", source: ["a\n", "b"] }), "a\nb");
 * ```
 */
export function sourceOf(cell: Cell): string {
  return Array.isArray(cell.source) ? cell.source.join("") : cell.source;
}

/**
 * Removes ANSI escape sequences (colours) from text.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { stripAnsi } from "./notebook_checks.ts";
 * assert.equal(stripAnsi("\x1b[31mError\x1b[0m: x"), "Error: x");
 * ```
 */
export function stripAnsi(text: string): string {
  // deno-lint-ignore no-control-regex
  return text.replace(/\x1b\[[0-9;?]*[ -/]*[@-~]/g, "");
}

/**
 * The error outputs of an executed notebook, with cell index, excerpt and traceback.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { cellErrors } from "./notebook_checks.ts";
 * const problems = cellErrors({ cells: [{ cell_type: "code", source: "f()", outputs: [
 *   { output_type: "error", ename: "TypeError", evalue: "f is not a function", traceback: [] },
 * ] }] });
 * assert.deepEqual(problems, [{ cell: 0, source: "f()", message: "TypeError: f is not a function" }]);
 * ```
 */
export function cellErrors(nb: Notebook): CellProblem[] {
  const problems: CellProblem[] = [];
  nb.cells.forEach((cell, i) => {
    for (const out of cell.outputs ?? []) {
      if (out.output_type !== "error") continue;
      const head = `${out.ename}: ${out.evalue}`;
      const trace = stripAnsi((out.traceback ?? []).join("\n")).trim();
      const message = trace && trace !== head ? `${head}\n${trace}` : head;
      problems.push({ cell: i, source: excerpt(sourceOf(cell)), message: stripAnsi(message) });
    }
  });
  return problems;
}

/** A display call, except of a literal plain-text bundle (`display({ "text/plain": … }, …)`). */
const DISPLAY_CALL = /Deno\.jupyter\.display\s*\((?!\s*\{\s*["']text\/plain["']\s*:)/;

/**
 * Code cells that should show a chart, image or table but have no such output: every cell that
 * calls `Deno.jupyter.display(` (outside `//` comments; a literal `{ "text/plain": … }` bundle is
 * text, not a chart) or is tagged "chart".
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { missingRichOutputs } from "./notebook_checks.ts";
 * const nb = { cells: [
 *   { cell_type: "code", source: "await Deno.jupyter.display(chart);", outputs: [] },
 *   { cell_type: "code", source: "x", outputs: [], metadata: { tags: ["chart"] } },
 *   { cell_type: "code", source: "await Deno.jupyter.display(t);",
 *     outputs: [{ output_type: "display_data", data: { "text/html": "<table>" } }] },
 *   { cell_type: "code", source: 'await Deno.jupyter.display({ "text/plain": "hi" }, { raw: true });',
 *     outputs: [{ output_type: "display_data", data: { "text/plain": "hi" } }] },
 * ] };
 * assert.deepEqual(missingRichOutputs(nb).map((p) => p.cell), [0, 1]);
 * ```
 */
export function missingRichOutputs(nb: Notebook): CellProblem[] {
  const problems: CellProblem[] = [];
  nb.cells.forEach((cell, i) => {
    if (cell.cell_type !== "code") return;
    const code = sourceOf(cell).replace(/\/\/.*$/gm, "");
    const wantsDisplay = DISPLAY_CALL.test(code) ||
      (cell.metadata?.tags ?? []).includes("chart");
    if (!wantsDisplay) return;
    const hasRich = (cell.outputs ?? []).some((out) =>
      RICH_MIME_TYPES.some((mime) => out.data?.[mime] !== undefined)
    );
    if (!hasRich) {
      problems.push({
        cell: i,
        source: excerpt(sourceOf(cell)),
        message: `no rich output (${RICH_MIME_TYPES.join(", ")}); outputs: ${
          (cell.outputs ?? []).map(describeOutput).join(", ") || "none"
        }`,
      });
    }
  });
  return problems;
}

/**
 * Code cells that still carry outputs or an execution count (notebooks are committed clean:
 * JupyterLab would not show an untrusted SVG, and diffs stay readable).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { uncleanCells } from "./notebook_checks.ts";
 * const nb = { cells: [{ cell_type: "code", source: "1", execution_count: null,
 *   outputs: [{ output_type: "stream", text: "1" }] }] };
 * assert.equal(uncleanCells(nb)[0].message, "has 1 output(s), expected none");
 * ```
 */
export function uncleanCells(nb: Notebook): CellProblem[] {
  const problems: CellProblem[] = [];
  nb.cells.forEach((cell, i) => {
    if (cell.cell_type !== "code") return;
    const source = excerpt(sourceOf(cell));
    if ((cell.outputs ?? []).length > 0) {
      problems.push({
        cell: i,
        source,
        message: `has ${cell.outputs!.length} output(s), expected none`,
      });
    }
    if (cell.execution_count !== null && cell.execution_count !== undefined) {
      problems.push({
        cell: i,
        source,
        message: `execution_count is ${cell.execution_count}, expected null`,
      });
    }
  });
  return problems;
}

/**
 * A readable report of problems: one paragraph per problem, with cell index and source excerpt.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { formatProblems } from "./notebook_checks.ts";
 * assert.equal(formatProblems("x.ipynb", []), "");
 * assert.match(formatProblems("x.ipynb", [{ cell: -1, source: "", message: "boom" }]), /x\.ipynb: boom/);
 * ```
 */
export function formatProblems(notebook: string, problems: CellProblem[]): string {
  const name = notebook.startsWith(REPO_ROOT) ? relative(REPO_ROOT, notebook) : notebook;
  return problems.map((p) => {
    const where = p.cell >= 0 ? `${name} cell ${p.cell}` : name;
    const src = p.source ? `\n  source: ${p.source.replace(/\n/g, "\n          ")}` : "";
    return `${where}: ${p.message}${src}`;
  }).join("\n\n");
}

/**
 * The first `lines` lines of a cell's source, with "…" when there are more.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { excerpt } from "./notebook_checks.ts";
 * assert.equal(excerpt("a\nb\nc\nd", 2), "a\nb\n…");
 * ```
 */
export function excerpt(source: string, lines = 3): string {
  const all = source.split("\n");
  return all.slice(0, lines).join("\n") + (all.length > lines ? "\n…" : "");
}

function describeOutput(out: Output): string {
  return out.output_type === "stream" || !out.data
    ? out.output_type
    : `${out.output_type} [${Object.keys(out.data).join(", ")}]`;
}

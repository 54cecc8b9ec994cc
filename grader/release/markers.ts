/**
 * Solution markers: the parts of `lib/` sources and notebook cells that students write.
 *
 * - Block form: the lines from `// BEGIN SOLUTION` to `// END SOLUTION` (both included) become one
 *   line `throw new Error("TODO: implement <name>");` at the indentation of the BEGIN line.
 *   `<name>` is the enclosing function or method, or the word after `BEGIN SOLUTION`
 *   (`// BEGIN SOLUTION TwoLayerNet.loss`) when given.
 * - One-line form: `code // SOLUTION` becomes that throw; `code // SOLUTION: stub` becomes `stub`
 *   (indentation kept), e.g. `const k = 7; // SOLUTION: const k = 1; // TODO: choose k`.
 *
 * An END without a BEGIN, a BEGIN without an END, a region inside a region or a malformed marker
 * is a `MarkerError` naming the file and line.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { stubSource } from "./markers.ts";
 * const src = "function twice(x: number): number {\n  // BEGIN SOLUTION\n  return 2 * x;\n" +
 *   "  // END SOLUTION\n}\n";
 * assert.equal(
 *   stubSource(src, "a.ts"),
 *   'function twice(x: number): number {\n  throw new Error("TODO: implement twice");\n}\n',
 * );
 * ```
 * @module
 */
import { type Cell, type Notebook, sourceOf } from "../../tools/notebooks.ts";
import { ANSWER_TAG } from "../judge/questions.ts";

export type { Cell, Notebook };

/**
 * A marker problem (unbalanced, nested or malformed), with where it is.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { findRegions, MarkerError } from "./markers.ts";
 * assert.throws(() => findRegions("// END SOLUTION\n", "x.ts"), MarkerError);
 * ```
 */
export class MarkerError extends SyntaxError {
  /** The file (and cell, for notebooks) the marker is in. */
  readonly file: string;
  /** 1-based line of the marker. */
  readonly line: number;
  /** `file:line: what is wrong`. */
  constructor(file: string, line: number, what: string) {
    super(`${file}:${line}: ${what}`);
    this.name = "MarkerError";
    this.file = file;
    this.line = line;
  }
}

/**
 * One solution region: its name, where it starts and ends (0-based line indices, markers
 * included), its indentation, the solution lines and what replaces them.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { findRegions, type Region } from "./markers.ts";
 * const [r]: Region[] = findRegions("const f = () => {\n  return 1; // SOLUTION\n};\n", "f.ts");
 * assert.deepEqual([r.name, r.start, r.end, r.kind], ["f", 1, 1, "line"]);
 * ```
 */
export interface Region {
  /** Enclosing function/method, the override after `BEGIN SOLUTION`, or a location. */
  name: string;
  /** `block` (BEGIN … END) or `line` (`// SOLUTION`). */
  kind: "block" | "line";
  /** Index of the first line (the BEGIN marker, or the one line). */
  start: number;
  /** Index of the last line (the END marker, or the one line). */
  end: number;
  /** Leading whitespace of the first line. */
  indent: string;
  /** The solution code, markers removed (for `line`: the line without its marker comment). */
  solution: string[];
  /** What the student edition has instead, without indentation. */
  stub: string;
}

const BEGIN = /^(\s*)\/\/\s*BEGIN SOLUTION(?:\s+([A-Za-z_$#][\w$#.]*))?\s*$/;
const END = /^\s*\/\/\s*END SOLUTION\s*$/;
const LINE = /^(\s*)(\S.*?)\s*\/\/\s*SOLUTION(?::\s*(.*?))?\s*$/;
const MENTION = /\b(BEGIN|END)\s+SOLUTION|\/\/\s*SOLUTION\b/;

/**
 * The stub line for a region named `name` (without indentation).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { todoStub } from "./markers.ts";
 * assert.equal(todoStub("adam"), 'throw new Error("TODO: implement adam");');
 * ```
 */
export function todoStub(name: string): string {
  return `throw new Error(${JSON.stringify(`TODO: implement ${name}`)});`;
}

/**
 * The solution regions of a source text, in order. `file` names the text in errors (for a notebook
 * cell, e.g. `notebooks/01.ipynb cell 20`); `fallbackName` names regions outside any function.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { findRegions } from "./markers.ts";
 * const src = "class A {\n  f() {\n    // BEGIN SOLUTION A.f\n    return 1;\n    // END SOLUTION\n  }\n}";
 * const [r] = findRegions(src, "a.ts");
 * assert.deepEqual([r.name, r.indent, r.solution], ["A.f", "    ", ["    return 1;"]]);
 * assert.throws(() => findRegions("// BEGIN SOLUTION\n", "b.ts"), /b\.ts:1: unbalanced/);
 * ```
 */
export function findRegions(text: string, file: string, fallbackName?: string): Region[] {
  const lines = text.split("\n");
  const regions: Region[] = [];
  let open: { start: number; indent: string; name?: string } | null = null;
  lines.forEach((line, i) => {
    const begin = BEGIN.exec(line);
    if (begin) {
      if (open) {
        throw new MarkerError(
          file,
          i + 1,
          `nested: BEGIN SOLUTION inside the region opened at line ${open.start + 1}`,
        );
      }
      open = { start: i, indent: begin[1], name: begin[2] };
      return;
    }
    if (END.test(line)) {
      if (!open) throw new MarkerError(file, i + 1, "unbalanced: END SOLUTION without BEGIN");
      const name = open.name ?? enclosingName(lines, open.start) ?? fallbackName ??
        `${file}:${open.start + 1}`;
      regions.push({
        name,
        kind: "block",
        start: open.start,
        end: i,
        indent: open.indent,
        solution: lines.slice(open.start + 1, i),
        stub: todoStub(name),
      });
      open = null;
      return;
    }
    const one = LINE.exec(line);
    if (one && !/^\/\//.test(one[2])) {
      if (open) {
        throw new MarkerError(
          file,
          i + 1,
          `nested: // SOLUTION inside the region opened at line ${open.start + 1}`,
        );
      }
      const name = enclosingName(lines, i) ?? fallbackName ?? `${file}:${i + 1}`;
      regions.push({
        name,
        kind: "line",
        start: i,
        end: i,
        indent: one[1],
        solution: [`${one[1]}${one[2]}`],
        stub: one[3] !== undefined && one[3] !== "" ? one[3] : todoStub(name),
      });
      return;
    }
    if (MENTION.test(line)) {
      throw new MarkerError(
        file,
        i + 1,
        `malformed marker ${JSON.stringify(line.trim())}; expected "// BEGIN SOLUTION [name]", ` +
          `"// END SOLUTION", "code // SOLUTION" or "code // SOLUTION: stub"`,
      );
    }
  });
  if (open) {
    const start = (open as { start: number }).start;
    throw new MarkerError(file, start + 1, "unbalanced: BEGIN SOLUTION without END SOLUTION");
  }
  return regions;
}

/**
 * The student version of a source text: every region replaced by its stub.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { stubSource } from "./markers.ts";
 * assert.equal(stubSource("  let k = 7; // SOLUTION: let k = 1;\n", "k.ts"), "  let k = 1;\n");
 * ```
 */
export function stubSource(text: string, file: string, fallbackName?: string): string {
  const lines = text.split("\n");
  const regions = findRegions(text, file, fallbackName);
  for (const r of [...regions].reverse()) {
    lines.splice(r.start, r.end - r.start + 1, `${r.indent}${r.stub}`);
  }
  return lines.join("\n");
}

/**
 * Puts solutions back into a student version: each region's stub line in `stubbed` (found in
 * order, after the previous one) is replaced by the solution from `original`, markers included.
 * `fillSolutions(stubSource(x), x) === x`; a stub that is not found is a `MarkerError`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { fillSolutions, stubSource } from "./markers.ts";
 * const x = "function f() {\n  // BEGIN SOLUTION\n  return 1;\n  // END SOLUTION\n}";
 * assert.equal(fillSolutions(stubSource(x, "f.ts"), x, "f.ts"), x);
 * ```
 */
export function fillSolutions(
  stubbed: string,
  original: string,
  file: string,
  fallbackName?: string,
): string {
  const source = original.split("\n");
  const out = stubbed.split("\n");
  let from = 0;
  const edits: { at: number; lines: string[] }[] = [];
  for (const r of findRegions(original, file, fallbackName)) {
    const want = `${r.indent}${r.stub}`;
    const at = out.indexOf(want, from);
    if (at < 0) {
      throw new MarkerError(file, r.start + 1, `cannot find the stub of ${r.name}: ${want.trim()}`);
    }
    edits.push({ at, lines: source.slice(r.start, r.end + 1) });
    from = at + 1;
  }
  for (const e of edits.reverse()) out.splice(e.at, 1, ...e.lines);
  return out.join("\n");
}

/**
 * Replaces the body of region `name` (its solution lines, markers kept) with `code`: how tests
 * and instructors build a submission with one function broken.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { replaceRegion } from "./markers.ts";
 * const x = "function f() {\n  // BEGIN SOLUTION\n  return 1;\n  // END SOLUTION\n}";
 * assert.match(replaceRegion(x, "f", "  return 2;", "f.ts"), /return 2;/);
 * assert.throws(() => replaceRegion(x, "g", "", "f.ts"), /no solution region named g/);
 * ```
 */
export function replaceRegion(text: string, name: string, code: string, file: string): string {
  const lines = text.split("\n");
  const region = findRegions(text, file).find((r) => r.name === name);
  if (!region) throw new MarkerError(file, 1, `no solution region named ${name}`);
  if (region.kind === "line") {
    lines.splice(region.start, 1, code);
  } else {
    lines.splice(region.start + 1, region.end - region.start - 1, code);
  }
  return lines.join("\n");
}

const KEYWORDS = new Set([
  "if",
  "for",
  "while",
  "switch",
  "catch",
  "return",
  "function",
  "with",
  "else",
  "do",
  "try",
  "new",
  "await",
  "typeof",
]);
const FUNCTION_DECL = /\bfunction\*?\s+([A-Za-z_$][\w$]*)/;
const ASSIGNED_FN =
  /^(?:export\s+)?(?:const|let|var)?\s*([A-Za-z_$][\w$]*)\s*(?::[^=]+)?=\s*(?:async\s*)?(?:function\b|\(|[A-Za-z_$][\w$]*\s*=>)/;
const METHOD =
  /^(?:(?:public|private|protected|static|async|override|get|set)\s+)*\*?(#?[A-Za-z_$][\w$]*)\s*(?:<[^>]*>)?\s*\(/;

/**
 * The name of the function or method that encloses line `at`: the nearest less-indented line
 * above it that declares one (a line starting with `)` closes a multi-line parameter list and is
 * skipped). Null at top level.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { enclosingName } from "./markers.ts";
 * const lines = ["export function svmLoss(", "  W: number,", "): number {", "  if (W) {", "    x;"];
 * assert.equal(enclosingName(lines, 4), "svmLoss");
 * assert.equal(enclosingName(["x;"], 0), null);
 * ```
 */
export function enclosingName(lines: readonly string[], at: number): string | null {
  let indent = indentOf(lines[at]);
  for (let i = at - 1; i >= 0 && indent > 0; i--) {
    const line = lines[i];
    if (line.trim() === "" || indentOf(line) >= indent) continue;
    const code = line.trim();
    if (code.startsWith(")") || code.startsWith("*") || code.startsWith("//")) continue;
    indent = indentOf(line);
    const m = FUNCTION_DECL.exec(code) ?? ASSIGNED_FN.exec(code) ?? METHOD.exec(code);
    if (m && !KEYWORDS.has(m[1])) return m[1];
    if (/^(?:export\s+)?(?:abstract\s+)?class\b/.test(code)) return null;
  }
  return null;
}

function indentOf(line: string): number {
  return line.length - line.trimStart().length;
}

/**
 * The student version of a notebook: solution regions of code cells stubbed (a region outside any
 * function is named after its cell), every output and execution count cleared.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { stubNotebook } from "./markers.ts";
 * const nb = { cells: [{ cell_type: "code", execution_count: 3, outputs: [{ output_type: "stream" }],
 *   source: ["const k = 5; // SOLUTION: const k = 0;\n", "k;"] }] };
 * const out = stubNotebook(nb, "n.ipynb");
 * assert.deepEqual(out.cells[0].source, ["const k = 0;\n", "k;"]);
 * assert.deepEqual([out.cells[0].outputs, out.cells[0].execution_count], [[], null]);
 * ```
 */
export function stubNotebook(nb: Notebook, path: string): Notebook {
  return {
    ...nb,
    cells: nb.cells.map((cell, i) => {
      if (cell.cell_type !== "code") return cell;
      const where = `${path} cell ${i}`;
      const source = toLines(stubSource(sourceOf(cell), where, `the code of ${where}`));
      return { ...cell, source, outputs: [], execution_count: null };
    }),
  };
}

/**
 * `fillSolutions` cell by cell: the notebook `stubbed` with the solutions of `original` put back,
 * and the reference answers of its inline questions (cells tagged `answer`).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { fillNotebook, stubNotebook } from "./markers.ts";
 * const nb = { cells: [{ cell_type: "code", source: "f(); // SOLUTION", outputs: [] }] };
 * const back = fillNotebook(stubNotebook(nb, "n.ipynb"), nb, "n.ipynb");
 * assert.deepEqual(back.cells[0].source, ["f(); // SOLUTION"]);
 * ```
 */
export function fillNotebook(stubbed: Notebook, original: Notebook, path: string): Notebook {
  if (stubbed.cells.length !== original.cells.length) {
    throw new MarkerError(
      path,
      1,
      `has ${stubbed.cells.length} cells, the original ${original.cells.length}`,
    );
  }
  return {
    ...stubbed,
    cells: stubbed.cells.map((cell, i) => {
      // An inline question's answer cell (blanked in the student edition) gets its reference back.
      if (cell.metadata?.tags?.includes(ANSWER_TAG)) {
        return { ...cell, source: toLines(sourceOf(original.cells[i])) };
      }
      if (cell.cell_type !== "code") return cell;
      const where = `${path} cell ${i}`;
      const filled = fillSolutions(
        sourceOf(cell),
        sourceOf(original.cells[i]),
        where,
        `the code of ${where}`,
      );
      return { ...cell, source: toLines(filled) };
    }),
  };
}

/**
 * The solution regions of every code cell of a notebook, each with its cell index.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { notebookRegions } from "./markers.ts";
 * const nb = { cells: [{ cell_type: "markdown", source: "x" },
 *   { cell_type: "code", source: "function acc() {\n  return 1; // SOLUTION\n}" }] };
 * assert.deepEqual(notebookRegions(nb, "n.ipynb").map((r) => [r.cell, r.name]), [[1, "acc"]]);
 * ```
 */
export function notebookRegions(nb: Notebook, path: string): (Region & { cell: number })[] {
  return nb.cells.flatMap((cell, i) => {
    if (cell.cell_type !== "code") return [];
    const where = `${path} cell ${i}`;
    return findRegions(sourceOf(cell), where, `the code of ${where}`).map((r) => ({
      ...r,
      cell: i,
    }));
  });
}

/** nbformat's list-of-lines form: every line but the last keeps its "\n". */
function toLines(text: string): string[] {
  const parts = text.split("\n");
  return parts.map((p, i) => (i < parts.length - 1 ? `${p}\n` : p)).filter((p) => p !== "");
}

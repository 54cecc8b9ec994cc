/**
 * The notebook harness shared by the tests and `deno task export`: execute a notebook through
 * Jupyter and the Deno kernel (`jupyter nbconvert --execute`), type-check its code, convert it to
 * HTML, and report what went wrong cell by cell. Re-exports the checks of `notebook_checks.ts`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { type Notebook, uncleanCells } from "./notebooks.ts";
 * const nb: Notebook = { cells: [{ cell_type: "code", source: "1", outputs: [], execution_count: null }] };
 * assert.deepEqual(uncleanCells(nb), []);
 * ```
 * @module
 */
import { basename, dirname, extname, join, relative, resolve } from "node:path";
import { REPO_ROOT, run } from "./kernelspec.ts";
import {
  cellErrors,
  type CellProblem,
  excerpt,
  type Notebook,
  readNotebook,
  sourceOf,
  stripAnsi,
} from "./notebook_checks.ts";

export * from "./notebook_checks.ts";

/**
 * Options of `executeNotebook`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import type { ExecuteOptions } from "./notebooks.ts";
 * const options: ExecuteOptions = { jupyter: "/usr/bin/jupyter", cellTimeout: 30 };
 * assert.equal(options.kernelName, undefined); // "deno"
 * ```
 */
export interface ExecuteOptions {
  /** The `jupyter` command (from `findJupyter`). */
  jupyter: string;
  /** Seconds one cell may run (default 60). */
  cellTimeout?: number;
  /** Kernelspec name (default "deno"). */
  kernelName?: string;
  /**
   * What is sent to the kernel instead of the notebook itself (same cells, same order), e.g. the
   * output tracer's instrumented copy; the executed notebook gets the original sources back.
   */
  transform?: (nb: Notebook) => Notebook;
  /** Extra environment for Jupyter and the kernel. */
  env?: Record<string, string>;
}

/**
 * How an execution went: the executed notebook (when it ran to the end), its time, and the
 * problems (an error stops execution at that cell, like Run All).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import type { ExecutionResult } from "./notebooks.ts";
 * const r: ExecutionResult = { ok: false, seconds: 2.5, problems: [{ cell: 1, source: "", message: "x" }] };
 * assert.equal(r.executed, undefined);
 * ```
 */
export interface ExecutionResult {
  /** True when every cell ran without error. */
  ok: boolean;
  /** Wall-clock seconds, kernel start included. */
  seconds: number;
  /** The executed notebook (original sources, new outputs); absent when execution stopped early. */
  executed?: Notebook;
  /**
   * Path of the executed notebook file, when it ran to the end: in an `nbexec-*` temp folder that
   * is removed once `notebookToHtml` has converted it, or when the process exits.
   */
  executedPath?: string;
  /** Errors with cell index, source excerpt and message. */
  problems: CellProblem[];
}

/**
 * Executes a notebook top to bottom through the Deno kernel (`jupyter nbconvert --execute`, the
 * notebook piped in, as it is or as `transform` makes it) into a temp dir. The kernel runs in
 * the notebook's own directory, so deno.json and its import map ("lib") are found. The first
 * failing cell stops the run and is reported.
 *
 * @example
 * ```ts ignore
 * const result = await executeNotebook("notebooks/01-nearest-neighbor.ipynb", { jupyter: "jupyter" });
 * console.log(result.ok, result.seconds);
 * ```
 */
export async function executeNotebook(
  path: string,
  { jupyter, cellTimeout = 60, kernelName = "deno", transform, env = {} }: ExecuteOptions,
): Promise<ExecutionResult> {
  const original = await readNotebook(path);
  const sent = transform ? transform(original) : original;
  const outDir = await Deno.makeTempDir({ prefix: "nbexec-" });
  try {
    const stem = basename(path, ".ipynb");
    const started = performance.now();
    const res = await run(jupyter, [
      "nbconvert",
      "--stdin",
      "--to",
      "notebook",
      "--execute",
      `--ExecutePreprocessor.timeout=${cellTimeout}`,
      `--ExecutePreprocessor.kernel_name=${kernelName}`,
      "--output-dir",
      outDir,
      "--output",
      stem,
    ], {
      env: { NO_COLOR: "1", ...env },
      cwd: dirname(resolve(path)),
      input: JSON.stringify(sent),
    });
    const seconds = (performance.now() - started) / 1000;
    if (res.code !== 0) {
      const problem = parseExecutionFailure(res.stderr, sent);
      if (problem.cell >= 0) problem.source = excerpt(sourceOf(original.cells[problem.cell]));
      return { ok: false, seconds, problems: [problem] };
    }
    const executedPath = join(outDir, `${stem}.ipynb`);
    const executed = await readNotebook(executedPath);
    executed.cells.forEach((cell, i) => cell.source = original.cells[i].source);
    await Deno.writeTextFile(executedPath, JSON.stringify(executed, null, 1) + "\n");
    const problems = cellErrors(executed);
    keepExecutedDir(outDir); // for notebookToHtml; removed there or at exit
    return { ok: problems.length === 0, seconds, executed, executedPath, problems };
  } finally {
    if (!executedDirs.has(outDir)) await Deno.remove(outDir, { recursive: true }).catch(() => {});
  }
}

/** `nbexec-*` folders holding an executed notebook not yet converted to HTML. */
const executedDirs = new Set<string>();

/** Keeps `dir` until `notebookToHtml` converts its notebook or, at the latest, the process exits. */
function keepExecutedDir(dir: string): void {
  if (executedDirs.size === 0) globalThis.addEventListener("unload", removeExecutedDirs);
  executedDirs.add(dir);
}

function removeExecutedDirs(): void {
  for (const dir of executedDirs) {
    try {
      Deno.removeSync(dir, { recursive: true });
    } catch {
      // Already gone.
    }
  }
  executedDirs.clear();
  globalThis.removeEventListener("unload", removeExecutedDirs);
}

/**
 * The failing cell and message from nbconvert's stderr after a failed execution
 * (`CellExecutionError`, a timeout or a dead kernel).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { parseExecutionFailure } from "./notebooks.ts";
 * const stderr = "nbclient.exceptions.CellExecutionError: An error occurred while executing the " +
 *   "following cell:\n------------------\nlet q = 1 +;\n------------------\n\n\nError: Execution failed\n";
 * const nb = { cells: [{ cell_type: "code", source: "1" }, { cell_type: "code", source: "let q = 1 +;" }] };
 * const p = parseExecutionFailure(stderr, nb);
 * assert.equal(p.cell, 1);
 * assert.match(p.message, /Execution failed \(the kernel gives no detail/);
 * // nbclient ≥ 0.10 (JupyterLab's venv) prints nothing after the cell for the same error
 * const newer = parseExecutionFailure(stderr.replace("Error: Execution failed\n", ""), nb);
 * assert.match(newer.message, /^Error: Execution failed \(the kernel gives no detail/);
 * ```
 */
export function parseExecutionFailure(stderr: string, nb: Notebook): CellProblem {
  const clean = stripAnsi(stderr);
  const m =
    /An error occurred while executing the following cell:\n-{18}\n([\s\S]*?)\n-{18}\n([\s\S]*)$/
      .exec(clean);
  if (m) {
    const cell = nb.cells.findIndex((c) => c.cell_type === "code" && sourceOf(c) === m[1]);
    const lines = m[2].trim().split("\n");
    // nbclient prints the traceback, then "ename: evalue" once more.
    if (lines.length > 1 && lines.at(-1) === lines[0]) lines.pop();
    // nbclient ≥ 0.10 prints only the traceback, which the kernel leaves empty for a syntax error.
    let message = lines.join("\n").trim() || "Error: Execution failed";
    if (/^Error: Execution failed$/m.test(message) && !/\n\s+at /.test(message)) {
      message += " (the kernel gives no detail: usually a TypeScript syntax error; " +
        "the type-check test names it)";
    }
    const source = excerpt(m[1]);
    return { cell, source, message };
  }
  const timeout = /A cell timed out while it was being executed, after (\d+) seconds/.exec(clean);
  const tail = clean.trim().split("\n").slice(-15).join("\n");
  if (timeout) return { cell: -1, source: "", message: `a cell ran over ${timeout[1]} s\n${tail}` };
  return { cell: -1, source: "", message: `nbconvert failed:\n${tail}` };
}

/**
 * Type-checks a notebook's code: `jupyter nbconvert --to script` writes the cells, in order, to a
 * hidden `.ts` file next to the notebook (so deno.json and its import map are found), then
 * `deno check` runs on it. Returns the problems, mapped back to cells; the file is removed.
 *
 * @example
 * ```ts ignore
 * const problems = await typeCheckNotebook("notebooks/01-nearest-neighbor.ipynb", "jupyter");
 * console.log(formatProblems("01", problems));
 * ```
 */
export async function typeCheckNotebook(path: string, jupyter: string): Promise<CellProblem[]> {
  return (await typeCheckNotebooks([path], jupyter))[0];
}

/**
 * `typeCheckNotebook` for many notebooks at once: one `deno check` per folder for all their
 * scripts (the library's types are checked once, not once per notebook). Returns each notebook's
 * problems, in the order given; an error outside every notebook (in a module they import) is
 * reported for each notebook of its folder.
 *
 * @example
 * ```ts ignore
 * const [a, b] = await typeCheckNotebooks(["notebooks/01-nearest-neighbor.ipynb", "notebooks/02-cross-validation.ipynb"], "jupyter");
 * ```
 */
export async function typeCheckNotebooks(
  paths: readonly string[],
  jupyter: string,
): Promise<CellProblem[][]> {
  const exported = await Promise.all(paths.map((p) => exportScript(resolve(p), jupyter)));
  try {
    const results: CellProblem[][] = exported.map((e) => e.problems);
    const byDir = new Map<string, number[]>();
    exported.forEach((e, i) => {
      if (e.script) byDir.set(dirname(e.script), [...(byDir.get(dirname(e.script)) ?? []), i]);
    });
    for (const [dir, members] of byDir) {
      const scripts = members.map((i) => exported[i].script!);
      const check = await run(Deno.execPath(), ["check", ...scripts], {
        env: { NO_COLOR: "1" },
        cwd: dir,
      });
      if (check.code === 0) continue;
      const output = stripAnsi(check.stderr + check.stdout);
      for (const i of members) {
        const { script, text, nb } = exported[i];
        const others = scripts.filter((s) => s !== script).map((s) => toFileUrl(s));
        results[i] = checkProblems(output, text, nb, script!, others);
      }
    }
    return results;
  } finally {
    for (const e of exported) {
      for (const f of e.written) await Deno.remove(f).catch(() => {});
    }
  }
}

function toFileUrl(path: string): string {
  return `file://${path.split("/").map(encodeURIComponent).join("/")}`;
}

/** `nbconvert --to script` of one notebook into a hidden `.ts` next to it. */
async function exportScript(path: string, jupyter: string): Promise<{
  nb: Notebook;
  script: string | null;
  text: string;
  written: string[];
  problems: CellProblem[];
}> {
  const nb = await readNotebook(path);
  const dir = dirname(path);
  const stem = `.nbcheck-${basename(path, ".ipynb")}-${crypto.randomUUID().slice(0, 8)}`;
  const res = await run(jupyter, [
    "nbconvert",
    "--to",
    "script",
    "--output-dir",
    dir,
    "--output",
    stem,
    path,
  ]);
  const written: string[] = [];
  for await (const e of Deno.readDir(dir)) {
    if (e.name.startsWith(stem)) written.push(join(dir, e.name));
  }
  const script = join(dir, `${stem}.ts`);
  if (res.code !== 0 || written.length !== 1) {
    const problems = [{
      cell: -1,
      source: "",
      message: `nbconvert --to script failed:\n${res.output}`,
    }];
    return { nb, script: null, text: "", written, problems };
  }
  if (extname(written[0]) !== ".ts") {
    await Deno.rename(written[0], script);
    written[0] = script;
  }
  return { nb, script, text: await Deno.readTextFile(script), written, problems: [] };
}

/** Splits `deno check` output into one problem per error, located by the cell it points into. */
function checkProblems(
  output: string,
  script: string,
  nb: Notebook,
  file: string,
  others: readonly string[] = [],
): CellProblem[] {
  const starts = cellStartLines(script, nb);
  const cellAt = (line: number) => starts.filter((s) => s.line <= line).at(-1);
  // Blocks about another notebook's script (checked in the same run) are that notebook's.
  const blocks = output.split(/\n(?=TS\d+ \[ERROR\]|error: )/).filter((b) =>
    /\[ERROR\]|^error: /m.test(b) && !/^error: Type checking failed/.test(b.trim()) &&
    !others.some((o) => b.includes(o))
  );
  // Locations in the exported script become "cell N line L:C"; others become repo-relative paths.
  const location = /file:\/\/(\S+?):(\d+):(\d+)/g;
  return blocks.map((block) => {
    let hit: { cell: number; line: number } | undefined;
    const message = block.replace(/\n\s*Found \d+ errors?\.\s*$/, "").replace(
      location,
      (_, path: string, l: string, c: string) => {
        const abs = decodeURIComponent(path);
        if (abs !== file) return `${relative(REPO_ROOT, abs)}:${l}:${c}`;
        const s = cellAt(Number(l));
        hit ??= s;
        return s ? `cell ${s.cell} line ${Number(l) - s.line + 1}:${c}` : `line ${l}:${c}`;
      },
    ).trim();
    return {
      cell: hit?.cell ?? -1,
      source: hit ? excerpt(sourceOf(nb.cells[hit.cell])) : "",
      message,
    };
  });
}

/** Line (1-based) where each code cell's source starts in the exported script. */
function cellStartLines(script: string, nb: Notebook): { cell: number; line: number }[] {
  const starts: { cell: number; line: number }[] = [];
  let cursor = 0;
  nb.cells.forEach((cell, i) => {
    const src = sourceOf(cell);
    if (cell.cell_type !== "code" || src.trim() === "") return;
    const at = script.indexOf(src, cursor);
    if (at < 0) return;
    starts.push({ cell: i, line: script.slice(0, at).split("\n").length });
    cursor = at + src.length;
  });
  return starts;
}

/**
 * Converts an executed notebook to a standalone HTML page (`jupyter nbconvert --to html`). When
 * `executedPath` is an `executeNotebook` result, its temp folder is removed afterwards.
 *
 * @example
 * ```ts ignore
 * await notebookToHtml(result.executedPath!, "build/html", "01-nearest-neighbor", "jupyter");
 * ```
 */
export async function notebookToHtml(
  executedPath: string,
  outDir: string,
  stem: string,
  jupyter: string,
): Promise<string> {
  const res = await run(jupyter, [
    "nbconvert",
    "--to",
    "html",
    "--output-dir",
    outDir,
    "--output",
    stem,
    executedPath,
  ]);
  const dir = dirname(executedPath);
  if (executedDirs.delete(dir)) await Deno.remove(dir, { recursive: true }).catch(() => {});
  if (res.code !== 0) throw new Error(`nbconvert --to html failed for ${stem}:\n${res.output}`);
  return join(outDir, `${stem}.html`);
}

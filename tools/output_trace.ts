/**
 * Counting missing and misplaced outputs: a notebook is executed with a tracer that numbers every
 * display the kernel is asked to send (and notes the cell that asked), then the executed notebook
 * is checked against that record. No delay is added to any cell: the tracer only labels outputs.
 *
 * `instrumentNotebook` makes the first code cell wrap `Deno.jupyter.broadcast` (the call `show` and
 * `print` use): each `display_data` / `update_display_data` gets `metadata["output-trace"] = { seq,
 * cell }` and a line in a trace file; each code cell starts by setting the current cell index.
 * `verifyOutputs` then expects, for every traced `display_data`, one output carrying its label —
 * or, for a display later updated in place, the label of its last update — in the cell that sent
 * it. What is absent is missing; what is elsewhere is misplaced.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { verifyOutputs } from "./output_trace.ts";
 * const trace = [{ seq: 1, cell: 0, type: "display_data" }, { seq: 2, cell: 1, type: "display_data" }];
 * const executed = { cells: [
 *   { cell_type: "code", source: "", outputs: [{ output_type: "display_data", metadata: { "output-trace": { seq: 1, cell: 0 } } }] },
 *   { cell_type: "code", source: "", outputs: [] },
 * ] };
 * const report = verifyOutputs(executed, trace);
 * assert.equal(report.expected, 2);
 * assert.deepEqual(report.missing.map((m) => m.seq), [2]);
 * ```
 * @module
 */
import type { Notebook } from "./notebook_checks.ts";

/**
 * One traced message: its number, the code cell (index in the original notebook) that sent it,
 * its type and display id.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import type { TraceEntry } from "./output_trace.ts";
 * const e: TraceEntry = { seq: 3, cell: 7, type: "update_display_data", id: "progress" };
 * assert.equal(e.cell, 7);
 * ```
 */
export interface TraceEntry {
  /** 1, 2, 3 … in sending order. */
  seq: number;
  /** Index of the sending cell in the original notebook (-1: outside any cell). */
  cell: number;
  /** `display_data` or `update_display_data`. */
  type: string;
  /** The display id, if any. */
  id?: string;
}

/**
 * What `verifyOutputs` found: how many outputs were expected, which are missing, which landed in
 * another cell.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import type { TraceReport } from "./output_trace.ts";
 * const r: TraceReport = { expected: 4, missing: [], misplaced: [{ seq: 2, cell: 1, foundIn: 2 }] };
 * assert.equal(r.misplaced[0].foundIn, 2);
 * ```
 */
export interface TraceReport {
  /** Outputs that should be in the notebook. */
  expected: number;
  /** Expected outputs found nowhere. */
  missing: { seq: number; cell: number }[];
  /** Expected outputs found in another cell (or extra copies). */
  misplaced: { seq: number; cell: number; foundIn: number }[];
}

/** The metadata key of a traced output. */
const KEY = "output-trace";
/** The global each instrumented cell sets to its own index. */
const CELL_GLOBAL = "__outputTraceCell";

/**
 * A copy of `nb` whose code cells each start by recording their index, the first one after
 * installing the tracer (writing to `traceFile`). Same cells, same order; line numbers in error
 * messages move down.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { instrumentNotebook } from "./output_trace.ts";
 * const nb = { cells: [{ cell_type: "markdown", source: "# x" }, { cell_type: "code", source: "1" }, { cell_type: "code", source: ["2"] }] };
 * const out = instrumentNotebook(nb, "/tmp/trace.jsonl");
 * assert.equal(out.cells.length, 3);
 * assert.match(String(out.cells[1].source), /jupyter\.broadcast = [\s\S]*__outputTraceCell = 1;\n1$/);
 * assert.equal(out.cells[2].source, "globalThis.__outputTraceCell = 2;\n2");
 * ```
 */
export function instrumentNotebook(nb: Notebook, traceFile: string): Notebook {
  const tracer = `{
  const jupyter = Deno.jupyter;
  const send = jupyter.broadcast.bind(jupyter);
  const file = ${JSON.stringify(traceFile)};
  let seq = 0;
  jupyter.broadcast = (type, content, extra) => {
    const id = content?.transient?.display_id;
    const probe = typeof id === "string" && id.startsWith("cs231n-probe-");
    if ((type === "display_data" || type === "update_display_data") && !probe) {
      const cell = globalThis.${CELL_GLOBAL} ?? -1;
      seq += 1;
      content = { ...content, metadata: { ...(content.metadata ?? {}), "${KEY}": { seq, cell } } };
      Deno.writeTextFileSync(file, JSON.stringify({ seq, cell, type, id }) + "\\n", { append: true });
    }
    return send(type, content, extra);
  };
}
`;
  const first = nb.cells.findIndex((c) => c.cell_type === "code");
  return {
    ...nb,
    cells: nb.cells.map((cell, i) =>
      cell.cell_type === "code"
        ? {
          ...cell,
          source: `${i === first ? tracer : ""}globalThis.${CELL_GLOBAL} = ${i};\n${
            sourceText(cell.source)
          }`,
        }
        : cell
    ),
  };
}

/**
 * Parses a trace file (one JSON object per line).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { parseTrace } from "./output_trace.ts";
 * assert.deepEqual(parseTrace('{"seq":1,"cell":2,"type":"display_data"}\n'), [{ seq: 1, cell: 2, type: "display_data" }]);
 * ```
 */
export function parseTrace(text: string): TraceEntry[] {
  return text.split("\n").filter((l) => l.trim() !== "").map((l) => JSON.parse(l) as TraceEntry);
}

/**
 * Checks an executed notebook (original layout) against its trace: see the module doc.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { verifyOutputs } from "./output_trace.ts";
 * // cell 0 shows a progress line (seq 1) that seq 2 replaces; cell 1's output (seq 3) landed in cell 2
 * const trace = [
 *   { seq: 1, cell: 0, type: "display_data", id: "p" },
 *   { seq: 2, cell: 0, type: "update_display_data", id: "p" },
 *   { seq: 3, cell: 1, type: "display_data" },
 * ];
 * const out = (seq: number) => ({ output_type: "display_data", metadata: { "output-trace": { seq } } });
 * const executed = { cells: [
 *   { cell_type: "code", source: "", outputs: [out(2)] },
 *   { cell_type: "code", source: "", outputs: [] },
 *   { cell_type: "code", source: "", outputs: [out(3)] },
 * ] };
 * const r = verifyOutputs(executed, trace);
 * assert.equal(r.expected, 2);
 * assert.deepEqual(r.missing, []);
 * assert.deepEqual(r.misplaced, [{ seq: 3, cell: 1, foundIn: 2 }]);
 * ```
 */
export function verifyOutputs(executed: Notebook, trace: readonly TraceEntry[]): TraceReport {
  // Expected label of each display: its own seq, or that of the last update of its display id.
  const lastUpdate = new Map<string, number>();
  for (const e of trace) {
    if (e.type === "update_display_data" && e.id !== undefined) lastUpdate.set(e.id, e.seq);
  }
  const expected = new Map<number, number>(); // label seq → cell
  for (const e of trace) {
    if (e.type !== "display_data") continue;
    const seq = e.id !== undefined && lastUpdate.has(e.id) ? lastUpdate.get(e.id)! : e.seq;
    expected.set(seq, e.cell);
  }
  const found = new Map<number, number[]>(); // label seq → cells holding it
  executed.cells.forEach((cell, i) => {
    for (const output of cell.outputs ?? []) {
      const label = (output.metadata as Record<string, { seq?: number }> | undefined)?.[KEY];
      if (typeof label?.seq !== "number") continue;
      found.set(label.seq, [...(found.get(label.seq) ?? []), i]);
    }
  });
  const report: TraceReport = { expected: expected.size, missing: [], misplaced: [] };
  for (const [seq, cell] of expected) {
    const at = found.get(seq) ?? [];
    if (!at.includes(cell)) {
      if (at.length === 0) report.missing.push({ seq, cell });
      else report.misplaced.push({ seq, cell, foundIn: at[0] });
    }
    for (const other of at.filter((c, k) => c !== cell || at.indexOf(c) !== k)) {
      if (at.includes(cell)) report.misplaced.push({ seq, cell, foundIn: other });
    }
  }
  for (const [seq, at] of found) {
    if (expected.has(seq)) continue;
    // A label nobody expects: an update that arrived but the display it replaces did not.
    for (const c of at) {
      report.misplaced.push({
        seq,
        cell: trace.find((e) => e.seq === seq)?.cell ?? -1,
        foundIn: c,
      });
    }
  }
  return report;
}

function sourceText(source: string | string[]): string {
  return Array.isArray(source) ? source.join("") : source;
}

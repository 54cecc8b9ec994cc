/**
 * `deno task stress:outputs [--runs N] [--filter text]`: runs every lesson, and a notebook built to
 * provoke the Deno kernel's late outputs (60 quick cells, each ending with a display of 100 B,
 * 20 kB or 300 kB), N times through Jupyter with the output tracer (`output_trace.ts`) — no settle
 * delay, no retry — and counts the outputs that went missing or landed in another cell. Prints one
 * line per run, then the totals and the rate per 1000 displays; exits 1 if any was lost.
 *
 * N defaults to `$OUTPUT_STRESS_RUNS`, else 5. `--race-only` skips the lessons; `--baseline` runs
 * the race notebook with bare `Deno.jupyter.broadcast` calls instead of `show`, to measure what the
 * kernel itself loses.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { raceNotebook } from "./stress_outputs.ts";
 * const nb = raceNotebook("file:///repo/lib/plot/show.ts", 6);
 * assert.equal(nb.cells.length, 7);
 * assert.match(String(nb.cells[3].source), /await show\(\{ "text\/html": "<i>2<\/i>" \+ "x"\.repeat\(300000\) \}\);/);
 * ```
 * @module
 */
import { basename, join } from "node:path";
import { pathToFileURL } from "node:url";
import { parseArgs } from "node:util";
import { findJupyter, installKernelspec, REPO_ROOT } from "./kernelspec.ts";
import { executeNotebook, formatProblems, listNotebooks, type Notebook } from "./notebooks.ts";
import { instrumentNotebook, parseTrace, type TraceReport, verifyOutputs } from "./output_trace.ts";

/** Display sizes of the race notebook's cells, in characters, in turn. */
const RACE_SIZES = [100, 20_000, 300_000];

/**
 * The race notebook: a first cell importing `show` from `showUrl`, then `cells` cells that each
 * end with one display (sizes cycling through 100 B, 20 kB, 300 kB). With `acknowledged = false`
 * the cells send with a bare `Deno.jupyter.broadcast` (what `Deno.jupyter.display` does), and a
 * few of every 60 such outputs arrive after their cell has finished (`--baseline` measures it).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { raceNotebook } from "./stress_outputs.ts";
 * assert.match(String(raceNotebook("file:///s.ts", 1).cells[0].source), /import \{ show \} from "file:\/\/\/s\.ts"/);
 * ```
 */
export function raceNotebook(showUrl: string, cells = 60, acknowledged = true): Notebook {
  const code = (source: string) => ({
    cell_type: "code",
    metadata: {},
    outputs: [],
    execution_count: null,
    source,
  });
  return {
    cells: [
      code(`import { show } from "${showUrl}";`),
      ...Array.from(
        { length: cells },
        (_, i) =>
          code(
            acknowledged
              ? `await show({ "text/html": "<i>${i}</i>" + "x".repeat(${
                RACE_SIZES[i % RACE_SIZES.length]
              }) });`
              : `Deno.jupyter.broadcast("display_data", { data: { "text/html": "<i>${i}</i>" + ` +
                `"x".repeat(${
                  RACE_SIZES[i % RACE_SIZES.length]
                }) }, metadata: {}, transient: {} });`,
          ),
      ),
    ],
    metadata: { kernelspec: { name: "deno", display_name: "Deno", language: "typescript" } },
    nbformat: 4,
    nbformat_minor: 5,
  };
}

/**
 * One traced run of one notebook.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import type { StressRun } from "./stress_outputs.ts";
 * const r: StressRun = { notebook: "01", run: 1, seconds: 9.5, report: { expected: 12, missing: [], misplaced: [] } };
 * assert.equal(r.report.expected, 12);
 * ```
 */
export interface StressRun {
  /** Notebook file name. */
  notebook: string;
  /** 1-based run number. */
  run: number;
  /** Wall-clock seconds of the run. */
  seconds: number;
  /** What the tracer found (an execution error is thrown, not reported here). */
  report: TraceReport;
  /** The executed notebook (original sources; outputs carry the tracer's labels). */
  executed?: Notebook;
}

/**
 * Executes `path` once with the tracer and checks its outputs; throws if a cell fails.
 *
 * @example
 * ```ts ignore
 * const r = await tracedRun("notebooks/01-nearest-neighbor.ipynb", "jupyter", 1);
 * ```
 */
export async function tracedRun(path: string, jupyter: string, run: number): Promise<StressRun> {
  const traceFile = await Deno.makeTempFile({ prefix: "output-trace-", suffix: ".jsonl" });
  try {
    const result = await executeNotebook(path, {
      jupyter,
      transform: (nb) => instrumentNotebook(nb, traceFile),
    });
    if (!result.ok || !result.executed) {
      throw new Error(`${basename(path)} failed:\n${formatProblems(path, result.problems)}`);
    }
    const report = verifyOutputs(result.executed, parseTrace(await Deno.readTextFile(traceFile)));
    return {
      notebook: basename(path),
      run,
      seconds: result.seconds,
      report,
      executed: result.executed,
    };
  } finally {
    await Deno.remove(traceFile).catch(() => {});
  }
}

/**
 * Runs the lessons (those whose name contains `filter`) and the race notebook `runs` times; calls
 * `onRun` after each run. Resolves to every run.
 *
 * @example
 * ```ts ignore
 * const runs = await stressOutputs({ jupyter: "jupyter", runs: 1 });
 * ```
 */
export async function stressOutputs(
  { jupyter, runs, filter = "", lessons: withLessons = true, baseline = false, onRun = () => {} }: {
    jupyter: string;
    runs: number;
    filter?: string;
    /** Run the lessons too (default), or only the race notebook. */
    lessons?: boolean;
    /** The race notebook without `show` (bare broadcasts): measures the kernel's own loss rate. */
    baseline?: boolean;
    onRun?: (r: StressRun) => void;
  },
): Promise<StressRun[]> {
  const dir = await Deno.makeTempDir({ prefix: "output-stress-" });
  try {
    const race = join(dir, "race.ipynb");
    const showUrl = pathToFileURL(join(REPO_ROOT, "lib", "plot", "show.ts")).href;
    const raceNb = raceNotebook(showUrl, 60, !baseline);
    await Deno.writeTextFile(race, JSON.stringify(raceNb, null, 1) + "\n");
    const lessons = withLessons && !baseline
      ? (await listNotebooks(join(REPO_ROOT, "notebooks"))).filter((p) =>
        basename(p).includes(filter)
      )
      : [];
    const all: StressRun[] = [];
    for (let run = 1; run <= runs; run++) {
      for (const path of [race, ...lessons]) {
        const r = await tracedRun(path, jupyter, run);
        all.push({ ...r, executed: undefined }); // keep the numbers, not every notebook
        onRun(r);
      }
    }
    return all;
  } finally {
    await Deno.remove(dir, { recursive: true }).catch(() => {});
  }
}

/**
 * The summary of many runs: totals and the rate of lost outputs per 1000 displays.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { summarize } from "./stress_outputs.ts";
 * const r = (expected: number, missing: number) => ({ notebook: "x", run: 1, seconds: 1, report: { expected, missing: Array(missing).fill({ seq: 1, cell: 1 }), misplaced: [] } });
 * assert.deepEqual(summarize([r(600, 3), r(400, 0)]), { runs: 2, displays: 1000, missing: 3, misplaced: 0, perThousand: 3 });
 * ```
 */
export function summarize(runs: readonly StressRun[]): {
  runs: number;
  displays: number;
  missing: number;
  misplaced: number;
  perThousand: number;
} {
  const displays = runs.reduce((n, r) => n + r.report.expected, 0);
  const missing = runs.reduce((n, r) => n + r.report.missing.length, 0);
  const misplaced = runs.reduce((n, r) => n + r.report.misplaced.length, 0);
  const perThousand = displays === 0 ? 0 : (1000 * (missing + misplaced)) / displays;
  return { runs: runs.length, displays, missing, misplaced, perThousand };
}

/**
 * One line per run, e.g. `run 2  03-linear-classifiers.ipynb  41 displays  0 missing  0 misplaced  38.2 s`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { formatRun } from "./stress_outputs.ts";
 * const line = formatRun({ notebook: "race.ipynb", run: 1, seconds: 7.25, report: { expected: 60, missing: [], misplaced: [] } });
 * assert.equal(line, "run 1  race.ipynb  60 displays  0 missing  0 misplaced  7.3 s");
 * ```
 */
export function formatRun(r: StressRun): string {
  const { expected, missing, misplaced } = r.report;
  const detail = [
    ...missing.map((m) => `seq ${m.seq} of cell ${m.cell} missing`),
    ...misplaced.map(
      (m) => `seq ${m.seq} of cell ${m.cell} in cell ${m.foundIn}`,
    ),
  ];
  return `run ${r.run}  ${r.notebook}  ${expected} displays  ${missing.length} missing  ` +
    `${misplaced.length} misplaced  ${r.seconds.toFixed(1)} s` +
    (detail.length ? `\n  ${detail.slice(0, 10).join("\n  ")}` : "");
}

if (import.meta.main) {
  const { values } = parseArgs({
    args: Deno.args,
    options: {
      runs: { type: "string" },
      filter: { type: "string" },
      "race-only": { type: "boolean" },
      baseline: { type: "boolean" },
      help: { type: "boolean", short: "h" },
    },
  });
  if (values.help) {
    console.log(
      "usage: deno task stress:outputs [--runs N] [--filter text-in-lesson-name] [--race-only]\n" +
        "       deno task stress:outputs --baseline [--runs N]   (bare broadcasts: the kernel's " +
        "own loss rate)",
    );
    Deno.exit(0);
  }
  const runs = Number(values.runs ?? Deno.env.get("OUTPUT_STRESS_RUNS") ?? 5);
  if (!Number.isInteger(runs) || runs < 1) {
    console.error(`--runs must be an integer ≥ 1, got ${values.runs}`);
    Deno.exit(2);
  }
  const jupyter = await findJupyter();
  if (!jupyter) {
    console.error("Jupyter not found: run `deno task lab` once, or set $JUPYTER");
    Deno.exit(1);
  }
  await installKernelspec({ jupyter });
  const all = await stressOutputs({
    jupyter,
    runs,
    filter: values.filter,
    lessons: !values["race-only"],
    baseline: values.baseline,
    onRun: (r) => console.log(formatRun(r)),
  });
  const s = summarize(all);
  console.log(
    `${s.runs} notebook runs, ${s.displays} displays: ${s.missing} missing, ${s.misplaced} ` +
      `misplaced (${s.perThousand.toFixed(2)} per 1000)`,
  );
  Deno.exit(values.baseline || s.missing + s.misplaced === 0 ? 0 : 1);
}

/**
 * Check your work from a lesson notebook, like otter-grader's `grader.check`:
 *
 * ```ts ignore
 * import { check } from "../grader/notebook.ts";
 * await check("computeDistancesTwoLoops"); // or check("A1"), check(["rmsprop", "adam"])
 * ```
 *
 * runs the public tests of those functions (or of a whole assignment) exactly as `deno task check`
 * does — in a separate process (`deno run -A tools/check.ts --json …`), with the grader's sandbox,
 * limits and messages; your code never runs in this notebook's process for the check — and shows
 * a table: ✔ or ✘, the test, its points, and why it failed ("not written yet (TODO: implement …)",
 * the assertion that failed, a timeout). Failing tests are a result, not an error: `check` throws
 * only for a name that matches no public test (the message lists the valid names) or when the
 * checker itself cannot run.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { CheckResult } from "./notebook.ts";
 * const r = new CheckResult({ selector: "adam", scope: "", typeChecked: false, passed: 0,
 *   failed: 1, score: 0, maxScore: 1, seconds: 1.2, assignments: [{ id: "A3", title: "nets",
 *   score: 0, maxScore: 1, hiddenPoints: 10, typeErrors: [], brokenModules: {} }],
 *   tests: [{ assignment: "A3", name: "adam: the first step", function: "adam",
 *     file: "lib/optim/update_rules.ts", points: 0, maxPoints: 1, passed: false,
 *     message: "not written yet (TODO: implement adam)" }] });
 * assert.equal(r.allPassed, false);
 * assert.match(r.html, /<td>✘ failed<\/td><td>adam: the first step<\/td>/);
 * assert.match(r.text, /^✘ adam: 1 of 1 public test failing \(0 \/ 1 points\)/);
 * ```
 * @module
 */
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { escapeHtml, HtmlView } from "../lib/plot/display.ts";
import { table } from "../lib/plot/table.ts";
import type { CheckReport } from "./judge/check_select.ts";

export type { CheckedAssignment, CheckedTest, CheckReport } from "./judge/check_select.ts";

/**
 * The course repository this module belongs to (the folder above `grader/`): where `check` runs
 * `tools/check.ts`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { COURSE_ROOT } from "./notebook.ts";
 * assert.ok(Deno.statSync(`${COURSE_ROOT}/tools/check.ts`).isFile);
 * ```
 */
export const COURSE_ROOT: string = dirname(dirname(fileURLToPath(import.meta.url)));

/**
 * Options of {@link check}.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import type { CheckOptions } from "./notebook.ts";
 * const o: CheckOptions = { typeCheck: true };
 * assert.equal(o.typeCheck, true);
 * ```
 */
export interface CheckOptions {
  /** The course repository to check (default: the one this module is in). */
  root?: string;
  /**
   * Also type-check your lib files, as `deno task check` does (default false: about 3 s more;
   * type errors are never scored).
   */
  typeCheck?: boolean;
}

/**
 * The result of a check: shows itself in Jupyter as a table (`text/html`, with a `text/plain`
 * fallback); `report` holds the numbers.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { JUPYTER_DISPLAY } from "../lib/plot/display.ts";
 * import { CheckResult } from "./notebook.ts";
 * const r = new CheckResult({ selector: "f", scope: "", typeChecked: true, passed: 1, failed: 0,
 *   score: 2, maxScore: 2, seconds: 1, assignments: [{ id: "A1", title: "t", score: 2,
 *   maxScore: 2, hiddenPoints: 0, typeErrors: ["lib/f.ts:1:1 <oops>"], brokenModules: {} }],
 *   tests: [{ assignment: "A1", name: "f: <b>", function: "f", file: "lib/f.ts", points: 2,
 *     maxPoints: 2, passed: true, message: "" }] });
 * assert.ok(r.allPassed);
 * assert.match(r.html, /f: &lt;b&gt;/);
 * assert.match(r.html, /lib\/f\.ts:1:1 &lt;oops&gt;/);
 * assert.deepEqual(Object.keys(r[JUPYTER_DISPLAY]()), ["text/html", "text/plain"]);
 * ```
 */
export class CheckResult extends HtmlView {
  /** What `deno task check --json` reported. */
  readonly report: CheckReport;

  /** Renders `report`. */
  constructor(report: CheckReport) {
    const { html, text } = render(report);
    super(html, text);
    this.report = report;
  }

  /** Whether every test checked passed. */
  get allPassed(): boolean {
    return this.report.failed === 0 && this.report.tests.length > 0;
  }
}

/**
 * Runs the public tests of `names` (function names such as `"computeDistancesTwoLoops"` or
 * `"TwoLayerNet.loss"`, an assignment id such as `"A1"`, or a part of a test's name; none: every
 * public test) in a separate process and returns the result, which Jupyter shows as a table.
 * Resolves (does not throw) when tests fail; rejects when no public test matches, with the valid
 * names in the message.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { check } from "./notebook.ts";
 * const result = await check("kFoldSplit");
 * assert.deepEqual(result.report.tests.map((t) => [t.function, t.maxPoints]), [["kFoldSplit", 1]]);
 * await assert.rejects(check("kFoldSplitt"), /no public test matches "kFoldSplitt".*kFoldSplit/s);
 * ```
 */
export async function check(
  names: string | readonly string[] = [],
  { root = COURSE_ROOT, typeCheck = false }: CheckOptions = {},
): Promise<CheckResult> {
  const list = typeof names === "string" ? [names] : [...names];
  for (const name of list) {
    if (typeof name !== "string" || name.trim() === "") {
      throw new TypeError(`check: expected function or assignment names, got ${String(name)}`);
    }
  }
  const args = ["run", "-A", join("tools", "check.ts"), "--json"];
  if (!typeCheck) args.push("--no-typecheck");
  const out = await new Deno.Command(Deno.execPath(), {
    args: [...args, "--", ...list],
    cwd: root,
    stdout: "piped",
    stderr: "piped",
    env: { NO_COLOR: "1", DENO_NO_UPDATE_CHECK: "1" },
  }).output();
  const stdout = new TextDecoder().decode(out.stdout).trim();
  let parsed: (CheckReport & { error?: undefined }) | { error: string; valid: string[] };
  try {
    parsed = JSON.parse(stdout.slice(stdout.lastIndexOf("\n") + 1));
  } catch {
    const stderr = new TextDecoder().decode(out.stderr).trim().split("\n").slice(-20).join("\n");
    throw new Error(
      `check: deno ${args.join(" ")} in ${root} exited with code ${out.code} without a ` +
        `report:\n${stderr || stdout}`,
    );
  }
  if (parsed.error !== undefined) throw new RangeError(parsed.error);
  return new CheckResult(parsed);
}

/** The HTML and plain-text views of a report. */
function render(r: CheckReport): { html: string; text: string } {
  const failing = r.tests.some((t) => !t.passed);
  const several = r.assignments.length > 1;
  const rows = r.tests.map((t) => ({
    ...(several ? { assignment: t.assignment } : {}),
    result: t.passed ? "✔ passed" : "✘ failed",
    test: t.name,
    points: `${fmt(t.points)} / ${fmt(t.maxPoints)}`,
    ...(failing ? { "why it failed": t.passed ? "" : `${t.message}  [${t.file}]` } : {}),
  }));
  const grid = table(rows, { maxRows: Infinity });
  const label = r.selector || "every assignment";
  const n = r.tests.length;
  const verdict = !failing
    ? `✔ ${label}: ${n === 1 ? "the public test passes" : `all ${n} public tests pass`}`
    : `✘ ${label}: ${r.failed} of ${n} public test${n === 1 ? "" : "s"} failing`;
  const headline = `${verdict} (${fmt(r.score)} / ${fmt(r.maxScore)} points)`;
  const notes: string[] = [];
  for (const a of r.assignments) {
    for (const [file, why] of Object.entries(a.brokenModules)) {
      notes.push(`${file} did not load: ${why}`);
    }
    if (a.typeErrors.length) {
      notes.push(`type errors (not scored, but fix them):\n${a.typeErrors.join("\n\n")}`);
    }
    if (a.hiddenPoints) {
      notes.push(
        `${a.id}: ${fmt(a.hiddenPoints)} more points come from hidden tests, run after you submit`,
      );
    }
  }
  const color = failing ? "#b00020" : "#1b7f3b";
  const html = `<div class="course-check">` +
    `<p style="font-weight:bold;color:${color}">${escapeHtml(headline)}</p>` +
    `<div style="white-space:pre-wrap">${grid.html}</div>` +
    notes.map((n) => `<p style="white-space:pre-wrap">${escapeHtml(n)}</p>`).join("") +
    `</div>`;
  return { html, text: [headline, grid.text, ...notes].join("\n") };
}

function fmt(x: number): string {
  return String(Math.round(x * 100) / 100);
}

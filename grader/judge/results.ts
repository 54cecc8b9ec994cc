/**
 * Gradescope's `results.json` (https://gradescope-autograders.readthedocs.io/en/latest/specs/):
 * the types, a validator that checks a file against the spec, the fallback written when grading
 * itself fails, and the Markdown feedback report written next to it.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { validateResults } from "./results.ts";
 * const ok = { score: 2, tests: [{ name: "f: a", score: 2, max_score: 2, status: "passed" }] };
 * assert.deepEqual(validateResults(ok), []);
 * assert.match(validateResults({ tests: [{ score: 1, status: "ok" }] }).join("\n"), /status/);
 * ```
 * @module
 */
import type { Visibility } from "./manifest.ts";

/**
 * One test case of results.json.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import type { GradescopeTest } from "./results.ts";
 * const t: GradescopeTest = { name: "adam: step", score: 0, max_score: 2, status: "failed" };
 * assert.equal(t.status, "failed");
 * ```
 */
export interface GradescopeTest {
  /** Points earned. */
  score: number;
  /** Points possible. */
  max_score: number;
  /** `passed` or `failed`. */
  status: "passed" | "failed";
  /** The test's name. */
  name: string;
  /** Ordering label, e.g. "1.3". */
  number?: string;
  /** Why it failed, or what it checked. */
  output?: string;
  /** Format of `output`. */
  output_format?: OutputFormat;
  /** Tags, e.g. the graded function. */
  tags?: string[];
  /** Who sees it, and when. */
  visibility?: Visibility;
  /** Anything else stored with the test. */
  extra_data?: Record<string, unknown>;
}

/**
 * Output formats Gradescope renders.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import type { OutputFormat } from "./results.ts";
 * const f: OutputFormat = "md";
 * assert.equal(f, "md");
 * ```
 */
export type OutputFormat = "text" | "html" | "simple_format" | "md" | "ansi";

/**
 * A whole results.json.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import type { GradescopeResults } from "./results.ts";
 * const r: GradescopeResults = { score: 0, tests: [] };
 * assert.equal(r.score, 0);
 * ```
 */
export interface GradescopeResults {
  /** Total score (the sum of the tests' scores). */
  score: number;
  /** Seconds grading took. */
  execution_time?: number;
  /** Points possible in all (Gradescope ignores it; kept for gradebooks and reports). */
  max_score?: number;
  /** Text about the whole submission (shown above the tests). */
  output?: string;
  /** Format of `output`. */
  output_format?: OutputFormat;
  /** Default format of the tests' outputs. */
  test_output_format?: OutputFormat;
  /** Visibility of the whole result. */
  visibility?: Visibility;
  /** Visibility of the autograder's stdout. */
  stdout_visibility?: Visibility;
  /** Stored, not shown: assignment, max score, grader notes. */
  extra_data?: Record<string, unknown>;
  /** The test cases. */
  tests: GradescopeTest[];
}

const FORMATS = ["text", "html", "simple_format", "md", "ansi"];
const VISIBILITY = ["visible", "hidden", "after_due_date", "after_published"];
const TOP_KEYS = new Set([
  "score",
  "max_score",
  "execution_time",
  "output",
  "output_format",
  "test_output_format",
  "test_name_format",
  "visibility",
  "stdout_visibility",
  "extra_data",
  "tests",
  "leaderboard",
]);
const TEST_KEYS = new Set([
  "score",
  "max_score",
  "status",
  "name",
  "name_format",
  "number",
  "output",
  "output_format",
  "tags",
  "visibility",
  "extra_data",
]);

/**
 * Every way `value` departs from Gradescope's results.json spec (empty when it conforms): field
 * types, allowed values, a score on the top level or on every test, `status` agreeing with the
 * score, and the top-level score equal to the sum of the tests'.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { validateResults } from "./results.ts";
 * const bad = { score: 5, visibility: "public", tests: [{ name: "a", score: 1, max_score: 1 }] };
 * assert.deepEqual(validateResults(bad), [
 *   "visibility: must be one of visible, hidden, after_due_date, after_published, got public",
 *   "score: 5 is not the sum of the tests' scores (1)",
 * ]);
 * ```
 */
export function validateResults(value: unknown): string[] {
  const errors: string[] = [];
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    return ["results.json must be a JSON object"];
  }
  const r = value as Record<string, unknown>;
  for (const key of Object.keys(r)) if (!TOP_KEYS.has(key)) errors.push(`${key}: unknown field`);
  number(r, "score", errors, "");
  number(r, "max_score", errors, "");
  number(r, "execution_time", errors, "");
  text(r, "output", errors, "");
  oneOf(r, "output_format", FORMATS, errors, "");
  oneOf(r, "test_output_format", FORMATS, errors, "");
  oneOf(r, "test_name_format", FORMATS, errors, "");
  oneOf(r, "visibility", VISIBILITY, errors, "");
  oneOf(r, "stdout_visibility", VISIBILITY, errors, "");
  if (r.extra_data !== undefined && (typeof r.extra_data !== "object" || r.extra_data === null)) {
    errors.push("extra_data: must be an object");
  }
  if (r.tests === undefined) {
    if (r.score === undefined) errors.push("score: required when there are no tests");
    return errors;
  }
  if (!Array.isArray(r.tests)) return [...errors, "tests: must be an array"];
  let sum = 0;
  r.tests.forEach((t: unknown, i: number) => {
    const at = `tests[${i}].`;
    if (typeof t !== "object" || t === null) {
      return errors.push(`${at.slice(0, -1)}: not an object`);
    }
    const c = t as Record<string, unknown>;
    for (const key of Object.keys(c)) {
      if (!TEST_KEYS.has(key)) errors.push(`${at}${key}: unknown field`);
    }
    if (c.score === undefined && r.score === undefined) {
      errors.push(`${at}score: required when there is no top-level score`);
    }
    number(c, "score", errors, at);
    number(c, "max_score", errors, at);
    text(c, "name", errors, at);
    text(c, "number", errors, at);
    text(c, "output", errors, at);
    oneOf(c, "status", ["passed", "failed"], errors, at);
    oneOf(c, "output_format", FORMATS, errors, at);
    oneOf(c, "name_format", FORMATS, errors, at);
    oneOf(c, "visibility", VISIBILITY, errors, at);
    if (
      c.tags !== undefined && !(Array.isArray(c.tags) && c.tags.every((x) => typeof x === "string"))
    ) {
      errors.push(`${at}tags: must be an array of strings`);
    }
    if (typeof c.score === "number") {
      sum += c.score;
      if (typeof c.max_score === "number" && c.status !== undefined) {
        const full = c.score >= c.max_score - 1e-9;
        if ((c.status === "passed") !== full && c.max_score > 0) {
          errors.push(`${at}status: ${c.status} with score ${c.score} of ${c.max_score}`);
        }
      }
    }
  });
  if (typeof r.score === "number" && r.tests.length > 0 && Math.abs(r.score - sum) > 1e-6) {
    errors.push(`score: ${r.score} is not the sum of the tests' scores (${sum})`);
  }
  return errors;
}

/**
 * The results.json written when grading itself fails: score 0 and one failed "autograder failed"
 * test carrying the error, so the student sees what happened and staff can regrade.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { failedResults, validateResults } from "./results.ts";
 * const r = failedResults(new Error("no base/"), 20);
 * assert.equal(r.tests[0].name, "autograder failed");
 * assert.deepEqual(validateResults(r), []);
 * ```
 */
export function failedResults(error: unknown, maxScore = 0): GradescopeResults {
  const why = error instanceof Error ? (error.stack ?? error.message) : String(error);
  return {
    score: 0,
    max_score: maxScore,
    output: "The autograder failed before it could grade this submission; nothing was scored. " +
      "Please tell the course staff (they can see the details and regrade).",
    visibility: "visible",
    stdout_visibility: "hidden",
    extra_data: { autograder_failed: true, max_score: maxScore },
    tests: [{
      name: "autograder failed",
      number: "0",
      score: 0,
      max_score: maxScore,
      status: "failed",
      output: why,
      visibility: "visible",
    }],
  };
}

/**
 * A Markdown feedback report of a results.json: the score, the top-level notes, a table with one
 * row per test and the failure messages. `includeHidden: false` leaves out tests that are not
 * `visible` (for a report students get before the due date).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { resultsMarkdown } from "./results.ts";
 * const md = resultsMarkdown({ score: 1, extra_data: { max_score: 3, assignment: "A1" }, tests: [
 *   { name: "f: a", score: 1, max_score: 1, status: "passed", visibility: "visible" },
 *   { name: "g: b", score: 0, max_score: 2, status: "failed", output: "TODO: implement g", visibility: "hidden" },
 * ] });
 * assert.match(md, /^# A1: 1 \/ 3 points/);
 * assert.match(md, /\| 2 \| ✘ \| g: b \| 0 \/ 2 \| hidden \|/);
 * assert.match(md, /TODO: implement g/);
 * ```
 */
export function resultsMarkdown(r: GradescopeResults, { includeHidden = true } = {}): string {
  const tests = r.tests.filter((t) => includeHidden || (t.visibility ?? "visible") === "visible");
  const max = Number(
    r.max_score ?? r.extra_data?.max_score ?? r.tests.reduce((s, t) => s + t.max_score, 0),
  );
  const title = r.extra_data?.assignment ? `${r.extra_data.assignment}: ` : "";
  const lines = [`# ${title}${fmt(r.score)} / ${fmt(max)} points`, ""];
  if (r.output) lines.push(r.output.trim(), "");
  lines.push("| # | | test | points | visibility |", "|---|---|---|---|---|");
  tests.forEach((t, i) => {
    const mark = t.status === "passed" ? "✔" : "✘";
    const name = t.name.replace(/\|/g, "\\|");
    lines.push(
      `| ${t.number ?? i + 1} | ${mark} | ${name} | ${fmt(t.score)} / ${fmt(t.max_score)} | ${
        t.visibility ?? "visible"
      } |`,
    );
  });
  const failed = tests.filter((t) => t.status === "failed" && t.output);
  if (failed.length) lines.push("", "## Failures");
  for (const t of failed) {
    lines.push("", `### ${t.name}`, "", "```text", t.output!.replace(/```/g, "ʼʼʼ"), "```");
  }
  if (r.execution_time !== undefined) lines.push("", `Graded in ${r.execution_time} s.`);
  return lines.join("\n") + "\n";
}

/** Points as printed: at most two decimals, no trailing zeros. */
function fmt(x: number): string {
  return String(Math.round(x * 100) / 100);
}

function number(o: Record<string, unknown>, key: string, errors: string[], at: string): void {
  const v = o[key];
  if (v !== undefined && (typeof v !== "number" || !Number.isFinite(v))) {
    errors.push(`${at}${key}: must be a finite number, got ${JSON.stringify(v)}`);
  }
}

function text(o: Record<string, unknown>, key: string, errors: string[], at: string): void {
  if (o[key] !== undefined && typeof o[key] !== "string") {
    errors.push(`${at}${key}: must be a string`);
  }
}

function oneOf(
  o: Record<string, unknown>,
  key: string,
  allowed: string[],
  errors: string[],
  at: string,
): void {
  const v = o[key];
  if (v !== undefined && !allowed.includes(v as string)) {
    errors.push(`${at}${key}: must be one of ${allowed.join(", ")}, got ${v}`);
  }
}

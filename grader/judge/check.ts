/**
 * `deno task check [A1 | test or function name …] [--zip] [--json] [--no-typecheck]`: for
 * students. Runs the public tests of every assignment (or of one assignment, of the functions
 * named, or only the tests whose name contains the text given), each in the same sandbox and with
 * the same timeouts as the grader, and prints what passed, why the others failed, type errors, and
 * the score so far. `--zip` (with one assignment) also writes `submission-A1.zip` with the files to
 * upload; `--json` prints the same results as one JSON object (`CheckReport`), which is what the
 * notebooks' `check()` (grader/notebook.ts) reads.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { formatFailure } from "./check.ts";
 * assert.equal(
 *   formatFailure('Error: TODO: implement adam\n    throw new Error("TODO: implement adam");'),
 *   "not written yet (TODO: implement adam)",
 * );
 * ```
 * @module
 */
import { join } from "node:path";
import {
  type Assignment,
  gradedFiles,
  loadManifest,
  type Manifest,
  notebookPaths,
  resolveTests,
} from "./manifest.ts";
import { grade } from "./grade.ts";
import { zipEntries } from "./zip.ts";
import { answersMarkdown } from "./questions.ts";
import type { Notebook } from "../../tools/notebook_checks.ts";
import {
  type CheckedAssignment,
  type CheckedTest,
  type CheckReport,
  selectTests,
  UnknownSelectorError,
} from "./check_select.ts";

export {
  type CheckedAssignment,
  type CheckedTest,
  type CheckReport,
  selectTests,
  UnknownSelectorError,
  validNames,
} from "./check_select.ts";

/**
 * A failure message as a student reads it: "not written yet" for a stub, else the first lines.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { formatFailure } from "./check.ts";
 * assert.equal(formatFailure("AssertionError: dists[1] is 5, expected 2\n  at x"), "AssertionError: dists[1] is 5, expected 2\n  at x");
 * ```
 */
export function formatFailure(message: string, maxLines = 8): string {
  const todo = /TODO: implement ([^\s")]+)/.exec(message);
  if (todo) return `not written yet (TODO: implement ${todo[1]})`;
  const lines = message.split("\n");
  return lines.slice(0, maxLines).join("\n") + (lines.length > maxLines ? "\n…" : "");
}

/**
 * Options of {@link runChecks}.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import type { RunChecksOptions } from "./check.ts";
 * const o: RunChecksOptions = { typeCheck: false };
 * assert.equal(o.typeCheck, false);
 * ```
 */
export interface RunChecksOptions {
  /** Also write submission-<id>.zip (one assignment selected). */
  zip?: boolean;
  /** Type-check the student's files (default true; not scored). */
  typeCheck?: boolean;
  /** Called before an assignment's tests start. */
  onStart?: (a: Assignment) => void;
  /** Called with each assignment's results as soon as they are known. */
  onDone?: (a: CheckedAssignment, tests: CheckedTest[], scope: string) => void;
}

/**
 * Runs the selected public tests of the repository `root` (with the grader's sandbox, limits and
 * messages) and returns the results; throws `UnknownSelectorError` when nothing matches.
 *
 * @example
 * ```ts ignore
 * const report = await runChecks(REPO_ROOT, ["kFoldSplit"], { typeCheck: false });
 * console.log(report.score, report.maxScore); // 1 1
 * ```
 */
export async function runChecks(
  root: string,
  selectors: string[],
  { zip = false, typeCheck = true, onStart, onDone }: RunChecksOptions = {},
): Promise<CheckReport> {
  const started = performance.now();
  const manifest = await loadManifest(join(root, "assignments", "assignments.json"));
  const selection = selectTests(manifest, selectors);
  const report: CheckReport = {
    selector: selection.selector,
    scope: selection.scope,
    typeChecked: typeCheck,
    passed: 0,
    failed: 0,
    score: 0,
    maxScore: 0,
    seconds: 0,
    assignments: [],
    tests: [],
  };
  for (const a of selection.assignments) {
    const tests = resolveTests(a, manifest.defaults).filter(selection.match);
    if (tests.length === 0) continue;
    onStart?.(a);
    // Your own repository, graded as the grader would: same sandbox, limits and messages.
    const r = await grade({
      submission: root,
      assignment: a.id,
      source: { root, base: root },
      manifest,
      select: selection.match,
      typeCheck,
    });
    const checked: CheckedTest[] = tests.map((t, i) => {
      const o = r.tests[i];
      const passed = o.status === "passed";
      const raw = (o.output ?? "").replace(/^[^:]+ \([^)]*\): /, "");
      return {
        assignment: a.id,
        name: t.name,
        function: t.function,
        file: a.functions[t.function]?.file ?? "",
        points: passed ? t.points : 0,
        maxPoints: t.points,
        passed,
        message: passed ? "" : formatFailure(raw),
      };
    });
    const entry: CheckedAssignment = {
      id: a.id,
      title: a.title,
      score: round(checked.reduce((s, t) => s + t.points, 0)),
      maxScore: round(checked.reduce((s, t) => s + t.maxPoints, 0)),
      hiddenPoints: round(hiddenPoints(a, manifest)),
      typeErrors: (r.extra_data?.type_error_messages ?? []) as string[],
      brokenModules: (r.extra_data?.broken_modules ?? {}) as Record<string, string>,
    };
    if (zip) entry.zip = await writeSubmissionZip(root, a, manifest);
    report.assignments.push(entry);
    report.tests.push(...checked);
    onDone?.(entry, checked, selection.scope);
  }
  report.passed = report.tests.filter((t) => t.passed).length;
  report.failed = report.tests.length - report.passed;
  report.score = round(report.assignments.reduce((s, a) => s + a.score, 0));
  report.maxScore = round(report.assignments.reduce((s, a) => s + a.maxScore, 0));
  report.seconds = Math.round(performance.now() - started) / 1000;
  return report;
}

/**
 * Checks the selected public tests and prints the report (or, with `json`, the `CheckReport` as
 * JSON, or `{ "error", "valid" }` when nothing matches); resolves to the number of failures (1
 * when nothing matches).
 *
 * @example
 * ```ts ignore
 * const failures = await check(REPO_ROOT, ["A1"]);
 * ```
 */
export async function check(
  root: string,
  selectors: string[],
  { zip = false, print = console.log, json = false, typeCheck = true } = {},
): Promise<number> {
  let report: CheckReport;
  try {
    report = await runChecks(root, selectors, {
      zip,
      typeCheck,
      onStart: json ? undefined : (a) => print(`\n${a.id} — ${a.title}`),
      onDone: json ? undefined : (a, tests, scope) => printAssignment(a, tests, scope, print),
    });
  } catch (e) {
    if (!(e instanceof UnknownSelectorError)) throw e;
    print(json ? JSON.stringify({ error: e.message, valid: e.valid }) : e.message);
    return 1;
  }
  if (json) print(JSON.stringify(report));
  else {
    print(
      report.failed === 0 ? "\nall public tests pass" : `\n${report.failed} public test(s) failing`,
    );
  }
  return report.failed;
}

/** Prints one assignment's results as `deno task check` always has. */
function printAssignment(
  a: CheckedAssignment,
  tests: CheckedTest[],
  scope: string,
  print: (s: string) => void,
): void {
  for (const t of tests) {
    const pts = `${fmt(t.points)}/${fmt(t.maxPoints)}`.padStart(5);
    print(`  ${t.passed ? "✔" : "✘"} ${pts}  ${t.name}`);
    if (!t.passed) print(indent(`${t.message}${t.file ? `  [${t.file}]` : ""}`, 12));
  }
  if (a.typeErrors.length) {
    print(`  type errors (not scored, but fix them):\n${indent(a.typeErrors.join("\n\n"), 4)}`);
  }
  for (const [file, why] of Object.entries(a.brokenModules)) {
    print(`  ${file} did not load: ${why}`);
  }
  print(
    `  score so far: ${fmt(a.score)} / ${fmt(a.maxScore)} points on the public tests${scope}` +
      (a.hiddenPoints
        ? `; ${fmt(a.hiddenPoints)} more points come from hidden tests, run after you submit`
        : ""),
  );
  if (a.zip) {
    print(
      `  wrote ${a.zip.path} (${a.zip.files.join(", ")}): upload it to the ${a.id} assignment`,
    );
  }
}

function hiddenPoints(a: Assignment, manifest: Manifest): number {
  return a.hiddenPoints ??
    resolveTests(a, manifest.defaults).filter((t) => t.visibility !== "visible")
      .reduce((s, t) => s + t.points, 0);
}

/**
 * Writes submission-<id>.zip in `root`: the lib files graded with the assignment, its notebooks,
 * and `answers-<id>.md`, the inline questions with the student's answers for the instructor.
 */
async function writeSubmissionZip(
  root: string,
  a: Assignment,
  manifest: Manifest,
): Promise<{ path: string; files: string[] }> {
  const paths = [...gradedFiles(manifest, a), ...await notebookPaths(root, a.notebooks)];
  const entries = await Promise.all(
    paths.map(async (path) => ({ path, data: await Deno.readFile(join(root, path)) })),
  );
  const notebooks = await Promise.all(
    paths.filter((p) => p.endsWith(".ipynb")).map((path) => readAnswers(root, path)),
  );
  const answers = `answers-${a.id}.md`;
  entries.push({ path: answers, data: new TextEncoder().encode(answersMarkdown(a.id, notebooks)) });
  paths.push(answers);
  const out = join(root, `submission-${a.id}.zip`);
  await Deno.writeFile(out, zipEntries(entries));
  return { path: out, files: paths };
}

/** A notebook of the submission, parsed for its answers (or why it cannot be). */
async function readAnswers(
  root: string,
  path: string,
): Promise<{ path: string; notebook?: Notebook; error?: string }> {
  try {
    return { path, notebook: JSON.parse(await Deno.readTextFile(join(root, path))) };
  } catch (e) {
    return { path, error: e instanceof Error ? e.message : String(e) };
  }
}

function fmt(x: number): string {
  return String(Math.round(x * 100) / 100);
}

function round(x: number): number {
  return Math.round(x * 1000) / 1000;
}

function indent(text: string, n: number): string {
  return text.split("\n").map((l) => " ".repeat(n) + l).join("\n");
}

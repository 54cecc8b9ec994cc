/**
 * The homework manifest (`assignments/assignments.json`): which solution regions (functions),
 * notebooks and tests make each assignment, with points, visibility and timeouts. This module
 * reads it, checks it, and resolves every test's points (the default split), timeout and
 * visibility.
 *
 * Rules: a test's name starts with the function it grades (`"adam: …"`); visible tests live in
 * `assignments/tests/<id>/public/` (shipped to students), the others in `…/hidden/` (never
 * shipped). A test without `points` gets an equal share of what the assignment's `points` leave.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { resolveTests, validateManifest } from "./manifest.ts";
 * const m = { assignments: [{ id: "A0", title: "t", points: 3,
 *   functions: { f: { file: "lib/f.ts" } },
 *   testFiles: [{ path: "assignments/tests/A0/public/f.test.ts", visibility: "visible" as const,
 *     tests: [{ name: "f: one", points: 1 }, { name: "f: two" }] }] }] };
 * assert.deepEqual(validateManifest(m), []);
 * assert.deepEqual(resolveTests(m.assignments[0]).map((t) => t.points), [1, 2]);
 * ```
 * @module
 */
import { basename, dirname, join } from "node:path";
import { validateManifest } from "./validate_manifest.ts";

export { validateManifest };

/**
 * Who sees a test's result on Gradescope (and whether its source ships to students: only
 * `visible` tests do).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import type { Visibility } from "./manifest.ts";
 * const v: Visibility = "after_due_date";
 * assert.equal(v, "after_due_date");
 * ```
 */
export type Visibility = "visible" | "hidden" | "after_due_date" | "after_published";

/**
 * The visibility values Gradescope accepts.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { VISIBILITIES } from "./manifest.ts";
 * assert.ok(VISIBILITIES.includes("hidden"));
 * ```
 */
export const VISIBILITIES: readonly Visibility[] = [
  "visible",
  "hidden",
  "after_due_date",
  "after_published",
];

/**
 * One test of a test file.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import type { TestSpec } from "./manifest.ts";
 * const t: TestSpec = { name: "adam: first step", points: 2, timeoutSeconds: 5 };
 * assert.equal(t.points, 2);
 * ```
 */
export interface TestSpec {
  /** The `Deno.test` name: `<function>: <what it checks>`. */
  name: string;
  /** Points; absent: an equal share of what is left of the assignment's points. */
  points?: number;
  /** Seconds this test may run (default: the file's, then the manifest's). */
  timeoutSeconds?: number;
  /** Overrides the file's visibility (hidden files only: hidden, after_due_date, …). */
  visibility?: Visibility;
}

/**
 * One grading test file and its tests.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import type { TestFileSpec } from "./manifest.ts";
 * const f: TestFileSpec = { path: "assignments/tests/A1/hidden/a1.test.ts", visibility: "hidden", tests: [] };
 * assert.equal(f.visibility, "hidden");
 * ```
 */
export interface TestFileSpec {
  /** Path from the repository root. */
  path: string;
  /** `visible` (under public/) or hidden / after_due_date / after_published (under hidden/). */
  visibility: Visibility;
  /** Default timeout of its tests, in seconds. */
  timeoutSeconds?: number;
  /** The tests, in the order they are reported. */
  tests: TestSpec[];
}

/**
 * One assignment.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import type { Assignment } from "./manifest.ts";
 * const a: Assignment = { id: "A9", title: "demo", functions: {}, testFiles: [] };
 * assert.equal(a.id, "A9");
 * ```
 */
export interface Assignment {
  /** Short id, e.g. `A1` (used by `--assignment` and `deno task check A1`). */
  id: string;
  /** Title shown to students. */
  title: string;
  /** Total points; tests without points share what the others leave. */
  points?: number;
  /** Notebook paths or `*` patterns of file names (e.g. `notebooks/01-*.ipynb`). */
  notebooks?: string[];
  /**
   * The solution regions graded, by name: the file they are in, and the graded functions they
   * call (of this assignment or of an earlier one).
   */
  functions: Record<string, { file: string; uses?: string[] }>;
  /**
   * Lib files of earlier assignments graded with this one, for a manifest that holds this
   * assignment alone (an autograder's: the release resolves the `uses` of earlier assignments'
   * functions into their files here).
   */
  gradedWith?: string[];
  /** Seconds for grading a whole submission (default: the manifest's). */
  timeLimitSeconds?: number;
  /** The grading test files. */
  testFiles: TestFileSpec[];
  /** Student edition only: points of the tests not shipped. */
  hiddenPoints?: number;
}

/**
 * The whole manifest.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import type { Manifest } from "./manifest.ts";
 * const m: Manifest = { defaults: { timeoutSeconds: 20 }, assignments: [] };
 * assert.equal(m.assignments.length, 0);
 * ```
 */
export interface Manifest {
  /** Defaults: per-test timeout and per-submission time limit, in seconds. */
  defaults?: { timeoutSeconds?: number; timeLimitSeconds?: number };
  /** The assignments, in order. */
  assignments: Assignment[];
  /** A comment, ignored. */
  $comment?: string;
}

/**
 * A test with everything resolved.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import type { ResolvedTest } from "./manifest.ts";
 * const t: ResolvedTest = { name: "f: x", function: "f", file: "a.test.ts", points: 1,
 *   timeoutSeconds: 20, visibility: "visible" };
 * assert.equal(t.function, "f");
 * ```
 */
export interface ResolvedTest {
  /** The test name. */
  name: string;
  /** The function it grades (the name's prefix). */
  function: string;
  /** Its test file (repository path). */
  file: string;
  /** Points. */
  points: number;
  /** Seconds it may run. */
  timeoutSeconds: number;
  /** Visibility on Gradescope. */
  visibility: Visibility;
}

/**
 * Default per-test timeout in seconds.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { DEFAULT_TIMEOUT_SECONDS } from "./manifest.ts";
 * assert.equal(DEFAULT_TIMEOUT_SECONDS, 20);
 * ```
 */
export const DEFAULT_TIMEOUT_SECONDS = 20;
/**
 * Default time limit for grading one submission, in seconds.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { DEFAULT_TIME_LIMIT_SECONDS } from "./manifest.ts";
 * assert.equal(DEFAULT_TIME_LIMIT_SECONDS, 600);
 * ```
 */
export const DEFAULT_TIME_LIMIT_SECONDS = 600;

/**
 * Reads and validates a manifest; throws one error listing every problem.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { loadManifest } from "./manifest.ts";
 * const m = await loadManifest(new URL("../../assignments/assignments.json", import.meta.url).pathname);
 * assert.ok(m.assignments.some((a) => a.id === "A1"));
 * ```
 */
export async function loadManifest(path: string): Promise<Manifest> {
  let raw: unknown;
  try {
    raw = JSON.parse(await Deno.readTextFile(path));
  } catch (e) {
    throw new Error(`manifest ${path}: ${e instanceof Error ? e.message : e}`);
  }
  const errors = validateManifest(raw);
  if (errors.length) throw new Error(`manifest ${path} is invalid:\n  ${errors.join("\n  ")}`);
  return raw as Manifest;
}

/**
 * The assignment with this id; the error lists the ids there are.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { findAssignment } from "./manifest.ts";
 * const m = { assignments: [{ id: "A1", title: "", functions: {}, testFiles: [] }] };
 * assert.equal(findAssignment(m, "A1").id, "A1");
 * assert.throws(() => findAssignment(m, "A7"), /no assignment A7; there are A1/);
 * ```
 */
export function findAssignment(m: Manifest, id: string): Assignment {
  const a = m.assignments.find((x) => x.id === id);
  if (!a) {
    throw new RangeError(`no assignment ${id}; there are ${m.assignments.map((x) => x.id)}`);
  }
  return a;
}

/**
 * Every test of an assignment with its points (default split), timeout and visibility, in
 * manifest order.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { resolveTests } from "./manifest.ts";
 * const a = { id: "A", title: "", points: 10, functions: { f: { file: "lib/f.ts" } },
 *   testFiles: [{ path: "p", visibility: "hidden" as const, timeoutSeconds: 5,
 *     tests: [{ name: "f: a", points: 4 }, { name: "f: b" }, { name: "f: c", visibility: "after_due_date" as const }] }] };
 * const ts = resolveTests(a, { timeoutSeconds: 20 });
 * assert.deepEqual(ts.map((t) => [t.points, t.timeoutSeconds, t.visibility]),
 *   [[4, 5, "hidden"], [3, 5, "hidden"], [3, 5, "after_due_date"]]);
 * ```
 */
export function resolveTests(a: Assignment, defaults: Manifest["defaults"] = {}): ResolvedTest[] {
  const all = a.testFiles.flatMap((f) => f.tests.map((t) => ({ f, t })));
  const explicit = all.reduce((s, { t }) => s + (t.points ?? 0), 0);
  const implicit = all.filter(({ t }) => t.points === undefined).length;
  const share = implicit > 0 ? ((a.points ?? explicit + implicit) - explicit) / implicit : 0;
  const timeout = defaults.timeoutSeconds ?? DEFAULT_TIMEOUT_SECONDS;
  return all.map(({ f, t }) => ({
    name: t.name,
    function: functionOf(t.name) ?? "",
    file: f.path,
    points: t.points ?? (a.points === undefined ? 1 : share),
    timeoutSeconds: t.timeoutSeconds ?? f.timeoutSeconds ?? timeout,
    visibility: t.visibility ?? f.visibility,
  }));
}

/**
 * The lib files students edit for an assignment (those holding its functions), sorted.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { assignmentFiles } from "./manifest.ts";
 * const a = { id: "A", title: "", testFiles: [],
 *   functions: { f: { file: "lib/b.ts" }, g: { file: "lib/a.ts" }, h: { file: "lib/b.ts" } } };
 * assert.deepEqual(assignmentFiles(a), ["lib/a.ts", "lib/b.ts"]);
 * ```
 */
export function assignmentFiles(a: Assignment): string[] {
  return [...new Set(Object.values(a.functions).map((f) => f.file))].sort();
}

/**
 * The lib files a grading of `a` takes from a submission: the assignment's own files plus those of
 * the functions of earlier assignments that its functions `use` (e.g. `TwoLayerNet.loss` of A3
 * calls A2's `softmaxLoss`: the student's own `lib/losses/scores.ts` is graded with it, not the
 * starter stub), and its `gradedWith` files, sorted.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { gradedFiles } from "./manifest.ts";
 * import type { Manifest } from "./manifest.ts";
 * const m: Manifest = { assignments: [
 *   { id: "A", title: "", testFiles: [], functions: { f: { file: "lib/f.ts" } } },
 *   { id: "B", title: "", testFiles: [], functions: { g: { file: "lib/g.ts", uses: ["f"] } } },
 * ] };
 * assert.deepEqual(gradedFiles(m, m.assignments[1]), ["lib/f.ts", "lib/g.ts"]);
 * assert.deepEqual(gradedFiles(m, m.assignments[0]), ["lib/f.ts"]);
 * ```
 */
export function gradedFiles(manifest: Manifest, a: Assignment): string[] {
  const files = new Set([...assignmentFiles(a), ...(a.gradedWith ?? [])]);
  for (const f of Object.values(a.functions)) {
    for (const used of f.uses ?? []) {
      if (used in a.functions) continue;
      const owner = manifest.assignments.find((b) => used in b.functions);
      if (owner) files.add(owner.functions[used].file);
    }
  }
  return [...files].sort();
}

/**
 * The function a test grades: the part of its name before the first ": ".
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { functionOf } from "./manifest.ts";
 * assert.equal(functionOf("TwoLayerNet.loss: scores"), "TwoLayerNet.loss");
 * assert.equal(functionOf("no prefix"), null);
 * ```
 */
export function functionOf(testName: string): string | null {
  const m = /^([A-Za-z_$][\w$.]*): \S/.exec(testName);
  return m ? m[1] : null;
}

/**
 * The tests that lose their points when `fn` is broken: its own tests and those of every
 * function that uses it (directly or not).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { affectedFunctions } from "./manifest.ts";
 * const a = { id: "A", title: "", testFiles: [], functions: { f: { file: "lib/a.ts" },
 *   g: { file: "lib/a.ts", uses: ["f"] }, h: { file: "lib/a.ts" } } };
 * assert.deepEqual([...affectedFunctions(a, "f")].sort(), ["f", "g"]);
 * ```
 */
export function affectedFunctions(a: Assignment, fn: string): Set<string> {
  const out = new Set([fn]);
  let grew = true;
  while (grew) {
    grew = false;
    for (const [name, f] of Object.entries(a.functions)) {
      if (!out.has(name) && (f.uses ?? []).some((u) => out.has(u))) {
        out.add(name);
        grew = true;
      }
    }
  }
  return out;
}

/**
 * The manifest students get: hidden test files removed, their points summed in `hiddenPoints`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { studentManifest } from "./manifest.ts";
 * const m = { assignments: [{ id: "A", title: "", points: 3, functions: {}, testFiles: [
 *   { path: "pub", visibility: "visible" as const, tests: [{ name: "f: a", points: 1 }] },
 *   { path: "hid", visibility: "hidden" as const, tests: [{ name: "f: b", points: 2 }] }] }] };
 * const s = studentManifest(m);
 * assert.deepEqual([s.assignments[0].testFiles.length, s.assignments[0].hiddenPoints], [1, 2]);
 * ```
 */
export function studentManifest(m: Manifest): Manifest {
  return {
    $comment: "Student edition: public tests only. Run them with `deno task check`.",
    defaults: m.defaults,
    assignments: m.assignments.map((a) => {
      const resolved = resolveTests(a, m.defaults);
      const hiddenPoints = resolved.filter((t) => t.visibility !== "visible")
        .reduce((s, t) => s + t.points, 0);
      const testFiles = a.testFiles.filter((f) => f.visibility === "visible").map((f) => ({
        ...f,
        tests: f.tests.map((t) => ({
          ...t,
          points: resolved.find((r) => r.name === t.name)!.points,
        })),
      }));
      return { ...a, testFiles, hiddenPoints };
    }),
  };
}

/**
 * The notebooks an assignment lists, matched in `root` (`*` matches within a file name);
 * patterns that match nothing are skipped (lessons may not exist yet).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { notebookPaths } from "./manifest.ts";
 * const root = new URL("../..", import.meta.url).pathname;
 * const found = await notebookPaths(root, ["notebooks/01-*.ipynb", "notebooks/99-*.ipynb"]);
 * assert.ok(found.every((p) => /^notebooks\/01-.*\.ipynb$/.test(p)));
 * ```
 */
export async function notebookPaths(
  root: string,
  patterns: readonly string[] = [],
): Promise<string[]> {
  const out = new Set<string>();
  for (const pattern of patterns) {
    const dir = dirname(pattern);
    const re = fileNamePattern(pattern);
    try {
      for await (const e of Deno.readDir(join(root, dir))) {
        if (e.isFile && re.test(e.name)) out.add(`${dir}/${e.name}`);
      }
    } catch (e) {
      if (!(e instanceof Deno.errors.NotFound)) throw e;
    }
  }
  return [...out].sort();
}

/**
 * The file-name part of a notebook pattern (`notebooks/01-*.ipynb`) as a regular expression over
 * bare file names: `*` matches any run of characters except `/`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { fileNamePattern } from "./manifest.ts";
 * assert.ok(fileNamePattern("notebooks/01-*.ipynb").test("01-nearest-neighbor.ipynb"));
 * assert.ok(!fileNamePattern("notebooks/01-*.ipynb").test("02-cross-validation.ipynb"));
 * ```
 */
export function fileNamePattern(pattern: string): RegExp {
  return new RegExp(
    `^${basename(pattern).replace(/[.+?^${}()|[\]\\]/g, "\\$&").replace(/\*/g, "[^/]*")}$`,
  );
}

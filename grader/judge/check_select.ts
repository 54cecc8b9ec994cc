/**
 * What `deno task check` selects and reports: which public tests a selection means (an
 * assignment, function names, or a part of a test's name), the names there are, and the results
 * `--json` prints (`CheckReport`). Re-exported by `./check.ts`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { loadManifest } from "./manifest.ts";
 * import { selectTests } from "./check_select.ts";
 * const m = await loadManifest(new URL("../../assignments/assignments.json", import.meta.url).pathname);
 * assert.equal(selectTests(m, ["kfoldsplit"]).scope, ' (tests matching "kfoldsplit")');
 * ```
 * @module
 */
import { type Assignment, type Manifest, type ResolvedTest, resolveTests } from "./manifest.ts";

/**
 * One public test's result, as `--json` reports it.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import type { CheckedTest } from "./check_select.ts";
 * const t: CheckedTest = { assignment: "A3", name: "adam: the first step", function: "adam",
 *   file: "lib/optim/update_rules.ts", points: 0, maxPoints: 1, passed: false,
 *   message: "not written yet (TODO: implement adam)" };
 * assert.equal(t.maxPoints, 1);
 * ```
 */
export interface CheckedTest {
  /** The assignment's id. */
  assignment: string;
  /** The test's name (`<function>: <what it checks>`). */
  name: string;
  /** The function it grades. */
  function: string;
  /** The lib file that function is in. */
  file: string;
  /** Points earned: `maxPoints` when passed, else 0. */
  points: number;
  /** What the test is worth. */
  maxPoints: number;
  /** Whether it passed. */
  passed: boolean;
  /** Why it failed, as a student reads it (`formatFailure`); "" when passed. */
  message: string;
}

/**
 * One assignment's results, as `--json` reports them.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import type { CheckedAssignment } from "./check_select.ts";
 * const a: CheckedAssignment = { id: "A1", title: "kNN", score: 2, maxScore: 2, hiddenPoints: 10,
 *   typeErrors: [], brokenModules: {} };
 * assert.equal(a.hiddenPoints, 10);
 * ```
 */
export interface CheckedAssignment {
  /** Its id, e.g. `A1`. */
  id: string;
  /** Its title. */
  title: string;
  /** Points earned on the tests checked. */
  score: number;
  /** Points the tests checked are worth. */
  maxScore: number;
  /** Points of the hidden tests (run only after submitting). */
  hiddenPoints: number;
  /** Type errors in the student's files (not scored); empty when not type-checked. */
  typeErrors: string[];
  /** Graded files that did not load, and why. */
  brokenModules: Record<string, string>;
  /** With `--zip`: the submission written and the files in it. */
  zip?: { path: string; files: string[] };
}

/**
 * What `deno task check --json` prints.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import type { CheckReport } from "./check_select.ts";
 * const r: CheckReport = { selector: "A1", scope: "", typeChecked: true, passed: 0, failed: 0,
 *   score: 0, maxScore: 0, seconds: 3.2, assignments: [], tests: [] };
 * assert.equal(r.selector, "A1");
 * ```
 */
export interface CheckReport {
  /** The selection as given (arguments joined by spaces; "" for everything). */
  selector: string;
  /** How the human report qualifies the score, e.g. ` (tests matching "adam")`, or "". */
  scope: string;
  /** Whether the student's files were type-checked. */
  typeChecked: boolean;
  /** Tests passed. */
  passed: number;
  /** Tests failed. */
  failed: number;
  /** Points earned on the tests checked. */
  score: number;
  /** Points the tests checked are worth. */
  maxScore: number;
  /** Wall-clock seconds of the whole check. */
  seconds: number;
  /** Per assignment with a test checked. */
  assignments: CheckedAssignment[];
  /** Every test checked, in order (`assignment` says whose). */
  tests: CheckedTest[];
}

/**
 * Nothing matches the selection; `valid` lists the assignment ids and function names there are.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { UnknownSelectorError } from "./check_select.ts";
 * const e = new UnknownSelectorError("knn", ["A1", "kFoldSplit"]);
 * assert.match(e.message, /no public test matches "knn"/);
 * assert.deepEqual(e.valid, ["A1", "kFoldSplit"]);
 * ```
 */
export class UnknownSelectorError extends RangeError {
  /** Assignment ids, then function names with public tests. */
  readonly valid: string[];
  /** `selector` matched nothing; `valid` are the names that would. */
  constructor(selector: string, valid: string[]) {
    const ids = valid.filter((v) => /^A\d+$/.test(v));
    const fns = valid.filter((v) => !ids.includes(v));
    super(
      `no public test matches "${selector}". Check an assignment (${ids.join(", ")}), ` +
        `a function (${fns.join(", ")}) or a part of a test's name`,
    );
    this.name = "UnknownSelectorError";
    this.valid = valid;
  }
}

/**
 * The names `check` accepts besides parts of test names: the assignment ids, then every function
 * with a public test, in manifest order.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { validNames } from "./check_select.ts";
 * const m = { assignments: [{ id: "A1", title: "", functions: {}, testFiles: [{ path: "p",
 *   visibility: "visible" as const, tests: [{ name: "f: x" }, { name: "g: y" }, { name: "f: z" }] }] }] };
 * assert.deepEqual(validNames(m), ["A1", "f", "g"]);
 * ```
 */
export function validNames(m: Manifest): string[] {
  const fns = m.assignments.flatMap((a) =>
    resolveTests(a, m.defaults).filter((t) => t.visibility === "visible").map((t) => t.function)
  );
  return [...m.assignments.map((a) => a.id), ...new Set(fns)];
}

/**
 * What a selection means: nothing (every public test), an assignment id, one or more function
 * names (each exactly, any case), or else a part of a test's name (the arguments joined by
 * spaces). Throws `UnknownSelectorError` when no public test matches.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { selectTests } from "./check_select.ts";
 * const m = { assignments: [{ id: "A1", title: "", functions: {}, testFiles: [{ path: "p",
 *   visibility: "visible" as const, tests: [{ name: "f: x" }, { name: "g: y" }, { name: "h: f" }] }] }] };
 * const names = (s: string[]) => {
 *   const sel = selectTests(m, s);
 *   return sel.assignments.flatMap((a) => a.testFiles[0].tests.map((t) => t.name))
 *     .filter((name) => sel.match({ name, function: name.split(":")[0], visibility: "visible" }));
 * };
 * assert.deepEqual(names(["f"]), ["f: x"]);
 * assert.deepEqual(names(["F", "g"]), ["f: x", "g: y"]);
 * assert.deepEqual(names([": f"]), ["h: f"]);
 * assert.throws(() => selectTests(m, ["nope"]), /no public test matches "nope"/);
 * ```
 */
export function selectTests(m: Manifest, selectors: readonly string[]): {
  selector: string;
  scope: string;
  assignments: Assignment[];
  match: (t: Pick<ResolvedTest, "name" | "function" | "visibility">) => boolean;
} {
  const words = selectors.map((s) => s.trim()).filter((s) => s !== "");
  const selector = words.join(" ");
  const lower = selector.toLowerCase();
  const byId = m.assignments.find((a) => a.id.toLowerCase() === lower);
  const functions = new Map(
    validNames(m).slice(m.assignments.length).map((f) => [f.toLowerCase(), f]),
  );
  const named = words.map((w) => functions.get(w.toLowerCase()));
  let match: (t: Pick<ResolvedTest, "name" | "function">) => boolean;
  let scope = selector && !byId ? ` (tests matching "${selector}")` : "";
  if (!selector || byId) match = () => true;
  else if (named.every((f) => f !== undefined)) {
    const wanted = new Set(named);
    match = (t) => wanted.has(t.function);
    if (words.length > 1) scope = ` (tests of ${named.join(", ")})`;
  } else match = (t) => t.name.toLowerCase().includes(lower);
  const selected = (t: Pick<ResolvedTest, "name" | "function" | "visibility">) =>
    t.visibility === "visible" && match(t);
  const assignments = byId ? [byId] : m.assignments;
  if (!assignments.some((a) => resolveTests(a, m.defaults).some(selected))) {
    throw new UnknownSelectorError(selector, validNames(m));
  }
  return { selector, scope, assignments, match: selected };
}

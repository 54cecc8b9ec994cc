/**
 * Runs grading tests in the judge's process: each test file is imported once (its `test(…)`
 * calls register the tests; see assignments/tests/harness.ts), then each test runs with its own
 * {@link TestSession} — its own sandbox process, wall-clock and CPU budget — a few at a time.
 *
 * The verdict is the judge's alone: a test passes when its function returns, and fails with the
 * message of the first error it throws — an assertion of the judge's, the student's exception, or
 * the limit that stopped the sandbox. Problems of the tests themselves (a file that does not load,
 * a test the manifest names but the file does not define) are reported apart, as grader errors.
 *
 * @example
 * ```ts ignore
 * const loaded = await collectTests(new URL("file:///…/a1.test.ts"));
 * const outcomes = await runTests(spec, plans, { concurrency: 2 });
 * ```
 * @module
 */
import { AssertionError } from "node:assert";
import { collectRegistered, type GradingTest } from "../../assignments/tests/harness.ts";
import { toFileUrl } from "./paths.ts";
import { SandboxError } from "./sandbox_process.ts";
import { type SandboxSpec, StudentError, TestSession } from "./session.ts";

/**
 * The result of one test.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import type { TestOutcome } from "./runner.ts";
 * const o: TestOutcome = { name: "f: x", passed: true, message: "", seconds: 0.1 };
 * assert.ok(o.passed);
 * ```
 */
export interface TestOutcome {
  /** The test's name. */
  name: string;
  /** True when it passed. */
  passed: boolean;
  /** Why it failed (empty when it passed). */
  message: string;
  /** Wall-clock seconds. */
  seconds: number;
  /** True when the test could not run for a reason of the grader's (not the student's). */
  graderError?: boolean;
}

let loading: Promise<unknown> = Promise.resolve();
const cache = new Map<string, Promise<GradingTest[]>>();

/**
 * The tests a grading test file registers, in file order (imported once per process).
 *
 * @example
 * ```ts ignore
 * const tests = await collectTests(toFileUrl("/ag/assignments/tests/A1/hidden/a1.test.ts"));
 * ```
 */
export function collectTests(url: URL): Promise<GradingTest[]> {
  const key = url.href;
  if (!cache.has(key)) {
    // One file at a time: registration goes to whichever file is being imported.
    const next = loading.then(() => collectRegistered(() => import(key)));
    loading = next.catch(() => {});
    cache.set(key, next);
  }
  return cache.get(key)!;
}

/**
 * Loads the grader's test files and matches them with the manifest's tests: the bodies by name,
 * and every disagreement (a file that is missing or does not load, a test the manifest names
 * that the file does not define, a test the file defines that the manifest does not list, tests
 * in another order). These are the grader's problems, never the student's.
 *
 * @example
 * ```ts ignore
 * const { bodies, problems } = await loadTestBodies(root, resolveTests(assignment));
 * ```
 */
export async function loadTestBodies(
  root: string,
  tests: readonly { name: string; file: string }[],
): Promise<{ bodies: Map<string, GradingTest["fn"]>; problems: string[] }> {
  const bodies = new Map<string, GradingTest["fn"]>();
  const problems: string[] = [];
  for (const file of [...new Set(tests.map((t) => t.file))]) {
    const wanted = tests.filter((t) => t.file === file).map((t) => t.name);
    const path = `${root.replace(/\/$/, "")}/${file}`;
    if (!(await Deno.stat(path).then((s) => s.isFile, () => false))) {
      problems.push(`test file ${file} does not exist`);
      continue;
    }
    let registered: GradingTest[];
    try {
      registered = await collectTests(toFileUrl(path));
    } catch (e) {
      problems.push(`test file ${file} did not load: ${(e as Error).message}`);
      continue;
    }
    const names = registered.map((r) => r.name);
    for (const r of registered) {
      if (wanted.includes(r.name)) bodies.set(r.name, r.fn);
      else problems.push(`${file} defines a test the manifest does not list: "${r.name}"`);
    }
    for (const name of wanted) {
      if (!names.includes(name)) problems.push(`${file} does not define the test "${name}"`);
    }
    const common = names.filter((n) => wanted.includes(n));
    if (common.join("\n") !== wanted.filter((n) => names.includes(n)).join("\n")) {
      problems.push(`${file}: the tests are defined in another order than the manifest lists them`);
    }
  }
  return { bodies, problems };
}

/**
 * A test to run.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import type { TestPlan } from "./runner.ts";
 * const p: TestPlan = { name: "f: x", timeoutSeconds: 20, fn: async () => {} };
 * assert.equal(p.timeoutSeconds, 20);
 * ```
 */
export interface TestPlan {
  /** The test's name. */
  name: string;
  /** Wall-clock and CPU seconds of its sandbox. */
  timeoutSeconds: number;
  /** The test body. */
  fn: GradingTest["fn"];
}

/**
 * Options of {@link runTests}.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import type { RunOptions } from "./runner.ts";
 * const o: RunOptions = { concurrency: 2 };
 * assert.equal(o.concurrency, 2);
 * ```
 */
export interface RunOptions {
  /** Tests at a time (default 2). */
  concurrency?: number;
  /** `performance.now()` after which no test starts. */
  deadline?: number;
  /** Progress messages. */
  log?: (line: string) => void;
}

/**
 * Runs the tests, `concurrency` at a time, and returns their outcomes in order.
 *
 * @example
 * ```ts ignore
 * const outcomes = await runTests(spec, plans);
 * ```
 */
export async function runTests(
  spec: SandboxSpec,
  plans: readonly TestPlan[],
  o: RunOptions = {},
): Promise<TestOutcome[]> {
  const out: TestOutcome[] = new Array(plans.length);
  let next = 0;
  const worker = async () => {
    while (next < plans.length) {
      const i = next++;
      const plan = plans[i];
      if (o.deadline !== undefined && performance.now() > o.deadline) {
        out[i] = {
          name: plan.name,
          passed: false,
          message: "not run: the overall time limit for grading was reached",
          seconds: 0,
        };
        continue;
      }
      out[i] = await runOne(spec, plan);
      o.log?.(`  ${out[i].passed ? "✔" : "✘"} ${plan.name} (${out[i].seconds.toFixed(2)} s)`);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, o.concurrency ?? 2) }, worker));
  return out;
}

async function runOne(spec: SandboxSpec, plan: TestPlan): Promise<TestOutcome> {
  const started = performance.now();
  const session = new TestSession(spec, plan.timeoutSeconds);
  // The judge's own guard: a test body waiting on something that never comes.
  const guardSeconds = plan.timeoutSeconds + (spec.importSeconds ?? 10) + 5;
  let timer: ReturnType<typeof setTimeout> | undefined;
  try {
    await Promise.race([
      plan.fn(session),
      new Promise((_, reject) => {
        timer = setTimeout(
          () => reject(new SandboxError("limit", `the test did not finish in ${guardSeconds} s`)),
          guardSeconds * 1000,
        );
      }),
    ]);
    return { name: plan.name, passed: true, message: "", seconds: elapsed(started) };
  } catch (e) {
    return { name: plan.name, passed: false, message: explain(e), seconds: elapsed(started) };
  } finally {
    clearTimeout(timer);
    session.close();
  }
}

/**
 * The failure message of an error thrown in a test.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { explain } from "./runner.ts";
 * assert.equal(explain(new Error("dists[1] is 5, expected 2")), "dists[1] is 5, expected 2");
 * ```
 */
export function explain(e: unknown): string {
  if (e instanceof StudentError) {
    return `${e.message}${e.studentStack ? `\n${e.studentStack}` : ""}`;
  }
  if (e instanceof AssertionError) return e.message;
  if (e instanceof Error) return e.message;
  return String(e);
}

function elapsed(started: number): number {
  return Math.round(performance.now() - started) / 1000;
}

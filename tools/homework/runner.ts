/**
 * Runs one grading test file in a `deno test` subprocess that may not read, write, open the
 * network, run programs or read the environment (`--no-prompt`, no `--allow-*`): the student's code
 * runs inside it. Each test gets its own timeout; a test process that hangs is killed, and one
 * that crashes or exits takes only the test that was running with it: every test not yet reported
 * is then run again alone (`--filter`), so the others still count.
 *
 * Results come from the JUnit report, which Deno writes itself (the tests cannot write files); the
 * TAP stream on stdout shows progress (test output is not echoed in TAP) and is the fallback when
 * the process had to be killed.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { SANDBOX_FLAGS } from "./runner.ts";
 * assert.ok(SANDBOX_FLAGS.includes("--no-prompt"));
 * ```
 * @module
 */
import { join } from "node:path";
import { clean, parseJunit, parseTap, type TestOutcome } from "./test_reports.ts";

export type { TestOutcome };

/**
 * A test to run and how long it may take.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import type { TestRequest } from "./runner.ts";
 * const t: TestRequest = { name: "adam: the first step", timeoutSeconds: 20 };
 * assert.equal(t.timeoutSeconds, 20);
 * ```
 */
export interface TestRequest {
  /** The name given to `Deno.test`. */
  name: string;
  /** Seconds the test may run. */
  timeoutSeconds: number;
}

/**
 * Options of `runTestFile`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import type { RunFileOptions } from "./runner.ts";
 * const o: RunFileOptions = { cwd: "/tmp/ws", file: "t.test.ts", tests: [] };
 * assert.equal(o.file, "t.test.ts");
 * ```
 */
export interface RunFileOptions {
  /** The workspace: deno.json, lib/ and the tests. */
  cwd: string;
  /** The test file, relative to `cwd`. */
  file: string;
  /** The tests the file should report (from the manifest). */
  tests: TestRequest[];
  /** `performance.now()` after which no test starts (the overall time limit). */
  deadline?: number;
  /** Seconds allowed for starting Deno and loading the test file (default 5). */
  startupSeconds?: number;
  /** Run only the requested tests (a `--filter`), not the whole file. */
  onlyRequested?: boolean;
  /** Progress messages. */
  log?: (line: string) => void;
}

/**
 * What `runTestFile` found: one outcome per requested test, plus tests the file reported that
 * were not requested.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import type { FileResult } from "./runner.ts";
 * const r: FileResult = { outcomes: new Map(), extra: [], seconds: 0 };
 * assert.equal(r.outcomes.size, 0);
 * ```
 */
export interface FileResult {
  /** Outcome of every requested test, by name. */
  outcomes: Map<string, TestOutcome>;
  /** Tests reported that were not requested (a manifest out of date). */
  extra: TestOutcome[];
  /** Wall-clock seconds for the file, reruns included. */
  seconds: number;
}

/**
 * Flags of every grading subprocess: no type check (type errors are reported separately), no
 * permission prompt and no `--allow-*` (nothing granted), a bounded heap.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { SANDBOX_FLAGS } from "./runner.ts";
 * assert.ok(!SANDBOX_FLAGS.some((f) => f.startsWith("--allow")));
 * ```
 */
export const SANDBOX_FLAGS: readonly string[] = [
  "--no-check",
  "--no-prompt",
  "--v8-flags=--max-old-space-size=1024",
];

/**
 * Runs the tests of one file (see the module doc), each within its timeout. Tests run in file
 * order, which must be the order of `tests` (`deno task release` checks it): when the process
 * hangs or dies, the first test not reported is the one that was running. It is marked timed out
 * (or crashed) and the tests after it run again, together, in a new process.
 *
 * @example
 * ```ts ignore
 * const { outcomes } = await runTestFile({ cwd: ws, file: "t.test.ts", tests });
 * ```
 */
export async function runTestFile(options: RunFileOptions): Promise<FileResult> {
  const started = performance.now();
  const { tests, log = () => {} } = options;
  const expected = new Set(tests.map((t) => t.name));
  const outcomes = new Map<string, TestOutcome>();
  const extra: TestOutcome[] = [];
  let pending = [...tests];
  let whole = !options.onlyRequested;
  while (pending.length > 0) {
    if (options.deadline !== undefined && performance.now() > options.deadline) {
      for (const t of pending) {
        outcomes.set(t.name, {
          name: t.name,
          passed: false,
          message: "not run: the overall time limit for grading was reached",
          seconds: 0,
        });
      }
      break;
    }
    const run = await runOnce(options, pending, whole ? null : pending.map((t) => t.name));
    whole = false;
    for (const r of run.results) {
      if (!expected.has(r.name)) {
        if (!extra.some((x) => x.name === r.name)) extra.push(r);
      } else if (!outcomes.has(r.name) || !r.passed) outcomes.set(r.name, r); // a duplicate: failed wins
    }
    const left = pending.filter((t) => !outcomes.has(t.name));
    if (left.length === 0) break;
    const [culprit, ...rest] = left;
    if (!run.loaded) {
      for (const t of left) {
        outcomes.set(t.name, {
          ...failed(t),
          message: `the test file did not load:\n${run.stderrTail}`,
        });
      }
      break;
    }
    if (!run.killed && !run.cancelled) {
      for (const t of left) {
        outcomes.set(t.name, { ...failed(t), message: `no test named this in ${options.file}` });
      }
      break;
    }
    const late = options.deadline !== undefined && performance.now() > options.deadline;
    const why = run.killed || late ? "" : await crashReport(options, culprit);
    outcomes.set(culprit.name, {
      ...failed(culprit),
      seconds: run.killed ? culprit.timeoutSeconds : 0,
      message: late
        ? "stopped: the overall time limit for grading was reached"
        : run.killed
        ? `timed out after ${culprit.timeoutSeconds} s (an infinite loop, or far too slow)`
        : "crashed: the test process ended during this test (Deno.exit() outside a test, an " +
          `uncaught error in a callback, or out of memory)\n${why || run.stderrTail}`,
    });
    if (rest.length) {
      log(
        `  ${options.file}: "${culprit.name}" ${run.killed ? "timed out" : "crashed"}; ` +
          `running the ${rest.length} test(s) after it again`,
      );
    }
    pending = rest;
  }
  return { outcomes, extra, seconds: (performance.now() - started) / 1000 };
}

function failed(t: TestRequest): TestOutcome {
  return { name: t.name, passed: false, message: "", seconds: 0 };
}

/**
 * Why a test crashed its process: the test run alone with Deno's default reporter, which prints
 * uncaught errors (the TAP and JUnit reports only say "Cancelled").
 */
async function crashReport(options: RunFileOptions, t: TestRequest): Promise<string> {
  const child = new Deno.Command(Deno.execPath(), {
    args: ["test", ...SANDBOX_FLAGS, `--filter=/^${escapeRegExp(t.name)}$/`, options.file],
    cwd: options.cwd,
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
    clearEnv: true,
    env: childEnv(),
  }).spawn();
  const timer = setTimeout(() => {
    try {
      child.kill("SIGKILL");
    } catch { /* already gone */ }
  }, (t.timeoutSeconds + (options.startupSeconds ?? 5)) * 1000);
  const out = await child.output();
  clearTimeout(timer);
  const text = clean(
    new TextDecoder().decode(out.stdout) + new TextDecoder().decode(out.stderr),
    options.cwd,
  );
  const m = / ERRORS \n([\s\S]*?)(?:\n FAILURES |$)/.exec(text);
  return (m ? m[1] : "").trim();
}

interface OnceResult {
  results: TestOutcome[];
  killed: boolean;
  /** The process ended before every test finished (JUnit "Cancelled", or no report). */
  cancelled: boolean;
  code: number;
  seconds: number;
  loaded: boolean;
  stderrTail: string;
}

/** One `deno test` process over `tests` (all of the file when `filter` is null). */
async function runOnce(
  options: RunFileOptions,
  tests: TestRequest[],
  only: string[] | null,
): Promise<OnceResult> {
  const { cwd, file, startupSeconds = 5, deadline } = options;
  const tmp = await Deno.makeTempDir({ prefix: "hw-junit-" });
  const junit = join(tmp, "junit.xml");
  const args = ["test", ...SANDBOX_FLAGS, "--reporter=tap", `--junit-path=${junit}`];
  if (only !== null) args.push(`--filter=/^(${only.map(escapeRegExp).join("|")})$/`);
  args.push(file);
  const started = performance.now();
  const child = new Deno.Command(Deno.execPath(), {
    args,
    cwd,
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
    clearEnv: true,
    env: childEnv(),
  }).spawn();
  const reported = new Set<string>();
  let lastProgress = performance.now();
  let killed = false;
  let tap = "";
  const watchdog = setInterval(() => {
    // The running test is the first one not reported yet (tests run in file order).
    const running = tests.find((t) => !reported.has(t.name));
    const budget = (running?.timeoutSeconds ?? 5) + (reported.size === 0 ? startupSeconds : 0.5);
    const now = performance.now();
    if (now - lastProgress > budget * 1000 || (deadline !== undefined && now > deadline)) {
      killed = true;
      try {
        child.kill("SIGKILL");
      } catch { /* already gone */ }
    }
  }, 100);
  const readStdout = (async () => {
    const decoder = new TextDecoder();
    for await (const chunk of child.stdout) {
      tap += decoder.decode(chunk, { stream: true });
      for (const m of tap.matchAll(/^(?:not )?ok \d+ - (.*)$/gm)) {
        if (!reported.has(m[1])) {
          reported.add(m[1]);
          lastProgress = performance.now();
        }
      }
    }
  })();
  const stderrText = new Response(child.stderr).text();
  const status = await child.status;
  clearInterval(watchdog);
  await readStdout.catch(() => {});
  const stderr = clean(await stderrText.catch(() => ""), cwd);
  const seconds = (performance.now() - started) / 1000;
  let results: TestOutcome[] = [];
  const xml = killed ? null : await Deno.readTextFile(junit).catch(() => null);
  let cancelled = xml === null;
  if (xml !== null) {
    const all = parseJunit(xml);
    results = all.filter((r) => r.message !== "Cancelled");
    cancelled = results.length < all.length;
  } else results = parseTap(tap);
  await Deno.remove(tmp, { recursive: true }).catch(() => {});
  return {
    results: results.map((r) => ({ ...r, message: clean(r.message, cwd) })),
    killed,
    cancelled,
    code: status.code,
    seconds,
    loaded: /^# /m.test(tap),
    stderrTail: stderr.split("\n").filter((l) => l.trim()).slice(-12).join("\n"),
  };
}

/**
 * The environment of a grading subprocess: this process's (Deno needs HOME, PATH and its cache
 * dirs; the tests cannot read it) without DENO_COVERAGE_DIR, plus no colours.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { childEnv } from "./runner.ts";
 * assert.equal(childEnv().NO_COLOR, "1");
 * assert.equal(childEnv().DENO_COVERAGE_DIR, undefined);
 * ```
 */
export function childEnv(): Record<string, string> {
  const env = Deno.env.toObject();
  delete env.DENO_COVERAGE_DIR;
  return { ...env, NO_COLOR: "1", DENO_NO_UPDATE_CHECK: "1" };
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&");
}

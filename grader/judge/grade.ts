/**
 * Grades one submission: the judge's side of the boundary.
 *
 * 1. **Workspace** (`workspace.ts`): a fresh copy of the pristine student edition (deno.json,
 *    deno.lock, lib/) with the submission's assignment files on top — and nothing else: no tests,
 *    no manifest, no grader. Symbolic links in a submission are never followed.
 * 2. **The tests** are the grader's own files (`source.root`), imported into this process; a test
 *    file that does not load, or a test the manifest names that the file does not define, is a
 *    grader error (`extra_data.autograder_failed`), never the student's.
 * 3. **Prepare** (`prepare.ts`): the import graph of every submitted file must stay inside the
 *    workspace, then each graded module is imported once in a sandbox (the import probe).
 * 4. **Type check** of the submitted files: diagnostics in the student's own files only,
 *    reported, never scored.
 * 5. **Run** (`runner.ts`): each test in its own sandbox process, two at a time, within the
 *    overall time limit.
 * 6. **Results** in Gradescope's format (`results.ts`).
 *
 * @example
 * ```ts ignore
 * const results = await grade({ submission: "sub.zip", assignment: "A1", source: { root, base } });
 * ```
 * @module
 */
import { basename, join, resolve } from "node:path";
import {
  DEFAULT_TIME_LIMIT_SECONDS,
  fileNamePattern,
  findAssignment,
  gradedFiles,
  loadManifest,
  type Manifest,
  type ResolvedTest,
  resolveTests,
} from "./manifest.ts";
import type { GradescopeResults, GradescopeTest } from "./results.ts";
import { fromFileUrl } from "./paths.ts";
import { prepareSandbox } from "./prepare.ts";
import { loadTestBodies, runTests, type TestOutcome } from "./runner.ts";
import { typeErrors } from "./typecheck.ts";
import { copyTree, locateFiles } from "./workspace.ts";
import { answersMarkdown, findQuestions } from "./questions.ts";
import type { Notebook } from "../../tools/notebook_checks.ts";
import { listFiles, unzipTo } from "./zip.ts";

/** The folder this grader belongs to (a repository, a student edition or an autograder). */
const JUDGE_ROOT = resolve(fromFileUrl(new URL("../../", import.meta.url)));

/**
 * Where grading takes its manifest, tests and base from.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import type { GradingSource } from "./grade.ts";
 * const s: GradingSource = { root: "/autograder/source", base: "/autograder/source" };
 * assert.ok(s.root.startsWith("/autograder"));
 * ```
 */
export interface GradingSource {
  /** Folder holding assignments/assignments.json and assignments/tests/ (repo or autograder). */
  root: string;
  /** The pristine student edition: deno.json, deno.lock, lib/ with stubs. */
  base: string;
}

/**
 * Options of `grade`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import type { GradeOptions } from "./grade.ts";
 * const o: Partial<GradeOptions> = { assignment: "A1", testTimeoutCap: 5 };
 * assert.equal(o.assignment, "A1");
 * ```
 */
export interface GradeOptions {
  /** A submission folder or .zip file. */
  submission: string;
  /** Assignment id. */
  assignment: string;
  /** Manifest, tests and base. */
  source: GradingSource;
  /** The manifest (default: read from `source.root`). */
  manifest?: Manifest;
  /** Caps every per-test timeout, in seconds. */
  testTimeoutCap?: number;
  /** Overall time limit, in seconds (default: the manifest's). */
  timeLimitSeconds?: number;
  /** Type-check the submitted files (default true). */
  typeCheck?: boolean;
  /** Tests run at a time (default 2). */
  concurrency?: number;
  /** Only the tests for which this is true (`deno task check`: visible ones). */
  select?: (t: ResolvedTest) => boolean;
  /** Keep the workspace (its path goes in extra_data.workspace). */
  keep?: boolean;
  /** Progress messages. */
  log?: (line: string) => void;
}

/**
 * Grades one submission (see the module doc) and returns Gradescope results.
 *
 * @example
 * ```ts ignore
 * const results = await grade({ submission: "sub.zip", assignment: "A1", source });
 * ```
 */
export async function grade(o: GradeOptions): Promise<GradescopeResults> {
  const started = performance.now();
  if (realPath(o.source.root) !== realPath(JUDGE_ROOT)) {
    // The tests must register with this judge's harness and build matrices with this judge's
    // lib/: another root's tests are graded by that root's own grader (its tools/grade.ts).
    throw new Error(
      `grade(): the tests of ${o.source.root} must be graded by the grader in that folder ` +
        `(deno run -A ${join(o.source.root, "tools", "grade.ts")}), not the one in ${JUDGE_ROOT}`,
    );
  }
  const log = o.log ?? (() => {});
  const manifest = o.manifest ?? await loadManifest(manifestPath(o.source.root));
  const a = findAssignment(manifest, o.assignment);
  const allTests = resolveTests(a, manifest.defaults);
  const tests = allTests
    .filter((t) => o.select?.(t) ?? true)
    .map((t) => ({
      ...t,
      timeoutSeconds: Math.min(t.timeoutSeconds, o.testTimeoutCap ?? Infinity),
    }));
  const limit = o.timeLimitSeconds ?? a.timeLimitSeconds ?? manifest.defaults?.timeLimitSeconds ??
    DEFAULT_TIME_LIMIT_SECONDS;
  const deadline = started + limit * 1000;
  const tmp = await Deno.makeTempDir({ prefix: "grader-" });
  const notes: string[] = [];
  try {
    // 1. The workspace: base + the submission's assignment files, nothing else.
    const ws = join(tmp, "ws");
    const wanted = gradedFiles(manifest, a);
    const notebooks: SubmittedNotebook[] = [];
    const files = await placeSubmission(o.submission, tmp, ws, o.source.base, wanted, notes, {
      patterns: a.notebooks ?? [],
      found: notebooks,
    });
    const answers = answersMarkdown(a.id, notebooks);
    const questions = notebooks.flatMap((n) => {
      try {
        return n.notebook ? findQuestions(n.notebook, n.path) : [];
      } catch {
        return [];
      }
    });

    // 2. The grader's tests: any problem here is the grader's, not the student's. Every test of
    // the assignment's files is loaded and checked against the manifest, also when `select` keeps
    // only some (a file defining the unselected tests is not a grader error).
    const { bodies, problems: graderProblems } = await loadTestBodies(o.source.root, allTests);

    // 3. Gate and import probe.
    const ready = await prepareSandbox({ workspace: ws, modules: wanted, gate: true });
    try {
      for (const [file, bad] of ready.outside) {
        notes.push(
          `- \`${file}\` imports files outside the library (${bad.length}); it was not run.`,
        );
      }
      for (const [file, why] of ready.spec.broken) {
        if (!ready.outside.has(file)) notes.push(`- \`${file}\` did not load: ${why}`);
      }
      // 4. Type errors: reported, not scored, only those in the student's own files.
      const present = wanted.filter((f) => files[f] !== "missing" && !ready.outside.has(f));
      const typeProblems = o.typeCheck === false
        ? []
        : await typeErrors(ws, present, { ownOnly: true });
      if (typeProblems.length) {
        log(`  ${typeProblems.length} type error(s)`);
        notes.push(
          `- **${typeProblems.length} type error(s)** (not scored, but fix them: \`deno check\` ` +
            `reports the same):\n\n\`\`\`text\n${typeProblems.join("\n\n").slice(0, 4000)}\n\`\`\``,
        );
      }

      // 5. The tests, each in its own sandbox.
      const runnable = tests.filter((t) => bodies.has(t.name));
      const outcomes = new Map<string, TestOutcome>();
      const results = await runTests(
        ready.spec,
        runnable.map((t) => ({
          name: t.name,
          timeoutSeconds: t.timeoutSeconds,
          fn: bodies.get(t.name)!,
        })),
        { concurrency: o.concurrency ?? 2, deadline, log },
      );
      for (const r of results) outcomes.set(r.name, r);

      // 6. results.json.
      const gsTests: GradescopeTest[] = tests.map((t, i) => {
        const out = outcomes.get(t.name) ?? {
          name: t.name,
          passed: false,
          message: "not graded: the grader could not run this test (a problem of the course's " +
            "tests, not of your code; the staff will regrade)",
          seconds: 0,
          graderError: true,
        };
        const fn = `${t.function} (${a.functions[t.function]?.file ?? "?"})`;
        return {
          name: t.name,
          number: String(i + 1),
          score: out.passed ? t.points : 0,
          max_score: t.points,
          status: out.passed ? "passed" : "failed",
          output: out.passed ? `${fn}: passed` : `${fn}: ${out.message || "failed"}`,
          tags: [t.function],
          visibility: t.visibility,
          extra_data: { seconds: out.seconds },
        };
      });
      const score = gsTests.reduce((s, t) => s + t.score, 0);
      const max = gsTests.reduce((s, t) => s + t.max_score, 0);
      if (performance.now() > deadline) notes.push(`- Grading hit the time limit of ${limit} s.`);
      if (graderProblems.length) {
        notes.unshift(
          "- **The autograder failed on some tests** (a problem of the course's tests, not of " +
            "your code): they were not scored. The staff has been told and will regrade.",
        );
        for (const p of graderProblems) console.error(`grader error: ${p}`);
      }
      const visible = gsTests.filter((t) => t.visibility === "visible");
      const summary = [
        `**${a.id} — ${a.title}**: ${round(score)} / ${round(max)} points in all; on the visible ` +
        `tests ${round(visible.reduce((s, t) => s + t.score, 0))} / ${
          round(visible.reduce((s, t) => s + t.max_score, 0))
        }.`,
        ...(notes.length ? ["", ...notes] : []),
        ...(questions.length
          ? [
            "",
            `Inline questions: ${
              questions.filter((q) => q.answered).length
            } of ${questions.length} ` +
            `answered; ${
              questions.reduce((t, q) => t + q.points, 0)
            } points are graded by hand, not included above.`,
          ]
          : []),
      ];
      return {
        score: round(score),
        max_score: round(max),
        execution_time: Math.round((performance.now() - started) / 1000),
        output: summary.join("\n"),
        output_format: "md",
        test_output_format: "text",
        visibility: "visible",
        stdout_visibility: "hidden",
        extra_data: {
          assignment: a.id,
          max_score: round(max),
          files,
          type_errors: typeProblems.length,
          type_error_messages: typeProblems,
          broken_modules: Object.fromEntries(ready.spec.broken),
          autograder_failed: graderProblems.length > 0,
          grader_problems: graderProblems,
          inline_questions: questions.length,
          answers_markdown: answers,
          seconds: Math.round(performance.now() - started) / 1000,
          ...(o.keep ? { workspace: tmp } : {}),
        },
        tests: gsTests,
      };
    } finally {
      await ready.dispose();
    }
  } finally {
    if (!o.keep) await Deno.remove(tmp, { recursive: true }).catch(() => {});
  }
}

/** Copies the base and the submission's assignment files into `ws`; returns where each came from. */
async function placeSubmission(
  submission: string,
  tmp: string,
  ws: string,
  base: string,
  wanted: readonly string[],
  notes: string[],
  notebooks: { patterns: readonly string[]; found: SubmittedNotebook[] },
): Promise<Record<string, string>> {
  let subDir = resolve(submission);
  const stat = await Deno.lstat(subDir).catch(() => null);
  if (!stat) throw new Error(`no submission at ${submission}`);
  if (stat.isSymlink) throw new Error(`${submission} is a symbolic link: not graded`);
  if (stat.isFile) {
    if (!subDir.endsWith(".zip")) throw new Error(`${submission} is neither a folder nor a .zip`);
    await unzipTo(subDir, join(tmp, "submission"));
    subDir = join(tmp, "submission");
  }
  for (const f of ["deno.json", "deno.lock"]) {
    await Deno.mkdir(ws, { recursive: true });
    await Deno.copyFile(join(base, f), join(ws, f)).catch((e) => {
      if (!(e instanceof Deno.errors.NotFound) || f === "deno.json") throw e;
    });
  }
  await copyTree(join(base, "lib"), join(ws, "lib"));
  // listFiles lists regular files only: a symbolic link in a submission is never followed.
  let submitted = (await listFiles(subDir)).filter((p) => !/(^|\/)(\.git|node_modules)\//.test(p));
  // A zip uploaded as a file of the submission: unpack it next to the other files.
  const zips = submitted.filter((p) => p.endsWith(".zip"));
  if (zips.length && [...locateFiles(submitted, wanted).values()].some((f) => f === null)) {
    const merged = join(tmp, "merged");
    await copyTree(subDir, merged, (p) => p.endsWith(".zip"));
    for (const z of zips) await unzipTo(join(subDir, z), join(merged, `${z}.unzipped`));
    subDir = merged;
    submitted = await listFiles(subDir);
  }
  await readNotebooks(subDir, submitted, notebooks.patterns, notebooks.found);
  const files: Record<string, string> = {};
  for (const [file, found] of locateFiles(submitted, wanted)) {
    if (!found) {
      files[file] = "missing";
      notes.push(`- \`${file}\` is not in the submission: graded the unchanged starter file.`);
      continue;
    }
    files[file] = found.path;
    if (found.byName) notes.push(`- \`${file}\`: using the submitted \`${found.path}\`.`);
    await Deno.copyFile(join(subDir, found.path), join(ws, file));
  }
  return files;
}

/**
 * Path of the manifest under a root (a repository or an autograder folder).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { manifestPath } from "./grade.ts";
 * assert.equal(manifestPath("/ag"), "/ag/assignments/assignments.json");
 * ```
 */
export function manifestPath(root: string): string {
  return join(root, "assignments", "assignments.json");
}

function realPath(path: string): string {
  try {
    return Deno.realPathSync(path);
  } catch {
    return resolve(path);
  }
}

function round(x: number): number {
  return Math.round(x * 1000) / 1000;
}

/** A notebook of a submission, parsed for its inline answers, or why it could not be. */
type SubmittedNotebook = { path: string; notebook?: Notebook; error?: string };

/** The largest notebook read for its answers (a lesson without outputs is ~100 kB). */
const MAX_NOTEBOOK_BYTES = 32 * 1024 * 1024;

/**
 * Reads the submitted notebooks that match the assignment's patterns by file name (wherever the
 * student put them) as JSON, never executing anything; one that is too large or not JSON is
 * recorded with the reason.
 */
async function readNotebooks(
  dir: string,
  submitted: readonly string[],
  patterns: readonly string[],
  out: SubmittedNotebook[],
): Promise<void> {
  const names = patterns.map(fileNamePattern);
  for (const path of submitted) {
    if (!names.some((re) => re.test(basename(path)))) continue;
    try {
      const { size } = await Deno.stat(join(dir, path));
      if (size > MAX_NOTEBOOK_BYTES) {
        throw new Error(`${size} bytes, more than ${MAX_NOTEBOOK_BYTES}`);
      }
      out.push({ path, notebook: JSON.parse(await Deno.readTextFile(join(dir, path))) });
    } catch (e) {
      out.push({ path, error: e instanceof Error ? e.message : String(e) });
    }
  }
}

/**
 * `deno task grade <submission dir or zip> [--assignment A1] [--out results.json]` grades one
 * submission; `deno task grade --all <folder> [--assignment A1] [--out dir]` grades every
 * sub-folder and zip of a folder and writes a CSV gradebook.
 *
 * Pipeline: a fresh workspace (pristine student edition + the submission's assignment files +
 * the instructor's tests; see workspace.ts) → `deno check` of the submitted files (reported, never
 * scored) → each test file in a sandboxed `deno test` with per-test timeouts (runner.ts) under an
 * overall time limit → Gradescope results.json and a Markdown report next to it. results.json is
 * written even when grading itself fails (one "autograder failed" test).
 *
 * Flags: `--autograder <dir>` grades with an autograder folder made by `deno task release`
 * (its base/, tests and manifest; run_autograder passes it), `--time-limit <s>`, `--test-timeout
 * <s>` (caps every test's timeout), `--no-typecheck`, `--keep` (keep the workspace).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { gradebookCsv } from "./grade.ts";
 * const csv = gradebookCsv(["f: a", "g: b"], [{ name: "ann", tests: { "f: a": 1 }, score: 1, max: 3 }]);
 * assert.equal(csv, 'submission,"f: a","g: b",total,max_score\nann,1,0,1,3\n');
 * ```
 * @module
 */
import { basename, dirname, join, resolve } from "node:path";
import { parseArgs } from "node:util";
import { REPO_ROOT } from "../kernelspec.ts";
import {
  assignmentFiles,
  DEFAULT_TIME_LIMIT_SECONDS,
  findAssignment,
  loadManifest,
  type Manifest,
  resolveTests,
} from "./manifest.ts";
import {
  failedResults,
  type GradescopeResults,
  type GradescopeTest,
  resultsMarkdown,
} from "./results.ts";
import { runTestFile, type TestOutcome } from "./runner.ts";
import { buildBase, copyTree, locateFiles } from "./workspace.ts";
import { typeErrors } from "./typecheck.ts";
import { listFiles, unzipTo } from "./zip.ts";

/**
 * Where grading takes its manifest, tests and base from.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import type { GradingSource } from "./grade.ts";
 * const s: GradingSource = { root: "/autograder/source", base: "/autograder/source/base" };
 * assert.ok(s.base.endsWith("base"));
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
  /** Seconds allowed for starting a test process (default 5). */
  startupSeconds?: number;
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
  const log = o.log ?? (() => {});
  const manifest = o.manifest ?? await loadManifest(manifestPath(o.source.root));
  const a = findAssignment(manifest, o.assignment);
  const tests = resolveTests(a, manifest.defaults).map((t) => ({
    ...t,
    timeoutSeconds: Math.min(t.timeoutSeconds, o.testTimeoutCap ?? Infinity),
  }));
  const limit = o.timeLimitSeconds ?? a.timeLimitSeconds ?? manifest.defaults?.timeLimitSeconds ??
    DEFAULT_TIME_LIMIT_SECONDS;
  const deadline = started + limit * 1000;
  const tmp = await Deno.makeTempDir({ prefix: "hw-grade-" });
  try {
    // 1. The submission's files for this assignment, on a fresh copy of the base.
    let subDir = resolve(o.submission);
    const stat = await Deno.stat(subDir).catch(() => null);
    if (!stat) throw new Error(`no submission at ${o.submission}`);
    if (stat.isFile) {
      if (!subDir.endsWith(".zip")) {
        throw new Error(`${o.submission} is neither a folder nor a .zip`);
      }
      await unzipTo(subDir, join(tmp, "submission"));
      subDir = join(tmp, "submission");
    }
    const ws = join(tmp, "ws");
    await copyTree(o.source.base, ws);
    let submitted = (await listFiles(subDir)).filter((p) =>
      !/(^|\/)(\.git|node_modules)\//.test(p)
    );
    const wanted = assignmentFiles(a);
    // A zip uploaded as a file of the submission: unpack it next to the other files.
    const zips = submitted.filter((p) => p.endsWith(".zip"));
    if (zips.length && [...locateFiles(submitted, wanted).values()].some((f) => f === null)) {
      const merged = join(tmp, "merged");
      await copyTree(subDir, merged, (p) => p.endsWith(".zip"));
      for (const z of zips) await unzipTo(join(subDir, z), join(merged, `${z}.unzipped`));
      subDir = merged;
      submitted = await listFiles(subDir);
    }
    const notes: string[] = [];
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
    // 2. The instructor's tests, whatever the submission contains.
    const testsDir = join(o.source.root, "assignments", "tests");
    await Deno.remove(join(ws, "assignments"), { recursive: true }).catch(() => {});
    await copyTree(testsDir, join(ws, "assignments", "tests"));
    // 3. Type errors: reported, not scored (tests run with --no-check).
    const present = wanted.filter((f) => files[f] !== "missing");
    const typeProblems = o.typeCheck === false || present.length === 0
      ? []
      : await typeErrors(ws, present);
    if (typeProblems.length) {
      log(`  ${typeProblems.length} type error(s)`);
      notes.push(
        `- **${typeProblems.length} type error(s)** (not scored, but fix them: \`deno check\` ` +
          `reports the same):\n\n\`\`\`text\n${typeProblems.join("\n\n").slice(0, 4000)}\n\`\`\``,
      );
    }
    // 4. Each test file in a sandbox, within the time limit.
    const outcomes = new Map<string, TestOutcome>();
    const unexpected: string[] = [];
    const orderProblems: string[] = [];
    for (const file of a.testFiles) {
      const mine = tests.filter((t) => t.file === file.path);
      log(`  ${file.path}: ${mine.length} tests`);
      const r = await runTestFile({
        cwd: ws,
        file: file.path,
        tests: mine,
        deadline,
        log,
        startupSeconds: o.startupSeconds,
      });
      for (const [name, outcome] of r.outcomes) outcomes.set(name, outcome);
      const order = [...r.outcomes.keys()];
      if (order.some((name, i) => name !== mine[i].name)) {
        orderProblems.push(`${file.path}: tests run in another order than the manifest lists them`);
      }
      unexpected.push(...r.extra.map((x) => x.name));
    }
    // 5. results.json.
    const gsTests: GradescopeTest[] = tests.map((t, i) => {
      const out = outcomes.get(t.name)!;
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
        extra_data: { seconds: Math.round(out.seconds * 1000) / 1000 },
      };
    });
    const score = gsTests.reduce((s, t) => s + t.score, 0);
    const max = gsTests.reduce((s, t) => s + t.max_score, 0);
    if (performance.now() > deadline) notes.push(`- Grading hit the time limit of ${limit} s.`);
    const visible = gsTests.filter((t) => t.visibility === "visible");
    const summary = [
      `**${a.id} — ${a.title}**: ${round(score)} / ${round(max)} points in all; on the visible ` +
      `tests ${round(visible.reduce((s, t) => s + t.score, 0))} / ${
        round(visible.reduce((s, t) => s + t.max_score, 0))
      }.`,
      ...(notes.length ? ["", ...notes] : []),
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
        unexpected_tests: unexpected,
        order_problems: orderProblems,
        ...(o.keep ? { workspace: tmp } : {}),
      },
      tests: gsTests,
    };
  } finally {
    if (!o.keep) await Deno.remove(tmp, { recursive: true }).catch(() => {});
  }
}

/**
 * The CSV gradebook: one row per submission, one column per test (its score), the total and the
 * maximum.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { gradebookCsv } from "./grade.ts";
 * assert.equal(gradebookCsv(["t"], [{ name: 'a,"b"', tests: {}, score: 0, max: 1 }]),
 *   'submission,t,total,max_score\n"a,""b""",0,0,1\n');
 * ```
 */
export function gradebookCsv(
  testNames: readonly string[],
  rows: readonly { name: string; tests: Record<string, number>; score: number; max: number }[],
): string {
  const cell = (v: string | number) => {
    const s = String(v);
    return /[",\n\r :]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
  };
  const lines = [["submission", ...testNames, "total", "max_score"].map(cell).join(",")];
  for (const r of rows) {
    lines.push(
      [r.name, ...testNames.map((t) => r.tests[t] ?? 0), r.score, r.max].map(cell).join(","),
    );
  }
  return lines.join("\n") + "\n";
}

/**
 * Grades and writes results.json and results.md (the .md next to the .json); never throws: a
 * failure becomes an "autograder failed" results.json.
 *
 * @example
 * ```ts ignore
 * const results = await gradeToFile({ ...options }, "build/grade/results.json");
 * ```
 */
export async function gradeToFile(o: GradeOptions, out: string): Promise<GradescopeResults> {
  let results: GradescopeResults | null = null;
  try {
    results = await grade(o);
  } catch (e) {
    console.error(`grading failed: ${e instanceof Error ? e.stack : e}`);
    results = failedResults(e, await maxScore(o).catch(() => 0));
  } finally {
    results ??= failedResults(new Error("grading stopped"), 0);
    await Deno.mkdir(dirname(resolve(out)), { recursive: true });
    await Deno.writeTextFile(out, JSON.stringify(results, null, 2) + "\n");
    await Deno.writeTextFile(out.replace(/(\.json)?$/, ".md"), resultsMarkdown(results));
  }
  return results;
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

async function maxScore(o: GradeOptions): Promise<number> {
  const m = o.manifest ?? await loadManifest(manifestPath(o.source.root));
  return resolveTests(findAssignment(m, o.assignment), m.defaults).reduce(
    (s, t) => s + t.points,
    0,
  );
}

function round(x: number): number {
  return Math.round(x * 1000) / 1000;
}

/** The command line (see the module doc); resolves to the exit code. */
async function main(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      assignment: { type: "string", short: "a" },
      out: { type: "string", short: "o" },
      all: { type: "boolean" },
      autograder: { type: "string" },
      "time-limit": { type: "string" },
      "test-timeout": { type: "string" },
      "no-typecheck": { type: "boolean" },
      keep: { type: "boolean" },
    },
  });
  if (positionals.length !== 1) {
    console.error(
      "usage: deno task grade <submission dir or zip> [--assignment A1] [--out results.json]\n" +
        "       deno task grade --all <folder> [--assignment A1] [--out dir]",
    );
    return 2;
  }
  const here = dirname(dirname(dirname(new URL(import.meta.url).pathname)));
  const auto = values.autograder ?? (await exists(join(here, "base")) ? here : undefined);
  const singleOut = values.out ?? join(REPO_ROOT, "build", "grade", "results.json");
  const source: GradingSource = auto
    ? { root: resolve(auto), base: join(resolve(auto), "base") }
    : { root: REPO_ROOT, base: await Deno.makeTempDir({ prefix: "hw-base-" }) };
  try {
    if (!auto) await buildBase(REPO_ROOT, source.base);
    const manifest = await loadManifest(manifestPath(source.root));
    const ids = manifest.assignments.map((a) => a.id);
    const assignment = values.assignment ?? (ids.length === 1 ? ids[0] : undefined);
    if (!assignment) {
      console.error(`name the assignment: --assignment ${ids.join(" | ")}`);
      return 2;
    }
    const common = {
      assignment,
      source,
      manifest,
      keep: values.keep,
      typeCheck: !values["no-typecheck"],
      timeLimitSeconds: values["time-limit"] ? Number(values["time-limit"]) : undefined,
      testTimeoutCap: values["test-timeout"] ? Number(values["test-timeout"]) : undefined,
      log: (line: string) => console.log(line),
    };
    if (!values.all) {
      const out = singleOut;
      const r = await gradeToFile({ ...common, submission: positionals[0] }, out);
      console.log(`${positionals[0]}: ${r.score} / ${r.extra_data?.max_score ?? "?"} → ${out}`);
      return r.extra_data?.autograder_failed ? 1 : 0;
    }
    const folder = resolve(positionals[0]);
    const outDir = values.out ?? join(REPO_ROOT, "build", "grade", basename(folder));
    const names = (await Array.fromAsync(Deno.readDir(folder)))
      .filter((e) => e.isDirectory || (e.isFile && e.name.endsWith(".zip")))
      .map((e) => e.name).sort();
    const testNames = resolveTests(findAssignment(manifest, assignment), manifest.defaults)
      .map((t) => t.name);
    const rows = [];
    for (const name of names) {
      console.log(`grading ${name}`);
      const stem = name.replace(/\.zip$/, "");
      const r = await gradeToFile(
        { ...common, submission: join(folder, name) },
        join(outDir, stem, "results.json"),
      );
      const tests = Object.fromEntries(r.tests.map((t) => [t.name, t.score]));
      rows.push({ name: stem, tests, score: r.score, max: Number(r.extra_data?.max_score ?? 0) });
      console.log(`  ${r.score} / ${r.extra_data?.max_score ?? "?"}`);
    }
    await Deno.mkdir(outDir, { recursive: true });
    await Deno.writeTextFile(join(outDir, "gradebook.csv"), gradebookCsv(testNames, rows));
    console.log(`${rows.length} submissions → ${join(outDir, "gradebook.csv")}`);
    return 0;
  } catch (e) {
    // Before grading could start (no manifest, no base…): still leave a results.json.
    console.error(`grading failed: ${e instanceof Error ? e.stack : e}`);
    if (!values.all) {
      await Deno.mkdir(dirname(resolve(singleOut)), { recursive: true });
      await Deno.writeTextFile(singleOut, JSON.stringify(failedResults(e), null, 2) + "\n");
    }
    return 1;
  } finally {
    if (!auto) await Deno.remove(source.base, { recursive: true }).catch(() => {});
  }
}

async function exists(path: string): Promise<boolean> {
  return await Deno.stat(path).then(() => true, () => false);
}

if (import.meta.main) Deno.exit(await main(Deno.args));

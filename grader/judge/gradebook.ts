/**
 * Grading many submissions: `gradeToFile` (always leaves a results.json), `gradeAll` (every
 * sub-folder and .zip of a folder, `jobs` at a time, with progress) and the CSV gradebook.
 *
 * Each submission's id is its entry name in the folder (`alice` and `alice.zip` are two rows);
 * its results go to a folder of that name made safe for the file system and unique.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { gradebookCsv } from "./gradebook.ts";
 * const csv = gradebookCsv(["f: a"], [{ id: "=1+1", tests: { "f: a": 1 }, score: 1, max: 3, failed: false }]);
 * assert.equal(csv, "submission,f: a,total,max_score,autograder_failed\r\n'=1+1,1,1,3,false\r\n");
 * ```
 * @module
 */
import { dirname, join, resolve } from "node:path";
import { grade, type GradeOptions } from "./grade.ts";
import { findAssignment, loadManifest, resolveTests } from "./manifest.ts";
import { failedResults, type GradescopeResults, resultsMarkdown } from "./results.ts";
import { manifestPath } from "./grade.ts";

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
 * One gradebook row.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import type { GradebookRow } from "./gradebook.ts";
 * const r: GradebookRow = { id: "alice.zip", tests: {}, score: 0, max: 20, failed: true };
 * assert.ok(r.failed);
 * ```
 */
export interface GradebookRow {
  /** The submission's id (its name in the folder). */
  id: string;
  /** Score of each test, by name. */
  tests: Record<string, number>;
  /** Total score. */
  score: number;
  /** Points possible. */
  max: number;
  /** The autograder failed on this submission (not a student's 0). */
  failed: boolean;
}

/**
 * The CSV gradebook (RFC 4180: CRLF, quotes doubled): one row per submission, one column per
 * test, `total`, `max_score` and `autograder_failed`. A text cell that a spreadsheet would read as
 * a formula (starting with `=`, `+`, `-`, `@`, tab or CR) is prefixed with `'`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { gradebookCsv } from "./gradebook.ts";
 * assert.equal(gradebookCsv(["t"], [{ id: 'a,"b"', tests: {}, score: 0, max: 1, failed: false }]),
 *   'submission,t,total,max_score,autograder_failed\r\n"a,""b""",0,0,1,false\r\n');
 * ```
 */
export function gradebookCsv(testNames: readonly string[], rows: readonly GradebookRow[]): string {
  const header = ["submission", ...testNames, "total", "max_score", "autograder_failed"];
  const lines = [header.map(csvText)];
  for (const r of rows) {
    lines.push([
      csvText(r.id),
      ...testNames.map((t) => csvNumber(r.tests[t] ?? 0)),
      csvNumber(r.score),
      csvNumber(r.max),
      r.failed ? "true" : "false",
    ]);
  }
  return lines.map((l) => l.join(",")).join("\r\n") + "\r\n";
}

/**
 * A text cell: formula-escaped, then quoted if it holds a comma, quote, CR or LF.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { csvText } from "./gradebook.ts";
 * assert.equal(csvText("@SUM(A1)"), "'@SUM(A1)");
 * assert.equal(csvText("-2,3"), `"'-2,3"`);
 * assert.equal(csvText("plain"), "plain");
 * ```
 */
export function csvText(value: string): string {
  const s = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

function csvNumber(x: number): string {
  return Number.isFinite(x) ? String(x) : "0";
}

/**
 * Options of {@link gradeAll}.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import type { GradeAllOptions } from "./gradebook.ts";
 * const o: Partial<GradeAllOptions> = { jobs: 2 };
 * assert.equal(o.jobs, 2);
 * ```
 */
export interface GradeAllOptions extends Omit<GradeOptions, "submission"> {
  /** The folder of submissions (sub-folders and .zip files). */
  folder: string;
  /** Where results and gradebook.csv go. */
  outDir: string;
  /** Submissions graded at a time (default 1). */
  jobs?: number;
  /** One progress line per finished submission. */
  progress?: (line: string) => void;
}

/**
 * Grades every sub-folder and .zip of a folder (`jobs` at a time) into
 * `<outDir>/<id>/results.json` and `.md`, and writes `<outDir>/gradebook.csv`; returns the rows.
 *
 * @example
 * ```ts ignore
 * const rows = await gradeAll({ folder: "subs", outDir: "build/grade/A1", assignment: "A1", source, jobs: 2 });
 * ```
 */
export async function gradeAll(o: GradeAllOptions): Promise<GradebookRow[]> {
  const names = (await Array.fromAsync(Deno.readDir(o.folder)))
    .filter((e) => e.isDirectory || (e.isFile && e.name.endsWith(".zip")))
    .map((e) => e.name).sort();
  const manifest = o.manifest ?? await loadManifest(manifestPath(o.source.root));
  const testNames = resolveTests(findAssignment(manifest, o.assignment), manifest.defaults)
    .map((t) => t.name);
  const dirs = resultFolders(names);
  const rows: GradebookRow[] = new Array(names.length);
  let next = 0, done = 0;
  const started = performance.now();
  const worker = async () => {
    while (next < names.length) {
      const i = next++;
      const t0 = performance.now();
      const r = await gradeToFile(
        { ...o, manifest, log: undefined, submission: join(o.folder, names[i]) },
        join(o.outDir, dirs[i], "results.json"),
      );
      rows[i] = {
        id: names[i],
        tests: Object.fromEntries(r.tests.map((t) => [t.name, t.score])),
        score: r.score,
        max: Number(r.extra_data?.max_score ?? r.max_score ?? 0),
        failed: Boolean(r.extra_data?.autograder_failed),
      };
      done++;
      o.progress?.(
        `[${done}/${names.length}] ${names[i]}: ${r.score} / ${rows[i].max}` +
          `${rows[i].failed ? " (autograder failed)" : ""} in ${
            ((performance.now() - t0) / 1000).toFixed(1)
          } s (${((performance.now() - started) / 1000).toFixed(0)} s in all)`,
      );
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, o.jobs ?? 1) }, worker));
  await Deno.mkdir(o.outDir, { recursive: true });
  await Deno.writeTextFile(join(o.outDir, "gradebook.csv"), gradebookCsv(testNames, rows));
  return rows;
}

/**
 * A results folder per submission name: safe characters only, and unique.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { resultFolders } from "./gradebook.ts";
 * assert.deepEqual(resultFolders(["alice", "alice.zip", "a/b", "a_b"]), ["alice", "alice.zip", "a_b", "a_b-2"]);
 * ```
 */
export function resultFolders(names: readonly string[]): string[] {
  const used = new Set<string>();
  return names.map((n) => {
    const safe = n.replace(/[^A-Za-z0-9._@-]/g, "_").replace(/^\.+/, "_") || "_";
    let dir = safe;
    for (let k = 2; used.has(dir); k++) dir = `${safe}-${k}`;
    used.add(dir);
    return dir;
  });
}

async function maxScore(o: GradeOptions): Promise<number> {
  const m = o.manifest ?? await loadManifest(manifestPath(o.source.root));
  return resolveTests(findAssignment(m, o.assignment), m.defaults).reduce(
    (s, t) => s + t.points,
    0,
  );
}

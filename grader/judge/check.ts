/**
 * `deno task check [A1 | test or function name] [--zip]`: for students. Runs the public tests of
 * every assignment (or of one assignment, or only the tests whose name contains the text given),
 * each in the same sandbox and with the same timeouts as the grader, and prints what passed, why
 * the others failed, type errors, and the score so far. `--zip` (with one assignment) also writes
 * `submission-A1.zip` with the files to upload.
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
  assignmentFiles,
  loadManifest,
  notebookPaths,
  type ResolvedTest,
  resolveTests,
} from "./manifest.ts";
import { grade } from "./grade.ts";
import { zipEntries } from "./zip.ts";

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
 * Checks the selected public tests and prints the report; resolves to the number of failures.
 *
 * @example
 * ```ts ignore
 * const failures = await check(REPO_ROOT, ["A1"]);
 * ```
 */
export async function check(
  root: string,
  selectors: string[],
  { zip = false, print = console.log } = {},
): Promise<number> {
  const manifest = await loadManifest(join(root, "assignments", "assignments.json"));
  const selector = selectors.join(" ").trim();
  const byId = manifest.assignments.find((a) => a.id.toLowerCase() === selector.toLowerCase());
  const assignments = byId ? [byId] : manifest.assignments;
  const match = (name: string): boolean =>
    Boolean(byId) || !selector || name.toLowerCase().includes(selector.toLowerCase());
  let failures = 0, ran = 0;
  for (const a of assignments) {
    const selected = (t: ResolvedTest) => t.visibility === "visible" && match(t.name);
    const tests = resolveTests(a, manifest.defaults).filter(selected);
    if (tests.length === 0) continue;
    print(`\n${a.id} — ${a.title}`);
    // Your own repository, graded as the grader would: same sandbox, limits and messages.
    const r = await grade({
      submission: root,
      assignment: a.id,
      source: { root, base: root },
      manifest,
      select: selected,
      typeCheck: true,
    });
    let score = 0, max = 0;
    for (const [i, t] of tests.entries()) {
      const o = r.tests[i];
      const passed = o.status === "passed";
      ran++;
      max += t.points;
      if (passed) score += t.points;
      else failures++;
      const pts = `${fmt(passed ? t.points : 0)}/${fmt(t.points)}`.padStart(5);
      print(`  ${passed ? "✔" : "✘"} ${pts}  ${t.name}`);
      if (!passed) {
        const message = (o.output ?? "").replace(/^[^:]+ \([^)]*\): /, "");
        const where = a.functions[t.function]?.file ?? "";
        print(indent(`${formatFailure(message)}${where ? `  [${where}]` : ""}`, 12));
      }
    }
    const problems = (r.extra_data?.type_error_messages ?? []) as string[];
    if (problems.length) {
      print(`  type errors (not scored, but fix them):\n${indent(problems.join("\n\n"), 4)}`);
    }
    const broken = Object.entries((r.extra_data?.broken_modules ?? {}) as Record<string, string>);
    for (const [file, why] of broken) print(`  ${file} did not load: ${why}`);
    const hidden = a.hiddenPoints ??
      resolveTests(a, manifest.defaults).filter((t) => t.visibility !== "visible")
        .reduce((s, t) => s + t.points, 0);
    const scope = byId || !selector ? "" : ` (tests matching "${selector}")`;
    print(
      `  score so far: ${fmt(score)} / ${fmt(max)} points on the public tests${scope}` +
        (hidden ? `; ${fmt(hidden)} more points come from hidden tests, run after you submit` : ""),
    );
    if (zip) await writeSubmissionZip(root, a, print);
  }
  if (ran === 0) {
    const ids = manifest.assignments.map((a) => a.id).join(", ");
    print(`no public test matches "${selector}" (assignments: ${ids})`);
    return 1;
  }
  print(failures === 0 ? "\nall public tests pass" : `\n${failures} public test(s) failing`);
  return failures;
}

/** Writes submission-<id>.zip in `root`: the assignment's lib files and notebooks. */
async function writeSubmissionZip(
  root: string,
  a: Assignment,
  print: (s: string) => void,
): Promise<void> {
  const paths = [...assignmentFiles(a), ...await notebookPaths(root, a.notebooks)];
  const entries = await Promise.all(
    paths.map(async (path) => ({ path, data: await Deno.readFile(join(root, path)) })),
  );
  const out = join(root, `submission-${a.id}.zip`);
  await Deno.writeFile(out, zipEntries(entries));
  print(`  wrote ${out} (${paths.join(", ")}): upload it to the ${a.id} assignment`);
}

function fmt(x: number): string {
  return String(Math.round(x * 100) / 100);
}

function indent(text: string, n: number): string {
  return text.split("\n").map((l) => " ".repeat(n) + l).join("\n");
}

/**
 * `deno task release [--assignment A1] [--out dist]` writes
 *
 * - `dist/student/`: the student edition (see student_edition.ts): every solution region stubbed,
 *   notebooks without outputs, public tests only; it type-checks and leaks no solution line and no
 *   hidden test (both checked here);
 * - `dist/autograder/<id>/` and `dist/autograder/<id>.zip` for each assignment: Gradescope's
 *   layout (`setup.sh` installs Deno from npm and warms the cache, `run_autograder` grades
 *   /autograder/submission into /autograder/results/results.json), the grader, all the
 *   assignment's tests, the manifest and `lib/` (the pristine student lib it grades on).
 *
 * It refuses (exit 1, nothing written to `--out`) when a marker is unbalanced, the manifest and
 * the regions disagree, the student edition does not type-check or leaks, the instructor's
 * solution scores less than 100% or the bare student edition more than 0.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { runAutograderScript } from "./release.ts";
 * const script = runAutograderScript("A1", 20);
 * assert.match(script, /--assignment A1/);
 * assert.match(script, /"max_score": 20/);
 * ```
 * @module
 */
import { dirname, join, resolve } from "node:path";
import { pathToFileURL as toFileUrl } from "node:url";
import { REPO_ROOT } from "../../tools/kernelspec.ts";
import {
  type Assignment,
  assignmentFiles,
  findAssignment,
  gradedFiles,
  loadManifest,
  type Manifest,
  resolveTests,
} from "../judge/manifest.ts";
import { findRegions, notebookRegions } from "./markers.ts";
import { readNotebook } from "../../tools/notebooks.ts";
import { manifestPath } from "../judge/grade.ts";
import type { GradescopeResults } from "../judge/results.ts";
import { buildStudentEdition, leaks } from "./student_edition.ts";
import { copyTree } from "../judge/workspace.ts";
import { typeErrors } from "../judge/typecheck.ts";
import { dirEntries, listFiles, zipEntries } from "../judge/zip.ts";

/**
 * The Deno version the autograder installs (the one CI uses).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { DENO_VERSION } from "./release.ts";
 * assert.match(DENO_VERSION, /^\d+\.\d+\.\d+$/);
 * ```
 */
export const DENO_VERSION = "2.9.6";

/**
 * What `release` did, with the measured numbers.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import type { ReleaseReport } from "./release.ts";
 * const r: ReleaseReport = { student: "dist/student", autograders: [], seconds: 1 };
 * assert.equal(r.autograders.length, 0);
 * ```
 */
export interface ReleaseReport {
  /** The student edition's folder. */
  student: string;
  /** Per assignment: folder, zip, and the scores of the solution and of the bare edition. */
  autograders: {
    id: string;
    dir: string;
    zip: string;
    max: number;
    solution: number;
    bare: number;
    seconds: number;
  }[];
  /** Wall-clock seconds of the whole release. */
  seconds: number;
}

/**
 * Builds and checks the release (see the module doc). `assignment` limits it to one assignment.
 *
 * @example
 * ```ts ignore
 * const report = await release({ root: REPO_ROOT, out: "dist", assignment: "A1" });
 * ```
 */
export async function release(
  { root = REPO_ROOT, out = join(REPO_ROOT, "dist"), assignment, log = console.log }: {
    root?: string;
    out?: string;
    assignment?: string;
    log?: (line: string) => void;
  } = {},
): Promise<ReleaseReport> {
  const started = performance.now();
  const full = await loadManifest(manifestPath(root));
  const selected = assignment ? [findAssignment(full, assignment)] : full.assignments;
  const manifest: Manifest = { defaults: full.defaults, assignments: selected };
  const problems = await regionProblems(root, full);
  if (problems.length) throw new Error(`solution markers:\n  ${problems.join("\n  ")}`);
  const testProblems: string[] = [];
  for (const a of selected) {
    const problems = await testFileProblems(root, resolveTests(a, full.defaults));
    testProblems.push(...problems.map((p) => `${a.id}: ${p}`));
  }
  if (testProblems.length) {
    throw new Error(`the manifest and the test files disagree:\n  ${testProblems.join("\n  ")}`);
  }
  const testTypes = await typeErrors(root, ["assignments/"]);
  if (testTypes.length) {
    throw new Error(`the grading tests do not type-check:\n${testTypes.join("\n\n")}`);
  }

  out = resolve(out);
  await Deno.mkdir(out, { recursive: true });
  const staging = await Deno.makeTempDir({ dir: out, prefix: ".release-" });
  try {
    const student = join(staging, "student");
    log(`student edition → ${student}`);
    await buildStudentEdition(root, student, manifest);
    const typeProblems = await typeErrors(student, ["lib/", "assignments/", "tools/", "grader/"]);
    if (typeProblems.length) {
      throw new Error(`the student edition does not type-check:\n${typeProblems.join("\n\n")}`);
    }
    const leaked = await leaks(root, student, full);
    if (leaked.length) throw new Error(`the student edition leaks:\n  ${leaked.join("\n  ")}`);

    const autograders: ReleaseReport["autograders"] = [];
    for (const a of selected) {
      const t0 = performance.now();
      const dir = join(staging, "autograder", a.id);
      const max = resolveTests(a, full.defaults).reduce((s, t) => s + t.points, 0);
      await buildAutograder(root, student, dir, autograderManifest(full, a), a);
      log(`${a.id}: grading the solution and the bare student edition`);
      const sol = await gradeWith(dir, a.id, root);
      const bad = sol.tests.filter((t) => t.status !== "passed").map((t) =>
        `${t.name}: ${t.output}`
      );
      const extra = (sol.extra_data?.grader_problems as string[] | undefined) ?? [];
      if (sol.score < max - 1e-9 || bad.length || extra.length) {
        throw new Error(
          `${a.id}: the solution scores ${sol.score} / ${max}:\n  ${
            [...bad, ...extra].join("\n  ")
          }`,
        );
      }
      const bare = await gradeWith(dir, a.id, student);
      const earned = bare.tests.filter((t) => t.score > 0).map((t) => t.name);
      if (bare.score > 0 || bare.extra_data?.autograder_failed) {
        throw new Error(
          `${a.id}: the bare student edition scores ${bare.score} (want 0): ${earned.join("; ")}`,
        );
      }
      const zip = join(staging, "autograder", `${a.id}.zip`);
      await Deno.writeFile(zip, zipEntries(await dirEntries(dir)));
      const seconds = (performance.now() - t0) / 1000;
      log(`${a.id}: solution ${sol.score} / ${max}, bare edition ${bare.score}`);
      autograders.push({ id: a.id, dir, zip, max, solution: sol.score, bare: bare.score, seconds });
    }
    // Everything checked: replace the previous release.
    for (const name of ["student", "autograder"]) {
      await Deno.remove(join(out, name), { recursive: true }).catch(() => {});
      await Deno.rename(join(staging, name), join(out, name));
    }
    const moved = (p: string) => p.replace(staging, out);
    return {
      student: moved(student),
      autograders: autograders.map((x) => ({ ...x, dir: moved(x.dir), zip: moved(x.zip) })),
      seconds: (performance.now() - started) / 1000,
    };
  } finally {
    await Deno.remove(staging, { recursive: true }).catch(() => {});
  }
}

/**
 * Disagreements between the solution regions of lib/ and notebooks/ and the manifest: marker
 * errors, functions without a region, regions of lib/ that no assignment grades.
 *
 * @example
 * ```ts ignore
 * assert.deepEqual(await regionProblems(REPO_ROOT, manifest), []);
 * ```
 */
export async function regionProblems(root: string, manifest: Manifest): Promise<string[]> {
  const problems: string[] = [];
  const regions = new Map<string, Set<string>>();
  for (const path of await listFiles(join(root, "lib"))) {
    if (!path.endsWith(".ts")) continue;
    const file = `lib/${path}`;
    try {
      const names = findRegions(await Deno.readTextFile(join(root, file)), file).map((r) => r.name);
      if (names.length) regions.set(file, new Set(names));
    } catch (e) {
      problems.push(e instanceof Error ? e.message : String(e));
    }
  }
  for (const path of await listFiles(join(root, "notebooks"))) {
    if (!path.endsWith(".ipynb") || path.includes(".ipynb_checkpoints")) continue;
    try {
      notebookRegions(await readNotebook(join(root, "notebooks", path)), `notebooks/${path}`);
    } catch (e) {
      problems.push(e instanceof Error ? e.message : String(e));
    }
  }
  const graded = new Set<string>();
  for (const a of manifest.assignments) {
    for (const [name, f] of Object.entries(a.functions)) {
      graded.add(`${f.file}#${name}`);
      if (!regions.get(f.file)?.has(name)) {
        problems.push(`${a.id}: ${f.file} has no solution region named ${name}`);
      }
    }
  }
  for (const [file, names] of regions) {
    for (const name of names) {
      if (!graded.has(`${file}#${name}`)) {
        problems.push(`${file}: region ${name} is in no assignment (add it to the manifest)`);
      }
    }
  }
  return problems;
}

/**
 * `loadTestBodies` (grader/judge/runner.ts) of `root`'s own grader, in a process of its own: the
 * test files register with `root`'s harness, so the runner must be `root`'s too (this module's
 * runner would collect nothing from another root's files), and a test file that exits or hangs at
 * load must not stop the release.
 */
async function testFileProblems(
  root: string,
  tests: readonly { name: string; file: string }[],
): Promise<string[]> {
  const runner = toFileUrl(join(root, "grader", "judge", "runner.ts")).href;
  const wanted = tests.map(({ name, file }) => ({ name, file }));
  const code = `const { loadTestBodies } = await import(${JSON.stringify(runner)});\n` +
    `const { problems } = await loadTestBodies(${JSON.stringify(root)}, ${
      JSON.stringify(wanted)
    });\n` +
    `console.log("\\n" + JSON.stringify(problems));\nDeno.exit(0);\n`;
  const res = await new Deno.Command(Deno.execPath(), {
    args: ["eval", code],
    cwd: root,
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
    env: { NO_COLOR: "1" },
    signal: AbortSignal.timeout(120_000),
  }).output();
  const last = new TextDecoder().decode(res.stdout).trimEnd().split("\n").at(-1) ?? "";
  if (res.success && last.startsWith("[")) return JSON.parse(last) as string[];
  const why = new TextDecoder().decode(res.stderr).trim().split("\n").slice(-5).join("\n  ");
  return [`the test files did not load (exit status ${res.code})${why ? `:\n  ${why}` : ""}`];
}

/**
 * Grades `submission` with the autograder folder `dir` as Gradescope will: its own tools/grade.ts
 * (its judge, its harness, its tests), in a process of its own.
 */
async function gradeWith(dir: string, id: string, submission: string): Promise<GradescopeResults> {
  const tmp = await Deno.makeTempDir({ prefix: "release-grade-" });
  try {
    const out = join(tmp, "results.json");
    const res = await new Deno.Command(Deno.execPath(), {
      args: [
        "run",
        "-A",
        "tools/grade.ts",
        "--autograder",
        dir,
        "--assignment",
        id,
        "--out",
        out,
        submission,
      ],
      cwd: dir,
      stdin: "null",
      stdout: "piped",
      stderr: "piped",
      env: { NO_COLOR: "1" },
    }).output();
    const text = await Deno.readTextFile(out).catch(() => null);
    if (text === null) {
      const why = new TextDecoder().decode(res.stderr).trim();
      throw new Error(`${id}: the autograder wrote no results (exit status ${res.code}):\n${why}`);
    }
    return JSON.parse(text) as GradescopeResults;
  } finally {
    await Deno.remove(tmp, { recursive: true }).catch(() => {});
  }
}

/**
 * The manifest of one assignment's autograder: that assignment alone, its `uses` of earlier
 * assignments' functions resolved into `gradedWith` (the files graded with it).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { autograderManifest } from "./release.ts";
 * import type { Manifest } from "../judge/manifest.ts";
 * const full: Manifest = { assignments: [
 *   { id: "A", title: "", testFiles: [], functions: { f: { file: "lib/f.ts" } } },
 *   { id: "B", title: "", testFiles: [], functions: { g: { file: "lib/g.ts", uses: ["f"] } } },
 * ] };
 * const m = autograderManifest(full, full.assignments[1]);
 * assert.deepEqual(m.assignments.map((a) => [a.id, a.functions.g, a.gradedWith]), [
 *   ["B", { file: "lib/g.ts", uses: [] }, ["lib/f.ts"]],
 * ]);
 * ```
 */
export function autograderManifest(full: Manifest, a: Assignment): Manifest {
  const own = new Set(assignmentFiles(a));
  const gradedWith = gradedFiles(full, a).filter((f) => !own.has(f));
  const functions = Object.fromEntries(
    Object.entries(a.functions).map(([name, f]) => [
      name,
      f.uses ? { ...f, uses: f.uses.filter((u) => u in a.functions) } : f,
    ]),
  );
  return {
    defaults: full.defaults,
    assignments: [{ ...a, functions, ...(gradedWith.length ? { gradedWith } : {}) }],
  };
}

/** Writes one assignment's autograder folder (Gradescope layout) into `dir`. */
async function buildAutograder(
  root: string,
  student: string,
  dir: string,
  manifest: Manifest,
  a: Assignment,
): Promise<void> {
  // The pristine student lib at the root: the base every submission is graded on, and the
  // library the judge's tests build their inputs with.
  await copyTree(join(student, "lib"), join(dir, "lib"));
  await copyTree(join(root, "assignments", "tests"), join(dir, "assignments", "tests"), (p) => {
    const top = p.split("/")[0];
    return !(p === "harness.ts" || top === "hidden" || top === a.id);
  });
  await Deno.writeTextFile(
    join(dir, "assignments", "assignments.json"),
    JSON.stringify(manifest, null, 2) + "\n",
  );
  for (const t of await graderModules(root)) {
    await Deno.mkdir(dirname(join(dir, t)), { recursive: true });
    await Deno.copyFile(join(root, t), join(dir, t));
  }
  const config = JSON.parse(await Deno.readTextFile(join(root, "deno.json")));
  const grader = {
    imports: config.imports,
    tasks: { grade: "deno run -A tools/grade.ts" },
  };
  await Deno.writeTextFile(join(dir, "deno.json"), JSON.stringify(grader, null, 2) + "\n");
  await Deno.copyFile(join(root, "deno.lock"), join(dir, "deno.lock"));
  const max = resolveTests(a, manifest.defaults).reduce((s, t) => s + t.points, 0);
  await Deno.writeTextFile(join(dir, "setup.sh"), setupScript(), { mode: 0o755 });
  await Deno.writeTextFile(join(dir, "run_autograder"), runAutograderScript(a.id, max), {
    mode: 0o755,
  });
  await Deno.chmod(join(dir, "setup.sh"), 0o755);
  await Deno.chmod(join(dir, "run_autograder"), 0o755);
  await Deno.writeTextFile(
    join(dir, "README.md"),
    `# Autograder for ${a.id}: ${a.title}\n\nUpload \`${a.id}.zip\` (made next to this folder) in ` +
      `Gradescope: Configure Autograder → Zip file upload, base image Ubuntu 22.04. Students ` +
      `upload \`submission-${a.id}.zip\` (\`deno task check ${a.id} --zip\`) or the files ` +
      `themselves. Test locally: \`AUTOGRADER_ROOT=/tmp/ag ./run_autograder\` with this folder ` +
      `as /tmp/ag/source and a submission in /tmp/ag/submission.\n`,
  );
}

/**
 * The grader's own modules (repository-relative): tools/grade.ts and what it imports, and the
 * sandbox runtime (loaded by the generated entry, not imported).
 */
async function graderModules(root: string): Promise<string[]> {
  const prefix = `file://${root.replace(/\/$/, "")}/`;
  const out = new Set<string>();
  for (const entry of ["tools/grade.ts", "grader/sandbox/main.ts"]) {
    const res = await new Deno.Command(Deno.execPath(), {
      args: ["info", "--json", entry],
      cwd: root,
      stdout: "piped",
      stderr: "piped",
    }).output();
    if (!res.success) throw new Error(new TextDecoder().decode(res.stderr));
    for (
      const m of JSON.parse(new TextDecoder().decode(res.stdout)).modules as { specifier: string }[]
    ) {
      if (m.specifier.startsWith(prefix)) out.add(m.specifier.slice(prefix.length));
    }
  }
  return [...out].sort();
}

/**
 * Gradescope's setup.sh: installs Deno from npm (Node from apt when missing) and caches every
 * dependency of the grader, the library and the tests, so grading needs no network.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { setupScript } from "./release.ts";
 * assert.match(setupScript(), /npm install .*deno@2\.9\.6/);
 * ```
 */
export function setupScript(): string {
  return `#!/usr/bin/env bash
# Gradescope runs this once, as root, when it builds the autograder image (Ubuntu): it installs
# Deno ${DENO_VERSION} from npm and caches every dependency, so grading itself needs no network.
set -euo pipefail
ROOT="\${AUTOGRADER_ROOT:-/autograder}"
cd "$ROOT/source"
if ! command -v deno >/dev/null 2>&1 || [[ "$(deno --version | head -n1)" != "deno ${DENO_VERSION} "* ]]; then
  if ! command -v npm >/dev/null 2>&1; then
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nodejs npm
  fi
  npm install --prefix "$ROOT/deno" --no-audit --no-fund --loglevel=error "deno@${DENO_VERSION}"
  # The package's postinstall puts the binary in deno/; with an old Node it may not have run.
  bin="$ROOT/deno/node_modules/deno/deno"
  [[ -x "$bin" ]] || bin="$(ls "$ROOT"/deno/node_modules/@deno/linux-*/deno | head -n1)"
  ln -sf "$bin" /usr/local/bin/deno
fi
deno --version
deno install --entrypoint tools/grade.ts grader/sandbox/main.ts $(find lib -name '*.ts' | sort)
`;
}

/**
 * Gradescope's run_autograder for one assignment: grades /autograder/submission into
 * /autograder/results/results.json, and writes an "autograder failed" results.json itself if the
 * grader could not. `AUTOGRADER_ROOT` replaces /autograder (to try it locally).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { runAutograderScript } from "./release.ts";
 * assert.match(runAutograderScript("A2", 20), /^#!\/usr\/bin\/env bash/);
 * ```
 */
export function runAutograderScript(id: string, maxScore: number): string {
  const fallback = JSON.stringify(
    {
      score: 0,
      output:
        "The autograder failed before grading; nothing was scored. Please tell the course staff.",
      visibility: "visible",
      stdout_visibility: "hidden",
      tests: [{
        name: "autograder failed",
        score: 0,
        max_score: maxScore,
        status: "failed",
        output: "run_autograder: the grader exited without writing results.json (status STATUS)",
      }],
    },
    null,
    1,
  );
  return `#!/usr/bin/env bash
# Gradescope runs this for every submission of ${id}. It grades /autograder/submission with this
# folder's tests and always leaves /autograder/results/results.json.
set -uo pipefail
ROOT="\${AUTOGRADER_ROOT:-/autograder}"
SRC="$ROOT/source"
OUT="$ROOT/results/results.json"
mkdir -p "$ROOT/results"
export PATH="$ROOT/deno/node_modules/deno:/usr/local/bin:$PATH" NO_COLOR=1 DENO_NO_UPDATE_CHECK=1
cd "$SRC"
rm -f "$OUT"
deno run -A tools/grade.ts \\
  --autograder "$SRC" --assignment ${id} --out "$OUT" "$ROOT/submission"
status=$?
if [ ! -s "$OUT" ]; then
  cat > "$OUT" <<'JSON'
${fallback}
JSON
  sed -i "s/STATUS/$status/" "$OUT"
fi
exit 0
`;
}

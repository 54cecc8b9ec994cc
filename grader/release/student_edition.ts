/**
 * The student edition: a complete, runnable copy of the course for students. lib/ with every
 * solution region stubbed, the notebooks stubbed and without outputs, the public tests and their
 * harness, the tools behind `deno task lab` / `check` / `test`, deno.json, deno.lock, data/README.md
 * and the student README; no solution, no hidden test. `leaks` proves the second half.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { studentTasks } from "./student_edition.ts";
 * const tasks = studentTasks({ lab: "deno run -A tools/lab.ts", bench: "deno run -A tools/bench.ts" },
 *   (f) => f === "tools/lab.ts");
 * assert.deepEqual(Object.keys(tasks), ["lab", "check", "test"]);
 * ```
 * @module
 */
import { dirname, join } from "node:path";
import { type Manifest, studentManifest } from "../judge/manifest.ts";
import { findRegions, notebookRegions, stubNotebook, stubSource } from "./markers.ts";
import { blankAnswers, referenceAnswers } from "../judge/questions.ts";
import { type Notebook, readNotebook, sourceOf } from "../../tools/notebooks.ts";
import { copyStubbed } from "./base.ts";
import { copyTree } from "../judge/workspace.ts";
import { listFiles } from "../judge/zip.ts";

/**
 * Entry points whose local imports the student edition carries (when they exist).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { STUDENT_TOOLS } from "./student_edition.ts";
 * assert.ok(STUDENT_TOOLS.includes("tools/check.ts"));
 * assert.ok(STUDENT_TOOLS.includes("grader/notebook.ts"));
 * ```
 */
export const STUDENT_TOOLS: readonly string[] = [
  "tools/lab.ts",
  "tools/check.ts",
  "tools/download_cifar10.ts",
  // The interactive linear-classifier page (lesson 03 embeds it).
  "tools/demo.ts",
  // `check()` for the lessons' "check your work" cells (runs tools/check.ts in a subprocess).
  "grader/notebook.ts",
  // Loaded by the sandbox's generated entry (not imported): `check` and `test` need it.
  "grader/sandbox/main.ts",
];

/**
 * A deno.json task: its command, or `{ command, description }` (what `deno task` lists).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import type { Task } from "./student_edition.ts";
 * const t: Task = { command: "deno run -A tools/lab.ts", description: "Open the lessons" };
 * assert.equal(typeof t, "object");
 * ```
 */
export type Task = string | { command: string; description?: string; [key: string]: unknown };

/**
 * The student deno.json tasks: the instructor's tasks whose script ships (`keep(path)`), as they
 * are (descriptions kept), plus `check` (scored public tests) and `test` (the public tests with
 * `deno test`'s own output).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { studentTasks } from "./student_edition.ts";
 * const tasks = studentTasks({ lab: { command: "deno run -A tools/lab.ts", description: "Lessons" } },
 *   () => true);
 * assert.deepEqual(tasks.lab, { command: "deno run -A tools/lab.ts", description: "Lessons" });
 * assert.match((tasks.test as { command: string }).command, /^deno test -A assignments\/tests\/$/);
 * ```
 */
export function studentTasks(
  tasks: Record<string, Task>,
  keep: (file: string) => boolean,
): Record<string, Task> {
  const out: Record<string, Task> = {};
  for (const [name, task] of Object.entries(tasks)) {
    if (["test", "check", "release", "grade"].includes(name)) continue;
    const cmd = typeof task === "string" ? task : task.command;
    if (typeof cmd !== "string") {
      throw new TypeError(`deno.json: task "${name}" has no command string`);
    }
    const scripts = cmd.match(/\btools\/\S+\.ts\b/g) ?? [];
    if (scripts.length > 0 && scripts.every(keep)) out[name] = task;
  }
  out.check = {
    command: "deno run -A tools/check.ts",
    description: "Run the public tests of an assignment (A1…) or function, with your score so far",
  };
  // The public tests run the student's code in the grader's sandbox: deno test spawns it.
  out.test = {
    command: "deno test -A assignments/tests/",
    description: "The public tests with deno test's own output",
  };
  return out;
}

/**
 * Writes the student edition of the repository `root` into `out` (which must not exist) for the
 * assignments in `manifest`, and returns the paths written.
 *
 * @example
 * ```ts ignore
 * await buildStudentEdition(REPO_ROOT, "dist/student", manifest);
 * ```
 */
export async function buildStudentEdition(
  root: string,
  out: string,
  manifest: Manifest,
): Promise<string[]> {
  await Deno.mkdir(out, { recursive: true });
  await copyStubbed(join(root, "lib"), join(out, "lib"), "lib");
  // Notebooks: solution cells stubbed, outputs cleared; other files (images) as they are.
  for (const path of await listFiles(join(root, "notebooks"))) {
    // Not checkpoints, hidden files (e.g. a type-check script being written) or scripts.
    if (path.split("/").some((part) => part.startsWith(".")) || /\.(ts|js|py)$/.test(path)) {
      continue;
    }
    const target = join(out, "notebooks", path);
    await Deno.mkdir(dirname(target), { recursive: true });
    if (!path.endsWith(".ipynb")) {
      await Deno.copyFile(join(root, "notebooks", path), target);
      continue;
    }
    const nb = await readNotebook(join(root, "notebooks", path));
    // Solution cells stubbed; the reference answers of the inline questions blanked.
    const stubbed = blankAnswers(stubNotebook(nb, `notebooks/${path}`), `notebooks/${path}`);
    await Deno.writeTextFile(target, JSON.stringify(stubbed, null, 1) + "\n");
  }
  // The public tests, their harness, and the student manifest.
  const tests = join("assignments", "tests");
  await copyTree(join(root, tests), join(out, tests), (p) => {
    if (p.split("/").includes("hidden")) return true;
    const first = p.split("/")[0];
    return p !== "harness.ts" && !manifest.assignments.some((a) => a.id === first);
  });
  await Deno.writeTextFile(
    join(out, "assignments", "assignments.json"),
    JSON.stringify(studentManifest(manifest), null, 2) + "\n",
  );
  // Tools behind the student tasks: the entry points and their local imports.
  const tools = new Set<string>();
  for (const entry of STUDENT_TOOLS) {
    if (!(await exists(join(root, entry)))) continue;
    for (const dep of await localImports(root, entry)) {
      if (/^(tools|grader)\//.test(dep)) tools.add(dep);
    }
  }
  for (const t of tools) {
    await Deno.mkdir(dirname(join(out, t)), { recursive: true });
    await Deno.copyFile(join(root, t), join(out, t));
  }
  // deno.json with the student tasks, the lock file, the README and the data folder's README.
  const config = JSON.parse(await Deno.readTextFile(join(root, "deno.json")));
  config.tasks = studentTasks(config.tasks ?? {}, (f) => tools.has(f));
  // The repository's "//" says why it is not publishable (solutions, hidden tests); this edition
  // has neither.
  delete config["//"];
  await Deno.writeTextFile(join(out, "deno.json"), JSON.stringify(config, null, 2) + "\n");
  const ignore = await Deno.readTextFile(join(root, ".gitignore")).catch(() => "");
  await Deno.writeTextFile(join(out, ".gitignore"), `${ignore.trimEnd()}\nsubmission-*.zip\n`);
  for (
    const [from, to] of [
      ["deno.lock", "deno.lock"],
      ["LICENSE", "LICENSE"],
      ["data/README.md", "data/README.md"],
      ["assignments/README.student.md", "README.md"],
    ]
  ) {
    if (!(await exists(join(root, from)))) continue;
    await Deno.mkdir(dirname(join(out, to)), { recursive: true });
    await Deno.copyFile(join(root, from), join(out, to));
  }
  return await listFiles(out);
}

/**
 * Solution text and hidden tests found in a student edition: marker comments in lib/ or the
 * notebooks, any distinctive solution line (≥ 20 characters, not also outside the regions) of
 * `root`'s lib/ and notebooks — the reference answers of the inline questions included — anywhere
 * in `student`, hidden test files or test names.
 *
 * @example
 * ```ts ignore
 * assert.deepEqual(await leaks(REPO_ROOT, "dist/student", manifest), []);
 * ```
 */
export async function leaks(root: string, student: string, manifest: Manifest): Promise<string[]> {
  const found: string[] = [];
  // Distinctive solution lines of the instructor's lib/ and notebooks.
  const solution = new Set<string>(), outside = new Set<string>();
  for (const path of await listFiles(join(root, "lib"))) {
    if (!path.endsWith(".ts")) continue;
    const text = await Deno.readTextFile(join(root, "lib", path));
    for (const r of findRegions(text, `lib/${path}`)) {
      r.solution.forEach((l) => solution.add(l.trim()));
    }
    stubSource(text, `lib/${path}`).split("\n").forEach((l) => outside.add(l.trim()));
  }
  for (const path of await listFiles(join(root, "notebooks"))) {
    if (!path.endsWith(".ipynb") || path.includes(".ipynb_checkpoints")) continue;
    const nb = await readNotebook(join(root, "notebooks", path));
    for (const r of notebookRegions(nb, path)) r.solution.forEach((l) => solution.add(l.trim()));
    for (const answer of referenceAnswers(nb, path)) {
      answer.split("\n").forEach((l) => solution.add(l.trim()));
    }
    for (const cell of blankAnswers(stubNotebook(nb, path), path).cells) {
      sourceOf(cell).split("\n").forEach((l) => outside.add(l.trim()));
    }
  }
  const distinctive = [...solution].filter((l) =>
    l.length >= 20 && !l.startsWith("//") && !outside.has(l)
  );
  const hiddenNames = manifest.assignments.flatMap((a) =>
    a.testFiles.filter((f) => f.visibility !== "visible").flatMap((f) => f.tests.map((t) => t.name))
  );
  for (const path of await listFiles(student)) {
    if (path.split("/").includes("hidden")) found.push(`${path}: a hidden file`);
    const text = await readText(join(student, path));
    if (text === null) continue;
    const lines = path.endsWith(".ipynb") ? notebookLines(text) : text.split("\n");
    const isCourse = path.startsWith("lib/") || path.startsWith("notebooks/");
    lines.forEach((line, i) => {
      const t = line.trim();
      if (isCourse && /\b(BEGIN|END) SOLUTION\b|\/\/\s*SOLUTION\b/.test(t)) {
        found.push(`${path}:${i + 1}: a solution marker: ${t}`);
      }
      if (distinctive.includes(t)) found.push(`${path}:${i + 1}: a solution line: ${t}`);
    });
    for (const name of hiddenNames) {
      if (text.includes(name)) found.push(`${path}: names the hidden test "${name}"`);
    }
  }
  return found;
}

/** Every line of every cell (source and text outputs) of a notebook's JSON. */
function notebookLines(json: string): string[] {
  const nb = JSON.parse(json) as Notebook;
  return nb.cells.flatMap((c) => [
    ...sourceOf(c).split("\n"),
    ...(c.outputs ?? []).flatMap((o) => JSON.stringify(o).split("\\n")),
  ]);
}

/** Local modules (repository-relative paths) that `entry` imports, itself included. */
async function localImports(root: string, entry: string): Promise<string[]> {
  const res = await new Deno.Command(Deno.execPath(), {
    args: ["info", "--json", entry],
    cwd: root,
    stdout: "piped",
    stderr: "piped",
    env: { NO_COLOR: "1" },
  }).output();
  if (!res.success) {
    throw new Error(`deno info ${entry} failed:\n${new TextDecoder().decode(res.stderr)}`);
  }
  const info = JSON.parse(new TextDecoder().decode(res.stdout)) as {
    modules: { specifier: string }[];
  };
  const prefix = `file://${root.replace(/\/$/, "")}/`;
  return info.modules.map((m) => m.specifier).filter((s) => s.startsWith(prefix))
    .map((s) => decodeURIComponent(s.slice(prefix.length)));
}

async function readText(path: string): Promise<string | null> {
  const bytes = await Deno.readFile(path);
  if (bytes.includes(0)) return null;
  try {
    return new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch {
    return null;
  }
}

async function exists(path: string): Promise<boolean> {
  return await Deno.stat(path).then(() => true, () => false);
}

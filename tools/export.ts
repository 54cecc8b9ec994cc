/**
 * `deno task export [notebook.ipynb …]`: executes every lesson in notebooks/ (or the notebooks
 * named) through Jupyter and the Deno kernel and writes standalone HTML copies, charts included,
 * to build/html/ (git-ignored), with an index.html linking them. Exits non-zero if a lesson fails;
 * a failing lesson gets no HTML copy.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { indexHtml } from "./export.ts";
 * assert.match(indexHtml([{ stem: "01-nearest-neighbor", ok: true, seconds: 12.3 }]), /href="01-nearest-neighbor.html"/);
 * ```
 * @module
 */
import { basename, join, resolve } from "node:path";
import { findJupyter, installKernelspec, REPO_ROOT } from "./kernelspec.ts";
import { executeNotebook, formatProblems, listNotebooks, notebookToHtml } from "./notebooks.ts";

/**
 * Where the HTML copies go (build/ is git-ignored).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { HTML_DIR } from "./export.ts";
 * assert.match(HTML_DIR, /build[\\/]html$/);
 * ```
 */
export const HTML_DIR: string = join(REPO_ROOT, "build", "html");

/**
 * One exported lesson: its name, whether it ran cleanly, and how long it took.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import type { ExportedLesson } from "./export.ts";
 * const lesson: ExportedLesson = { stem: "02-svm", ok: false, seconds: 3 };
 * assert.equal(lesson.ok, false);
 * ```
 */
export interface ExportedLesson {
  /** File name without `.ipynb`. */
  stem: string;
  /** True when it executed without error (and so has an HTML copy). */
  ok: boolean;
  /** Execution time in seconds (absent for a copy left by an earlier run). */
  seconds?: number;
}

/**
 * The index page: one link per exported lesson, failures marked.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { indexHtml } from "./export.ts";
 * assert.match(indexHtml([{ stem: "x", ok: false, seconds: 1 }]), /x \(failed\)/);
 * assert.match(indexHtml([{ stem: "y", ok: true }]), /<li><a href="y.html">y<\/a><\/li>/);
 * ```
 */
export function indexHtml(lessons: ExportedLesson[]): string {
  const items = lessons.map((l) =>
    l.ok
      ? `<li><a href="${l.stem}.html">${l.stem}</a>` +
        (l.seconds === undefined ? "" : ` (${l.seconds.toFixed(1)} s)`) + `</li>`
      : `<li>${l.stem} (failed)</li>`
  ).join("\n");
  return `<!DOCTYPE html>\n<html><head><meta charset="utf-8"><title>Lessons</title></head>\n` +
    `<body><h1>Lessons</h1>\n<ul>\n${items}\n</ul></body></html>\n`;
}

/**
 * Executes and exports the given notebooks (default: all of notebooks/) into `outDir`.
 *
 * @example
 * ```ts ignore
 * const lessons = await exportNotebooks(["notebooks/01-nearest-neighbor.ipynb"]);
 * ```
 */
export async function exportNotebooks(
  paths: string[],
  outDir: string = HTML_DIR,
): Promise<ExportedLesson[]> {
  const jupyter = await findJupyter();
  if (!jupyter) {
    throw new Error(
      "export: Jupyter not found. Install it: `apt-get install jupyter-notebook jupyter-nbconvert " +
        "python3-nbclient` (Debian) or `pip install jupyterlab nbconvert`.",
    );
  }
  await installKernelspec({ jupyter });
  await Deno.mkdir(outDir, { recursive: true });
  const lessons: ExportedLesson[] = [];
  for (const path of paths) {
    const stem = basename(path, ".ipynb");
    const result = await executeNotebook(path, { jupyter });
    if (result.ok && result.executedPath) {
      const html = await notebookToHtml(result.executedPath, outDir, stem, jupyter);
      console.log(`✓ ${stem}: ${result.seconds.toFixed(1)} s → ${html}`);
    } else {
      console.error(
        `✗ ${stem}: ${result.seconds.toFixed(1)} s\n${formatProblems(path, result.problems)}`,
      );
    }
    lessons.push({ stem, ok: result.ok, seconds: result.seconds });
  }
  // The index lists every copy in outDir: this run's results, then copies from earlier runs.
  const listed = [...lessons];
  for await (const entry of Deno.readDir(outDir)) {
    const stem = entry.name.replace(/\.html$/, "");
    if (
      entry.isFile && stem !== entry.name && stem !== "index" &&
      !listed.some((l) => l.stem === stem)
    ) {
      listed.push({ stem, ok: true });
    }
  }
  listed.sort((a, b) => a.stem.localeCompare(b.stem));
  await Deno.writeTextFile(join(outDir, "index.html"), indexHtml(listed));
  return lessons;
}

if (import.meta.main) {
  const paths = Deno.args.length > 0 ? Deno.args.map((p) => resolve(p)) : await listNotebooks();
  if (paths.length === 0) {
    console.log("export: no notebooks in notebooks/");
    Deno.exit(0);
  }
  try {
    const lessons = await exportNotebooks(paths);
    const failed = lessons.filter((l) => !l.ok).length;
    console.log(
      `${lessons.length - failed} exported, ${failed} failed → ${join(HTML_DIR, "index.html")}`,
    );
    Deno.exit(failed > 0 ? 1 : 0);
  } catch (e) {
    console.error(e instanceof Error ? e.message : e);
    Deno.exit(1);
  }
}

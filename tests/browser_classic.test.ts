/**
 * The fallback `deno task lab` opens when JupyterLab is missing: the classic Notebook (Debian's
 * `jupyter-notebook`, Notebook < 7), serving notebooks/ like `deno task lab`. Lesson 01 in headless
 * Chromium, autosave off (the test checks the file did not change): Cell > Run All, wait for the
 * kernel to go idle with every code cell numbered, then every display cell (see `displayCells`)
 * shows its chart or image in its own output area, no other cell shows one, and no cell shows an
 * error. Screenshot:
 * build/artifacts/classic-01-nearest-neighbor.png. tests/browser.test.ts checks every lesson, the
 * student edition and the untrusted view in JupyterLab; this only keeps the fallback honest.
 *
 * The classic Notebook is the first jupyter (`$JUPYTER`, the venv, PATH, /usr/bin/jupyter) whose
 * `notebook` is below version 7. Without it or Chromium this fails under CI=true and is ignored,
 * with the reason printed, elsewhere.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { jupyterCandidates, REPO_ROOT, run } from "../tools/kernelspec.ts";
import { readNotebook } from "../tools/notebooks.ts";
import {
  ARTIFACTS,
  checkDisplays,
  CI,
  formatFindings,
  IN_PAGE_PICTURES,
  launchChromium,
  prepareBrowserTest,
  type ShownCell,
  startJupyter,
} from "./browser_jupyter.ts";

const LESSON = "01-nearest-neighbor";

/** A file's size and modification time, to prove the test did not save it. */
async function stamp(path: string): Promise<string> {
  const info = await Deno.stat(path);
  return `${info.size} bytes, modified ${info.mtime?.toISOString()}`;
}
/** Upper bounds of the waits (conditions, not delays), in milliseconds. */
const WAIT = { page: 60_000, kernel: 90_000, run: 240_000 };

/**
 * A `jupyter` whose `notebook` is the classic Notebook (major version below 7): `$JUPYTER` when
 * set, else the first of `jupyterCandidates()` (the venv, PATH, /usr/bin/jupyter) that has one.
 */
async function findClassic(): Promise<string | { reason: string }> {
  const fromEnv = Deno.env.get("JUPYTER");
  const candidates = [...new Set([...(fromEnv ? [fromEnv] : []), ...await jupyterCandidates()])];
  const tried: string[] = [];
  for (const jupyter of candidates) {
    const v = await run(jupyter, ["notebook", "--version"]);
    const version = v.stdout.trim();
    if (v.code === 0 && Number(version.split(".")[0]) < 7) return jupyter;
    tried.push(`${jupyter}: ${v.code === 0 ? `notebook ${version}` : "no notebook"}`);
  }
  return {
    reason: `classic Jupyter Notebook not found (${
      tried.join("; ") || "no jupyter"
    }; install: apt-get install jupyter-notebook)`,
  };
}

const setup = await prepareBrowserTest(findClassic);
const ready = "jupyter" in setup ? setup : null;
const skipReason = "reason" in setup ? setup.reason : "";
if (!ready && !CI) console.log(`classic browser test ignored: ${skipReason}`);

/** In-page: every cell's prompt and outputs (classic DOM), as `ShownCell`s. */
const SHOWN_CELLS = `(() => {
  const pictures = ${IN_PAGE_PICTURES};
  const mime = (o) => o.classList.contains("output_stderr") ? "application/vnd.jupyter.stderr"
    : o.classList.contains("output_error") ? "application/vnd.jupyter.error"
    : o.getAttribute("data-mime-type") ?? [...o.classList].filter((c) => c !== "output_subarea").join(" ");
  return [...document.querySelectorAll("#notebook-container > .cell")].map((cell) => {
    const type = cell.classList.contains("code_cell") ? "code"
      : cell.classList.contains("text_cell") ? "markdown" : "raw";
    const m = /\\[(\\d+|\\*| ?)\\]/.exec(cell.querySelector(".input_prompt")?.textContent ?? "");
    const count = !m || m[1].trim() === "" ? null : m[1] === "*" ? "*" : Number(m[1]);
    const outputs = [...cell.querySelectorAll(".output_area .output_subarea")].map((o) => ({
      mime: mime(o),
      pictures: pictures(o),
      trusted: true,
      text: (o.textContent ?? "").trim().slice(0, 400),
    }));
    return { type, count, outputs };
  });
})()`;

Deno.test({
  name: `browser (classic Notebook fallback): ${LESSON} Run All shows its charts`,
  ignore: !ready && !CI,
  sanitizeOps: false,
  sanitizeResources: false,
  fn: async () => {
    if (!ready) assert.fail(skipReason);
    await Deno.mkdir(ARTIFACTS, { recursive: true });
    const file = join(REPO_ROOT, "notebooks", `${LESSON}.ipynb`);
    const nbFile = await readNotebook(file);
    const before = await stamp(file);
    const server = await startJupyter({
      jupyter: ready.jupyter,
      frontend: "notebook",
      args: (_port, token) => [
        `--NotebookApp.token=${token}`,
        `--notebook-dir=${join(REPO_ROOT, "notebooks")}`,
        "--NotebookNotary.db_file=:memory:",
      ],
    });
    let chromium: Awaited<ReturnType<typeof launchChromium>> | undefined;
    try {
      chromium = await launchChromium(ready.chromium);
      const page = await chromium.browser.newPage();
      await page.setViewport({ width: 1280, height: 900 });
      await page.goto(server.url(`/notebooks/${LESSON}.ipynb`), {
        waitUntil: "domcontentloaded",
        timeout: WAIT.page,
      });
      await page.waitForFunction(
        "window.Jupyter?.notebook?._fully_loaded && Jupyter.notebook.kernel?.is_connected() && " +
          `document.querySelector("#kernel_indicator_icon.kernel_idle_icon") !== null`,
        { timeout: WAIT.kernel, polling: 250 },
      );
      // The lesson is served where it is: it must never be saved.
      await page.evaluate("Jupyter.notebook.set_autosave_interval(0)");
      assert.equal(await page.evaluate("Jupyter.notebook.autosave_interval"), 0, "autosave is on");
      const started = performance.now();
      await page.click("#celllink"); // the Cell menu
      await page.click("#run_all_cells"); // Run All
      await page.waitForFunction(
        `Jupyter.notebook.get_cells()
           .filter((c) => c.cell_type === "code" && c.get_text().trim() !== "")
           .every((c) => typeof c.input_prompt_number === "number") &&
         document.querySelector("#kernel_indicator_icon.kernel_idle_icon") !== null`,
        { timeout: WAIT.run, polling: 250 },
      );
      const seconds = (performance.now() - started) / 1000;
      await page.waitForFunction(
        `[...document.querySelectorAll(".output_area img")].every((img) => img.complete)`,
        { timeout: WAIT.page, polling: 250 },
      );
      const report = checkDisplays(nbFile, await page.evaluate(SHOWN_CELLS) as ShownCell[], true);
      console.log(
        `⏱ classic ${LESSON}: ${seconds.toFixed(1)} s; display cells rendered ` +
          `${report.rendered}/${report.expected}; problems: ${report.findings.length}`,
      );
      // The notebook scrolls inside #site: grow the viewport to the whole notebook first.
      const height = await page.evaluate(
        `document.querySelector("#notebook")?.scrollHeight ?? 900`,
      ) as number;
      await page.setViewport({
        width: 1280,
        height: Math.min(Math.max(900, height + 150), 12_000),
      });
      await page.evaluate(`document.querySelector("#site")?.scrollTo(0, 0)`);
      await page.screenshot({ path: join(ARTIFACTS, `classic-${LESSON}.png`) as `${string}.png` });
      assert.deepEqual(
        report.findings,
        [],
        `${LESSON} in the classic Notebook:\n${formatFindings(nbFile, report.findings)}`,
      );
    } finally {
      await chromium?.close();
      await server.stop();
    }
    assert.equal(await stamp(file), before, `${LESSON}.ipynb changed on disk`);
  },
});

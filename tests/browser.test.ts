/**
 * What a learner sees: the classic Jupyter Notebook serves a temp copy of a lesson on 127.0.0.1,
 * headless Chromium opens it, runs all cells (Cell > Run All), waits for the kernel to go idle, and
 * the page must show a rendered chart (a Plot `<svg>` or a PNG `<img>` in an output area) and no
 * error. The screenshot is kept in build/artifacts/. Without Chromium or Jupyter this test fails
 * under CI=true and is ignored (with the reason printed) elsewhere.
 */
import assert from "node:assert/strict";
import { basename, delimiter, join } from "node:path";
import puppeteer, { type Browser } from "puppeteer-core";
import { findJupyter, hasSubcommand, installKernelspec, REPO_ROOT } from "../tools/kernelspec.ts";

/** The lesson the browser opens and runs. */
const LESSON = join(REPO_ROOT, "notebooks", "01-nearest-neighbor.ipynb");
/** Where the screenshot is kept (build/ is git-ignored). */
const SCREENSHOT = join(REPO_ROOT, "build", "artifacts", "browser-lesson.png");
/** Upper bounds of each wait, in milliseconds. */
const WAIT = { server: 30_000, kernel: 60_000, run: 120_000, chart: 15_000 };
const CI = Deno.env.get("CI") === "true";

/** The Chromium/Chrome binary: `$CHROME_PATH` if set, else the first usual name on PATH. */
function findChromium(): string | null {
  const fromEnv = Deno.env.get("CHROME_PATH"); // when set, the only candidate
  if (fromEnv) {
    try {
      return Deno.statSync(fromEnv).isFile ? fromEnv : null;
    } catch {
      return null;
    }
  }
  const names = ["chromium", "chromium-browser", "google-chrome", "google-chrome-stable"];
  for (const dir of (Deno.env.get("PATH") ?? "").split(delimiter)) {
    for (const name of names) {
      try {
        if (Deno.statSync(join(dir, name)).isFile) return join(dir, name);
      } catch { /* not here */ }
    }
  }
  return null;
}

async function prepare(): Promise<{ jupyter: string; chromium: string } | { reason: string }> {
  const chromium = findChromium();
  if (!chromium) return { reason: "Chromium not found (install: apt-get install chromium)" };
  const jupyter = await findJupyter();
  if (!jupyter || !(await hasSubcommand(jupyter, "notebook"))) {
    return {
      reason: "classic Jupyter Notebook not found (install: apt-get install jupyter-notebook)",
    };
  }
  await installKernelspec({ jupyter });
  return { jupyter, chromium };
}

const setup = await prepare();
const ready = "jupyter" in setup ? setup : null;
if (!ready && !CI) console.log(`browser test ignored: ${"reason" in setup ? setup.reason : ""}`);

/** A TCP port nothing listens on right now. */
function freePort(): number {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const { port } = listener.addr as Deno.NetAddr;
  listener.close();
  return port;
}

/** Polls `url` until it answers 200 or `ms` pass. */
async function waitForHttp(url: string, ms: number, log: () => string): Promise<void> {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    try {
      const res = await fetch(url, { signal: AbortSignal.timeout(2000) });
      await res.body?.cancel();
      if (res.ok) return;
    } catch { /* not up yet */ }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`server at ${url} not up after ${ms} ms:\n${log()}`);
}

/** Collects a child's output without ever blocking it. */
function drain(stream: ReadableStream<Uint8Array>, into: string[]): Promise<void> {
  const decoder = new TextDecoder();
  return stream.pipeTo(
    new WritableStream({ write: (chunk) => void into.push(decoder.decode(chunk)) }),
  ).catch(() => {});
}

Deno.test({
  name: `browser: ${basename(LESSON)} run in the classic Notebook in Chromium shows its charts`,
  ignore: !ready && !CI,
  sanitizeOps: false,
  sanitizeResources: false,
  fn: async () => {
    if (!ready) assert.fail("reason" in setup ? setup.reason : "not ready");
    const root = join(REPO_ROOT, "build");
    await Deno.mkdir(join(root, "artifacts"), { recursive: true });
    // The copy lives inside the repo so the kernel finds deno.json's import map ("lib").
    const dir = await Deno.makeTempDir({ dir: root, prefix: "browser-" });
    const profile = await Deno.makeTempDir({ prefix: "chromium-" });
    await Deno.copyFile(LESSON, join(dir, basename(LESSON)));
    const port = freePort(), token = crypto.randomUUID().replaceAll("-", "");
    const base = `http://127.0.0.1:${port}`;
    const log: string[] = [];
    const server = new Deno.Command(ready.jupyter, {
      args: [
        "notebook",
        "--no-browser",
        "--ip=127.0.0.1",
        `--port=${port}`,
        "--port-retries=0",
        `--NotebookApp.token=${token}`,
        `--notebook-dir=${dir}`,
        ...(Deno.uid() === 0 ? ["--allow-root"] : []),
      ],
      env: { NO_COLOR: "1" },
      stdin: "null",
      stdout: "piped",
      stderr: "piped",
    }).spawn();
    const drained = Promise.all([drain(server.stdout, log), drain(server.stderr, log)]);
    let browser: Browser | undefined;
    try {
      await waitForHttp(`${base}/api/status?token=${token}`, WAIT.server, () => log.join(""));
      browser = await puppeteer.launch({
        executablePath: ready.chromium,
        headless: true,
        args: [
          "--no-sandbox",
          "--disable-gpu",
          "--disable-background-networking",
          "--no-first-run",
          "--disable-component-update",
          "--disable-sync",
          `--user-data-dir=${profile}`,
        ],
      });
      const page = await browser.newPage();
      await page.setViewport({ width: 1280, height: 900 });
      await page.goto(`${base}/notebooks/${basename(LESSON)}?token=${token}`, {
        waitUntil: "domcontentloaded",
        timeout: WAIT.server,
      });
      await page.waitForFunction(
        "window.Jupyter?.notebook?._fully_loaded && Jupyter.notebook.kernel?.is_connected()",
        { timeout: WAIT.kernel, polling: 200 },
      );
      const started = performance.now();
      await page.evaluate("Jupyter.notebook.execute_all_cells()");
      await page.waitForFunction(
        `Jupyter.notebook.get_cells()
           .filter((c) => c.cell_type === "code" && c.get_text().trim() !== "")
           .every((c) => typeof c.input_prompt_number === "number") &&
         document.querySelector("#kernel_indicator_icon.kernel_idle_icon") !== null`,
        { timeout: WAIT.run, polling: 250 },
      );
      console.log(
        `⏱ browser run of ${basename(LESSON)}: ${
          ((performance.now() - started) / 1000).toFixed(1)
        } s`,
      );
      // Outputs render as they arrive; give the last ones a bounded moment.
      await page.waitForFunction(
        `document.querySelector(".output_area svg [aria-label], .output_area img[src^='data:image/png']")`,
        { timeout: WAIT.chart, polling: 200 },
      ).catch(() => {/* asserted below, with details */});
      const seen = await page.evaluate(`(() => {
        const visible = (el) => { const r = el.getBoundingClientRect(); return r.width > 0 && r.height > 0; };
        const svgs = [...document.querySelectorAll(".output_area svg")]
          .filter((s) => s.querySelector("[aria-label]") && visible(s));
        return {
          charts: svgs.length,
          marks: svgs.reduce((n, s) => n + s.querySelectorAll("circle, path, rect, line").length, 0),
          pngs: [...document.querySelectorAll(".output_area img[src^='data:image/png']")]
            .filter(visible).length,
          errors: [...document.querySelectorAll(".output_area .output_error, .output_stderr")]
            .map((e) => e.innerText.slice(0, 500)),
        };
      })()`) as { charts: number; marks: number; pngs: number; errors: string[] };
      // The notebook scrolls inside #site: grow the viewport to the whole notebook first.
      const height = await page.evaluate(
        `document.querySelector("#notebook")?.scrollHeight ?? 900`,
      ) as number;
      await page.setViewport({
        width: 1280,
        height: Math.min(Math.max(900, height + 150), 12_000),
      });
      await page.screenshot({ path: SCREENSHOT as `${string}.png` });
      console.log(
        `page shows ${seen.charts} Plot chart(s) (${seen.marks} marks), ${seen.pngs} PNG(s); screenshot ${SCREENSHOT}`,
      );
      assert.deepEqual(seen.errors, [], "the lesson printed errors in the browser");
      assert.ok(seen.charts + seen.pngs >= 1, "no rendered chart or PNG image in any output area");
      if (seen.charts > 0) assert.ok(seen.marks > 0, "Plot charts without marks");
    } finally {
      await browser?.close().catch(() => {});
      // Ask the server to stop (it shuts its kernels down), then make sure it is gone.
      await fetch(`${base}/api/shutdown?token=${token}`, { method: "POST" })
        .then((r) => r.body?.cancel()).catch(() => {});
      const exited = await Promise.race([
        server.status.then(() => true),
        new Promise<false>((r) => setTimeout(() => r(false), 10_000)),
      ]);
      if (!exited) {
        try {
          server.kill("SIGKILL");
        } catch { /* already gone */ }
        await server.status;
      }
      await drained;
      await Deno.remove(dir, { recursive: true }).catch(() => {});
      await Deno.remove(profile, { recursive: true }).catch(() => {});
    }
  },
});

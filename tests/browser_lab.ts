/**
 * JupyterLab in headless Chromium, for tests/browser.test.ts: a JupyterLab server set up so that
 * nothing pops up over the notebook and nothing is written into the repository, and what a learner
 * does and sees on a page — open a notebook (File > Open from Path…), wait for its kernel,
 * Run > Run All Cells, wait for the run to end, read every cell's prompt and outputs, take a
 * screenshot, close it (File > Close and Shut Down Notebook…, which shuts its kernel down).
 *
 * Settings the server gets (in a throw-away state folder, so the user's own are not read):
 * - `windowingMode: "none"`: every cell is in the DOM and laid out (the default,
 *   `contentVisibility`, skips the layout of cells off screen, so their charts measure 0×0);
 * - no news or update checks (`fetchNews`/`checkForUpdates` off, `--LabApp.news_url=None`,
 *   `NeverCheckForUpdate`): no "get notified about Jupyter news?" toast over the notebook;
 * - no autosave, checkpoints in the state folder: the server never writes next to a notebook, so
 *   the lessons can be served where they are (their kernel runs in notebooks/, as with
 *   `deno task lab`, and finds deno.json and `../grader/notebook.ts`) and an executed notebook
 *   stays unsigned, hence untrusted;
 * - notebook signatures in memory (`--NotebookNotary.db_file=:memory:`), not the user's database;
 * - its own workspaces, config and runtime folders; the page loads `/lab?reset` (a fresh
 *   workspace).
 *
 * One page serves every notebook in turn; after a failure that may have left the page in a bad
 * state (a dialog, a dead tab), the next notebook gets a freshly loaded page. Everything the page is
 * asked runs as a script string (the tests are type-checked without the DOM library).
 *
 * @module
 */
import { join } from "node:path";
import type { Browser, Page } from "puppeteer-core";
import {
  IN_PAGE_PICTURES,
  type JupyterServer,
  type ShownCell,
  startJupyter,
} from "./browser_jupyter.ts";

/** Upper bounds of the waits, in milliseconds (each is a wait for a condition, not a delay). */
export const WAIT = {
  /** JupyterLab's page loaded and the notebook's cells shown. */
  page: 60_000,
  /** The kernel started and idle. */
  kernel: 90_000,
  /** One lesson's Run All (they take 5–60 s on a 2-core machine). */
  run: 240_000,
  /** Images decoded and laid out after the run. */
  render: 30_000,
};

/** User settings that keep JupyterLab's UI out of the way (see the module doc). */
const SETTINGS: Record<string, Record<string, unknown>> = {
  "@jupyterlab/notebook-extension/tracker": { windowingMode: "none" },
  "@jupyterlab/apputils-extension/notification": { fetchNews: "false", checkForUpdates: false },
  "@jupyterlab/docmanager-extension/plugin": { autosave: false },
};

/** A JupyterLab server and the folder holding its settings (removed by `stop`). */
export interface LabServer extends JupyterServer {
  /** The folder the server serves. */
  readonly root: string;
}

/**
 * Starts JupyterLab (`jupyter lab`) serving `root`, with the settings above in a fresh state
 * folder (settings, workspaces, config, runtime), a token, on 127.0.0.1.
 */
export async function startLab(jupyter: string, root: string): Promise<LabServer> {
  const state = await Deno.makeTempDir({ prefix: "jupyterlab-state-" });
  try {
    for (const [plugin, values] of Object.entries(SETTINGS)) {
      const file = join(state, "settings", `${plugin}.jupyterlab-settings`);
      await Deno.mkdir(join(file, ".."), { recursive: true });
      await Deno.writeTextFile(file, JSON.stringify(values, null, 2));
    }
    const server = await startJupyter({
      jupyter,
      frontend: "lab",
      args: (_port, token) => [
        `--IdentityProvider.token=${token}`,
        `--ServerApp.root_dir=${root}`,
        `--LabApp.user_settings_dir=${join(state, "settings")}`,
        `--LabApp.workspaces_dir=${join(state, "workspaces")}`,
        "--LabApp.news_url=None",
        "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
        "--NotebookNotary.db_file=:memory:",
        `--FileCheckpoints.checkpoint_dir=${join(state, "checkpoints")}`,
      ],
      env: {
        JUPYTER_CONFIG_DIR: join(state, "config"),
        JUPYTER_RUNTIME_DIR: join(state, "runtime"),
      },
    });
    return {
      ...server,
      root,
      stop: async () => {
        await server.stop();
        await Deno.remove(state, { recursive: true }).catch(() => {});
      },
    };
  } catch (e) {
    await Deno.remove(state, { recursive: true }).catch(() => {});
    throw e;
  }
}

/** In-page: the current notebook panel's state (kernel, prompts, dialogs) in one object. */
const PAGE_STATE = `(() => {
  const panel = document.querySelector(".jp-NotebookPanel:not(.lm-mod-hidden)");
  const texts = [...document.querySelectorAll(".jp-StatusBar-TextItem")].map((e) => e.textContent.trim());
  const kernel = texts.map((t) => /^(.+) \\| ([A-Za-z ]+)$/.exec(t)).find(Boolean);
  const cells = panel ? [...panel.querySelectorAll(".jp-Notebook .jp-Cell")] : [];
  const prompts = cells.filter((c) => c.classList.contains("jp-CodeCell"))
    .map((c) => (c.querySelector(".jp-InputArea-prompt")?.textContent ?? "").trim());
  const tab = document.querySelector("#jp-main-dock-panel .lm-TabBar-tab.lm-mod-current");
  const path = /Path: (.+)/.exec(tab?.getAttribute("title") ?? "")?.[1]?.trim() ?? null;
  return {
    panel: Boolean(panel),
    path,
    cells: cells.length,
    kernelName: kernel?.[1] ?? null,
    kernelStatus: kernel?.[2] ?? null,
    indicator: panel?.querySelector(".jp-Notebook-ExecutionIndicator")?.getAttribute("data-status") ?? null,
    prompts,
    dialogs: [...document.querySelectorAll(".jp-Dialog")].map((d) => d.textContent.trim().slice(0, 300)),
    toasts: [...document.querySelectorAll(".Toastify__toast")].map((d) => d.textContent.trim().slice(0, 300)),
  };
})()`;

/** The current notebook panel's state, as `PAGE_STATE` reads it. */
export interface PageState {
  /** A notebook panel is shown. */
  panel: boolean;
  /** The current tab's path (from its tooltip). */
  path: string | null;
  /** Cells in the panel. */
  cells: number;
  /** Status bar: kernel name ("Deno", "No Kernel"). */
  kernelName: string | null;
  /** Status bar: kernel status ("Idle", "Busy", "Starting", …). */
  kernelStatus: string | null;
  /** Toolbar execution indicator (`data-status`). */
  indicator: string | null;
  /** Code cells' prompts: "[3]:", "[*]:", "[ ]:". */
  prompts: string[];
  /** Open dialogs' text (none expected). */
  dialogs: string[];
  /** Toast notifications' text. */
  toasts: string[];
}

/** The page state, for waits and failure messages. */
export async function pageState(page: Page): Promise<PageState> {
  return await page.evaluate(PAGE_STATE) as PageState;
}

/** A short summary of the page state for failure messages. */
function describe(s: PageState): string {
  const prompts = s.prompts.join(" ");
  return [
    `notebook panel: ${s.panel ? `${s.path ?? "?"}, ${s.cells} cells` : "none"}`,
    `kernel: ${s.kernelName ?? "?"} | ${s.kernelStatus ?? "?"} (indicator ${s.indicator ?? "?"})`,
    `prompts: ${prompts.length > 600 ? `${prompts.slice(0, 600)}…` : prompts}`,
    ...(s.dialogs.length ? [`dialogs: ${s.dialogs.join(" / ")}`] : []),
    ...(s.toasts.length ? [`notifications: ${s.toasts.join(" / ")}`] : []),
  ].join("\n  ");
}

/** The in-page condition "the notebook's kernel is connected and idle". */
const KERNEL_IDLE = `((s) => s.panel && s.kernelStatus === "Idle" && s.kernelName !== "No Kernel" &&
  s.indicator === "idle")(${PAGE_STATE})`;

/**
 * Waits for the in-page `condition` (a script string) up to `ms`; on timeout, throws naming `what`
 * and the page state.
 */
async function waitFor(page: Page, condition: string, ms: number, what: string): Promise<void> {
  try {
    await page.waitForFunction(condition, { timeout: ms, polling: 250 });
  } catch (e) {
    const state = await pageState(page).then(describe, (err) => `(page state unreadable: ${err})`);
    throw new Error(`${what}: not after ${ms / 1000} s (${(e as Error).message})\n  ${state}`);
  }
}

/** Clicks `label` in the main menu bar, then the item running `command`. */
async function menu(page: Page, label: string, command: string): Promise<void> {
  const bar = await page.waitForSelector(
    `::-p-xpath(//li[contains(@class,'lm-MenuBar-item')][.//div[@class='lm-MenuBar-itemLabel' and text()='${label}']])`,
    { timeout: WAIT.page },
  );
  await bar!.click();
  const item = await page.waitForSelector(
    `.lm-Menu .lm-Menu-item[data-command="${command}"]:not(.lm-mod-disabled)`,
    { timeout: WAIT.page },
  );
  await item!.click();
}

/**
 * The browser tab JupyterLab runs in, opening one notebook at a time. `open` loads `/lab?reset`
 * first when there is no page yet (or the last one was discarded).
 */
export class LabPage {
  readonly #browser: Browser;
  readonly #server: LabServer;
  #page: Page | null = null;
  #errors: string[] = [];

  /** A tab of `browser` on `server` (loaded at the first `open`). */
  constructor(browser: Browser, server: LabServer) {
    this.#browser = browser;
    this.#server = server;
  }

  /** The page (after `open`). */
  get page(): Page {
    if (!this.#page) throw new Error("LabPage: no page; call open() first");
    return this.#page;
  }

  /** Uncaught errors of JupyterLab's own code on this page since `open` (for the report). */
  get pageErrors(): string[] {
    return this.#errors;
  }

  /**
   * Opens `path` (relative to the server's root) with File > Open from Path… and waits until it
   * is the current tab, shows `cells` cells and its kernel is idle.
   */
  async open(path: string, cells: number): Promise<Page> {
    const page = this.#page ?? await this.#load();
    this.#errors.length = 0;
    try {
      await menu(page, "File", "filebrowser:open-path");
      const input = await page.waitForSelector(".jp-Dialog input", { timeout: WAIT.page });
      await input!.type(path);
      await page.click(".jp-Dialog .jp-mod-accept");
      await waitFor(
        page,
        `((s) => s.panel && s.path === ${
          JSON.stringify(path)
        } && s.cells === ${cells})(${PAGE_STATE})`,
        WAIT.page,
        `${path}: notebook with ${cells} cells shown`,
      );
      await waitFor(page, KERNEL_IDLE, WAIT.kernel, `${path}: kernel idle`);
      return page;
    } catch (e) {
      await this.discard();
      throw e;
    }
  }

  /**
   * Closes the current notebook with File > Close and Shut Down Notebook… (its kernel is shut
   * down before the tab goes). If that fails, the page is discarded instead.
   */
  async close(): Promise<void> {
    const page = this.#page;
    if (!page) return;
    try {
      await menu(page, "File", "filemenu:close-and-cleanup");
      await page.waitForSelector(".jp-Dialog .jp-mod-accept", { timeout: WAIT.page });
      await page.click(".jp-Dialog .jp-mod-accept");
      await waitFor(
        page,
        `!document.querySelector(".jp-NotebookPanel") && !document.querySelector(".jp-Dialog")`,
        WAIT.kernel,
        "notebook closed and its kernel shut down",
      );
    } catch (e) {
      console.log(`  (closing the notebook from the UI failed, reloading the page: ${e})`);
      await this.discard();
    }
  }

  /** Closes the page without beforeunload prompts; the next `open` loads a fresh one. */
  async discard(): Promise<void> {
    const page = this.#page;
    this.#page = null;
    await page?.close().catch(() => {});
  }

  async #load(): Promise<Page> {
    const page = await this.#browser.newPage();
    page.on("pageerror", (e) => void this.#errors.push(String(e).slice(0, 300)));
    this.#page = page;
    try {
      await page.setViewport({ width: 1280, height: 900 });
      await page.goto(this.#server.url("/lab", "reset"), {
        waitUntil: "domcontentloaded",
        timeout: WAIT.page,
      });
      await waitFor(
        page,
        `document.querySelector("#jp-main-dock-panel") !== null &&
          [...document.querySelectorAll(".lm-MenuBar-itemLabel")].some((e) => e.textContent === "File")`,
        WAIT.page,
        "JupyterLab loaded",
      );
      return page;
    } catch (e) {
      await this.discard();
      throw e;
    }
  }
}

/**
 * Runs every cell the way a learner does: the Run menu, then "Run All Cells"
 * (`runmenu:run-all`). Waits until the run started (a prompt left `[ ]`), then until it ended:
 * kernel idle and no cell `[*]`.
 */
export async function runAllCells(page: Page, what: string): Promise<void> {
  const menu = await page.waitForSelector(
    "::-p-xpath(//li[contains(@class,'lm-MenuBar-item')][.//div[@class='lm-MenuBar-itemLabel' and text()='Run']])",
    { timeout: WAIT.page },
  );
  await menu!.click();
  const item = await page.waitForSelector(
    `#jp-mainmenu-run .lm-Menu-item[data-command="runmenu:run-all"]:not(.lm-mod-disabled)`,
    { timeout: WAIT.page },
  );
  await item!.click();
  await waitFor(
    page,
    `(${PAGE_STATE}).prompts.some((p) => p !== "[ ]:" && p !== "")`,
    WAIT.page,
    `${what}: Run All Cells started`,
  );
  await waitFor(
    page,
    `${KERNEL_IDLE} && !(${PAGE_STATE}).prompts.includes("[*]:")`,
    WAIT.run,
    `${what}: run finished (kernel idle, no [*])`,
  );
}

/** In-page: every cell's prompt and outputs, with the pictures each output shows. */
const SHOWN_CELLS = `(() => {
  const panel = document.querySelector(".jp-NotebookPanel:not(.lm-mod-hidden)");
  const pictures = ${IN_PAGE_PICTURES};
  return [...panel.querySelectorAll(".jp-Notebook .jp-Cell")].map((cell) => {
    const type = cell.classList.contains("jp-CodeCell") ? "code"
      : cell.classList.contains("jp-MarkdownCell") ? "markdown" : "raw";
    const prompt = (cell.querySelector(".jp-InputArea-prompt")?.textContent ?? "").trim();
    const m = /^\\[(\\d+|\\*| ?)\\]:?$/.exec(prompt);
    const count = !m || m[1].trim() === "" ? null : m[1] === "*" ? "*" : Number(m[1]);
    const outputs = [...cell.querySelectorAll(".jp-OutputArea-output")].map((o) => ({
      mime: o.getAttribute("data-mime-type") ?? "",
      pictures: pictures(o),
      trusted: o.classList.contains("jp-mod-trusted"),
      text: (o.textContent ?? "").trim().slice(0, 400),
    }));
    return { type, count, outputs };
  });
})()`;

/**
 * Every cell as the page shows it, once every image in an output area has loaded (a condition,
 * waited up to `WAIT.render`).
 */
export async function shownCells(page: Page, what: string): Promise<ShownCell[]> {
  await waitFor(
    page,
    `[...document.querySelectorAll(".jp-NotebookPanel:not(.lm-mod-hidden) .jp-OutputArea-output img")]
      .every((img) => img.complete)`,
    WAIT.render,
    `${what}: images in the outputs loaded`,
  );
  return await page.evaluate(SHOWN_CELLS) as ShownCell[];
}

/** Waits until each code cell shows outputs exactly when the file gives it some. */
export async function waitForOutputs(page: Page, hasOutputs: boolean[], what: string) {
  await waitFor(
    page,
    `(() => {
      const want = ${JSON.stringify(hasOutputs)};
      const cells = [...document.querySelectorAll(".jp-NotebookPanel:not(.lm-mod-hidden) .jp-Notebook .jp-Cell")];
      return cells.length === want.length &&
        cells.every((c, i) => (c.querySelector(".jp-OutputArea-output") !== null) === want[i]);
    })()`,
    WAIT.page,
    `${what}: the saved outputs shown`,
  );
}

/**
 * A screenshot of the notebook from its top: the viewport grows to the notebook's height (at most
 * 12,000 px), then shrinks back.
 */
export async function screenshot(page: Page, path: string): Promise<void> {
  const height = await page.evaluate(
    `document.querySelector(".jp-NotebookPanel:not(.lm-mod-hidden) .jp-WindowedPanel-outer")?.scrollHeight ?? 900`,
  ) as number;
  const tall = Math.min(Math.max(900, height + 200), 12_000);
  await page.setViewport({ width: 1280, height: tall });
  await page.waitForFunction(
    `(() => {
      const outer = document.querySelector(".jp-NotebookPanel:not(.lm-mod-hidden) .jp-WindowedPanel-outer");
      return !outer || outer.clientHeight >= Math.min(outer.scrollHeight, ${tall - 200});
    })()`,
    { timeout: WAIT.render, polling: 100 },
  ).catch(() => {/* the screenshot is for people; a shorter one is still useful */});
  // Run All leaves the notebook scrolled to its last cell: show it from the top.
  await page.evaluate(
    `document.querySelector(".jp-NotebookPanel:not(.lm-mod-hidden) .jp-WindowedPanel-outer")?.scrollTo(0, 0)`,
  );
  await page.screenshot({ path: path as `${string}.png` });
  await page.setViewport({ width: 1280, height: 900 });
}

/**
 * Plumbing shared by the browser tests (tests/browser.test.ts drives JupyterLab,
 * tests/browser_classic.test.ts the classic Notebook): finding Chromium, a Jupyter server on
 * 127.0.0.1 on a free port with a token, headless Chromium with a throw-away profile, a git-ignored
 * folder inside the repository for the notebooks the server serves, and which cells of a lesson
 * display a chart or image.
 *
 * Why the notebooks live inside the repository: the Deno kernel runs in the notebook's folder and
 * finds deno.json (and its import map, `"lib"`) by walking up from there. `build/` is git-ignored
 * and excluded from `deno fmt`, `deno lint` and `deno test`, so a copy of the lessons (or a whole
 * student edition, with its own deno.json and tests) under `build/` is invisible to the rest.
 *
 * @module
 */
import { delimiter, join } from "node:path";
import puppeteer, { type Browser } from "puppeteer-core";
import { installKernelspec, REPO_ROOT } from "../tools/kernelspec.ts";
import { excerpt, type Notebook, sourceOf } from "../tools/notebooks.ts";

/** True under CI: a browser test that cannot find Jupyter or Chromium fails instead of skipping. */
export const CI: boolean = Deno.env.get("CI") === "true";

/** Where screenshots are kept (build/ is git-ignored). */
export const ARTIFACTS: string = join(REPO_ROOT, "build", "artifacts");

/** The Chromium/Chrome binary: `$CHROME_PATH` if set, else the first usual name on PATH. */
export function findChromium(): string | null {
  const fromEnv = Deno.env.get("CHROME_PATH"); // when set, the only candidate
  if (fromEnv) return isFile(fromEnv) ? fromEnv : null;
  const names = ["chromium", "chromium-browser", "google-chrome", "google-chrome-stable"];
  for (const dir of (Deno.env.get("PATH") ?? "").split(delimiter)) {
    for (const name of names) if (dir && isFile(join(dir, name))) return join(dir, name);
  }
  return null;
}

function isFile(path: string): boolean {
  try {
    return Deno.statSync(path).isFile;
  } catch {
    return false;
  }
}

/**
 * Headless Chromium with a fresh profile (removed by `close`). The flags keep it from phoning
 * home or showing first-run UI; `--no-sandbox` because CI runs as root.
 */
export async function launchChromium(
  executablePath: string,
): Promise<{ browser: Browser; close: () => Promise<void> }> {
  const profile = await Deno.makeTempDir({ prefix: "chromium-" });
  try {
    const browser = await puppeteer.launch({
      executablePath,
      headless: true,
      args: [
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-component-update",
        "--no-first-run",
        `--user-data-dir=${profile}`,
      ],
    });
    return {
      browser,
      close: async () => {
        await browser.close().catch(() => {});
        await Deno.remove(profile, { recursive: true }).catch(() => {});
      },
    };
  } catch (e) {
    await Deno.remove(profile, { recursive: true }).catch(() => {});
    throw e;
  }
}

/**
 * What a browser test needs, or why it cannot run: Chromium, the Jupyter that `findJupyter` gives
 * (a path, or the reason there is none) and the Deno kernelspec installed for it.
 */
export async function prepareBrowserTest(
  findJupyter: () => Promise<string | { reason: string }>,
): Promise<{ jupyter: string; chromium: string } | { reason: string }> {
  const chromium = findChromium();
  if (!chromium) return { reason: "Chromium not found (install: apt-get install chromium)" };
  const jupyter = await findJupyter();
  if (typeof jupyter !== "string") return jupyter;
  try {
    await installKernelspec({ jupyter });
  } catch (e) {
    return { reason: `cannot install the Deno kernelspec: ${e instanceof Error ? e.message : e}` };
  }
  return { jupyter, chromium };
}

/**
 * A fresh folder under build/ (inside the repository, git-ignored) for the notebooks a server
 * serves: kernels started there find the repository's deno.json.
 */
export async function makeRepoTempDir(prefix: string): Promise<string> {
  const build = join(REPO_ROOT, "build");
  await Deno.mkdir(build, { recursive: true });
  return await Deno.makeTempDir({ dir: build, prefix });
}

/** A running Jupyter server (JupyterLab or the classic Notebook). */
export interface JupyterServer {
  /** `http://127.0.0.1:<port>`. */
  readonly base: string;
  /** The token every request carries. */
  readonly token: string;
  /** `base` + `path` with the token (and `query`) in the query string, for the browser. */
  url(path: string, query?: string): string;
  /** Everything the server printed so far (for failure messages). */
  log(): string;
  /** A REST call with the token in the Authorization header; the JSON answer (null when empty). */
  api(method: string, path: string): Promise<unknown>;
  /** Shuts down every kernel session the server has (REST: DELETE /api/sessions/<id>). */
  shutdownKernels(): Promise<void>;
  /** Shuts down the kernels and the server, and waits for its process to end. Never throws. */
  stop(): Promise<void>;
}

/** How to start a server: `frontend` is the Jupyter subcommand, `args` its own options. */
export interface ServerOptions {
  /** The `jupyter` command. */
  jupyter: string;
  /** `lab` or `notebook`. */
  frontend: "lab" | "notebook";
  /** Options after the usual ones (root dir, token and settings are the caller's business). */
  args: (port: number, token: string) => string[];
  /** Extra environment. */
  env?: Record<string, string>;
  /** Milliseconds to wait for the server to answer (default 60 s). */
  timeout?: number;
}

/**
 * Starts `jupyter <frontend>` on 127.0.0.1 on a free port with a random token, `--no-browser`,
 * `--allow-root` as root, and waits until `/api/status` answers. Stops it again if it never does.
 */
export async function startJupyter(options: ServerOptions): Promise<JupyterServer> {
  const port = freePort();
  const token = crypto.randomUUID().replaceAll("-", "");
  const base = `http://127.0.0.1:${port}`;
  const out: string[] = [];
  const child = new Deno.Command(options.jupyter, {
    args: [
      options.frontend,
      "--no-browser",
      "--ip=127.0.0.1",
      `--port=${port}`,
      "--port-retries=0",
      ...(Deno.uid() === 0 ? ["--allow-root"] : []),
      ...options.args(port, token),
    ],
    env: { NO_COLOR: "1", ...options.env },
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  const drained = Promise.all([drain(child.stdout, out), drain(child.stderr, out)]);
  let exited = false;
  const status = child.status.then((s) => {
    exited = true;
    return s;
  });
  const api = async (method: string, path: string): Promise<unknown> => {
    const res = await fetch(`${base}${path}`, {
      method,
      headers: { Authorization: `token ${token}` },
      signal: AbortSignal.timeout(10_000),
    });
    const text = await res.text();
    if (!res.ok) throw new Error(`${method} ${path}: HTTP ${res.status} ${text.slice(0, 300)}`);
    return text ? JSON.parse(text) : null;
  };
  const shutdownKernels = async () => {
    const sessions = await api("GET", "/api/sessions") as { id: string }[];
    for (const s of sessions) await api("DELETE", `/api/sessions/${s.id}`);
  };
  const server: JupyterServer = {
    base,
    token,
    url: (path, query) => `${base}${path}?${query ? `${query}&` : ""}token=${token}`,
    log: () => out.join(""),
    api,
    shutdownKernels,
    stop: async () => {
      if (!exited) {
        await shutdownKernels().catch(() => {});
        // The server stops its remaining kernels itself on /api/shutdown.
        await api("POST", "/api/shutdown").catch(() => {});
        if (!(await within(status, 15_000))) child.kill("SIGTERM");
        if (!(await within(status, 10_000))) child.kill("SIGKILL");
      }
      await status;
      await drained;
    },
  };
  const deadline = Date.now() + (options.timeout ?? 60_000);
  while (!exited) {
    try {
      await api("GET", "/api/status");
      return server;
    } catch { /* not up yet */ }
    if (Date.now() > deadline) break;
    // Polling interval of the readiness check (the condition is "/api/status answers").
    await new Promise((r) => setTimeout(r, 250));
  }
  await server.stop();
  throw new Error(
    `jupyter ${options.frontend} did not come up on ${base} (${
      exited ? "it exited" : "no answer"
    }):\n${server.log().slice(-4000)}`,
  );
}

/** Resolves true when `p` settles within `ms`, false otherwise. */
async function within(p: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<false>((r) => timer = setTimeout(() => r(false), ms));
  try {
    return await Promise.race([p.then(() => true), timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** A TCP port nothing listens on right now. */
function freePort(): number {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const { port } = listener.addr as Deno.NetAddr;
  listener.close();
  return port;
}

/** Collects a child's output without ever blocking it. */
function drain(stream: ReadableStream<Uint8Array>, into: string[]): Promise<void> {
  const decoder = new TextDecoder();
  return stream.pipeTo(
    new WritableStream({ write: (chunk) => void into.push(decoder.decode(chunk)) }),
  ).catch(() => {});
}

/**
 * The calls of a lesson that display a chart or an image: every `show(…)` and every progress
 * line's `.done(…)` (which replaces the line with its argument) whose argument is not a
 * `table(…)`, a string or nothing (tables are HTML without a picture; text goes through `print`).
 * Today's lessons show `plot(…)`, `heatmap(…)`, `imageGrid(…)` and helpers built on them
 * (`planeChart`, `decisionRegions`); a new helper counts without a change here. Comments and
 * string literals are ignored; `x.show(` (a method) is not the lib/plot call.
 */
const CHART_DISPLAY = /(?:(?<![\w$.])show|\.done)\(\s*(?!table\s*\(|\)|["'`])/g;

/**
 * The lesson's display cells: cell index → number of chart/image displays (`CHART_DISPLAY`) in its
 * source.
 * A display cell must show at least that many rendered charts or images in its own output area;
 * any other cell, none.
 */
export function displayCells(nb: Notebook): Map<number, number> {
  const cells = new Map<number, number>();
  nb.cells.forEach((cell, i) => {
    if (cell.cell_type !== "code") return;
    const code = sourceOf(cell)
      .replace(/^\s*\/\/.*$/gm, "").replace(/\s\/\/ .*$/gm, "") // comments
      .replace(/"(?:[^"\\\n]|\\.)*"|'(?:[^'\\\n]|\\.)*'|`[^`]*`/g, '""'); // strings
    const n = code.match(CHART_DISPLAY)?.length ?? 0;
    if (n > 0) cells.set(i, n);
  });
  return cells;
}

/**
 * How many outputs of an executed cell carry a picture: `image/png`, `image/svg+xml`, or HTML
 * with an `<svg`, an `<img` or a CSS `url(` (a labelled image grid is tiles on a PNG background).
 */
export function pictureOutputs(cell: Notebook["cells"][number]): number {
  return (cell.outputs ?? []).filter((o) => {
    const d = o.data ?? {};
    if (d["image/png"] !== undefined || d["image/svg+xml"] !== undefined) return true;
    const html = d["text/html"];
    const text = Array.isArray(html) ? html.join("") : html;
    return typeof text === "string" && /<svg|<img|url\(/.test(text);
  }).length;
}

/**
 * In-page (a script string): the pictures an output element shows — loaded `<img>`s, top-level
 * `<svg>`s with content, and elements with a CSS background image (a labelled image grid's tiles),
 * each of nonzero size.
 */
export const IN_PAGE_PICTURES = `(o) => {
  const sized = (el) => { const r = el.getBoundingClientRect(); return r.width > 0 && r.height > 0; };
  let n = 0;
  for (const img of o.querySelectorAll("img")) {
    if (sized(img) && img.complete && img.naturalWidth > 0) n++;
  }
  for (const svg of o.querySelectorAll("svg")) {
    if (!svg.parentElement?.closest("svg") && sized(svg) && svg.childElementCount > 0) n++;
  }
  for (const el of o.querySelectorAll("div, span, figure, td")) {
    if (/url\\(/.test(getComputedStyle(el).backgroundImage) && sized(el)) n++;
  }
  return n;
}`;

/** What the page shows for one output: its MIME type, pictures and (for errors) its text. */
export interface ShownOutput {
  /** The renderer's MIME type (`data-mime-type`). */
  mime: string;
  /** Rendered pictures: visible `<img>` (loaded), top-level `<svg>` or CSS-background tiles. */
  pictures: number;
  /** Whether the output was rendered as trusted. */
  trusted: boolean;
  /** The first characters of its text. */
  text: string;
}

/** What the page shows for one cell of the notebook (the same order as the file's cells). */
export interface ShownCell {
  /** `code`, `markdown` or `raw`. */
  type: string;
  /** The execution count; null for `[ ]` (never ran), "*" while queued or running. */
  count: number | "*" | null;
  /** The outputs in its output area. */
  outputs: ShownOutput[];
}

/** The error MIME types the frontends render stderr and tracebacks with. */
export const ERROR_MIMES: readonly string[] = [
  "application/vnd.jupyter.stderr",
  "application/vnd.jupyter.error",
];

/** One thing wrong with a cell, for the failure message. */
export interface CellFinding {
  /** Index in the notebook. */
  cell: number;
  /** What is wrong. */
  message: string;
}

/** Per-cell result of the display check, for the report. */
export interface DisplayReport {
  /** Display cells (by the source rule). */
  expected: number;
  /** Display cells that show at least their number of pictures. */
  rendered: number;
  /** Everything wrong, cell by cell. */
  findings: CellFinding[];
}

/**
 * Checks what a page shows against the lesson's source: every display cell shows at least its
 * number of pictures in its own output area, no other cell shows one, no cell shows an error, and
 * (when `ran`) every non-empty code cell has an execution count.
 */
export function checkDisplays(nb: Notebook, shown: ShownCell[], ran: boolean): DisplayReport {
  const findings: CellFinding[] = [];
  if (shown.length !== nb.cells.length) {
    findings.push({
      cell: -1,
      message: `the page shows ${shown.length} cells, the notebook has ${nb.cells.length}`,
    });
    return { expected: displayCells(nb).size, rendered: 0, findings };
  }
  const display = displayCells(nb);
  let rendered = 0;
  nb.cells.forEach((cell, i) => {
    if (cell.cell_type !== "code") return;
    const page = shown[i];
    const withPictures = page.outputs.filter((o) => o.pictures > 0).length;
    const want = display.get(i) ?? 0;
    if (ran && sourceOf(cell).trim() !== "" && typeof page.count !== "number") {
      findings.push({ cell: i, message: `not executed (prompt [${page.count ?? " "}])` });
    }
    for (const o of page.outputs) {
      if (ERROR_MIMES.includes(o.mime)) findings.push({ cell: i, message: `error: ${o.text}` });
    }
    if (want > 0 && withPictures >= want) rendered++;
    if (want > 0 && withPictures < want) {
      findings.push({
        cell: i,
        message: `displays ${want} chart/image(s), ${withPictures} rendered; outputs: ${
          page.outputs.map((o) => `${o.mime}${o.pictures ? ` (${o.pictures} pictures)` : ""}`)
            .join(", ") || "none"
        }`,
      });
    }
    if (want === 0 && withPictures > 0) {
      findings.push({
        cell: i,
        message: `shows ${withPictures} chart/image output(s) but displays none (misplaced?)`,
      });
    }
  });
  return { expected: display.size, rendered, findings };
}

/** The findings as lines: `cell 12 (await show(plot({…): message`. */
export function formatFindings(nb: Notebook, findings: CellFinding[]): string {
  return findings.map(({ cell, message }) => {
    if (cell < 0) return message;
    const src = excerpt(sourceOf(nb.cells[cell]), 1);
    return `cell ${cell} (${src}): ${message}`;
  }).join("\n");
}

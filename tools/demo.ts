/**
 * `deno task demo [--port 8231]`: serves the interactive linear-classifier page on 127.0.0.1 and
 * prints its address. The page (tools/demo/) computes with the library itself: `tools/demo/app.ts`
 * and everything it imports from `lib/` are bundled for the browser with `deno bundle` when the
 * server starts (offline; the first run fetches Deno's esbuild from the npm registry once), and
 * inlined into one self-contained HTML document that makes no other request.
 *
 * `demoEmbed()` is the same page for a notebook (lesson 03): an `<iframe srcdoc>` that runs in a
 * trusted notebook, after a still picture of the starting state and a link to the served page,
 * which is what an untrusted notebook keeps (JupyterLab's sanitizer removes iframes and scripts).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { parseDemoArgs } from "./demo.ts";
 * assert.deepEqual(parseDemoArgs(["--port", "9000"]), { port: 9000 });
 * ```
 * @module
 */
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { CSP, demoHtml } from "./demo/page.ts";
import { snapshotSvg } from "./demo/snapshot.ts";
import { escapeHtml, HtmlView } from "../lib/plot/display.ts";
// Type only: puts app.ts (the bundle's entry) into this module's graph without running it.
import type { HeightMessage } from "./demo/app.ts";

/** The port `deno task demo` listens on unless `--port` says otherwise (0: any free port). */
export const DEFAULT_PORT = 8231;

const ENTRY = fileURLToPath(new URL("./demo/app.ts", import.meta.url));

/**
 * What `node:worker_threads` becomes in the browser bundle. The library's kernels import `Worker`
 * from it for their worker pool, which the page never starts (it runs the TypeScript kernels);
 * should anything try, the library's fallback catches this error and stays on one thread.
 */
const WORKER_THREADS_STUB =
  `export class Worker { constructor() { throw new Error("no worker_threads in a browser"); } }\n`;

/** The key of the page's height message (`HeightMessage` of app.ts, whose type this imports). */
const HEIGHT_KEY: keyof HeightMessage = "cs231nDemoHeight";

let script: Promise<string> | undefined;

/**
 * The page's script: `tools/demo/app.ts` with the library, bundled for the browser by
 * `deno bundle` (minified, one ES module; an import map written next to the output sends
 * `node:worker_threads` to a stub). Built once per process.
 *
 * @example
 * ```ts ignore
 * // Runs `deno bundle` (about a second): tests/demo.test.ts exercises it in Chromium.
 * import { buildDemoScript } from "./demo.ts";
 * const js = await buildDemoScript();
 * ```
 */
export function buildDemoScript(): Promise<string> {
  script ??= bundle().catch((e) => {
    script = undefined; // a later call may try again
    throw e;
  });
  return script;
}

async function bundle(): Promise<string> {
  const dir = await Deno.makeTempDir({ prefix: "cs231n-demo-" });
  try {
    const out = `${dir}/app.js`, map = `${dir}/import_map.json`;
    await Deno.writeTextFile(`${dir}/worker_threads.js`, WORKER_THREADS_STUB);
    const imports = { "node:worker_threads": "./worker_threads.js" };
    await Deno.writeTextFile(map, JSON.stringify({ imports }));
    const { code, stderr } = await new Deno.Command(Deno.execPath(), {
      args: [
        "bundle",
        "--quiet",
        "--no-config",
        "--import-map",
        map,
        "--platform",
        "browser",
        "--minify",
        "--keep-names",
        "--output",
        out,
        ENTRY,
      ],
      stdout: "null",
      stderr: "piped",
      env: { NO_COLOR: "1" },
    }).output();
    if (code !== 0) {
      throw new Error(`deno bundle failed (exit ${code}):\n${new TextDecoder().decode(stderr)}`);
    }
    return await Deno.readTextFile(out);
  } finally {
    await Deno.remove(dir, { recursive: true }).catch(() => {});
  }
}

/**
 * The whole page (HTML with the bundled script inline).
 *
 * @example
 * ```ts ignore
 * import { demoPage } from "./demo.ts";
 * await Deno.writeTextFile("demo.html", await demoPage()); // opens from disk too: no requests
 * ```
 */
export async function demoPage(): Promise<string> {
  return demoHtml(await buildDemoScript());
}

/**
 * A running demo server.
 *
 * @example
 * ```ts
 * import type { DemoServer } from "./demo.ts";
 * const stop = (s: DemoServer) => s.close();
 * ```
 */
export interface DemoServer {
  /** `http://127.0.0.1:<port>/`. */
  url: string;
  /** The port it listens on. */
  port: number;
  /** Stops it. */
  close(): Promise<void>;
}

/**
 * Serves the page at `/` on 127.0.0.1 (only), `port` 0 for any free port. Every other path is a
 * 404; the page goes out with its Content-Security-Policy as a header as well. `page` replaces
 * the demo's HTML (`demoPage()`, built by `deno bundle`) with your own.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { serveDemo } from "./demo.ts";
 * const server = await serveDemo({ port: 0, page: `<canvas id="plot"></canvas>` });
 * const res = await fetch(server.url);
 * assert.match(res.headers.get("content-security-policy") ?? "", /default-src 'none'/);
 * assert.match(await res.text(), /<canvas id="plot"/);
 * await server.close();
 * ```
 */
export async function serveDemo(
  { port = DEFAULT_PORT, page }: { port?: number; page?: string } = {},
): Promise<DemoServer> {
  const html = page ?? await demoPage();
  const server = Deno.serve({ hostname: "127.0.0.1", port, onListen: () => {} }, (req) => {
    const path = new URL(req.url).pathname;
    if (path !== "/" && path !== "/index.html") return new Response("not found", { status: 404 });
    return new Response(html, {
      headers: {
        "content-type": "text/html; charset=utf-8",
        "content-security-policy": CSP,
        "x-content-type-options": "nosniff",
        "cache-control": "no-store",
      },
    });
  });
  const actual = (server.addr as Deno.NetAddr).port;
  return { url: `http://127.0.0.1:${actual}/`, port: actual, close: () => server.shutdown() };
}

/**
 * The page for a notebook's output: a still picture of the starting state with a caption and,
 * when `url` is given, a link to the served page; then the live page in an `<iframe srcdoc>`
 * (sandboxed: scripts only). JupyterLab shows the iframe in a trusted notebook; in an untrusted
 * one its sanitizer drops the iframe and keeps the picture, the caption and the link. `page`
 * replaces the demo's HTML (`demoPage()`) in the iframe.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { demoEmbed } from "./demo.ts";
 * const html = (await demoEmbed({ url: "http://127.0.0.1:8231/", page: "<p>live</p>" })).html;
 * assert.match(html, /<img src="data:image\/svg\+xml;base64,/);
 * assert.match(html, /<iframe id="[\w-]+" sandbox="allow-scripts" srcdoc="&lt;p&gt;live&lt;\/p&gt;"/);
 * assert.match(html, /href="http:\/\/127\.0\.0\.1:8231\/"/);
 * ```
 */
export async function demoEmbed(
  { url, page }: { url?: string; page?: string } = {},
): Promise<HtmlView> {
  const svg = snapshotSvg({ size: 240 });
  const img = `<img src="data:image/svg+xml;base64,${btoa(svg)}" width="240" height="240" ` +
    `alt="The demo's starting state: nine points in three classes, class regions and the three ` +
    `zero lines">`;
  const link = url
    ? `Full page: <a href="${escapeHtml(url)}" target="_blank" rel="noopener">${
      escapeHtml(url)
    }</a> (served by this notebook's kernel while it runs; or run <code>deno task demo</code>).`
    : "Full page: run <code>deno task demo</code> in the repository.";
  const caption = `<p style="margin:4px 0"><b>Interactive linear classifier.</b> The live page ` +
    `is below when this notebook is trusted (you ran the cell, or File ▸ Trust Notebook). ` +
    `If you see only this picture, the notebook is untrusted and JupyterLab removed the live ` +
    `page: run the cell again or open the full page. ${link}</p>`;
  // The page reports its height (postMessage) and this script, which runs in a trusted notebook
  // only, fits the iframe to it.
  const id = `cs231n-demo-${crypto.randomUUID()}`;
  const frame =
    `<iframe id="${id}" sandbox="allow-scripts" srcdoc="${
      escapeHtml(page ?? await demoPage())
    }" title="Interactive linear classifier" style="width:100%;height:1200px;border:1px solid #ccc;` +
    `border-radius:6px"></iframe><script>(() => { const f = document.getElementById("${id}"); ` +
    `addEventListener("message", (e) => { const h = e.data && e.data.${HEIGHT_KEY}; ` +
    `if (f && e.source === f.contentWindow && typeof h === "number" && h > 0) ` +
    `f.style.height = Math.min(h + 4, 5000) + "px"; }); })();</script>`;
  const html = `<div><div style="display:flex;gap:12px;align-items:center;flex-wrap:wrap">` +
    `${img}<div style="flex:1;min-width:220px">${caption}</div></div>${frame}</div>`;
  return new HtmlView(html, `Interactive linear classifier: ${url ?? "deno task demo"}`);
}

/**
 * The command line of `deno task demo`: `--port N` (default `DEFAULT_PORT`).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { DEFAULT_PORT, parseDemoArgs } from "./demo.ts";
 * assert.deepEqual(parseDemoArgs([]), { port: DEFAULT_PORT });
 * assert.throws(() => parseDemoArgs(["--port", "x"]), /--port must be an integer/);
 * ```
 */
export function parseDemoArgs(args: string[]): { port: number } {
  const { values } = parseArgs({ args, options: { port: { type: "string", short: "p" } } });
  const port = values.port === undefined ? DEFAULT_PORT : Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new RangeError(`--port must be an integer in 0 … 65535, got ${values.port}`);
  }
  return { port };
}

if (import.meta.main) {
  let port: number;
  try {
    ({ port } = parseDemoArgs(Deno.args));
  } catch (e) {
    console.error(`${(e as Error).message}\nusage: deno task demo [--port ${DEFAULT_PORT}]`);
    Deno.exit(2);
  }
  try {
    const server = await serveDemo({ port });
    console.log(`Interactive linear classifier: ${server.url}  (Ctrl-C stops it)`);
  } catch (e) {
    if (e instanceof Deno.errors.AddrInUse) {
      console.error(`port ${port} is in use: try deno task demo --port 0 (any free port)`);
      Deno.exit(1);
    }
    throw e;
  }
}

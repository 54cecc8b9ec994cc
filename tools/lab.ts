/**
 * `deno task lab [jupyter options …]`: gets a machine ready for the lessons and opens them in
 * JupyterLab.
 *
 * 1. picks the front end (frontend.ts): `$JUPYTER` if set; else `jupyter lab` from the project's
 *    `.venv/` or PATH; else creates `.venv` (`python3 -m venv`) and pip-installs the pinned
 *    JupyterLab there (about a minute, once); only without Python/venv/pip the classic Notebook,
 *    with a message saying how to get JupyterLab;
 * 2. installs or refreshes the Deno kernelspec with `NO_COLOR=1`, `interrupt_mode: "message"` and
 *    a Deno path that survives npm's cache cleaning (deno_path.ts: under `npx`, a copy in
 *    `~/.cache/cs231n-deno/`);
 * 3. warms Deno's dependency cache for `lib/mod.ts` and `lib/plot/mod.ts` (first cells start fast);
 * 4. starts the front end in notebooks/. Extra arguments go to Jupyter (e.g. `--port 9000`).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { frontendCommand } from "./lab.ts";
 * assert.deepEqual(frontendCommand("lab", ["--port", "9000"], false), ["lab", "--port", "9000"]);
 * ```
 * @module
 */
import { join } from "node:path";
import { installKernelspec, REPO_ROOT, run, VENV_DIR } from "./kernelspec.ts";
import { ensureStableDeno } from "./deno_path.ts";
import {
  chooseFrontend,
  type FrontendPlan,
  installJupyterLab,
  JUPYTERLAB_VERSION,
  machineProbes,
} from "./frontend.ts";

/**
 * `deno task lab --help`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { USAGE } from "./lab.ts";
 * assert.match(USAGE, /\$JUPYTER/);
 * ```
 */
export const USAGE: string = `deno task lab [jupyter options …]

Opens the lessons (notebooks/) in JupyterLab with the Deno kernel.
  - uses $JUPYTER if set (a jupyter program), else \`jupyter lab\` from .venv/ or PATH;
  - else creates .venv with \`python3 -m venv\` and installs JupyterLab ${JUPYTERLAB_VERSION}
    into it with pip (about a minute, the first time only);
  - without Python 3 (or its venv/pip), opens the classic Notebook if there is one, and says how
    to get JupyterLab;
  - installs/refreshes the "deno" kernelspec (NO_COLOR=1, interrupt by message) and warms the
    dependency cache.
Options after \`lab\` go to Jupyter, e.g. \`deno task lab --no-browser --port 9000\`
(\`jupyter lab --help\` lists them).`;

/**
 * The Jupyter arguments that start `frontend` (`lab` or `notebook`) on notebooks/; as root the
 * server needs `--allow-root`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { frontendCommand } from "./lab.ts";
 * assert.deepEqual(frontendCommand("notebook", [], true), ["notebook", "--allow-root"]);
 * ```
 */
export function frontendCommand(
  frontend: "lab" | "notebook",
  extra: readonly string[],
  isRoot: boolean,
): string[] {
  return [frontend, ...(isRoot ? ["--allow-root"] : []), ...extra];
}

/**
 * Step 1: the front end to start, installing JupyterLab into `venvDir` when that is the plan.
 * Never returns an `install` plan.
 *
 * @example
 * ```ts ignore
 * const plan = await prepareFrontend(VENV_DIR);
 * ```
 */
export async function prepareFrontend(
  venvDir: string = VENV_DIR,
): Promise<Exclude<FrontendPlan, { action: "install" }>> {
  const plan = await chooseFrontend(await machineProbes(venvDir));
  if (plan.action !== "install") return plan;
  const why = await installJupyterLab(plan.python, venvDir) ??
    "JupyterLab was installed but `jupyter lab` does not run from the venv";
  const after = await chooseFrontend(await machineProbes(venvDir), why);
  if (after.action === "install") throw new Error("unreachable: install after install");
  return after;
}

/**
 * Steps 1–4 above; resolves to the exit code. `venvDir` is where JupyterLab is looked for and
 * installed (default `.venv/` at the repository root).
 *
 * @example
 * ```ts ignore
 * Deno.exit(await lab(Deno.args));
 * ```
 */
export async function lab(extra: readonly string[], venvDir: string = VENV_DIR): Promise<number> {
  const plan = await prepareFrontend(venvDir);
  if (plan.action === "fail") {
    console.error(plan.message);
    return 1;
  }
  if (plan.note) console.error(`\n${plan.note}\n`);

  const denoPath = await ensureStableDeno();
  const spec = await installKernelspec({ jupyter: plan.jupyter, denoPath });
  console.log(`Deno kernelspec ready: ${spec.dir} (${spec.kernel.argv[0]})`);

  const entries = ["lib/mod.ts", "lib/plot/mod.ts"].map((p) => join(REPO_ROOT, p));
  const cache = await run(Deno.execPath(), ["install", "--entrypoint", ...entries], {
    cwd: REPO_ROOT,
  });
  if (cache.code !== 0) console.error(`warning: warming the cache failed:\n${cache.output}`);
  else console.log("Dependency cache warm.");

  const notebooks = join(REPO_ROOT, "notebooks");
  await Deno.mkdir(notebooks, { recursive: true });
  const isRoot = Deno.build.os !== "windows" && Deno.uid() === 0;
  const args = frontendCommand(plan.frontend, extra, isRoot);
  console.log(`Starting: ${plan.jupyter} ${args.join(" ")} (in ${notebooks})`);
  const child = new Deno.Command(plan.jupyter, { args, cwd: notebooks, stdin: "inherit" }).spawn();
  // Ctrl-C reaches Jupyter too (same process group; it asks before shutting down): this process
  // just waits. A SIGTERM or SIGHUP sent to this process alone is passed on.
  const stop = () => {
    try {
      child.kill("SIGTERM");
    } catch { /* already exited */ }
  };
  const handlers: [Deno.Signal, () => void][] = [
    ["SIGINT", () => {}],
    ["SIGTERM", stop],
    ["SIGHUP", stop],
  ];
  if (Deno.build.os !== "windows") {
    for (const [sig, fn] of handlers) Deno.addSignalListener(sig, fn);
  }
  try {
    return (await child.status).code;
  } finally {
    if (Deno.build.os !== "windows") {
      for (const [sig, fn] of handlers) Deno.removeSignalListener(sig, fn);
    }
  }
}

if (import.meta.main) {
  if (Deno.args[0] === "--help" || Deno.args[0] === "-h") {
    console.log(USAGE);
    Deno.exit(0);
  }
  Deno.exit(await lab(Deno.args));
}

/**
 * `deno task lab [jupyter options …]`: gets a machine ready for the lessons and opens them.
 *
 * 1. installs or refreshes the Deno kernelspec for the running Deno (`Deno.execPath()`, so
 *    `npx -y deno@2.9.6 task lab` works too) with `NO_COLOR=1` and `interrupt_mode: "message"`;
 * 2. warms Deno's dependency cache for `lib/mod.ts` and `lib/plot/mod.ts` (first cells start fast);
 * 3. starts JupyterLab in notebooks/ when installed, else the classic Notebook, else exits 1
 *    naming how to install Jupyter. Extra arguments go to Jupyter (e.g. `--port 9000`).
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
import { findJupyter, hasSubcommand, installKernelspec, REPO_ROOT, run } from "./kernelspec.ts";

/**
 * How to get Jupyter, printed when none is found.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { INSTALL_HELP } from "./lab.ts";
 * assert.match(INSTALL_HELP, /pip install jupyterlab/);
 * ```
 */
export const INSTALL_HELP: string = [
  "Jupyter is not installed. Install one of:",
  "  Debian/Ubuntu:  sudo apt-get install jupyter-notebook jupyter-nbconvert python3-nbclient",
  "  elsewhere:      pip install jupyterlab",
  "then run `deno task lab` again.",
].join("\n");

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
 * Steps 1–3 above; resolves to the exit code.
 *
 * @example
 * ```ts ignore
 * Deno.exit(await lab(Deno.args));
 * ```
 */
export async function lab(extra: readonly string[]): Promise<number> {
  const jupyter = await findJupyter();
  const spec = await installKernelspec({ jupyter });
  console.log(`Deno kernelspec ready: ${spec.dir} (${spec.kernel.argv[0]})`);

  const entries = ["lib/mod.ts", "lib/plot/mod.ts"].map((p) => join(REPO_ROOT, p));
  const cache = await run(Deno.execPath(), ["install", "--entrypoint", ...entries], {
    cwd: REPO_ROOT,
  });
  if (cache.code !== 0) console.error(`warning: warming the cache failed:\n${cache.output}`);
  else console.log("Dependency cache warm.");

  if (!jupyter) {
    console.error(INSTALL_HELP);
    return 1;
  }
  const frontend = (await hasSubcommand(jupyter, "lab"))
    ? "lab"
    : (await hasSubcommand(jupyter, "notebook"))
    ? "notebook"
    : null;
  if (!frontend) {
    console.error(INSTALL_HELP);
    return 1;
  }
  const notebooks = join(REPO_ROOT, "notebooks");
  await Deno.mkdir(notebooks, { recursive: true });
  const isRoot = Deno.build.os !== "windows" && Deno.uid() === 0;
  const args = frontendCommand(frontend, extra, isRoot);
  console.log(`Starting: ${jupyter} ${args.join(" ")} (in ${notebooks})`);
  const child = new Deno.Command(jupyter, { args, cwd: notebooks, stdin: "inherit" }).spawn();
  // Ctrl-C reaches Jupyter too (same process group; it asks before shutting down): this process
  // just waits. A SIGTERM or SIGHUP sent to this process alone is passed on.
  const stop = () => {
    try {
      child.kill("SIGTERM");
    } catch { /* already exited */ }
  };
  const handlers: [Deno.Signal, () => void][] = [["SIGINT", () => {}], ["SIGTERM", stop], [
    "SIGHUP",
    stop,
  ]];
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
  Deno.exit(await lab(Deno.args));
}

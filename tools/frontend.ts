/**
 * Which Jupyter front end `deno task lab` opens, and installing JupyterLab when there is none.
 *
 * The decision (`chooseFrontend`) is pure over injected probes: `$JUPYTER` when set (never
 * installs anything), else a `jupyter lab` in the project's `.venv/` or on PATH, else create
 * `.venv` with Python and pip-install the pinned JupyterLab (`installJupyterLab`), and only when
 * that cannot be done (no Python 3, no venv/pip) the classic Notebook, saying so and how to get
 * JupyterLab.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { chooseFrontend } from "./frontend.ts";
 * const plan = await chooseFrontend({
 *   candidates: ["/r/.venv/bin/jupyter"],
 *   has: (cmd, sub) => Promise.resolve(sub === "lab"),
 *   python: () => Promise.resolve("python3"),
 * });
 * assert.deepEqual(plan, { action: "start", frontend: "lab", jupyter: "/r/.venv/bin/jupyter" });
 * ```
 * @module
 */
import { relative } from "node:path";
import { hasSubcommand, jupyterCandidates, REPO_ROOT, run, venvBin } from "./kernelspec.ts";

/**
 * The JupyterLab version `deno task lab` installs; .ci/run reads this line too (keep its form:
 * `export const JUPYTERLAB_VERSION = "x.y.z";`).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { JUPYTERLAB_VERSION } from "./frontend.ts";
 * assert.match(JUPYTERLAB_VERSION, /^\d+\.\d+\.\d+$/);
 * ```
 */
export const JUPYTERLAB_VERSION = "4.6.4";

/**
 * How to get JupyterLab by hand, printed with the classic-Notebook fallback.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { LAB_HELP } from "./frontend.ts";
 * assert.match(LAB_HELP, /pipx install jupyterlab/);
 * ```
 */
export const LAB_HELP: string = [
  "To get JupyterLab: install Python 3 with venv and pip (Debian/Ubuntu:",
  "`sudo apt-get install python3-venv`) and run `deno task lab` again, or install it yourself",
  "(`pipx install jupyterlab`, or `pip install jupyterlab` in a venv) and point `JUPYTER` at its",
  "`jupyter` if it is not on PATH.",
].join("\n");

/**
 * How to get any Jupyter, printed when nothing can be opened.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { INSTALL_HELP } from "./frontend.ts";
 * assert.match(INSTALL_HELP, /python3-venv/);
 * ```
 */
export const INSTALL_HELP: string = [
  "No Jupyter could be found or installed. Either",
  "  - install Python 3 with venv and pip (Debian/Ubuntu: sudo apt-get install python3-venv),",
  "    then `deno task lab` installs JupyterLab into .venv by itself; or",
  "  - `pipx install jupyterlab` (or set JUPYTER to a jupyter program); or",
  "  - the classic Notebook: sudo apt-get install jupyter-notebook",
  "then run `deno task lab` again.",
].join("\n");

/**
 * What `chooseFrontend` looks at; tests pass fakes.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import type { FrontendProbes } from "./frontend.ts";
 * const p: FrontendProbes = { candidates: [], has: async () => false, python: async () => null };
 * assert.equal(await p.python(), null);
 * ```
 */
export interface FrontendProbes {
  /** `$JUPYTER`, when set: the only Jupyter considered, and nothing is installed. */
  jupyterEnv?: string;
  /** Existing `jupyter` programs, best first (the venv's, then PATH's; see `jupyterCandidates`). */
  candidates: readonly string[];
  /** Whether `jupyter <subcommand> --version` works (`lab`, `notebook`). */
  has(jupyter: string, subcommand: string): Promise<boolean>;
  /** A Python 3 command, or null. */
  python(): Promise<string | null>;
}

/**
 * What to do: start a front end (`note` is printed first), install JupyterLab with `python`, or
 * fail with a message.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import type { FrontendPlan } from "./frontend.ts";
 * const plan: FrontendPlan = { action: "install", python: "python3" };
 * assert.equal(plan.action, "install");
 * ```
 */
export type FrontendPlan =
  | { action: "start"; frontend: "lab" | "notebook"; jupyter: string; note?: string }
  | { action: "install"; python: string }
  | { action: "fail"; message: string };

/**
 * The decision described in the module doc. `installError` (why an install just failed) rules
 * out installing again and goes into the fallback's message.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { chooseFrontend } from "./frontend.ts";
 * const plan = await chooseFrontend({
 *   candidates: ["/usr/bin/jupyter"],
 *   has: (cmd, sub) => Promise.resolve(sub === "notebook"),
 *   python: () => Promise.resolve(null),
 * });
 * assert.equal(plan.action === "start" && plan.frontend, "notebook");
 * assert.match(plan.action === "start" ? plan.note ?? "" : "", /Python 3 was not found/);
 * ```
 */
export async function chooseFrontend(
  probes: FrontendProbes,
  installError?: string,
): Promise<FrontendPlan> {
  const { jupyterEnv, has } = probes;
  if (jupyterEnv) {
    if (await has(jupyterEnv, "lab")) {
      return { action: "start", frontend: "lab", jupyter: jupyterEnv };
    }
    if (await has(jupyterEnv, "notebook")) {
      const note = `JUPYTER=${jupyterEnv} has no JupyterLab: opening the classic Notebook.\n` +
        LAB_HELP;
      return { action: "start", frontend: "notebook", jupyter: jupyterEnv, note };
    }
    return {
      action: "fail",
      message: `JUPYTER=${jupyterEnv} runs neither \`jupyter lab\` nor \`jupyter notebook\`.\n` +
        "Unset JUPYTER to let `deno task lab` find or install JupyterLab.",
    };
  }
  for (const jupyter of probes.candidates) {
    if (await has(jupyter, "lab")) return { action: "start", frontend: "lab", jupyter };
  }
  let why = installError;
  if (!why) {
    const python = await probes.python();
    if (python) return { action: "install", python };
    why = "Python 3 was not found";
  }
  for (const jupyter of probes.candidates) {
    if (await has(jupyter, "notebook")) {
      const note = `JupyterLab is not installed and could not be installed: ${why}.\n` +
        `Opening the classic Notebook instead.\n${LAB_HELP}`;
      return { action: "start", frontend: "notebook", jupyter, note };
    }
  }
  return { action: "fail", message: `${why}.\n${INSTALL_HELP}` };
}

/**
 * The probes of this machine: `$JUPYTER`, `jupyterCandidates({ venvDir })`, `jupyter <sub>
 * --version`, and `python3` (then `python`) reporting Python 3.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { machineProbes } from "./frontend.ts";
 * const probes = await machineProbes("/no/such/venv");
 * assert.ok(Array.isArray(probes.candidates));
 * ```
 */
export async function machineProbes(venvDir?: string): Promise<FrontendProbes> {
  return {
    jupyterEnv: Deno.env.get("JUPYTER") || undefined,
    candidates: await jupyterCandidates({ venvDir }),
    has: hasSubcommand,
    python: async () => {
      for (const python of ["python3", "python"]) {
        if (/^Python 3\./m.test((await run(python, ["--version"])).output)) return python;
      }
      return null;
    },
  };
}

/**
 * pip's network flags for the install: `--retries 1 --timeout 15` unless `PIP_RETRIES` /
 * `PIP_TIMEOUT` are set (then pip reads those itself). Why: pip's default of 5 retries backs off
 * exponentially (about 8 s per package) when its index is unreachable, e.g. an offline machine
 * whose wheels come from a local mirror or `--find-links`; JupyterLab pulls ~90 packages, so that
 * is minutes of silence (measured here: 25 s with 0 retries, 47 s with 1, many minutes with the
 * default). One retry with pip's own default 15 s timeout still rides out a dropped connection on
 * a normal network, and overrides a huge `PIP_DEFAULT_TIMEOUT` some images set.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { pipNetworkFlags } from "./frontend.ts";
 * assert.deepEqual(pipNetworkFlags({}), ["--retries", "1", "--timeout", "15"]);
 * assert.deepEqual(pipNetworkFlags({ PIP_RETRIES: "0" }), ["--timeout", "15"]);
 * ```
 */
export function pipNetworkFlags(env: Readonly<Record<string, string | undefined>>): string[] {
  return [
    ...(env.PIP_RETRIES ? [] : ["--retries", "1"]),
    ...(env.PIP_TIMEOUT ? [] : ["--timeout", "15"]),
  ];
}

/**
 * The commands that create `venvDir` and install JupyterLab into it (pure).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { installCommands } from "./frontend.ts";
 * const { venv, pip } = installCommands("python3", "/r/.venv", {}, "linux");
 * assert.deepEqual(venv, ["python3", "-m", "venv", "/r/.venv"]);
 * assert.deepEqual(pip, [
 *   "/r/.venv/bin/python", "-m", "pip", "install", "--disable-pip-version-check",
 *   "--retries", "1", "--timeout", "15", "jupyterlab==4.6.4",
 * ]);
 * ```
 */
export function installCommands(
  python: string,
  venvDir: string,
  env: Readonly<Record<string, string | undefined>>,
  os: typeof Deno.build.os = Deno.build.os,
): { venv: string[]; pip: string[] } {
  return {
    venv: [python, "-m", "venv", venvDir],
    pip: [
      venvBin(venvDir, "python", os),
      ...["-m", "pip", "install", "--disable-pip-version-check"],
      ...pipNetworkFlags(env),
      `jupyterlab==${JUPYTERLAB_VERSION}`,
    ],
  };
}

/**
 * Creates the venv (unless it has a Python already) and pip-installs JupyterLab into it, showing
 * pip's own progress. Resolves to null on success, else to why not (a venv this call created is
 * removed again when it fails, so a half-made one is not mistaken for a good one).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { installJupyterLab } from "./frontend.ts";
 * const tmp = await Deno.makeTempDir();
 * const why = await installJupyterLab("/no/such/python3", `${tmp}/.venv`, { quiet: true });
 * assert.match(why ?? "", /could not create the virtual environment/);
 * await Deno.remove(tmp, { recursive: true });
 * ```
 */
export async function installJupyterLab(
  python: string,
  venvDir: string,
  { quiet = false }: { quiet?: boolean } = {},
): Promise<string | null> {
  const shown = relative(REPO_ROOT, venvDir).startsWith("..")
    ? venvDir
    : relative(REPO_ROOT, venvDir);
  const log = quiet ? () => {} : (s: string) => console.log(s);
  log(`Installing JupyterLab ${JUPYTERLAB_VERSION} into ${shown} (about a minute, once)…`);
  const { venv, pip } = installCommands(python, venvDir, Deno.env.toObject());
  const venvPython = venvBin(venvDir, "python");
  const existed = await exists(venvDir);
  const fail = async (why: string) => {
    if (!existed) await Deno.remove(venvDir, { recursive: true }).catch(() => {});
    return why;
  };
  if (!(await exists(venvPython))) {
    const res = await run(venv[0], venv.slice(1));
    if (res.code !== 0) {
      return await fail(
        `could not create the virtual environment (\`${venv.join(" ")}\`: ${
          lastLines(res.output)
        })` +
          "; on Debian/Ubuntu install python3-venv",
      );
    }
  }
  if ((await run(venvPython, ["-m", "pip", "--version"])).code !== 0) {
    return await fail(`the virtual environment ${shown} has no pip (install python3-venv)`);
  }
  const status = await new Deno.Command(pip[0], {
    args: pip.slice(1),
    stdin: "null",
    stdout: quiet ? "null" : "inherit",
    stderr: quiet ? "null" : "inherit",
  }).output().catch(() => ({ code: -1 }));
  if (status.code !== 0) {
    return await fail(`\`pip install jupyterlab==${JUPYTERLAB_VERSION}\` failed (see above)`);
  }
  log(`JupyterLab ${JUPYTERLAB_VERSION} installed in ${shown}.`);
  return null;
}

function lastLines(text: string): string {
  return text.trim().split("\n").slice(-2).join(" ").slice(0, 300) || "no output";
}

async function exists(path: string): Promise<boolean> {
  return await Deno.stat(path).then(() => true, () => false);
}

/**
 * Finding Jupyter and installing the Deno kernelspec, shared by `deno task lab`, `deno task export`
 * and the notebook tests.
 *
 * `findJupyter` prefers `$JUPYTER`, then the project's `.venv/` (where `deno task lab` installs
 * JupyterLab), then PATH. `installKernelspec` runs `deno jupyter --install --force` with the given
 * Deno (default `Deno.execPath()`; `deno task lab` passes a copy outside npx's cache, see
 * deno_path.ts), then patches kernel.json: `env.NO_COLOR = "1"` (plain `text/plain` results, no
 * ANSI colours), `interrupt_mode: "message"` (an interrupt stops the cell instead of killing the
 * kernel), and the kernel command wrapped in the relay `kernel_shim.ts` (bundled into the
 * kernelspec directory as `kernel_shim.js`, so the kernel does not depend on this checkout), which
 * gives Deno's kernel `stop_on_error`: Run All stops at the first failing cell.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { patchKernelJson } from "./kernelspec.ts";
 * const k = patchKernelJson({ argv: ["deno", "jupyter", "--kernel"], display_name: "Deno" }, "/bin/deno");
 * assert.equal(k.interrupt_mode, "message");
 * assert.equal(k.env?.NO_COLOR, "1");
 * ```
 * @module
 */
import { delimiter, dirname, join, posix, win32 } from "node:path";
import { fileURLToPath } from "node:url";
import { run } from "./run.ts";

export { run } from "./run.ts";
export type { RunOptions, RunResult } from "./run.ts";

/**
 * Directory of this repository (the parent of tools/).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { REPO_ROOT } from "./kernelspec.ts";
 * assert.ok(Deno.statSync(`${REPO_ROOT}/deno.json`).isFile);
 * ```
 */
export const REPO_ROOT: string = dirname(dirname(fileURLToPath(import.meta.url)));

/**
 * The project-local virtual environment where `deno task lab` installs JupyterLab: `.venv/` at
 * the repository root (git-ignored).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { REPO_ROOT, VENV_DIR } from "./kernelspec.ts";
 * assert.equal(VENV_DIR, `${REPO_ROOT}/.venv`);
 * ```
 */
export const VENV_DIR: string = join(REPO_ROOT, ".venv");

/**
 * The kernelspec fields this module reads or writes.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import type { KernelJson } from "./kernelspec.ts";
 * const k: KernelJson = { argv: ["deno", "jupyter", "--kernel"], display_name: "Deno" };
 * assert.equal(k.argv.length, 3);
 * ```
 */
export interface KernelJson {
  /** Command line; `argv[0]` is the Deno binary. */
  argv: string[];
  /** Name shown in the kernel picker. */
  display_name: string;
  /** Kernel language. */
  language?: string;
  /** Extra environment for the kernel process. */
  env?: Record<string, string>;
  /** `message` sends interrupt_request instead of SIGINT. */
  interrupt_mode?: "signal" | "message";
  /** Any other field is kept as is. */
  [key: string]: unknown;
}

/**
 * Where a kernelspec was installed, and its (patched) kernel.json.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import type { InstalledKernelspec } from "./kernelspec.ts";
 * const k: InstalledKernelspec = { dir: "/k", kernel: { argv: ["deno"], display_name: "Deno" } };
 * assert.equal(k.dir, "/k");
 * ```
 */
export interface InstalledKernelspec {
  /** The kernelspec directory (holds kernel.json and the logos). */
  dir: string;
  /** The kernel.json written. */
  kernel: KernelJson;
}

/**
 * Environment the Deno kernel runs with: no ANSI colours, no update check.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { KERNEL_ENV } from "./kernelspec.ts";
 * assert.equal(KERNEL_ENV.NO_COLOR, "1");
 * ```
 */
export const KERNEL_ENV: Readonly<Record<string, string>> = {
  NO_COLOR: "1",
  DENO_NO_UPDATE_CHECK: "1",
};

/**
 * The kernelspec with our settings applied: `argv[0]` = `denoPath`, `KERNEL_ENV` merged into
 * `env`, `interrupt_mode: "message"`; with `shim` (the bundled relay's path) the kernel command runs
 * behind it: `denoPath run --allow-all --no-config <shim> denoPath jupyter …`. Pure; the input is
 * not modified.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { patchKernelJson } from "./kernelspec.ts";
 * const k = patchKernelJson({ argv: ["x", "jupyter"], display_name: "D", env: { A: "1" } }, "/d");
 * assert.deepEqual(k.argv, ["/d", "jupyter"]);
 * assert.deepEqual(k.env, { A: "1", NO_COLOR: "1", DENO_NO_UPDATE_CHECK: "1" });
 * const s = patchKernelJson({ argv: ["x", "jupyter"], display_name: "D" }, "/d", "/k/kernel_shim.js");
 * assert.deepEqual(s.argv, ["/d", "run", "--allow-all", "--no-config", "/k/kernel_shim.js", "/d", "jupyter"]);
 * ```
 */
export function patchKernelJson(kernel: KernelJson, denoPath: string, shim?: string): KernelJson {
  if (!Array.isArray(kernel.argv) || kernel.argv.length === 0) {
    throw new TypeError(
      `kernel.json: argv must be a non-empty array, got ${JSON.stringify(kernel.argv)}`,
    );
  }
  const command = [denoPath, ...kernel.argv.slice(1)];
  return {
    ...kernel,
    argv: shim ? [denoPath, "run", "--allow-all", "--no-config", shim, ...command] : command,
    env: { ...kernel.env, ...KERNEL_ENV },
    interrupt_mode: "message",
  };
}

/**
 * The jupyter program inside the virtual environment `venvDir` (`bin/jupyter`; on Windows
 * `Scripts\\jupyter.exe`); `venvBin(dir, "python")` likewise.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { venvBin } from "./kernelspec.ts";
 * assert.equal(venvBin("/r/.venv", "jupyter", "linux"), "/r/.venv/bin/jupyter");
 * assert.equal(venvBin("C:\\r\\.venv", "python", "windows"), "C:\\r\\.venv\\Scripts\\python.exe");
 * ```
 */
export function venvBin(venvDir: string, program: string, os = Deno.build.os): string {
  return os === "windows"
    ? win32.join(venvDir, "Scripts", `${program}.exe`)
    : posix.join(venvDir, "bin", program);
}

/**
 * The `jupyter` programs that exist, best first: the project's venv (`venvDir`, default `.venv/`
 * at the repository root), each `jupyter` on PATH, then /usr/bin/jupyter (Debian's).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { jupyterCandidates } from "./kernelspec.ts";
 * const found = await jupyterCandidates({ venvDir: "/no/such/venv" });
 * assert.ok(found.every((p) => /jupyter(\.exe)?$/.test(p) && !p.startsWith("/no/")));
 * ```
 */
export async function jupyterCandidates(
  { venvDir = VENV_DIR }: { venvDir?: string } = {},
): Promise<string[]> {
  const candidates = [venvBin(venvDir, "jupyter")];
  for (const dir of (Deno.env.get("PATH") ?? "").split(delimiter)) {
    if (dir) candidates.push(join(dir, Deno.build.os === "windows" ? "jupyter.exe" : "jupyter"));
  }
  candidates.push("/usr/bin/jupyter");
  const found: string[] = [];
  for (const c of new Set(candidates)) if (await isFile(c)) found.push(c);
  return found;
}

/**
 * The first working `jupyter` command (`--version` succeeds; with `need`, `jupyter <need>` works
 * too): `$JUPYTER` when set (then the only candidate), else the project's `.venv/`, then PATH (a
 * pyenv shim without Jupyter fails `--version` and is skipped), then /usr/bin/jupyter. Null when
 * there is none.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { findJupyter } from "./kernelspec.ts";
 * const jupyter = await findJupyter();
 * assert.ok(jupyter === null || /jupyter(\.exe)?$/.test(jupyter) || jupyter === Deno.env.get("JUPYTER"));
 * ```
 */
export async function findJupyter(
  { venvDir, need, envJupyter }: {
    venvDir?: string;
    need?: string;
    /** Instead of `$JUPYTER` (null: as if unset); for tests, which must not change the env. */
    envJupyter?: string | null;
  } = {},
): Promise<string | null> {
  const works = async (c: string) =>
    need ? await hasSubcommand(c, need) : (await run(c, ["--version"])).code === 0;
  const fromEnv = envJupyter === undefined ? Deno.env.get("JUPYTER") : envJupyter;
  if (fromEnv) return (await works(fromEnv)) ? fromEnv : null;
  for (const candidate of await jupyterCandidates({ venvDir })) {
    if (await works(candidate)) return candidate;
  }
  return null;
}

/**
 * True when `jupyter <subcommand> --version` works (e.g. `lab`, `notebook`, `nbconvert`).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { findJupyter, hasSubcommand } from "./kernelspec.ts";
 * const jupyter = await findJupyter();
 * if (jupyter) assert.equal(await hasSubcommand(jupyter, "no-such-subcommand"), false);
 * ```
 */
export async function hasSubcommand(jupyter: string, subcommand: string): Promise<boolean> {
  return (await run(jupyter, [subcommand, "--version"])).code === 0;
}

/**
 * Installs (or refreshes) the Deno kernelspec `name` with `denoPath` and patches its kernel.json.
 * Skips the install when a kernel.json with exactly these settings is already in place.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { installKernelspec } from "./kernelspec.ts";
 * const { kernel } = await installKernelspec();
 * assert.equal(kernel.argv[0], Deno.execPath());
 * assert.equal(kernel.interrupt_mode, "message");
 * ```
 */
export async function installKernelspec(
  { denoPath = Deno.execPath(), name = "deno", jupyter }: {
    denoPath?: string;
    name?: string;
    jupyter?: string | null;
  } = {},
): Promise<InstalledKernelspec> {
  const shim = await bundleShim(denoPath);
  const existing = await findKernelspec(name, jupyter ?? null);
  if (existing) {
    const current = await readKernelJson(existing);
    if (current && isPatched(current, denoPath, join(existing, SHIM_FILE))) {
      if (await sameBytes(join(existing, SHIM_FILE), shim)) {
        return { dir: existing, kernel: current };
      }
      await writeAtomic(join(existing, SHIM_FILE), shim);
      return { dir: existing, kernel: current };
    }
  }
  const args = ["jupyter", "--install", "--force", "--name", name];
  const res = await run(denoPath, args, { env: { NO_COLOR: "1" } });
  if (res.code !== 0) {
    throw new Error(`kernelspec: \`${denoPath} ${args.join(" ")}\` failed:\n${res.output}`);
  }
  const reported = /installed successfully at (.+?)\.?\s*$/m.exec(res.output)?.[1];
  const dir = reported ?? (await findKernelspec(name, jupyter ?? null));
  if (!dir) {
    throw new Error(`kernelspec: installed "${name}" but cannot find where:\n${res.output}`);
  }
  const kernel = await readKernelJson(dir);
  if (!kernel) throw new Error(`kernelspec: ${join(dir, "kernel.json")} is missing or not JSON`);
  const patched = patchKernelJson(kernel, denoPath, join(dir, SHIM_FILE));
  await writeAtomic(join(dir, SHIM_FILE), shim);
  await writeAtomic(join(dir, "kernel.json"), ENC.encode(JSON.stringify(patched, null, 2) + "\n"));
  return { dir, kernel: patched };
}

/** The relay's file name inside the kernelspec directory. */
const SHIM_FILE = "kernel_shim.js";
const ENC = new TextEncoder();

/** `tools/kernel_shim.ts` and its imports as one JavaScript file (`deno bundle`). */
async function bundleShim(denoPath: string): Promise<Uint8Array> {
  const out = await Deno.makeTempFile({ prefix: "kernel_shim-", suffix: ".js" });
  try {
    const res = await run(denoPath, [
      "bundle",
      "--platform",
      "deno",
      "--quiet",
      "-o",
      out,
      join(REPO_ROOT, "tools", "kernel_shim.ts"),
    ]);
    if (res.code !== 0) {
      throw new Error(`kernelspec: bundling kernel_shim.ts failed:\n${res.output}`);
    }
    return await Deno.readFile(out);
  } finally {
    await Deno.remove(out).catch(() => {});
  }
}

/** Writes through a temporary file and a rename: a kernel starting meanwhile never reads half. */
async function writeAtomic(file: string, bytes: Uint8Array): Promise<void> {
  const tmp = `${file}.${crypto.randomUUID().slice(0, 8)}.tmp`;
  await Deno.writeFile(tmp, bytes);
  await Deno.rename(tmp, file);
}

async function sameBytes(file: string, bytes: Uint8Array): Promise<boolean> {
  try {
    const have = await Deno.readFile(file);
    return have.length === bytes.length && have.every((b, i) => b === bytes[i]);
  } catch {
    return false;
  }
}

/**
 * The directory of kernelspec `name`: from `jupyter kernelspec list --json` when that command
 * exists, else the first `<data dir>/kernels/<name>/kernel.json` over `jupyter --paths --json`
 * (or the per-user defaults when Jupyter is absent). Null when not installed.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { findKernelspec } from "./kernelspec.ts";
 * assert.equal(await findKernelspec("no-such-kernel-x9", null), null);
 * ```
 */
export async function findKernelspec(name: string, jupyter: string | null): Promise<string | null> {
  if (jupyter) {
    const listed = await run(jupyter, ["kernelspec", "list", "--json"]);
    if (listed.code === 0) {
      try {
        const dir = JSON.parse(listed.stdout).kernelspecs?.[name]?.resource_dir;
        if (typeof dir === "string") return dir;
      } catch { /* fall through to the data dirs */ }
    }
  }
  for (const dataDir of await jupyterDataDirs(jupyter)) {
    const dir = join(dataDir, "kernels", name);
    if (await isFile(join(dir, "kernel.json"))) return dir;
  }
  return null;
}

async function jupyterDataDirs(jupyter: string | null): Promise<string[]> {
  if (jupyter) {
    const res = await run(jupyter, ["--paths", "--json"]);
    if (res.code === 0) {
      try {
        return JSON.parse(res.stdout).data ?? [];
      } catch { /* use the defaults */ }
    }
  }
  const home = Deno.env.get("HOME") ?? Deno.env.get("USERPROFILE") ?? "";
  if (Deno.build.os === "darwin") return [join(home, "Library", "Jupyter")];
  if (Deno.build.os === "windows") return [join(Deno.env.get("APPDATA") ?? home, "jupyter")];
  return [join(Deno.env.get("XDG_DATA_HOME") ?? join(home, ".local", "share"), "jupyter")];
}

function isPatched(kernel: KernelJson, denoPath: string, shim: string): boolean {
  const expected = patchKernelJson(
    { ...kernel, argv: [denoPath, "jupyter", "--kernel", "--conn", "{connection_file}"] },
    denoPath,
    shim,
  ).argv;
  return JSON.stringify(kernel.argv) === JSON.stringify(expected) &&
    kernel.interrupt_mode === "message" &&
    Object.entries(KERNEL_ENV).every(([k, v]) => kernel.env?.[k] === v);
}

async function readKernelJson(dir: string): Promise<KernelJson | null> {
  try {
    return JSON.parse(await Deno.readTextFile(join(dir, "kernel.json")));
  } catch {
    return null;
  }
}

async function isFile(path: string): Promise<boolean> {
  try {
    return (await Deno.stat(path)).isFile;
  } catch {
    return false;
  }
}

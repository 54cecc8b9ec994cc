/**
 * A Deno binary path that outlives npx's cache, for the kernelspec's `argv[0]`.
 *
 * `npx -y deno@2.9.6 task lab` runs a Deno that sits in npx's cache (`~/.npm/_npx/<hash>/…`, on
 * Windows `%LOCALAPPDATA%\npm-cache\_npx\…`). npm may clean that cache at any time, and a kernelspec
 * pointing there then fails to start ("kernel died"). So when the running Deno is in such a place,
 * it is copied once to a per-user location (`~/.cache/cs231n-deno/deno-<version>/deno`, Windows
 * `%LOCALAPPDATA%\cs231n-deno\deno-<version>\deno.exe`) and the kernelspec points there; any other
 * Deno (installed with npm -g, the install script, a package manager) is used where it is.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { kernelDenoPath } from "./deno_path.ts";
 * const env = { HOME: "/home/ada" };
 * const npx = "/home/ada/.npm/_npx/6f1c/node_modules/deno/deno";
 * assert.deepEqual(kernelDenoPath(npx, { os: "linux", env, version: "2.9.6" }), {
 *   path: "/home/ada/.cache/cs231n-deno/deno-2.9.6/deno",
 *   copyFrom: npx,
 * });
 * assert.deepEqual(kernelDenoPath("/usr/local/bin/deno", { os: "linux", env, version: "2.9.6" }), {
 *   path: "/usr/local/bin/deno",
 * });
 * ```
 * @module
 */
import { posix, win32 } from "node:path";

/**
 * Where a Deno is and who decides: the OS, the environment (HOME, XDG_CACHE_HOME, LOCALAPPDATA,
 * USERPROFILE) and the Deno version (the copy's folder is per version).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import type { DenoPathContext } from "./deno_path.ts";
 * const ctx: DenoPathContext = { os: "windows", env: { LOCALAPPDATA: "C:\\L" }, version: "2.9.6" };
 * assert.equal(ctx.os, "windows");
 * ```
 */
export interface DenoPathContext {
  /** `Deno.build.os`. */
  os: typeof Deno.build.os;
  /** Environment variables (only the few named above are read). */
  env: Readonly<Record<string, string | undefined>>;
  /** Deno's version, e.g. `Deno.version.deno`. */
  version: string;
}

/**
 * True when `path` is inside npm's npx cache (`/_npx/` or `/.npm/`, either slash), which npm may
 * clean.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { isTransientDenoPath } from "./deno_path.ts";
 * assert.equal(isTransientDenoPath("/root/.npm/_npx/ab12/node_modules/deno/deno"), true);
 * assert.equal(isTransientDenoPath("C:\\Users\\a\\AppData\\Local\\npm-cache\\_npx\\1\\deno.exe"), true);
 * assert.equal(isTransientDenoPath("/usr/local/bin/deno"), false);
 * ```
 */
export function isTransientDenoPath(path: string): boolean {
  const p = path.replaceAll("\\", "/");
  return p.includes("/_npx/") || p.includes("/.npm/");
}

/**
 * The per-user place for a copy of Deno `version`, or null when the environment names no home.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { stableDenoPath } from "./deno_path.ts";
 * assert.equal(
 *   stableDenoPath({ os: "linux", env: { XDG_CACHE_HOME: "/c", HOME: "/h" }, version: "2.9.6" }),
 *   "/c/cs231n-deno/deno-2.9.6/deno",
 * );
 * assert.equal(
 *   stableDenoPath({ os: "windows", env: { LOCALAPPDATA: "C:\\Users\\a\\AppData\\Local" }, version: "2.9.6" }),
 *   "C:\\Users\\a\\AppData\\Local\\cs231n-deno\\deno-2.9.6\\deno.exe",
 * );
 * assert.equal(stableDenoPath({ os: "linux", env: {}, version: "2.9.6" }), null);
 * ```
 */
export function stableDenoPath({ os, env, version }: DenoPathContext): string | null {
  if (os === "windows") {
    const base = env.LOCALAPPDATA ||
      (env.USERPROFILE ? win32.join(env.USERPROFILE, "AppData", "Local") : "");
    return base ? win32.join(base, "cs231n-deno", `deno-${version}`, "deno.exe") : null;
  }
  const base = env.XDG_CACHE_HOME || (env.HOME ? posix.join(env.HOME, ".cache") : "");
  return base ? posix.join(base, "cs231n-deno", `deno-${version}`, "deno") : null;
}

/**
 * The Deno the kernelspec should run: `execPath` itself unless it is in npx's cache, else the
 * stable copy's path with `copyFrom` set (the copy may not exist yet). Pure.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { kernelDenoPath } from "./deno_path.ts";
 * const ctx = { os: "darwin" as const, env: { HOME: "/Users/a" }, version: "2.9.6" };
 * assert.equal(kernelDenoPath("/opt/homebrew/bin/deno", ctx).copyFrom, undefined);
 * assert.equal(
 *   kernelDenoPath("/Users/a/.npm/_npx/9/node_modules/deno/deno", ctx).path,
 *   "/Users/a/.cache/cs231n-deno/deno-2.9.6/deno",
 * );
 * ```
 */
export function kernelDenoPath(
  execPath: string,
  ctx: DenoPathContext,
): { path: string; copyFrom?: string } {
  if (!isTransientDenoPath(execPath)) return { path: execPath };
  const stable = stableDenoPath(ctx);
  return stable ? { path: stable, copyFrom: execPath } : { path: execPath };
}

/**
 * `kernelDenoPath` carried out: copies the running Deno to the stable place when needed (once:
 * a copy of the same size is reused; written to a temporary name, then renamed, so a half copy is
 * never used) and resolves to the path for the kernelspec. If copying fails it warns and returns
 * `execPath`, which works until npm cleans its cache.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { ensureStableDeno } from "./deno_path.ts";
 * assert.equal(await ensureStableDeno("/usr/local/bin/deno"), "/usr/local/bin/deno");
 * ```
 */
export async function ensureStableDeno(
  execPath: string = Deno.execPath(),
  ctx: DenoPathContext = {
    os: Deno.build.os,
    env: Deno.env.toObject(),
    version: Deno.version.deno,
  },
): Promise<string> {
  const { path, copyFrom } = kernelDenoPath(execPath, ctx);
  if (!copyFrom) return path;
  try {
    const size = (await Deno.stat(copyFrom)).size;
    const existing = await Deno.stat(path).catch(() => null);
    if (existing?.isFile && existing.size === size) return path;
    const dir = ctx.os === "windows" ? win32.dirname(path) : posix.dirname(path);
    await Deno.mkdir(dir, { recursive: true });
    const tmp = `${path}.${crypto.randomUUID().slice(0, 8)}.tmp`;
    try {
      await Deno.copyFile(copyFrom, tmp);
      if (ctx.os !== "windows") await Deno.chmod(tmp, 0o755);
      await Deno.rename(tmp, path);
    } finally {
      await Deno.remove(tmp).catch(() => {});
    }
    console.log(`Copied Deno from npx's cache to ${path} (the kernel runs it from there).`);
    return path;
  } catch (e) {
    console.error(
      `warning: cannot copy Deno to ${path} (${e instanceof Error ? e.message : e}); the kernel ` +
        `runs ${execPath}, which stops working if npm cleans its cache (run \`deno task lab\` again)`,
    );
    return execPath;
  }
}

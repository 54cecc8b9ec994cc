/**
 * The grading base: the pristine student edition's deno.json, deno.lock and `lib/` with every
 * solution region stubbed, made from an instructor repository (`deno task grade` builds it when it
 * grades with the repository's own tests; a released autograder carries it ready-made).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { copyStubbed } from "./base.ts";
 * const a = await Deno.makeTempDir(), b = await Deno.makeTempDir();
 * await Deno.writeTextFile(`${a}/f.ts`, "export function f() {\n  return 1; // SOLUTION\n}\n");
 * assert.deepEqual(await copyStubbed(a, b), { "f.ts": ["f"] });
 * await Deno.remove(a, { recursive: true });
 * await Deno.remove(b, { recursive: true });
 * ```
 * @module
 */
import { dirname, join } from "node:path";
import { findRegions, stubSource } from "./markers.ts";
import { listFiles } from "../judge/zip.ts";

/**
 * Copies `src` to `dst` with every `.ts` file's solution regions stubbed; returns the regions
 * found, by file (relative to `src`).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { copyStubbed } from "./base.ts";
 * const a = await Deno.makeTempDir(), b = await Deno.makeTempDir();
 * await Deno.writeTextFile(`${a}/f.ts`, "function f() {\n  return 1; // SOLUTION\n}\n");
 * assert.deepEqual(await copyStubbed(a, b), { "f.ts": ["f"] });
 * assert.match(await Deno.readTextFile(`${b}/f.ts`), /throw new Error\("TODO: implement f"\)/);
 * await Deno.remove(a, { recursive: true });
 * await Deno.remove(b, { recursive: true });
 * ```
 */
export async function copyStubbed(
  src: string,
  dst: string,
  label = "",
): Promise<Record<string, string[]>> {
  const regions: Record<string, string[]> = {};
  for (const path of await listFiles(src)) {
    const target = join(dst, path);
    await Deno.mkdir(dirname(target), { recursive: true });
    if (!path.endsWith(".ts")) {
      await Deno.copyFile(join(src, path), target);
      continue;
    }
    const text = await Deno.readTextFile(join(src, path));
    const where = label ? `${label}/${path}` : path;
    const found = findRegions(text, where);
    if (found.length) regions[path] = found.map((r) => r.name);
    await Deno.writeTextFile(target, found.length ? stubSource(text, where) : text);
  }
  return regions;
}

/**
 * Builds the grading base from a repository: deno.json, deno.lock and lib/ with every solution
 * region stubbed (what a student starts from).
 *
 * @example
 * ```ts ignore
 * await buildBase(REPO_ROOT, await Deno.makeTempDir());
 * ```
 */
export async function buildBase(root: string, dir: string): Promise<void> {
  await Deno.mkdir(dir, { recursive: true });
  for (const f of ["deno.json", "deno.lock"]) {
    await Deno.copyFile(join(root, f), join(dir, f)).catch((e) => {
      if (!(e instanceof Deno.errors.NotFound) || f === "deno.json") throw e;
    });
  }
  await copyStubbed(join(root, "lib"), join(dir, "lib"), "lib");
}

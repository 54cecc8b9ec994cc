/**
 * The grading workspace: a fresh copy of the pristine student edition (`base`: deno.json,
 * deno.lock and the stubbed lib/), the submission's assignment files on top, and the instructor's
 * copy of the tests. Nothing else of the submission is used, so edited or deleted tests in a
 * submission change nothing.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { locateFiles } from "./workspace.ts";
 * const found = locateFiles(["sub/lib/a.ts", "b.ts"], ["lib/a.ts", "lib/x/b.ts", "lib/c.ts"]);
 * assert.deepEqual([...found.values()].map((f) => f?.path ?? null), ["sub/lib/a.ts", "b.ts", null]);
 * ```
 * @module
 */
import { basename, dirname, join } from "node:path";
import { listFiles } from "./zip.ts";

/**
 * Copies the files of `src` into `dst` (created), skipping paths for which `skip` is true.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { copyTree } from "./workspace.ts";
 * const a = await Deno.makeTempDir(), b = await Deno.makeTempDir();
 * await Deno.writeTextFile(`${a}/x.txt`, "x");
 * assert.deepEqual(await copyTree(a, `${b}/c`), ["x.txt"]);
 * await Deno.remove(a, { recursive: true });
 * await Deno.remove(b, { recursive: true });
 * ```
 */
export async function copyTree(
  src: string,
  dst: string,
  skip: (path: string) => boolean = () => false,
): Promise<string[]> {
  const copied: string[] = [];
  for (const path of await listFiles(src)) {
    if (skip(path)) continue;
    await Deno.mkdir(dirname(join(dst, path)), { recursive: true });
    await Deno.copyFile(join(src, path), join(dst, path));
    copied.push(path);
  }
  await Deno.mkdir(dst, { recursive: true });
  return copied;
}

/**
 * Where each wanted file is in a submission: the shortest submitted path ending in the wanted
 * path (a repository at any depth), else the shortest with the same file name (files uploaded
 * on their own), else null.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { locateFiles } from "./workspace.ts";
 * const m = locateFiles(["x/softmax.ts"], ["lib/losses/softmax.ts"]);
 * assert.deepEqual(m.get("lib/losses/softmax.ts"), { path: "x/softmax.ts", byName: true });
 * ```
 */
export function locateFiles(
  submitted: readonly string[],
  wanted: readonly string[],
): Map<string, { path: string; byName: boolean } | null> {
  const out = new Map<string, { path: string; byName: boolean } | null>();
  const shortest = (xs: string[]) => xs.sort((a, b) => a.length - b.length || (a < b ? -1 : 1))[0];
  for (const w of wanted) {
    const exact = submitted.filter((p) => p === w || p.endsWith(`/${w}`));
    if (exact.length) {
      out.set(w, { path: shortest(exact), byName: false });
      continue;
    }
    const named = submitted.filter((p) => basename(p) === basename(w));
    out.set(w, named.length ? { path: shortest(named), byName: true } : null);
  }
  return out;
}

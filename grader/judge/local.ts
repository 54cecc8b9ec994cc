/**
 * Grading tests under plain `deno test` (a student's `deno task test`, this repository's CI): the
 * sandbox runs this checkout's own `lib/`, prepared once per process (entry and import probe, no
 * import gate: it is the student's own machine), with each test's timeout from the manifest.
 *
 * @example
 * ```ts ignore
 * const session = await localSession("kFoldSplit: 10 examples in 3 contiguous folds of sizes 4, 3, 3");
 * ```
 * @module
 */
import { fromFileUrl } from "./paths.ts";
import { assignmentFiles, loadManifest, type Manifest, resolveTests } from "./manifest.ts";
import { type Prepared, prepareSandbox } from "./prepare.ts";
import { TestSession } from "./session.ts";

const ROOT = fromFileUrl(new URL("../../", import.meta.url)).replace(/\/$/, "");

let prepared: Promise<{ ready: Prepared; manifest: Manifest }> | null = null;

/**
 * A session for the test of that name, over this checkout's `lib/`.
 *
 * @example
 * ```ts ignore
 * const t = await localSession("adam: the first step");
 * ```
 */
export async function localSession(name: string): Promise<TestSession> {
  prepared ??= (async () => {
    const manifest = await loadManifest(`${ROOT}/assignments/assignments.json`);
    const modules = [...new Set(manifest.assignments.flatMap(assignmentFiles))];
    const ready = await prepareSandbox({ workspace: ROOT, modules, gate: false });
    globalThis.addEventListener("unload", () => {
      try {
        Deno.removeSync(ready.spec.entry.replace(/\/[^/]+$/, ""), { recursive: true });
      } catch { /* already gone */ }
    });
    return { ready, manifest };
  })();
  const { ready, manifest } = await prepared;
  const timeout = manifest.assignments.flatMap((a) => resolveTests(a, manifest.defaults))
    .find((t) => t.name === name)?.timeoutSeconds ?? manifest.defaults?.timeoutSeconds ?? 20;
  return new TestSession(ready.spec, timeout);
}

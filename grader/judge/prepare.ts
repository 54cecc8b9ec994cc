/**
 * Readies a workspace for its tests, once per submission: refuses modules whose import graph
 * leaves the workspace (`importsOutside`), writes the sandbox entry, and imports each graded
 * module once in its own sandbox process (the import probe). A module that throws, exits, hangs
 * or runs out of memory while it is imported is marked broken with the reason, so its tests fail
 * at once with that message: an infinite loop at import costs one timeout, not one per test.
 *
 * @example
 * ```ts ignore
 * const ready = await prepareSandbox({ workspace: ws, modules: ["lib/cross_validation.ts"], gate: true });
 * try { … ready.spec … } finally { await ready.dispose(); }
 * ```
 * @module
 */
import { DEFAULT_LIMITS, type Limits } from "./limits.ts";
import { SandboxError, SandboxProcess } from "./sandbox_process.ts";
import { cleanPaths, type SandboxSpec, writeEntry } from "./session.ts";
import { importsOutside } from "./typecheck.ts";
import { join } from "node:path";

/**
 * Options of {@link prepareSandbox}.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import type { PrepareOptions } from "./prepare.ts";
 * const o: PrepareOptions = { workspace: "/ws", modules: ["lib/x.ts"], gate: true };
 * assert.ok(o.gate);
 * ```
 */
export interface PrepareOptions {
  /** The workspace: deno.json, deno.lock, lib/. */
  workspace: string;
  /** The graded modules (workspace-relative paths). */
  modules: readonly string[];
  /** Check every module's import graph stays in the workspace (grading: yes). */
  gate: boolean;
  /** Memory, heap and output limits of the sandbox processes. */
  limits?: Partial<Limits>;
  /** Seconds a module may take to import (default 10). */
  importSeconds?: number;
}

/**
 * A prepared workspace.
 *
 * @example
 * ```ts ignore
 * const { spec, dispose } = await prepareSandbox(options);
 * ```
 */
export interface Prepared {
  /** What every test session of the submission uses. */
  spec: SandboxSpec;
  /** Modules refused because their import graph leaves the workspace → what it reaches. */
  outside: Map<string, string[]>;
  /** Removes the entry's temporary folder. */
  dispose(): Promise<void>;
}

/**
 * Gate, entry and import probe (see the module doc).
 *
 * @example
 * ```ts ignore
 * const ready = await prepareSandbox({ workspace, modules, gate: true });
 * ```
 */
export async function prepareSandbox(o: PrepareOptions): Promise<Prepared> {
  const broken = new Map<string, string>();
  const outside = new Map<string, string[]>();
  if (o.gate) {
    for (const [file, bad] of await importsOutside(o.workspace, o.modules)) {
      if (bad.length === 0) continue;
      outside.set(file, bad);
      broken.set(
        file,
        `it imports ${bad.slice(0, 3).join(", ")}${bad.length > 3 ? " …" : ""}, outside the ` +
          `library: graded code may import only the files of the student edition (nothing ran)`,
      );
    }
  }
  const dir = await Deno.makeTempDir({ prefix: "grader-entry-" });
  const loadable = o.modules.filter((m) => !broken.has(m));
  const entry = await writeEntry(dir, o.workspace, loadable);
  const limits = { ...DEFAULT_LIMITS, ...o.limits };
  const importSeconds = o.importSeconds ?? 10;
  await Promise.all(loadable.map(async (m) => {
    let p: SandboxProcess | null = null;
    try {
      p = await SandboxProcess.start({
        entry,
        config: join(o.workspace, "deno.json"),
        modules: [m],
        limits: { ...limits, wallSeconds: importSeconds, cpuSeconds: importSeconds },
        importSeconds,
      });
      const status = p.ready[m];
      if (!status) broken.set(m, "the sandbox did not import it");
      else if ("error" in status) {
        broken.set(m, cleanPaths(`${status.error.name}: ${status.error.message}`, o.workspace));
      }
    } catch (e) {
      const why = e instanceof SandboxError && e.kind === "limit" && e.limit === "wall"
        ? `importing it did not finish within ${importSeconds} s (an infinite loop at the top ` +
          `level of a module?)`
        : `importing it stopped the process: ${(e as Error).message}`;
      broken.set(m, why);
    } finally {
      p?.kill();
      await p?.exited;
    }
  }));
  const spec: SandboxSpec = {
    entry,
    config: join(o.workspace, "deno.json"),
    workspace: o.workspace,
    modules: loadable.filter((m) => !broken.has(m)),
    broken,
    limits: o.limits,
    importSeconds,
  };
  return {
    spec,
    outside,
    dispose: () => Deno.remove(dir, { recursive: true }).catch(() => {}),
  };
}

/**
 * What the judge lets `deno` read of a submission before any of it runs:
 *
 * - {@link importsOutside}: the import graph of each submitted file (`deno info`, no downloads).
 *   A static import, or a dynamic import with a literal specifier, is loaded by Deno without any
 *   permission check, so a graph that reaches a file outside the workspace (the hidden tests, the
 *   judge) is refused before anything runs. Imports built at run time need read permission, which
 *   the sandbox does not have.
 * - {@link typeErrors}: `deno check` of the submitted files, reported but never scored. Only
 *   diagnostics located in the student's own files are kept.
 *
 * Both run with every download blocked (`NO_NETWORK`, `--no-remote`).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { splitCheckOutput } from "./typecheck.ts";
 * const out = "TS2322 [ERROR]: Type 'number' is not assignable to type 'string'.\n    at lib/a.ts:1:7\n\n" +
 *   "Found 1 error.\n\nerror: Type checking failed.";
 * assert.deepEqual(splitCheckOutput(out), [
 *   "TS2322 [ERROR]: Type 'number' is not assignable to type 'string'.\n    at lib/a.ts:1:7",
 * ]);
 * ```
 * @module
 */
import { join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { NO_NETWORK } from "./sandbox_process.ts";

/**
 * For each file, the modules of its import graph that are local files outside `workspace` (or
 * remote): empty when the graph stays inside.
 *
 * @example
 * ```ts ignore
 * const outside = await importsOutside("/tmp/ws", ["lib/losses/softmax.ts"]);
 * ```
 */
export async function importsOutside(
  workspace: string,
  files: readonly string[],
  timeoutSeconds = 60,
): Promise<Map<string, string[]>> {
  const out = new Map<string, string[]>();
  await Promise.all(files.map(async (file) => {
    const { ok, stdout, stderr } = await run(workspace, [
      "info",
      "--json",
      "--no-remote",
      `--config=${join(workspace, "deno.json")}`,
      file,
    ], timeoutSeconds);
    if (!ok) {
      out.set(file, [`its imports could not be read: ${clean(stderr, workspace, 300)}`]);
      return;
    }
    const bad: string[] = [];
    const graph = JSON.parse(stdout) as { modules?: { specifier?: string }[] };
    for (const m of graph.modules ?? []) {
      const spec = String(m.specifier ?? "");
      if (spec.startsWith("file:")) {
        const path = fileURLToPath(spec);
        const rel = relative(workspace, path);
        if (rel.startsWith("..") || resolve(workspace, rel) !== path) bad.push(path);
      } else if (!/^(npm|node|data):/.test(spec)) bad.push(spec);
    }
    out.set(file, bad);
  }));
  return out;
}

/**
 * Type errors of the given files or folders (`deno check`), one block per error, cleaned of paths
 * and colours; empty when they type-check. With `ownOnly` (grading), an error is kept only when
 * every location it names is inside those files or folders: nothing of any other file is shown.
 *
 * @example
 * ```ts ignore
 * const errors = await typeErrors(ws, ["lib/losses/softmax.ts"], { ownOnly: true });
 * ```
 */
export async function typeErrors(
  cwd: string,
  files: readonly string[],
  { ownOnly = false, timeoutSeconds = 120 }: { ownOnly?: boolean; timeoutSeconds?: number } = {},
): Promise<string[]> {
  if (files.length === 0) return [];
  const { ok, stderr } = await run(cwd, [
    "check",
    "--no-remote",
    `--config=${join(cwd, "deno.json")}`,
    ...files,
  ], timeoutSeconds);
  if (ok) return [];
  const inside = (p: string) => files.some((f) => p === f || (f.endsWith("/") && p.startsWith(f)));
  const text = clean(stderr, cwd, 200_000);
  const blocks = splitCheckOutput(text);
  if (!ownOnly) return blocks.length ? blocks : [text || "deno check failed"];
  // An error counts when its own location is in the student's files; its related information
  // (which may point into other files) is cut.
  const own: string[] = [];
  for (const block of blocks) {
    const lines = block.split("\n");
    const at = lines.findIndex((l) => /^\s+at \S+?:\d+:\d+$/.test(l));
    if (at < 0) continue;
    const path = /^\s+at (\S+?):\d+:\d+$/.exec(lines[at])![1];
    if (!inside(path)) continue;
    const text = lines.slice(0, at + 1).join("\n");
    own.push(text.length > 2000 ? `${text.slice(0, 2000)}\n…` : text);
  }
  return own;
}

/**
 * The error messages of `deno check`'s output (without the "Found N errors" trailer).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { splitCheckOutput } from "./typecheck.ts";
 * assert.deepEqual(splitCheckOutput("Check a.ts\n"), []);
 * ```
 */
export function splitCheckOutput(text: string): string[] {
  return text.split(/\n(?=TS\d+ \[ERROR\]|error: )/).map((b) => b.trim())
    .filter((b) => /\[ERROR\]|^error: /.test(b) && !/^error: Type checking failed/.test(b))
    .map((b) =>
      b.replace(/\n\s*Found \d+ errors?\.[\s\S]*$/, "").replace(/\n\s*info:[\s\S]*$/, "").trim()
    );
}

/**
 * Text for a student: no ANSI colours, no workspace paths, at most `max` characters.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { clean } from "./typecheck.ts";
 * assert.equal(clean("\x1b[31mat file:///tmp/ws/lib/a.ts:3:1\x1b[0m", "/tmp/ws"), "at lib/a.ts:3:1");
 * ```
 */
export function clean(text: string, root: string, max = 3000): string {
  // deno-lint-ignore no-control-regex
  let s = text.replace(/\x1b\[[0-9;?]*[ -/]*[@-~]/g, "");
  for (const prefix of [`file://${root}/`, `${root}/`]) s = s.split(prefix).join("");
  s = s.trim();
  return s.length > max ? `${s.slice(0, max)}\n… (${s.length - max} more characters)` : s;
}

async function run(
  cwd: string,
  args: string[],
  timeoutSeconds: number,
): Promise<{ ok: boolean; stdout: string; stderr: string }> {
  const env: Record<string, string> = { NO_COLOR: "1", DENO_NO_UPDATE_CHECK: "1", ...NO_NETWORK };
  for (const k of ["HOME", "DENO_DIR", "XDG_CACHE_HOME", "PATH"]) {
    const v = Deno.env.get(k);
    if (v) env[k] = v;
  }
  const child = new Deno.Command(Deno.execPath(), {
    args,
    cwd,
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
    clearEnv: true,
    env,
  }).spawn();
  const timer = setTimeout(() => {
    try {
      child.kill("SIGKILL");
    } catch { /* gone */ }
  }, timeoutSeconds * 1000);
  const out = await child.output();
  clearTimeout(timer);
  const dec = new TextDecoder();
  return { ok: out.success, stdout: dec.decode(out.stdout), stderr: dec.decode(out.stderr) };
}

/**
 * Type errors of student code, reported but never scored: `deno check` on the given files, one
 * message per error, cleaned of colours and temp-dir paths.
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
import { clean } from "./test_reports.ts";

/**
 * Type errors of a workspace's files (`deno check`), one block per error, cleaned of paths and
 * colours; empty when it type-checks. Killed after `timeoutSeconds`.
 *
 * @example
 * ```ts ignore
 * const errors = await typeErrors(ws, ["lib/losses/softmax.ts"]);
 * ```
 */
export async function typeErrors(
  cwd: string,
  files: readonly string[],
  timeoutSeconds = 120,
): Promise<string[]> {
  const child = new Deno.Command(Deno.execPath(), {
    args: ["check", ...files],
    cwd,
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
    env: { NO_COLOR: "1", DENO_NO_UPDATE_CHECK: "1" },
  }).spawn();
  const timer = setTimeout(() => child.kill("SIGKILL"), timeoutSeconds * 1000);
  const out = await child.output();
  clearTimeout(timer);
  if (out.success) return [];
  const text = clean(new TextDecoder().decode(out.stderr), cwd, 100_000);
  const blocks = text.split(/\n(?=TS\d+ \[ERROR\]|error: )/).map((b) => b.trim())
    .filter((b) => /\[ERROR\]|^error: /.test(b) && !/^error: Type checking failed/.test(b))
    .map((b) =>
      b.replace(/\n\s*Found \d+ errors?\.[\s\S]*$/, "").replace(/\n\s*info:[\s\S]*$/, "")
    );
  return blocks.length
    ? blocks
    : [out.code === 1 || out.code === 137 ? text || "deno check was stopped" : text];
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

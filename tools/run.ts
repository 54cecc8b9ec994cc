/**
 * Running a command to completion and capturing its output, for the tools (re-exported by
 * kernelspec.ts).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { run } from "./run.ts";
 * assert.equal((await run(Deno.execPath(), ["eval", "console.log(6 * 7)"])).stdout, "42\n");
 * ```
 * @module
 */
/**
 * Result of a finished command.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import type { RunResult } from "./run.ts";
 * const r: RunResult = { code: 0, stdout: "a", stderr: "", output: "a" };
 * assert.equal(r.output, r.stdout + r.stderr);
 * ```
 */
export interface RunResult {
  /** Exit code (−1 when the command could not start). */
  code: number;
  /** Standard output. */
  stdout: string;
  /** Standard error. */
  stderr: string;
  /** stdout and stderr together, for messages. */
  output: string;
}

/**
 * Options of `run`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import type { RunOptions } from "./run.ts";
 * const o: RunOptions = { env: { NO_COLOR: "1" }, input: "{}" };
 * assert.equal(o.input, "{}");
 * ```
 */
export interface RunOptions {
  /** Extra environment variables. */
  env?: Record<string, string>;
  /** Working directory. */
  cwd?: string;
  /** Text piped to standard input (default: no input). */
  input?: string;
}

/**
 * Runs a command to completion, capturing its output; never throws for a missing program.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { run } from "./run.ts";
 * assert.match((await run(Deno.execPath(), ["--version"])).stdout, /^deno \d/);
 * assert.equal((await run("/no/such/program", [])).code, -1);
 * ```
 */
export async function run(
  cmd: string,
  args: string[],
  { env = {}, cwd, input }: RunOptions = {},
): Promise<RunResult> {
  try {
    const child = new Deno.Command(cmd, {
      args,
      env,
      cwd,
      stdin: input === undefined ? "null" : "piped",
      stdout: "piped",
      stderr: "piped",
    }).spawn();
    if (input !== undefined) {
      const writer = child.stdin.getWriter();
      await writer.write(new TextEncoder().encode(input));
      await writer.close();
    }
    const out = await child.output();
    const dec = new TextDecoder();
    const stdout = dec.decode(out.stdout), stderr = dec.decode(out.stderr);
    return { code: out.code, stdout, stderr, output: `${stdout}${stderr}` };
  } catch (e) {
    const msg = `cannot run ${cmd}: ${e instanceof Error ? e.message : e}`;
    return { code: -1, stdout: "", stderr: msg, output: msg };
  }
}

/**
 * `deno task check [A1 | test or function name] [--zip]`: for students. Runs the public tests
 * with the grader's own sandbox, limits and messages (see grader/judge/check.ts) and prints what
 * passed, why the others failed, type errors and the score so far; `--zip` (with one assignment)
 * also writes `submission-A1.zip`.
 *
 * @module
 */
import { parseArgs } from "node:util";
import { REPO_ROOT } from "./kernelspec.ts";
import { check } from "../grader/judge/check.ts";

const USAGE = "usage: deno task check [A1 | a test or function name] [--zip]";

if (import.meta.main) {
  let parsed;
  try {
    parsed = parseArgs({
      args: Deno.args,
      allowPositionals: true,
      options: { zip: { type: "boolean" }, help: { type: "boolean", short: "h" } },
    });
  } catch (e) {
    console.error(`${(e as Error).message}\n${USAGE}`);
    Deno.exit(2);
  }
  if (parsed.values.help) {
    console.log(USAGE);
    Deno.exit(0);
  }
  const failures = await check(REPO_ROOT, parsed.positionals, { zip: parsed.values.zip });
  Deno.exit(failures === 0 ? 0 : 1);
}

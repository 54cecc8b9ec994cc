/**
 * `deno task check [A1 | a test or function name …] [--zip] [--json] [--no-typecheck]`: for
 * students. Runs the public tests with the grader's own sandbox, limits and messages (see
 * grader/judge/check.ts) and prints what passed, why the others failed, type errors and the score
 * so far; `--zip` (with one assignment) also writes `submission-A1.zip`; `--json` prints the
 * results as one JSON object instead (per test: name, function, points, maxPoints, passed,
 * message), which the notebooks' `check()` reads; `--no-typecheck` skips the type check of your
 * files (faster; type errors are never scored).
 *
 * Exit code: 0 when every test checked passes, 1 when one fails or nothing matches, 2 on a usage
 * error.
 *
 * @module
 */
import { parseArgs } from "node:util";
import { REPO_ROOT } from "./kernelspec.ts";
import { check } from "../grader/judge/check.ts";

const USAGE =
  "usage: deno task check [A1 | a test or function name …] [--zip] [--json] [--no-typecheck]";

if (import.meta.main) {
  let parsed;
  try {
    parsed = parseArgs({
      args: Deno.args,
      allowPositionals: true,
      options: {
        zip: { type: "boolean" },
        json: { type: "boolean" },
        "no-typecheck": { type: "boolean" },
        help: { type: "boolean", short: "h" },
      },
    });
  } catch (e) {
    console.error(`${(e as Error).message}\n${USAGE}`);
    Deno.exit(2);
  }
  if (parsed.values.help) {
    console.log(USAGE);
    Deno.exit(0);
  }
  const failures = await check(REPO_ROOT, parsed.positionals, {
    zip: parsed.values.zip,
    json: parsed.values.json,
    typeCheck: !parsed.values["no-typecheck"],
  });
  Deno.exit(failures === 0 ? 0 : 1);
}

/**
 * `deno task release [--assignment A1] [--out dist]`: builds the student edition and one
 * Gradescope autograder per assignment, and refuses (exit 1, nothing written) unless every gate of
 * grader/release/release.ts holds.
 *
 * @module
 */
import { parseArgs } from "node:util";
import { release } from "../grader/release/release.ts";

const USAGE = "usage: deno task release [--assignment A1] [--out dist]";

if (import.meta.main) {
  let values;
  try {
    ({ values } = parseArgs({
      args: Deno.args,
      options: {
        assignment: { type: "string", short: "a" },
        out: { type: "string", short: "o" },
        help: { type: "boolean", short: "h" },
      },
    }));
  } catch (e) {
    console.error(`${(e as Error).message}\n${USAGE}`);
    Deno.exit(2);
  }
  if (values.help) {
    console.log(USAGE);
    Deno.exit(0);
  }
  try {
    const r = await release({ assignment: values.assignment, out: values.out });
    console.log(`\nreleased in ${r.seconds.toFixed(1)} s: ${r.student}`);
    for (const a of r.autograders) console.log(`  ${a.id}: ${a.zip} (${a.max} points)`);
  } catch (e) {
    console.error(`\nrelease refused: ${e instanceof Error ? e.message : e}`);
    Deno.exit(1);
  }
}

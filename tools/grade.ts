/**
 * `deno task grade`: grade one submission, or a folder of them, with the judge in `grader/`.
 *
 * ```sh
 * deno task grade <submission dir or zip> [--assignment A1] [--out results.json]
 * deno task grade --all <folder> [--assignment A1] [--out dir] [-j 2]
 * ```
 *
 * Flags: `--autograder <dir>` grades with a folder made by `deno task release` (run_autograder
 * passes it), `--time-limit <s>`, `--test-timeout <s>` (caps every test's timeout),
 * `--no-typecheck`, `--keep` (keep the workspace), `-j N` (submissions at a time with `--all`).
 * Exit code: 0 when every submission was graded, 1 when the autograder failed on one, 2 on a
 * usage error.
 *
 * @module
 */
import { dirname, join, resolve } from "node:path";
import { parseArgs } from "node:util";
import { REPO_ROOT } from "./kernelspec.ts";
import { type GradingSource, manifestPath } from "../grader/judge/grade.ts";
import { gradeAll, gradeToFile } from "../grader/judge/gradebook.ts";
import { loadManifest } from "../grader/judge/manifest.ts";
import { failedResults } from "../grader/judge/results.ts";
import { buildBase } from "../grader/release/base.ts";

const USAGE = `usage: deno task grade <submission dir or zip> [--assignment A1] [--out results.json]
       deno task grade --all <folder> [--assignment A1] [--out dir] [-j N]
options: --autograder <dir>  --time-limit <s>  --test-timeout <s>  --no-typecheck  --keep  --help`;

async function main(argv: string[]): Promise<number> {
  let values, positionals;
  try {
    ({ values, positionals } = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        assignment: { type: "string", short: "a" },
        out: { type: "string", short: "o" },
        all: { type: "boolean" },
        jobs: { type: "string", short: "j" },
        autograder: { type: "string" },
        "time-limit": { type: "string" },
        "test-timeout": { type: "string" },
        "no-typecheck": { type: "boolean" },
        keep: { type: "boolean" },
        help: { type: "boolean", short: "h" },
      },
    }));
  } catch (e) {
    console.error(`${(e as Error).message}\n${USAGE}`);
    return 2;
  }
  if (values.help) {
    console.log(USAGE);
    return 0;
  }
  if (positionals.length !== 1) {
    console.error(USAGE);
    return 2;
  }
  const singleOut = values.out ?? join(REPO_ROOT, "build", "grade", "results.json");
  const auto = values.autograder ? resolve(values.autograder) : undefined;
  if (auto && auto !== resolve(REPO_ROOT)) {
    // An autograder folder is graded by its own grader (its tests, harness and lib belong
    // together): run its tools/grade.ts with the same arguments.
    const own = join(auto, "tools", "grade.ts");
    if (!(await Deno.stat(own).then((s) => s.isFile, () => false))) {
      const e = new Error(`--autograder ${auto}: no grader there (${own} is missing)`);
      console.error(`grading failed: ${e.message}`);
      if (!values.all) {
        await Deno.mkdir(dirname(resolve(singleOut)), { recursive: true });
        await Deno.writeTextFile(singleOut, JSON.stringify(failedResults(e), null, 2) + "\n");
      }
      return 1;
    }
    const args = [...argv];
    if (!values.out) args.push("--out", singleOut);
    const child = await new Deno.Command(Deno.execPath(), {
      args: ["run", "-A", own, ...args],
      stdin: "null",
      stdout: "inherit",
      stderr: "inherit",
    }).output();
    return child.code;
  }
  const source: GradingSource = auto
    ? { root: auto, base: auto }
    : { root: REPO_ROOT, base: await Deno.makeTempDir({ prefix: "grader-base-" }) };
  try {
    if (!auto) await buildBase(REPO_ROOT, source.base);
    const manifest = await loadManifest(manifestPath(source.root));
    const ids = manifest.assignments.map((a) => a.id);
    const assignment = values.assignment ?? (ids.length === 1 ? ids[0] : undefined);
    if (!assignment) {
      console.error(`name the assignment: --assignment ${ids.join(" | ")}`);
      return 2;
    }
    const common = {
      assignment,
      source,
      manifest,
      keep: values.keep,
      typeCheck: !values["no-typecheck"],
      timeLimitSeconds: values["time-limit"] ? Number(values["time-limit"]) : undefined,
      testTimeoutCap: values["test-timeout"] ? Number(values["test-timeout"]) : undefined,
    };
    if (!values.all) {
      const r = await gradeToFile(
        { ...common, submission: positionals[0], log: (l) => console.log(l) },
        singleOut,
      );
      console.log(
        `${positionals[0]}: ${r.score} / ${r.extra_data?.max_score ?? "?"} → ${singleOut}`,
      );
      return r.extra_data?.autograder_failed ? 1 : 0;
    }
    const folder = resolve(positionals[0]);
    const outDir = values.out ?? join(REPO_ROOT, "build", "grade", assignment);
    const rows = await gradeAll({
      ...common,
      folder,
      outDir,
      jobs: values.jobs ? Number(values.jobs) : 1,
      progress: (l) => console.log(l),
    });
    const failed = rows.filter((r) => r.failed).length;
    console.log(
      `${rows.length} submissions → ${join(outDir, "gradebook.csv")}` +
        (failed ? `; the autograder failed on ${failed}` : ""),
    );
    return failed ? 1 : 0;
  } catch (e) {
    // Before grading could start (no manifest, no base…): still leave a results.json.
    console.error(`grading failed: ${e instanceof Error ? e.stack : e}`);
    if (!values.all) {
      await Deno.mkdir(dirname(resolve(singleOut)), { recursive: true });
      await Deno.writeTextFile(singleOut, JSON.stringify(failedResults(e), null, 2) + "\n");
    }
    return 1;
  } finally {
    if (!auto) await Deno.remove(source.base, { recursive: true }).catch(() => {});
  }
}

if (import.meta.main) Deno.exit(await main(Deno.args));

/**
 * `deno task test`: the one test command (README and CI run exactly this).
 *
 * 1. `deno test` over the unit/integration tests in tests/ and the `@example` blocks of lib/,
 *    grader/ and tools/ (`--doc`), with coverage and JUnit reports (build/junit-*.xml), in three
 *    groups so that the machine's cores are used without slowing the tests that run on timeouts:
 *    - `light` (everything but the lists below) with `--parallel` (one worker per CPU,
 *      `DENO_JOBS` to change it): each test file and each of the ~600 examples starts its own
 *      isolate, minutes of start-up alone when run one by one. Its output goes to
 *      build/test-light.log and is printed when it ends;
 *    - `browser` (`EARLY`: JupyterLab and Chromium, then the lessons through nbclient and the
 *      output stress runs: kernels that mostly wait on each other, generous per-cell limits and no
 *      timed asserts) at the same time, one file after another;
 *    - then, alone, `timed` (`LATE`: the grader's sandboxes with their per-test time limits),
 *      one file after another.
 *    The Deno kernelspec is installed first, once, so no test re-installs it while another test's
 *    kernel starts;
 * 2. coverage of lib/ over the three groups, gated by `deno coverage --threshold=90` (lines,
 *    branches and functions), with build/coverage.lcov written for tools;
 * 3. `deno fmt --check` and `deno lint` over the repository, and `deno doc --lint` over deno.json's
 *    entry points (the public API documented), one test each (the offending files are listed when
 *    they fail);
 * 4. a last line `N passed, N failed` computed from the JUnit report (+ the coverage gate, fmt and
 *    lint).
 *
 * Extra arguments go to `deno test`, e.g. `deno task test --filter matmul`; such a filtered run
 * reports coverage, fmt and lint without counting them.
 * @module
 */
import { existsSync } from "node:fs";

const COVERAGE_FLOOR = 90;
const root = new URL("..", import.meta.url).pathname.replace(/\/$/, "");
const deno = Deno.execPath();
const build = `${root}/build`;
const covDir = `${build}/coverage-raw`;

/**
 * Run one after another, while the light group runs: JupyterLab and Chromium (generous waits),
 * then the lessons' kernels (no timed asserts; nbclient's per-cell limit is 60 s).
 */
const EARLY = [
  "tests/browser.test.ts",
  "tests/browser_classic.test.ts",
  "tests/demo.test.ts",
  "tests/kernel_shim.test.ts",
  "tests/notebooks.test.ts",
  "tests/output_stress.test.ts",
];
/** Run one after another, alone: the grader's per-test time limits. */
const LATE = [
  "tests/homework_adversarial.test.ts",
  "tests/homework_grade.test.ts",
  "tests/homework_notebooks.test.ts",
  "tests/homework_release.test.ts",
  "tests/notebook_check.test.ts",
];

/** The steps above; resolves to the exit code. */
async function main(): Promise<number> {
  await Deno.remove(covDir, { recursive: true }).catch(() => {});
  for (const g of ["light", "browser", "timed"]) {
    await Deno.remove(`${build}/junit-${g}.xml`).catch(() => {});
  }
  await Deno.mkdir(build, { recursive: true });

  await prepareKernelspec();
  const started = performance.now();
  const group = (name: string, args: string[], log?: string) =>
    new Deno.Command(deno, {
      args: [
        "test",
        "-A",
        `--coverage=${covDir}/${name}`,
        `--junit-path=${build}/junit-${name}.xml`,
        ...args,
      ],
      cwd: root,
      stdout: log ? "piped" : "inherit",
      stderr: log ? "piped" : "inherit",
    }).output().then(async (out) => {
      if (log) {
        const text = new Uint8Array([...out.stdout, ...out.stderr]);
        await Deno.writeFile(log, text);
        console.log(`\n---- ${name} group (${relativePath(log)}) ----`);
        await Deno.stdout.write(text);
        console.log(`---- end of ${name} group ----\n`);
      }
      return out.code;
    });
  const missing = [...EARLY, ...LATE].filter((f) => !existsSync(`${root}/${f}`));
  if (missing.length > 0) throw new Error(`tools/test.ts: listed test files missing: ${missing}`);
  const separate = [...EARLY, ...LATE];
  const [browserCode, lightCode] = await Promise.all([
    group("browser", [...Deno.args, ...EARLY]),
    group("light", [
      "--parallel",
      "--doc",
      // A glob: Deno 2.9.6 ignores a plain path when another directory is listed before its own.
      `--ignore=${separate.map((f) => `**/${f}`).join(",")}`,
      ...Deno.args,
      "lib/",
      "grader/",
      "tests/",
      "tools/",
    ], `${build}/test-light.log`),
  ]);
  const light = await Deno.readTextFile(`${build}/junit-light.xml`).catch(() => "");
  const leaked = separate.filter((f) => light.includes(`"./${f}"`));
  if (leaked.length > 0) {
    throw new Error(`tools/test.ts: the light group ran files it must leave out: ${leaked}`);
  }
  const timedCode = await group("timed", [...Deno.args, ...LATE]);
  const test = { code: Math.max(browserCode, lightCode, timedCode) };
  const seconds = (performance.now() - started) / 1000;

  const parts = await Promise.all(
    ["light", "browser", "timed"].map((g) => readJunit(`${build}/junit-${g}.xml`)),
  );
  const counts = {
    total: parts.reduce((n, p) => n + p.total, 0),
    passed: parts.reduce((n, p) => n + p.passed, 0),
    failed: parts.reduce((n, p) => n + p.failed, 0),
    ignored: parts.reduce((n, p) => n + p.ignored, 0),
  };
  let failed = counts.failed;
  let passed = counts.passed;

  // Coverage of lib/ (doc-test snippets like lib/x.ts#12-20.ts are not source files), gated by
  // Deno's own threshold (lines, branches and functions); the lcov file is kept for tools.
  const coverageArgs = [
    "coverage",
    ...["light", "browser", "timed"].map((g) => `${covDir}/${g}`),
    `--include=^file://${escape(root)}/lib/`,
    "--exclude=\\.ts#",
  ];
  console.log(`\nCoverage of lib/ (threshold ${COVERAGE_FLOOR}%: lines, branches, functions):`);
  const gate = await new Deno.Command(deno, {
    args: [...coverageArgs, `--threshold=${COVERAGE_FLOOR}`],
    cwd: root,
    env: { NO_COLOR: "1" },
    stdout: "inherit",
    stderr: "inherit",
  }).output();
  await new Deno.Command(deno, {
    args: [...coverageArgs, "--lcov", `--output=${build}/coverage.lcov`],
    cwd: root,
    stdout: "null",
    stderr: "null",
  }).output();
  console.log(`coverage threshold: ${gate.code === 0 ? "ok" : "FAILED"}`);
  // The threshold is a gate only for the full run; a filtered run just reports.
  if (Deno.args.length === 0) gate.code === 0 ? passed++ : failed++;

  // Formatting and lint: one test each in the summary (of a full run).
  for (const check of [await fmtCheck(), await lintCheck(), await docLintCheck()]) {
    console.log(`\n${check.name}: ${check.ok ? "ok" : "FAILED"}`);
    for (const line of check.problems) console.log(`  ${line}`);
    if (Deno.args.length === 0) check.ok ? passed++ : failed++;
  }

  console.log(
    `\ndeno test exit code ${test.code}; ${counts.total} tests in ${seconds.toFixed(1)} s` +
      (counts.ignored ? `, ${counts.ignored} ignored` : ""),
  );
  if (test.code !== 0 && counts.failed === 0) {
    // deno test failed before or outside any test case (type error, crash): count it.
    console.log("deno test failed outside the test cases (type check or load error)");
    failed++;
  }
  console.log(`${passed} passed, ${failed} failed`);
  return failed === 0 && test.code === 0 ? 0 : 1;
}

/** Installs (or refreshes) the Deno kernelspec when Jupyter is there; the tests report otherwise. */
async function prepareKernelspec(): Promise<void> {
  const { findJupyter, installKernelspec } = await import("./kernelspec.ts");
  const jupyter = await findJupyter();
  if (!jupyter) return;
  try {
    const { dir } = await installKernelspec({ jupyter });
    console.log(`Deno kernelspec: ${dir}`);
  } catch (e) {
    console.log(`Deno kernelspec not installed (the notebook tests will say why): ${e}`);
  }
}

// Guarded: `deno test --doc tools/` loads this module and must not start a second test run.
if (import.meta.main) Deno.exit(await main());

/**
 * `deno fmt --check`: the files it would change (or its own error). Notebooks are checked apart
 * (deno.json excludes `**\/*.ipynb` from `fmt`): Deno 2.9.6's `fmt --check` reports every
 * notebook as unformatted even when `deno fmt` leaves it byte for byte the same, so a notebook
 * counts as formatted when `deno fmt` (same config) does not change a copy of it.
 */
async function fmtCheck() {
  const res = await quiet(["fmt", "--check"]);
  const files = [...res.output.matchAll(/^from (.+):$/gm)].map((m) => relativePath(m[1]));
  files.push(...await unformattedNotebooks());
  const problems = files.length > 0
    ? [...files.map((f) => `not formatted: ${f}`), "(fix: deno fmt <file>)"]
    : res.code !== 0
    ? tail(res.output)
    : [];
  return { name: "deno fmt --check", ok: res.code === 0 && files.length === 0, problems };
}

/** The notebooks (lessons and test fixtures) that `deno fmt` would change. */
async function unformattedNotebooks(): Promise<string[]> {
  const notebooks: string[] = [];
  for (const dir of ["notebooks", "tests/fixtures"]) {
    for await (const e of Deno.readDir(`${root}/${dir}`)) {
      if (e.isFile && e.name.endsWith(".ipynb")) notebooks.push(`${dir}/${e.name}`);
    }
  }
  const tmp = await Deno.makeTempDir({ prefix: "fmt-notebooks-" });
  try {
    const copies = notebooks.map((_, i) => `${tmp}/${i}.ipynb`);
    await Promise.all(notebooks.map((nb, i) => Deno.copyFile(`${root}/${nb}`, copies[i])));
    const res = await quiet(["fmt", `--config=${root}/deno.json`, ...copies]);
    if (res.code !== 0) {
      return [`(deno fmt of the notebooks failed: ${tail(res.output).join(" ")})`];
    }
    const changed: string[] = [];
    for (const [i, nb] of notebooks.entries()) {
      const [a, b] = await Promise.all([Deno.readFile(`${root}/${nb}`), Deno.readFile(copies[i])]);
      if (a.length !== b.length || a.some((v, k) => v !== b[k])) changed.push(nb);
    }
    return changed.sort();
  } finally {
    await Deno.remove(tmp, { recursive: true }).catch(() => {});
  }
}

/** `deno lint`: one line per diagnostic, `file:line  rule  message` (or its own error). */
async function lintCheck() {
  const res = await quiet(["lint", "--json"]);
  let problems: string[];
  try {
    const report = JSON.parse(res.stdout) as {
      diagnostics: {
        filename: string;
        range?: { start: { line: number } };
        code: string;
        message: string;
      }[];
      errors: { file_path: string; message: string }[];
    };
    problems = [
      ...report.diagnostics.map((d) =>
        `${relativePath(d.filename)}:${d.range?.start.line ?? 0}  ${d.code}  ${d.message}`
      ),
      ...report.errors.map((e) => `${relativePath(e.file_path)}  ${e.message}`),
    ];
  } catch {
    problems = res.code !== 0 ? tail(res.output) : [];
  }
  return { name: "deno lint", ok: res.code === 0, problems };
}

/**
 * `deno doc --lint` over the entry points in deno.json's "exports" (`lib/mod.ts` and the subpath
 * modules), linted together as a package is: every exported symbol documented, no exported
 * signature naming a type that no entry point exports.
 */
async function docLintCheck() {
  const config = JSON.parse(await Deno.readTextFile(`${root}/deno.json`));
  const res = await quiet(["doc", "--lint", ...Object.values<string>(config.exports)]);
  const problems = res.code === 0
    ? []
    : res.output.split("\n").filter((l) => /^error|-->/.test(l.trim())).map((l) =>
      l.trim().replace(`${root}/`, "")
    );
  return { name: "deno doc --lint (every entry point)", ok: res.code === 0, problems };
}

async function quiet(args: string[]) {
  const out = await new Deno.Command(deno, {
    args,
    cwd: root,
    env: { NO_COLOR: "1" },
    stdout: "piped",
    stderr: "piped",
  }).output();
  const dec = new TextDecoder();
  const stdout = dec.decode(out.stdout);
  return { code: out.code, stdout, output: stdout + dec.decode(out.stderr) };
}

function relativePath(file: string): string {
  return file.replace(/^file:\/\//, "").replace(`${root}/`, "");
}

function tail(text: string): string[] {
  return text.trim().split("\n").slice(-10);
}

async function readJunit(path: string) {
  let xml = "";
  try {
    xml = await Deno.readTextFile(path);
  } catch {
    return { total: 0, passed: 0, failed: 0, ignored: 0 };
  }
  // Count the test cases themselves rather than trusting summary attributes.
  const cases = xml.match(/<testcase\b[^>]*?(\/>|>[\s\S]*?<\/testcase>)/g) ?? [];
  let failed = 0, ignored = 0;
  for (const c of cases) {
    if (/<(failure|error)\b/.test(c)) failed++;
    else if (/<skipped\b/.test(c)) ignored++;
  }
  return { total: cases.length, passed: cases.length - failed - ignored, failed, ignored };
}

function escape(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}
